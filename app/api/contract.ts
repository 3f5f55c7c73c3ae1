// The typed API between the UI and the back end: each service is an interface of async methods plus
// `onDidX` events, and every method's arguments have a zod schema that the host checks at the boundary.
// The WebSocket host, the in-process host and Electron IPC all serve exactly this (see docs/api.md).
import { z } from 'zod';
import { datasetBindingSchema } from '../data/binding.ts';
import { blockSchema, graphSchema } from '../graph/schema.ts';
import { blockDefinitionSchema, type SavedBlock } from '../project/blockFile.ts';
import { projectSchema } from '../project/schema.ts';
import { importedWeightsSchema } from '../project/importedWeights.ts';
import { trainingConfigSchema } from '../training/config.ts';
import { runQuerySchema } from '../store/runQuery.ts';
import { strategyNames } from '../tuning/strategies.ts';
import type { Event } from './events.ts';
import type { TradeoffReport } from '../training/tradeoffs.ts';
import type { PruneOutcome } from '../training/pruning.ts';
import { ensembleMethodSchema, type EnsembleOutcome } from '../store/ensemble.ts';
import type {
  ActiveRun, AugmentPreview, BuiltinDataset, DataCheck, DatasetInspection, GeneratedCodeResult, GraphAnalysis, ImageClassGrid, ImportedDataset,
  KerasJsonResult, LeaderboardEntry, ModelArchive, ModelExportResult, OpenedProject, PredictorInfo, PredictResult, ProjectDocument,
  RecentProject, RecoveryCopy, RunChange, RunComparison, RunDetail, RunPage, SavedProject, SweepChange, SweepDetail, SweepInfo,
  SweepProgress, TemplateSummary, TestImage, TestRowSample, TrainingOutcome, TrainingProgress, TrainingStarted, EngineBackends,
} from './types.ts';

export type * from './types.ts';
export type { Event, Disposable } from './events.ts';
export { runQuerySchema } from '../store/runQuery.ts';

// ------------------------------------------------------------------ shared argument schemas

const MB = 1024 * 1024;

/** Requests up to this size are accepted by every method. */
export const defaultMaxRequestBytes = 8 * MB;
/** Methods that carry a file's contents (uploads, whole projects, images) accept up to this size. */
export const uploadMaxRequestBytes = 64 * MB;
/** The largest image set one upload may hold (its files summed; a zip's unpacked sizes): 512 MB, 50,000 files. */
export const maxImageUploadBytes = 512 * MB;
export const maxImageUploadFiles = 50_000;

/**
 * A file the caller names: a path for the CLI's in-process host; a name inside the workspace (web host) or
 * a handle from a native dialog (desktop) for a page. The host's file policy checks it (main/files/fileAccess.ts).
 */
const path = z.string().trim().min(1, 'a file name is needed').max(4096);
const imageOptionsSchema = z.strictObject({
  width: z.number().int().min(1).max(4096).optional(),
  height: z.number().int().min(1).max(4096).optional(),
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
});
const uploadFileName = z.string().trim().min(1).max(255);
const runId = z.number().int().positive();
const sweepId = z.number().int().positive();
const parallel = z.number().int().min(1).max(64);
/** A project as the training, check and export methods need it; a whole ProjectDocument fits too. */
export const projectInputSchema = z.object({
  name: z.string().max(200).optional(),
  graph: graphSchema,
  dataset: datasetBindingSchema.nullable().default(null),
  training: trainingConfigSchema.nullable().default(null),
  /** Weights imported with the model, in a folder beside the project file at `path` (app/project/importedWeights.ts). */
  weights: importedWeightsSchema.optional(),
  /** The project file on the host; relative data paths in the binding are resolved against its folder. */
  path: z.string().max(4096).nullable().optional(),
});
export type ProjectInput = z.input<typeof projectInputSchema>;

