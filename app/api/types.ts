// Result types of the API contract: plain JSON objects only (no classes, Maps, typed arrays or
// functions), so every transport can carry them unchanged. Most reuse the core modules' own types.
import type { DatasetBinding } from '../data/binding.ts';
import type { BoundData, ReadinessProblem } from '../training/readiness.ts';
import type { Prediction } from '../data/preprocess.ts';
import type { ColumnRole, ColumnType, Task } from '../data/schema.ts';
import type { ModelFileKind } from '../project/load.ts';
import type { ProjectDocument } from '../project/schema.ts';
import type { ProgressEvent } from '../training/progress.ts';
import type { TrainingResult } from '../training/protocol.ts';

export type { ProjectDocument } from '../project/schema.ts';
export type { DatasetBinding } from '../data/binding.ts';
export type { BoundData, FixAction, ModelFix, Readiness, ReadinessProblem } from '../training/readiness.ts';
export type { Prediction } from '../data/preprocess.ts';
export type { ProgressEvent, BatchProgress, EpochProgress } from '../training/progress.ts';
export type { TrainingConfig } from '../training/config.ts';
export type { Graph, GraphAnalysis, GraphError } from '../graph/types.ts';
export type {
  RunSummary, RunDetail, RunPage, RunQuery, RunSort, RunComparison, LeaderboardEntry, MetricScope, RunStatus,
} from '../store/types.ts';
export type { TradeoffReport, TradeoffRow } from '../training/tradeoffs.ts';
export type { PruneOutcome } from '../training/pruning.ts';
export type { EnsembleMethod, EnsembleOutcome } from '../store/ensemble.ts';

// ------------------------------------------------------------------ projects

export interface TemplateSummary {
  id: string;
  title: string;
  description: string;
  /** The dataset the template is bound to, e.g. `builtin:iris`. */
  datasetSource: string;
  task: DatasetBinding['task'];
  layerCount: number;
}

export interface OpenedProject {
  /** Where the document lives on the host's disk; null for an import from text (not saved yet). */
  path: string | null;
  document: ProjectDocument;
  /** What the file was: a project, or a Keras / TF.js model turned into one. */
  kind: ModelFileKind;
  /** What an import could not carry over exactly (empty for projects). */
  warnings: string[];
}

export interface SavedProject {
  /** Absolute path written. */
  path: string;
  /** The document as saved (its `modifiedAt` updated). */
  document: ProjectDocument;
}

export interface RecentProject {
  path: string;
  name: string;
  /** ISO time it was last opened or saved. */
  openedAt: string;
  /** False when the file has since been moved or deleted. */
  exists: boolean;
}

export interface RecoveryCopy {
  document: ProjectDocument;
  /** The file the unsaved work belongs to, if it had been saved before. */
  path: string | null;
  savedAt: string;
}

// ------------------------------------------------------------------ datasets

export interface BuiltinDataset {
  id: string;
  title: string;
  description: string;
  kind: 'table' | 'text' | 'images';
  task: 'classification' | 'regression';
  rows: number;
  columns: string[];
  defaultTarget: string;
  textColumn?: string;
  image?: { width: number; height: number; channels: 1 | 3 };
  origin: string;
}

export interface ColumnSummary {
  name: string;
  role: ColumnRole;
  /** The type used (the binding's override, else the inferred one). */
  type: ColumnType;
  inferredType: ColumnType;
  /** Empty or missing cells. */
  missing: number;
  /** Distinct non-missing values (capped at 1000). */
  distinct: number;
}

export interface DatasetInspection {
  /** The binding as the pipeline uses it: defaults (and a built-in's kind, target, sizes) filled in. */
  binding: DatasetBinding;
  kind: 'table' | 'text' | 'images';
  task: Task | null;
  /** Rows (or images) in the source, before any are dropped. */
  rows: number;
  /** Rows that training would use (after dropping incomplete ones); null when the data cannot be prepared. */
  usableRows: number | null;
  /** Table and text data only; empty for images. */
  columns: ColumnSummary[];
  /** The first rows as text, for a table preview (images: file label pairs are not listed). */
  preview: { columns: string[]; rows: string[][] };
  /** Rows per class (classification), in class order; null otherwise. */
  classCounts: Record<string, number> | null;
  classes: string[] | null;
  /** What the model's Input layer must take and its output layer give, when the data can be prepared. */
  inputShape: number[] | null;
  outputUnits: number | null;
  /** Plain sentences: missing values, one class only, too few rows, and anything the loader noticed. */
  warnings: string[];
  /** Why the data cannot be used for training as bound, when it cannot (the preview may still be filled). */
  error: string | null;
}

