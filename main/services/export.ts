// The `export` service: training code for a project (JavaScript, TypeScript, Python), the graph as
// Keras / TF.js JSON, and trained-model export (not available until the export module exists).
import { projectInputSchema, type ExportService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import { generateCode } from '../../app/codegen/index.ts';
import type { Graph } from '../../app/graph/types.ts';
import { exportKerasModel } from '../../app/keras/export.ts';
import { planProjectData } from '../codegen/projectData.ts';
import { baseDirOf } from './datasets.ts';

export interface ExportServiceOptions {
  resourcesDir?: string;
}

export function createExportService(options: ExportServiceOptions = {}): ExportService {
  return {
    async code(projectArg, codeOptions) {
      const project = projectInputSchema.parse(projectArg);
      const data = await planProjectData(project.dataset ?? null, { baseDir: baseDirOf(project.path), resourcesDir: options.resourcesDir });
      const generated = generateCode({ graph: project.graph as Graph, data, training: project.training ?? null }, codeOptions);
      return { ...generated, language: codeOptions.language };
    },

    async kerasJson(graph, name) {
      const json = exportKerasModel(graph as Graph, { name });
      return { json: `${JSON.stringify(json, null, 2)}\n`, fileName: 'model-topology.json' };
    },

    async model(runId) {
      throw new ApiError('not-available', `Exporting the trained model of run ${runId} is not available yet in this version; export the training code instead.`);
    },
  };
}
