// Builds the whole API for one host (the web server, Electron main, or a test): one experiment store
// opened once, one training supervisor, and every service of the contract over them.
import { dirname, join } from 'node:path';
import type { ModelwrightServices } from '../../app/api/contract.ts';
import { Emitter } from '../../app/api/events.ts';
import type { RunChange } from '../../app/api/types.ts';
import { openStore, type ExperimentStore } from '../store/experimentStore.ts';
import { localFileAccess, workspaceFileAccess, type FileAccess, type FileAccessKind } from '../files/fileAccess.ts';
import { TrainingSupervisor, type SupervisorOptions } from '../trainer/supervisor.ts';
import { createCatalogService } from './catalog.ts';
import { createDatasetsService } from './datasets.ts';
import { createExportService } from './export.ts';
import { createPredictService } from './predict.ts';
import { createProjectsService } from './projects.ts';
import { createRunsService } from './runs.ts';
import { createTrainingService } from './training.ts';
import type { GpuProbe } from '../engine/webgpu.ts';
import { createSweepsService } from './sweeps.ts';

export interface ServiceHostOptions {
  /** The experiment history database (see main/store/location.ts resolveDbPath). */
  dbPath: string;
  /** Recent list, recovery copy and uploaded data; default: the database's folder. */
  dataDir?: string;
  /**
   * Which files callers may name (main/files/fileAccess.ts): `local` (default; in-process callers, the
   * CLI), `workspace` (the web host: names inside the workspace only), `desktop` (Electron: the workspace
   * plus handles granted by native dialogs).
   */
  fileAccess?: FileAccessKind;
  /** Uploads, web-host projects and exports; default: `workspace` beside the history database. */
  workspace?: string;
  /** Where the built-in CSVs live (a packaged app passes its resources path). */
  resourcesDir?: string;
  supervisor?: SupervisorOptions;
  /** Host log for problems that are not the user's (a failed metric write, a bug). */
  log?: (message: string) => void;
  /** How training.backends() probes the GPU adapter; default: in a filtered child process (main/engine/gpuProbe.ts). */
  probeGpu?: () => Promise<GpuProbe>;
}

export interface ServiceHost {
  readonly api: ModelwrightServices;
  readonly store: ExperimentStore;
  /** The file policy the services apply; the desktop app grants handles through it. */
  readonly files: FileAccess;
  /** Stops trainers (after their current batch), unloads models and closes the store. */
  dispose(options?: { graceMs?: number }): Promise<void>;
}

export function createServiceHost(options: ServiceHostOptions): ServiceHost {
  const store = openStore(options.dbPath);
  const dataDir = options.dataDir ?? dirname(store.path === ':memory:' ? process.cwd() + '/x' : store.path);
  const workspace = options.workspace ?? join(dataDir, 'workspace');
  const files = options.fileAccess === 'workspace' || options.fileAccess === 'desktop'
    ? workspaceFileAccess(workspace, { desktop: options.fileAccess === 'desktop' })
    : localFileAccess(workspace);
  const runChanges = new Emitter<RunChange>();
  const supervisor = new TrainingSupervisor(options.supervisor);
  const training = createTrainingService({ store, supervisor, runChanges, log: options.log, files, probeGpu: options.probeGpu });
  const sweeps = createSweepsService({ store, supervisor, runChanges, log: options.log, files });
  const predict = createPredictService({ store, resourcesDir: options.resourcesDir });
  const api: ModelwrightServices = {
    projects: createProjectsService({ dataDir, files }),
    catalog: createCatalogService(),
    datasets: createDatasetsService({ files, resourcesDir: options.resourcesDir }),
    training: training.service,
    runs: createRunsService({ store, runChanges, files }),
    sweeps: sweeps.service,
    export: createExportService({ resourcesDir: options.resourcesDir, store, files, supervisor }),
    predict: predict.service,
  };
  let disposed: Promise<void> | null = null;
  return {
    api,
    store,
    files,
    dispose(opts = {}) {
      disposed ??= (async () => {
        await Promise.all([training.stopAll(opts.graceMs), sweeps.stopAll(opts.graceMs)]);
        predict.dispose();
        runChanges.dispose();
        store.close();
      })();
      return disposed;
    },
  };
}