const tags = z.union([z.string().min(1).max(100), z.array(z.string().min(1).max(100)).min(1).max(100)]);

export const csvImportOptionsSchema = z.strictObject({
  /** `table` (columns of numbers and categories) or `text` (a text column and a label column). */
  kind: z.enum(['table', 'text']).optional(),
  target: z.string().optional(),
  /** Text data: the column holding the sentences. */
  textColumn: z.string().optional(),
});

export const codeOptionsSchema = z.strictObject({
  language: z.enum(['js', 'ts', 'python', 'pytorch']),
  runtime: z.enum(['tfjs-node', 'tfjs']).optional(),
  distributed: z.boolean().optional(),
  multiWorker: z.boolean().optional(),
  modelDir: z.string().max(4096).optional(),
});

export const modelExportOptionsSchema = z.strictObject({
  /** `onnx`: model.onnx checked with ONNX Runtime (full-precision weights: no quantization). */
  format: z.enum(['tfjs-layers', 'keras-json', 'onnx']).default('tfjs-layers'),
  /** Folder on the host to write to; default: a new folder beside the run's saved model. */
  outputDir: z.string().max(4096).optional(),
  /** Weight quantization (tfjs-layers only): smaller files; the accuracy change is measured on the test split. */
  quantize: z.enum(['none', 'float16', 'uint8']).default('none'),
});

const cell = z.union([z.string().max(100_000), z.number(), z.boolean(), z.null()]);
export const predictInputSchema = z.discriminatedUnion('kind', [
  /** Raw rows as a user types them: column name → value. */
  z.strictObject({ kind: z.literal('rows'), rows: z.array(z.record(z.string(), cell)).min(1).max(10_000) }),
  /** Sentences for a text model. */
  z.strictObject({ kind: z.literal('text'), texts: z.array(z.string().max(100_000)).min(1).max(10_000) }),
  /** PNG or JPEG files, base64-encoded. */
  z.strictObject({ kind: z.literal('images'), images: z.array(z.string().min(1)).min(1).max(256) }),
]);
export type PredictInput = z.input<typeof predictInputSchema>;

// ------------------------------------------------------------------ the method schemas, by service

/**
 * Every method's argument list as a zod tuple, and every event's name. The host validates each request
 * against these before a service sees it; `maxBytes` raises a method's request size limit.
 */
