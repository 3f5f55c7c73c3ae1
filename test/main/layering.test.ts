// The layer rules inside main/ in .config/eslint.config.js, checked by linting small sources at the paths
// they would have: the trainer reaching into the export or the services, the export into the trainer, or
// the model folder module into any of them, fails; the allowed directions pass.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}.config/eslint.config.js` });

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${filePath}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('main layering', () => {
  it('refuses the trainer importing the export or the services', async () => {
    const source = [
      "import { openRunModel } from '../export/runModel.ts';",
      "import { createTrainingService } from '../services/training.ts';",
      'export const all = [openRunModel, createTrainingService];',
    ].join('\n');
    const messages = await restrictedImports('main/trainer/example.ts', source);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/main\/trainer\/ does not import main\/export\//);
    expect(messages[1]).toMatch(/main\/trainer\/ does not import main\/services\//);
  });

  it('refuses the export importing the trainer, also from a nested folder', async () => {
    const messages = await restrictedImports('main/export/onnx/example.ts',
      "import { runTraining } from '../../trainer/train.ts';\nexport const all = [runTraining];");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/main\/export\/ does not import main\/trainer\//);
  });

  it('refuses the model folder module importing the trainer, the export or the services', async () => {
    const source = [
      "import { runTraining } from '../trainer/train.ts';",
      "import { exportRun } from '../export/exportRun.ts';",
      "import { createPredictService } from '../services/predict.ts';",
      'export const all = [runTraining, exportRun, createPredictService];',
    ].join('\n');
    const messages = await restrictedImports('main/model/example.ts', source);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/main\/model\/ is below the trainer/);
  });

  it('lets them import main/model/, main/engine/, the store, the data pipeline and app/', async () => {
    const source = [
      "import { folderSaveHandler } from '../model/modelFiles.ts';",
      "import { loadTf } from '../engine/loadTf.ts';",
      "import type { ExperimentStore } from '../store/experimentStore.ts';",
      "import { loadDataset } from '../data/load.ts';",
      "import { checkReadiness } from '../../app/training/readiness.ts';",
      'export const all = [folderSaveHandler, loadTf, loadDataset, checkReadiness];',
      'export type Store = ExperimentStore;',
    ].join('\n');
    expect(await restrictedImports('main/trainer/example.ts', source)).toEqual([]);
    expect(await restrictedImports('main/export/example.ts', source)).toEqual([]);
    // The services sit on top: they may use the trainer and the export.
    const services = "import { runTraining } from '../trainer/train.ts';\nimport { exportRun } from '../export/exportRun.ts';\nexport const all = [runTraining, exportRun];";
    expect(await restrictedImports('main/services/example.ts', services)).toEqual([]);
  });

  it('keeps renderer/ out of every folder of main/, the ones with rules of their own too', async () => {
    const source = "import { x } from '../../renderer/ui/Empty.tsx';\nexport const all = [x];";
    for (const folder of ['cli', 'trainer', 'export', 'model']) {
      const messages = await restrictedImports(`main/${folder}/example.ts`, source);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/main\/ never imports renderer\//);
    }
  });
});