export interface ImportedDataset {
  /** A binding that points at the imported data on the host (use it as the project's dataset). */
  binding: DatasetBinding;
  inspection: DatasetInspection;
}

export interface DataCheck {
  /** Ready to train: the readiness check (app/training/readiness.ts) found nothing of severity `error`. */
  ok: boolean;
  /** The readiness check's problems against this data, each naming its layer, with one-click fixes. */
  problems: ReadinessProblem[];
  /** What the data needs, when it could be prepared. */
  data: BoundData | null;
  /** Why the data could not be checked (no data, unreadable data); `problems` then covers the graph alone. */
  error: string | null;
}

// ------------------------------------------------------------------ training

export interface TrainingStarted {
  runId: number;
  name: string;
  /** The backend actually in use (`tensorflow`, `webgpu`, `wasm`, `cpu`). */
  backend: string;
  /** Backends tried first and why they did not load. */
  tried: { backend: string; error: string }[];
  /** With backend `auto`: what was measured on this model and why this backend won (one line). */
  backendChoice?: string;
  /** Threads the backend computes with (wasm: its pool size; cpu: 1); absent for tensorflow and webgpu. */
  threads?: number;
  loss: string;
  lossExplanation: string;
  trainSamples: number;
  validationSamples: number;
  testSamples: number;
  warnings: string[];
  /** A warm-started run: the run it started from, the layers that took its weights and those that did not, with why. */
  warmStart?: { fromRunId: number; layers: string[]; skipped: { name: string; reason: string }[] };
  /** A run of a project with imported weights: their folder, the layers initialized from them and those that start fresh. */
  importedWeights?: { folder: string; layers: string[]; skipped: { name: string; reason: string }[] };
}

/** One training backend on this machine: whether it can start, and why (not) in one line. */
export interface BackendAvailability {
  backend: string;
  available: boolean;
  reason?: string;
}

/** The engine's backends and the GPU adapter WebGPU found (vendor/architecture/device/description as the adapter reports them). */
export interface EngineBackends {
  backends: BackendAvailability[];
  /**
   * The cores of the computer that trains (the server's, under `modelwright serve`): `count`, and
   * `studioDefault`, what a run from the studio uses when its settings name none (all but one).
   */
  cores: { count: number; studioDefault: number };
  gpu: {
    found: boolean;
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    /** A software renderer (Mesa's lavapipe/llvmpipe): WebGPU on the CPU, not a graphics card. */
    software?: boolean;
    /** One line: the adapter ("llvmpipe … (mesa, software: a CPU, not a GPU)") or why there is none. */
    summary: string;
  };
}

export interface TrainingProgress {
  runId: number;
  event: ProgressEvent;
}

/** How a run ended: the trainer's result with the run's id in the experiment store. */
export type TrainingOutcome = Omit<TrainingResult, 'runId'> & { runId: number };

export interface ActiveRun {
  runId: number;
  name: string;
  project: string | null;
  startedAt: string;
  backend: string;
  /** The most recent progress event, so a reconnecting UI can redraw the bar at once. */
  lastProgress: ProgressEvent | null;
}

export interface RunChange {
  runId: number;
  change: 'created' | 'updated' | 'finished' | 'deleted';
}

// ------------------------------------------------------------------ sweeps

export type { SweepDetail, SweepInfo, SweepStatus, SweepTrial, TrialStatus } from '../tuning/types.ts';
export type { TrialSettings } from '../tuning/space.ts';

/** Something happened in a sweep: re-read it with `sweeps.get`. */
export interface SweepChange {
  sweepId: number;
  change: 'created' | 'trial-started' | 'trial-finished' | 'finished';
  /** 0-based trial, for trial changes. */
  trial?: number;
  runId?: number;
}