export const apiContract = {
  projects: {
    methods: {
      listTemplates: { args: z.tuple([]) },
      /** A new, unsaved project from a template, already bound to its dataset and laid out. */
      newFromTemplate: { args: z.tuple([z.string().min(1), z.strictObject({ name: z.string().max(200).optional() }).optional()]) },
      newBlank: { args: z.tuple([z.string().max(200).optional()]) },
      /** Opens a `.mwproj` project, or a Keras / TF.js model JSON as a new project, from the host's disk. */
      open: { args: z.tuple([path]) },
      /** Saves atomically (the old file survives any failure) and adds the file to the recent list. */
      save: { args: z.tuple([path, projectSchema]), maxBytes: uploadMaxRequestBytes },
      /** Like save, but refuses (code `exists`) to replace an existing file unless `overwrite` is set. */
      /** `weightsFrom`: the file the project was opened from; its imported weights folder is copied beside the new file. */
      saveAs: { args: z.tuple([path, projectSchema, z.strictObject({ overwrite: z.boolean().optional(), weightsFrom: path.optional() }).optional()]), maxBytes: uploadMaxRequestBytes },
      listRecent: { args: z.tuple([]) },
      forgetRecent: { args: z.tuple([path]) },
      /** Keeps a copy of unsaved work so a crash loses nothing; call it on every edit (it is cheap). */
      saveRecovery: { args: z.tuple([projectSchema, z.string().max(4096).nullable().optional()]), maxBytes: uploadMaxRequestBytes },
      loadRecovery: { args: z.tuple([]) },
      clearRecovery: { args: z.tuple([]) },
      /** Imports a Keras / TF.js model JSON (or a project) given as text, e.g. an uploaded file. */
      importModelText: { args: z.tuple([z.string().min(1), z.string().max(200).optional()]), maxBytes: uploadMaxRequestBytes },
      /**
       * Imports a trained TF.js layers model folder with its weights (model.json + .bin files, base64; a folder common
       * to all is dropped): stored in the workspace, checked, written as a project with its weights folder beside it.
       */
      importModelFiles: {
        args: z.tuple([uploadFileName, z.array(z.strictObject({ path: z.string().min(1).max(1024), data: z.base64() })).min(1).max(10_001)]),
        maxBytes: uploadMaxRequestBytes,
      },
      /** "My blocks": the newest version of each block saved in the studio's data folder (docs/blocks.md). */
      listBlocks: { args: z.tuple([]) },
      /** Saves a block under a name for reuse in any project; a name saved before gets the next version. */
      saveBlock: { args: z.tuple([blockDefinitionSchema, blockSchema]), maxBytes: uploadMaxRequestBytes },
    },
    events: [],
  },
  catalog: {
    methods: {
      /** Shapes, parameter counts and plain-language errors; the renderer may also call app/graph/analyze directly. */
      validate: { args: z.tuple([graphSchema]) },
    },
    events: [],
  },
  datasets: {
    methods: {
      listBuiltins: { args: z.tuple([]) },
      inspect: {
        args: z.tuple([datasetBindingSchema, z.strictObject({
          projectPath: z.string().max(4096).nullable().optional(),
          previewRows: z.number().int().min(0).max(1000).optional(),
        }).optional()]),
      },
      /** Stores an uploaded CSV/TSV (browser mode has no paths) on the host and inspects it. */
      importCsvText: { args: z.tuple([z.string().min(1).max(255), z.string(), csvImportOptionsSchema.optional()]), maxBytes: uploadMaxRequestBytes },
      importCsvPath: { args: z.tuple([path, csvImportOptionsSchema.optional()]) },
      /** A folder with one subfolder of PNG/JPEG images per class. */
      importImageFolder: { args: z.tuple([path, imageOptionsSchema.optional()]) },
      /** Uploaded images (`class/file.png`, base64; a top folder common to all is dropped) stored as a new folder of the workspace, then imported. */
      importImageFiles: {
        args: z.tuple([uploadFileName, z.array(z.strictObject({ path: z.string().min(1).max(1024), data: z.base64() })).min(1).max(50_000), imageOptionsSchema.optional()]),
        maxBytes: uploadMaxRequestBytes,
      },
      /** An uploaded zip of class folders (base64), unpacked into a new folder of the workspace, then imported. */
      importImageZip: { args: z.tuple([uploadFileName, z.base64().min(1), imageOptionsSchema.optional()]), maxBytes: uploadMaxRequestBytes },
      /**
       * An image dataset (a folder, or built-in MNIST) by class: counts and the first `perClass` (default 24,
       * in training's order) images of each class as small PNGs.
       */
      imageClasses: {
        args: z.tuple([datasetBindingSchema, z.strictObject({
          projectPath: z.string().max(4096).nullable().optional(),
          perClass: z.number().int().min(0).max(200).optional(),
        }).optional()]),
      },
      /**
       * A few training images of an image dataset (the training split of these settings, one class after
       * another), each with `variants` augmented versions made by the trainer's own transforms
       * (app/data/augment.ts) with the settings' `augment` and seed. A DataError for data that are not images.
       */
      augmentPreview: {
        args: z.tuple([datasetBindingSchema, trainingConfigSchema, z.strictObject({
          projectPath: z.string().max(4096).nullable().optional(),
          images: z.number().int().min(1).max(12).optional(),
          variants: z.number().int().min(1).max(8).optional(),
        }).optional()]),
      },
      /**
       * Adds images (`class/file.png`, base64) to an image folder uploaded into the workspace: the next chunk
       * of a large upload, or webcam captures for a class. Names already there get "name (2).png". Then imported.
       */
      addImages: {
        args: z.tuple([path, z.array(z.strictObject({ path: z.string().min(1).max(1024), data: z.base64() })).min(1).max(50_000), imageOptionsSchema.optional()]),
        maxBytes: uploadMaxRequestBytes,
      },
      /** Deletes one image (`class/file.png`) from an image folder uploaded into the workspace; an emptied class folder goes too. */
      removeImage: { args: z.tuple([path, z.string().min(1).max(1024)]) },
      /**
       * Deletes a whole image folder uploaded into the workspace (`uploads/<name>`, nothing else): what a
       * cancelled or failed upload in chunks had written so far.
       */
      discardImageFolder: { args: z.tuple([path]) },
      /** Does the graph fit its data? Messages plus fixes the UI can apply with a click. */
      check: { args: z.tuple([projectInputSchema]) },
    },
    events: [],
  },
  training: {
    methods: {
      /**
       * Starts training the project and records the run in the experiment history. Resolves once the trainer
       * has loaded its backend and data (the run record carries the backend really used). A run that fails
       * before that is still recorded (as failed); start() then rejects with the reason and `onDidFinish` fires.
       * Events for the run may arrive before start() resolves.
       */
      start: {
        args: z.tuple([projectInputSchema, z.strictObject({
          runName: z.string().max(200).optional(),
          tags: z.array(z.string().min(1).max(100)).max(100).optional(),
          /** Warm start: layers whose name and weight shapes match take this run's saved weights; the run records it as its parent. */
          warmStartRunId: runId.optional(),
        }).optional()]),
      },
      /**
       * Continues an interrupted or failed run (its trainer or host was killed) from its last training
       * checkpoint for its remaining epochs, as the same run; resolves like start(). The optimizer's state is not restored.
       */
      resume: { args: z.tuple([runId]) },
      /** Ends the run after the current batch, keeping what it learned so far (status `stopped`). */
      stop: { args: z.tuple([runId]) },
      listActive: { args: z.tuple([]) },
      /** The training backends this machine can start and the GPU adapter found (Settings' backend choice). */
      backends: { args: z.tuple([]) },
    },
    events: ['onDidStart', 'onDidProgress', 'onDidFinish'],
  },
  runs: {
    methods: {
      list: { args: z.tuple([runQuerySchema.optional()]) },
      get: { args: z.tuple([runId]) },
      /** 2–6 runs: aligned curves, settings and data differences, architecture diffs, test metrics. */
      compare: { args: z.tuple([z.array(runId).min(2, 'choose at least 2 runs to compare').max(6, 'compare at most 6 runs at a time')]) },
      rename: { args: z.tuple([runId, z.string().trim().min(1, 'a run name cannot be empty').max(200)]) },
      tag: { args: z.tuple([runId, tags]) },
      untag: { args: z.tuple([runId, tags]) },
      setNote: { args: z.tuple([runId, z.string().max(100_000)]) },
      /** Deletes the run and the model files the history owns. */
      delete: { args: z.tuple([runId]) },
      /** All matching runs as CSV text. */
      exportCsv: { args: z.tuple([runQuerySchema.optional()]) },
      leaderboard: {
        args: z.tuple([z.string().min(1), z.strictObject({
          scope: z.enum(['best', 'final', 'test']).optional(),
          direction: z.enum(['asc', 'desc']).optional(),
          limit: z.number().int().min(1).max(10_000).optional(),
          project: z.string().optional(),
          dataset: z.string().optional(),
        }).optional()]),
      },
      metricNames: { args: z.tuple([]) },
      /** A new, unsaved project holding the run's graph, data binding and settings: "open this run's graph". */
      openGraph: { args: z.tuple([runId]) },
    },
    events: ['onDidChange'],
  },
  sweeps: {
    methods: {
      /**
       * Records a sweep over the project's settings and starts its trials (see docs/tuning.md); resolves once
       * it is recorded, with its id. The space is checked against the project first (code `invalid-argument`,
       * the message naming the setting). Each trial is a run in the history; progress arrives as events.
       */
      start: {
        args: z.tuple([projectInputSchema, z.strictObject({
          /** Setting path → {"choice": [...]} | {"uniform": [lo, hi]} | {"logUniform": [lo, hi]} | {"int": [lo, hi]}. */
          space: z.record(z.string().min(1).max(300), z.unknown()),
          strategy: z.enum(strategyNames).default('random'),
          trials: z.number().int().min(1).max(1000),
          /** Epochs per trial; default the project's. */
          epochs: z.number().int().min(1).max(100_000).optional(),
          /** The epoch metric trials are ranked on; default `val_loss`. */
          metric: z.string().min(1).max(100).optional(),
          seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
          /** Trainers at once; default the cores but one. */
          parallel: parallel.optional(),
          name: z.string().max(200).optional(),
        })]),
      },
      /** Stops the running trials after their current batch and starts no more (status `stopped`; resume goes on). */
      stop: { args: z.tuple([sweepId]) },
      /** Goes on with a stopped or interrupted sweep, keeping its finished trials. */
      resume: { args: z.tuple([sweepId, z.strictObject({ parallel: parallel.optional() }).optional()]) },
      /** Sweeps, newest first; of one project when given. */
      list: { args: z.tuple([z.strictObject({ project: z.string().max(200).optional() }).optional()]) },
      /** A sweep with its trials (settings, status, score, test metrics) and the best so far. */
      get: { args: z.tuple([sweepId]) },
    },
    events: ['onDidChange', 'onDidProgress'],
  },
  export: {
    methods: {
      /** The training program for the project: JavaScript, TypeScript or Python. */
      code: { args: z.tuple([projectInputSchema, codeOptionsSchema]) },
      /** The graph as Keras / TF.js model JSON (architecture only). */
      kerasJson: { args: z.tuple([graphSchema, z.string().max(200).optional()]) },
      /** Exports a run's trained model and verifies the export; `not-available` until that module exists. */
      model: { args: z.tuple([runId, modelExportOptionsSchema.optional()]) },
      /** An exported model folder (the `dir` of model()) as a zip, for a download from the page. */
      archive: { args: z.tuple([path]) },
      /**
       * The trade-off view of a run (docs/compression.md): the original, its float16/uint8 quantizations, its
       * pruned children and the ensembles it is in, with test metric, size raw/gzipped and latency per sample.
       */
      tradeoffs: { args: z.tuple([runId]) },
      /**
       * Fuses 2–20 trained runs that share their data and split into one model (docs/ensembles.md): evaluated on
       * their test split, recorded as a run of kind `ensemble`, exported as one verified TF.js layers model.
       */
      ensemble: {
        args: z.tuple([z.array(runId).min(2, 'an ensemble needs at least 2 runs').max(20), z.strictObject({
          method: ensembleMethodSchema.default('average'),
          name: z.string().max(200).optional(),
        }).optional()]),
      },
      /**
       * Prunes a trained run as `modelwright prune` does (docs/compression.md): its Dense and convolution kernels
       * to the sparsity with a short fine-tune, recorded as a child run of kind `prune`; resolves when it ends.
       */
      prune: {
        args: z.tuple([runId, z.strictObject({
          sparsity: z.number().gt(0, 'the sparsity must be more than 0 (e.g. 0.8 for 80% zeros)').lt(1, 'the sparsity must be less than 1 (e.g. 0.8 for 80% zeros)'),
          epochs: z.number().int('the fine-tune epochs must be a whole number').min(1, 'fine-tune at least 1 epoch').max(1000, 'fine-tune at most 1000 epochs').optional(),
        })]),
      },
    },
    events: [],
  },
  predict: {
    methods: {
      /** What a run's model takes as input, to build the "Try it" form. */
      describe: { args: z.tuple([runId]) },
      predict: { args: z.tuple([runId, predictInputSchema]), maxBytes: uploadMaxRequestBytes },
      /**
       * Row `index` (default 0; wraps around) of the run's own test split, raw as in its data, for the Try it
       * form. Table and text data only; a run whose data cannot be read again says why (code `failed`).
       */
      testSample: { args: z.tuple([runId, z.strictObject({ index: z.number().int().min(0).optional() }).optional()]) },
      /** Test images of an image model's run (by position in its test split) as small PNGs; positions past the end are left out. */
      testImages: { args: z.tuple([runId, z.array(z.number().int().min(0)).max(200)]) },
    },
    events: [],
  },
} as const;

