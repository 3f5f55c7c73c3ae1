// The `projects` service: templates, new projects, open/save/save-as on the host's disk, the recent
// list and the crash-recovery copy, and importing a Keras / TF.js model given as text.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ProjectsService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import type { OpenedProject, RecentProject, RecoveryCopy, SavedProject } from '../../app/api/types.ts';
import { newProject, projectFromJson, touchProject, type ProjectDocument } from '../../app/project/document.ts';
import { loadModelText } from '../../app/project/load.ts';
import { PROJECT_EXTENSION } from '../../app/project/schema.ts';
import { getTemplate, projectFromTemplate, templates } from '../../app/templates/index.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { loadModelFile, writeProjectFile } from '../files/projectFiles.ts';

const maxRecent = 20;

export interface ProjectsServiceOptions {
  /** Folder for the recent list and the recovery copy. */
  dataDir: string;
}

export function createProjectsService(options: ProjectsServiceOptions): ProjectsService {
  const recentFile = join(options.dataDir, 'recent-projects.json');
  const recoveryFile = join(options.dataDir, 'recovery', 'unsaved-project.json');

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

  async function save(path: string, document: ProjectDocument, mustNotExist: boolean): Promise<SavedProject> {
    let target = resolve(path);
    if (extname(target) === '') target += PROJECT_EXTENSION;
    if (mustNotExist && existsSync(target)) {
      throw new ApiError('exists', `"${target}" already exists. Choose another name, or confirm that it should be replaced.`);
    }
    const saved = touchProject(document);
    await writeProjectFile(target, saved);
    await remember(target, saved.name);
    return { path: target, document: saved };
  }

  return {
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
      const target = resolve(path);
      const loaded = await loadModelFile(target);
      // An imported model is a new project: saving it must not overwrite the Keras file it came from.
      const isProject = loaded.kind === 'project';
      if (isProject) await remember(target, loaded.document.name);
      return { path: isProject ? target : null, document: loaded.document, kind: loaded.kind, warnings: loaded.warnings } satisfies OpenedProject;
    },

    save: (path, document) => save(path, document, false),
    saveAs: (path, document, opts) => save(path, document, !opts?.overwrite),

    async listRecent() {
      return (await readRecent()).map((r) => ({ ...r, exists: existsSync(r.path) }));
    },

    async forgetRecent(path) {
      const target = resolve(path);
      await writeRecent((await readRecent()).filter((r) => r.path !== target));
    },

    async saveRecovery(document, path) {
      await mkdir(join(options.dataDir, 'recovery'), { recursive: true });
      const copy: RecoveryCopy = { document, path: path ? resolve(path) : null, savedAt: new Date().toISOString() };
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
        return { document, path: typeof value?.path === 'string' ? value.path : null, savedAt: typeof value?.savedAt === 'string' ? value.savedAt : '' };
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
  };
}
