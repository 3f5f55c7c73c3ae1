// The `projects` service: templates, new projects, open/save/save-as on the host's disk, the recent
// list and the crash-recovery copy, importing a Keras / TF.js model given as text, and a trained model folder with its weights.
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ProjectsService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import type { OpenedProject, RecentProject, RecoveryCopy, SavedProject } from '../../app/api/types.ts';
import { newProject, projectFromJson, touchProject, type ProjectDocument } from '../../app/project/document.ts';
import { loadModelText } from '../../app/project/load.ts';
import { getTemplate, projectFromTemplate, templates } from '../../app/templates/index.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { exists, localFileAccess, sourceForCaller, sourceForFile, type FileAccess } from '../files/fileAccess.ts';
import { storeModelUpload } from '../files/modelUpload.ts';
import { importModelFolder, ModelImportError, writeImportedProject } from '../model/importFolder.ts';
import { weightsFolderName } from '../../app/project/importedWeights.ts';
import { loadModelFile, readProjectFile, writeProjectFile } from '../files/projectFiles.ts';
import { freeName, safeSegment, WorkspacePathError } from '../files/workspacePaths.ts';
import { createBlockLibrary } from './blockLibrary.ts';

const maxRecent = 20;

export interface ProjectsServiceOptions {
  /** Folder for the recent list and the recovery copy. */
  dataDir: string;
  /** Which files callers may name; default: any path (an in-process caller). */
  files?: FileAccess;
}