export type ServiceName = keyof typeof apiContract;
export const serviceNames = Object.keys(apiContract) as ServiceName[];

// ------------------------------------------------------------------ the service interfaces

/** What each method resolves to, by service; its arguments are what apiContract's schema for it accepts. */
interface ApiResults {
  projects: {
    listTemplates: TemplateSummary[];
    newFromTemplate: ProjectDocument;
    newBlank: ProjectDocument;
    open: OpenedProject;
    save: SavedProject;
    saveAs: SavedProject;
    listRecent: RecentProject[];
    forgetRecent: void;
    saveRecovery: void;
    loadRecovery: RecoveryCopy | null;
    clearRecovery: void;
    importModelText: OpenedProject;
    importModelFiles: OpenedProject;
    listBlocks: SavedBlock[];
    saveBlock: SavedBlock;
  };
  catalog: {
    validate: GraphAnalysis;
  };
  datasets: {
    listBuiltins: BuiltinDataset[];
    inspect: DatasetInspection;
    importCsvText: ImportedDataset;
    importCsvPath: ImportedDataset;
    importImageFolder: ImportedDataset;
    importImageFiles: ImportedDataset;
    importImageZip: ImportedDataset;
    imageClasses: ImageClassGrid;
    augmentPreview: AugmentPreview;
    addImages: ImportedDataset;
    removeImage: void;
    discardImageFolder: void;
    check: DataCheck;
  };
  training: {
    start: TrainingStarted;
    resume: TrainingStarted;
    stop: void;
    listActive: ActiveRun[];
    backends: EngineBackends;
  };
  sweeps: {
    start: SweepInfo;
    stop: void;
    resume: SweepInfo;
    list: SweepInfo[];
    get: SweepDetail;
  };
  runs: {
    list: RunPage;
    get: RunDetail;
    compare: RunComparison;
    rename: void;
    tag: void;
    untag: void;
    setNote: void;
    delete: { deletedFiles: string[]; keptFiles: string[] };
    exportCsv: string;
    leaderboard: LeaderboardEntry[];
    metricNames: string[];
    openGraph: ProjectDocument;
  };
  export: {
    code: GeneratedCodeResult;
    kerasJson: KerasJsonResult;
    model: ModelExportResult;
    archive: ModelArchive;
    tradeoffs: TradeoffReport;
    ensemble: EnsembleOutcome;
    prune: PruneOutcome;
  };
  predict: {
    describe: PredictorInfo;
    predict: PredictResult;
    testSample: TestRowSample;
    testImages: TestImage[];
  };
}

