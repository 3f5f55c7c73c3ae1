// "My blocks" through the projects service: saving a name again makes the next version (older files stay),
// the list shows the newest version of each, damaged files are skipped, and bad names are refused.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transformerEncoderBlock } from '../../../app/graph/builtinBlocks.ts';
import { createProjectsService } from '../../../main/services/projects.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function service() {
  const dataDir = mkdtempSync(join(tmpdir(), 'mw-blocks-'));
  dirs.push(dataDir);
  return { projects: createProjectsService({ dataDir }), dataDir };
}

describe('My blocks', () => {
  it('saves versions, lists the newest of each name, and survives a damaged file', async () => {
    const { projects, dataDir } = service();
    expect(await projects.listBlocks()).toEqual([]);
    const first = await projects.saveBlock('Encoder', transformerEncoderBlock());
    expect(first.block).toMatchObject({ definition: 'Encoder', version: 1 });
    const second = await projects.saveBlock('Encoder', transformerEncoderBlock({ feedForward: 128 }));
    expect(second.block.version).toBe(2);
    await projects.saveBlock('Another', transformerEncoderBlock());
    expect(readdirSync(join(dataDir, 'blocks')).sort()).toEqual(['Another.v1.json', 'Encoder.v1.json', 'Encoder.v2.json']);
    writeFileSync(join(dataDir, 'blocks', 'Broken.v1.json'), '{"format": "modelwright-block", "block": 3}');
    const list = await projects.listBlocks();
    expect(list.map((s) => [s.block.definition, s.block.version])).toEqual([['Another', 1], ['Encoder', 2]]);
    expect(list[1].block.layers.find((l) => l.id === 'ff1')?.params.units).toBe(128);
  });

  it('refuses a name that cannot be a file name, and a block that cannot work', async () => {
    const { projects } = service();
    await expect(projects.saveBlock('../evil', transformerEncoderBlock())).rejects.toThrow(/cannot name a block: a block name starts with a letter/);
    const broken = { ...transformerEncoderBlock(), output: 'nowhere' };
    await expect(projects.saveBlock('Fine', broken)).rejects.toThrow(/output names a layer it does not have/);
  });
});