export function createProjectsService(options: ProjectsServiceOptions): ProjectsService {
  const recentFile = join(options.dataDir, 'recent-projects.json');
  const recoveryFile = join(options.dataDir, 'recovery', 'unsaved-project.json');
  const files = options.files ?? localFileAccess(join(options.dataDir, 'workspace'));
  /** The document with its data source named for the caller (a workspace name or a handle in a page). */
  const forCaller = (document: ProjectDocument, path: string | null): ProjectDocument => (document.dataset && files.kind !== 'local'
    ? { ...document, dataset: { ...document.dataset, source: sourceForCaller(files, document.dataset.source, path) } }
    : document);

  async function readRecent(): Promise<Omit<RecentProject, 'exists'>[]> {
    try {
      const list = JSON.parse(await readFile(recentFile, 'utf8')) as unknown;
      if (!Array.isArray(list)) return [];
      return list.filter((r): r is Omit<RecentProject, 'exists'> =>
        typeof r?.path === 'string' && typeof r?.name === 'string' && typeof r?.openedAt === 'string');
    } catch {
      // A missing or damaged list is an empty one: it is a convenience, not data.
      return [];
    }
  }

  async function writeRecent(list: Omit<RecentProject, 'exists'>[]): Promise<void> {
    await mkdir(options.dataDir, { recursive: true });
    await writeFileAtomic(recentFile, `${JSON.stringify(list.slice(0, maxRecent), null, 2)}\n`);
  }

  async function remember(path: string, name: string): Promise<void> {
    const list = (await readRecent()).filter((r) => r.path !== path);
    list.unshift({ path, name, openedAt: new Date().toISOString() });
    await writeRecent(list).catch(() => {});
  }

  /**
   * Save as, for a project with imported weights: the weights folder beside `from` (the file it was opened from) is
   * copied beside `target` under the new file's name, so the saved project carries its weights wherever it goes.
   */
  async function carryWeights(document: ProjectDocument, from: string | undefined, target: string): Promise<ProjectDocument> {
    if (!document.weights || !from) return document;
    const source = join(dirname(await files.readable(from)), document.weights.folder);
    const folder = weightsFolderName(target);
    const destination = join(dirname(target), folder);
    if (resolve(source) === resolve(destination) || !(await exists(join(source, 'model.json')))) return document;
    await rm(destination, { recursive: true, force: true });
    await cp(source, destination, { recursive: true });
    return { ...document, weights: { ...document.weights, folder } };
  }

  async function save(name: string, input: ProjectDocument, mustNotExist: boolean, weightsFrom?: string): Promise<SavedProject> {
    const target = await files.projectTarget(name);
    const shown = files.kind === 'local' ? target : basename(target);
    const existing = await lstat(target).catch(() => null);
    if (existing && mustNotExist) {
      throw new ApiError('exists', `"${shown}" already exists. Choose another name, or confirm that it should be replaced.`);
    }
    if (existing) {
      // Only a project is ever replaced: a text file, a script or a folder under that name stays as it is.
      const isProject = existing.isFile() && await readProjectFile(target).then(() => true, () => false);
      if (!isProject) throw new WorkspacePathError(`"${shown}" exists and is not a Modelwright project, so it is not replaced. Choose another name.`);
    }
    const document = await carryWeights(input, weightsFrom, target);
    const saved = touchProject(document);
    const onDisk = saved.dataset ? { ...saved, dataset: { ...saved.dataset, source: await sourceForFile(files, saved.dataset.source, target) } } : saved;
    await writeProjectFile(target, onDisk);
    await remember(target, saved.name);
    return { path: files.nameOf(target) ?? shown, document: saved };
  }

  const blocks = createBlockLibrary(join(options.dataDir, 'blocks'));

  return {
    listBlocks: () => blocks.list(),
    saveBlock: (definition, block) => blocks.save(definition, block),
    async listTemplates() {
      return templates.map((t) => ({
        id: t.id, title: t.title, description: t.description, datasetSource: t.dataset.source, task: t.dataset.task,
        layerCount: t.graph.layers.length,
      }));
    },

    async newFromTemplate(templateId, opts) {
      const template = getTemplate(templateId);
      if (!template) {
        throw new ApiError('not-found', `There is no template "${templateId}". The templates are ${templates.map((t) => t.id).join(', ')}.`);
      }
      return projectFromTemplate(template, { name: opts?.name });
    },

    async newBlank(name) {
      return newProject(name?.trim() || 'Untitled model');
    },

    async open(path) {
      const target = await files.readable(path);
      const loaded = await loadModelFile(target);
      // An imported model is a new project: saving it must not overwrite the Keras file it came from.
      const isProject = loaded.kind === 'project';
      if (isProject) await remember(target, loaded.document.name);
      return {
        path: isProject ? files.nameOf(target) : null, document: forCaller(loaded.document, target), kind: loaded.kind, warnings: loaded.warnings,
      } satisfies OpenedProject;
    },

    save: (path, document) => save(path, document, false),
    saveAs: (path, document, opts) => save(path, document, !opts?.overwrite, opts?.weightsFrom),

    async listRecent() {
      // A page sees only the projects its policy lets it name (the workspace's, or handles on the desktop).
      const out: RecentProject[] = [];
      for (const r of await readRecent()) {
        const name = files.nameOf(r.path);
        if (name !== null) out.push({ ...r, path: name, exists: existsSync(r.path) });
      }
      return out;
    },

    async forgetRecent(path) {
      const target = files.pathOf(path);
      if (target !== null) await writeRecent((await readRecent()).filter((r) => r.path !== target));
    },

    async saveRecovery(document, path) {
      await mkdir(join(options.dataDir, 'recovery'), { recursive: true });
      const copy: RecoveryCopy = { document, path: path ? files.pathOf(path) : null, savedAt: new Date().toISOString() };
      await writeFileAtomic(recoveryFile, JSON.stringify(copy));
    },

    async loadRecovery() {
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(recoveryFile, 'utf8'));
      } catch {
        return null;
      }
      const value = raw as Partial<RecoveryCopy> | null;
      try {
        const document = projectFromJson(value?.document);
        const path = typeof value?.path === 'string' ? files.nameOf(value.path) : null;
        return { document, path, savedAt: typeof value?.savedAt === 'string' ? value.savedAt : '' };
      } catch {
        // A recovery copy that no longer validates (written by a newer version, damaged) cannot be offered.
        return null;
      }
    },

    async clearRecovery() {
      await rm(recoveryFile, { force: true });
    },

    async importModelText(text, name) {
      const loaded = loadModelText(text, { name: name?.trim() || 'Imported model' });
      return { path: null, document: loaded.document, kind: loaded.kind, warnings: loaded.warnings };
    },

    async importModelFiles(name, uploaded) {
      // Stored as a workspace folder first, so the model-folder reader checks it like any folder on disk.
      let dir: string;
      try {
        dir = await storeModelUpload(join(files.workspace, 'uploads', 'models'), name, uploaded.map((f) => ({ path: f.path, data: Buffer.from(f.data, 'base64') })));
      } catch (err) {
        if (err instanceof WorkspacePathError) throw new ApiError('invalid-argument', err.message);
        throw err;
      }
      let imported;
      try {
        imported = await importModelFolder(dir);
      } catch (err) {
        await rm(dir, { recursive: true, force: true }).catch(() => {});
        // The page never sees paths on this computer: the folder is named as it was uploaded.
        if (err instanceof ModelImportError) throw new ApiError('failed', `The model cannot be imported: ${err.message.split(dir).join(`"${name}"`)}`);
        throw err;
      }
      try {
        const stem = safeSegment(name.replace(/\.(json|mwproj)$/i, ''), 'imported-model');
        const target = await freeName(files.workspace, `${stem}.mwproj`, async (p) => await exists(p) || await exists(join(dirname(p), weightsFolderName(p))));
        const { document } = await writeImportedProject(target, imported);
        const path = files.nameOf(target);
        if (path !== null) await remember(target, document.name);
        return { path: path ?? null, document: forCaller(document, target), kind: 'tfjs-model-json', warnings: imported.warnings };
      } finally {
        imported.model.dispose();
      }
    },
  };
}