/** What each event carries, by service (the names are apiContract's event lists). */
interface ApiEventData {
  projects: Record<never, never>;
  catalog: Record<never, never>;
  datasets: Record<never, never>;
  training: {
    onDidStart: TrainingStarted;
    /** Batch events (throttled to what a chart can draw) and every epoch event. */
    onDidProgress: TrainingProgress;
    onDidFinish: TrainingOutcome;
  };
  runs: { onDidChange: RunChange };
  sweeps: {
    onDidChange: SweepChange;
    /** Every epoch of every trial. */
    onDidProgress: SweepProgress;
  };
  export: Record<never, never>;
  predict: Record<never, never>;
}

type MethodSpecs<S extends ServiceName> = (typeof apiContract)[S]['methods'];
type EventNames<S extends ServiceName> = (typeof apiContract)[S]['events'][number];
/** Compiles only when T has every key of U: every method has its result type, every event its data. */
type Covers<T extends U, U> = T;
type _ResultsCoverMethods = Covers<ApiResults, { [S in ServiceName]: Record<keyof MethodSpecs<S>, unknown> }>;
type _DataCoversEvents = Covers<ApiEventData, { [S in ServiceName]: Record<EventNames<S>, unknown> }>;

/** A method's argument list: what its schema accepts (`input`) or gives after parsing (`output`). */
type ArgsOf<Spec, Side extends 'input' | 'output'> = Spec extends { args: infer A extends z.ZodType }
  ? (Side extends 'input' ? z.input<A> : z.output<A>) extends infer L extends unknown[] ? L : never
  : never;

