// The renderer's import rules in .config/eslint.config.js, checked by linting small sources at the
// paths they would have: a panel reaching into another panel, or the shell into a panel's modules, fails.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root, overrideConfigFile: `${root}.config/eslint.config.js` });

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${filePath}` });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('renderer layering', () => {
  it('refuses a panel importing another panel or the panel list', async () => {
    const source = [
      "import { a } from '../evaluation/EvaluationPanel.tsx';",
      "import { b } from '../runs/compareDiff.ts';",
      "import { panels } from '../registry.ts';",
      'export const all = [a, b, panels];',
    ].join('\n');
    const messages = await restrictedImports('renderer/panels/tryit/Example.tsx', source);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/A panel imports no other panel/);
  });

  it('lets a panel import its own modules and the shared ui/, state/, commands/ and app/', async () => {
    const source = [
      "import { formRow } from './formRow.ts';",
      "import { nested } from './parts/nested.ts';",
      "import { Empty } from '../../ui/Empty.tsx';",
      "import { useProject } from '../../state/projectStore.ts';",
      "import { commands } from '../../commands/index.ts';",
      "import { formatNumber } from '../../../app/format.ts';",
      'export const all = [formRow, nested, Empty, useProject, commands, formatNumber];',
    ].join('\n');
    expect(await restrictedImports('renderer/panels/tryit/Example.tsx', source)).toEqual([]);
  });

  it('lets code outside panels/ reach the panel list only', async () => {
    const source = [
      "import { panels } from '../panels/registry.ts';",
      "import { trainingSession } from '../panels/training/session.ts';",
      'export const all = [panels, trainingSession];',
    ].join('\n');
    const messages = await restrictedImports('renderer/host/example.ts', source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/Only panels\/registry\.ts/);
  });

  it('keeps the renderer away from main/ and Node inside panels too', async () => {
    const source = "import { readFile } from 'node:fs/promises';\nimport { x } from '../../../main/cli/table.ts';\nexport const all = [readFile, x];";
    expect(await restrictedImports('renderer/panels/data/Example.tsx', source)).toHaveLength(2);
  });
});