/** One epoch of one trial (batch events are not sent for sweeps). */
export interface SweepProgress {
  sweepId: number;
  trial: number;
  runId: number;
  epoch: number;
  epochs: number;
  logs: Record<string, number | null>;
}

// ------------------------------------------------------------------ export

export interface GeneratedCodeResult {
  code: string;
  /** A file name that suits the language: train.mjs, train.ts, train.py. */
  fileName: string;
  language: 'js' | 'ts' | 'python' | 'pytorch';
  warnings: string[];
}

export interface KerasJsonResult {
  /** TF.js `model.toJSON()` / Keras `model.to_json()` text. */
  json: string;
  fileName: string;
}

export interface ModelExportResult {
  /** Folder written on the host. */
  dir: string;
  files: { path: string; sizeBytes: number }[];
  format: string;
  /** Whether the exported model reproduced the trained model's outputs, and how closely. */
  verification: {
    passed: boolean;
    maxAbsDiff: number | null;
    samples: number;
    message: string;
    /** The test metric of the trained model and of the exported files (quantization may move it). */
    metric: { name: string; before: number | null; after: number | null; change: number | null } | null;
  } | null;
  warnings: string[];
}

/** An export folder packed for a download. */
export interface ModelArchive {
  fileName: string;
  /** The zip file, base64-encoded. */
  base64: string;
  sizeBytes: number;
}

// ------------------------------------------------------------------ predict

export interface PredictorFeature {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Categorical features: the values the model knows. */
  categories?: string[];
}

export interface PredictorInfo {
  runId: number;
  kind: 'table' | 'text' | 'image';
  task: Task;
  /** Table models: one form field per feature column. */
  features: PredictorFeature[];
  /** Text models: the column the sentence goes in. */
  textColumn: string | null;
  image: { width: number; height: number; channels: 1 | 3 } | null;
  classes: string[] | null;
  backend: string;
}

/** One row of a run's own test split, raw as in the data, to fill the Try it form with a real example. */
export interface TestRowSample {
  runId: number;
  /** Position in the test split (0-based) and how many test rows there are. */
  index: number;
  count: number;
  /** Table models: the feature columns' cells as in the file (column → text). */
  row: Record<string, string> | null;
  /** Text models: the sentence. */
  text: string | null;
  /** What the row really is: its class or value as in the data; null without a target. */
  actual: string | null;
  /** The column that holds `actual`. */
  targetColumn: string | null;
  /** Image models: the test image as the model sees it (its size and channels), a base64 PNG. */
  image?: string | null;
}

/** Test images of a run as small pictures, for the confusion drill-down and the worst predictions. */
export interface TestImage {
  /** Position in the test split (as TestSample.index). */
  index: number;
  /** A base64 PNG at the model's size, at most 96 pixels on a side. */
  image: string;
}

/** One picture in the Data panel's class grid. */
export interface ImageThumb {
  /** `class/file.png` inside the folder (what removeImage takes); `#n` for a built-in dataset. */
  name: string;
  /** A base64 PNG at the model's size, at most 64 pixels on a side. */
  image: string;
}

/** An image dataset by class: counts and the first pictures of each class. */
export interface ImageClassGrid {
  classes: { name: string; count: number; thumbs: ImageThumb[] }[];
  /** True for a folder uploaded into the workspace: images can be added to and removed from it. */
  editable: boolean;
}

/** One training image and how augmentation changes it (the Data panel's preview grid). */
export interface AugmentPreviewImage {
  /** `class/file.png` inside the folder; `#n` for a built-in dataset. */
  name: string;
  label: string;
  /** The image as the model sees it without augmentation: a base64 PNG at the model's size. */
  original: string;
  /** Augmented versions, variant k drawn as epoch k's first batch would draw it (base64 PNGs, the model's size). */
  variants: string[];
}

/** A few training images, each with several augmented versions made by the trainer's own transforms. */
export interface AugmentPreview {
  images: AugmentPreviewImage[];
  /** The seed the variants were drawn with: `augment.seed`, else the run's seed. */
  seed: number;
}

export interface PredictResult {
  runId: number;
  /** One per input row / sentence / image, in order. */
  predictions: Prediction[];
  /** Plain sentences about the input, e.g. columns the model does not read (ignored). */
  warnings?: string[];
}