type ServiceOf<S extends ServiceName, Side extends 'input' | 'output'> = {
  [M in keyof MethodSpecs<S>]: (...args: ArgsOf<MethodSpecs<S>[M], Side>) => Promise<ApiResults[S][M & keyof ApiResults[S]]>;
} & {
  readonly [E in EventNames<S>]: Event<ApiEventData[S][E & keyof ApiEventData[S]]>;
};

/**
 * A service as callers see it, derived from the contract: each method takes what its argument schema
 * accepts (defaults may be left out) and resolves to its result; each event carries its data.
 */
export type ApiService<S extends ServiceName> = ServiceOf<S, 'input'>;

/**
 * A service as a host implements it: the RPC server calls each method with its arguments as the schema
 * parsed them (defaults filled in), so a project's graph arrives as a Graph. In-process callers of a
 * ServiceHost go through the same types.
 */
export type Service<S extends ServiceName> = ServiceOf<S, 'output'>;

export type ProjectsService = Service<'projects'>;
export type CatalogService = Service<'catalog'>;
export type DatasetsService = Service<'datasets'>;
export type TrainingService = Service<'training'>;
export type RunsService = Service<'runs'>;
export type SweepsService = Service<'sweeps'>;
export type ExportService = Service<'export'>;
export type PredictService = Service<'predict'>;

/** Every service a host implements (RpcServer serves it; the client side sees it as ModelwrightApi). */
export type ModelwrightServices = { [S in ServiceName]: Service<S> };

/** Everything the UI can ask of the back end: the host object the renderer is built against. */
export type ModelwrightApi = { [S in ServiceName]: ApiService<S> };

/** True for names that are events (`onDidX`, `onWillX`), false for methods. */
export function isEventName(name: string): boolean {
  return /^on(Did|Will)[A-Z]/.test(name);
}

/** The method's schema entry, or undefined when the service or method does not exist. */
export function methodSpec(service: string, method: string): { args: z.ZodType; maxBytes?: number } | undefined {
  if (!Object.hasOwn(apiContract, service)) return undefined;
  const methods = apiContract[service as ServiceName].methods as Record<string, { args: z.ZodType; maxBytes?: number }>;
  return Object.hasOwn(methods, method) ? methods[method] : undefined;
}

/**
 * A service's method or event by a name known only at run time (a request's method, the contract's event
 * lists): how the RPC server and the desktop bridge reach the typed services without casting them.
 */
export function serviceMember(api: { readonly [S in ServiceName]: object }, service: ServiceName, name: string): unknown {
  const target: object = api[service];
  return (target as Record<string, unknown>)[name];
}

/** The request size limit of a method (the default for unknown ones). */
export function maxRequestBytes(service: string, method: string): number {
  return methodSpec(service, method)?.maxBytes ?? defaultMaxRequestBytes;
}
