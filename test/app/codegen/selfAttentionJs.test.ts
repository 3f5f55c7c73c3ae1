// Generated JavaScript for attention fed one tensor as query and value (the usual self-attention wiring,
// next to a residual reading the same tensor): it trains and validates without "Tensor is disposed"
// (TF.js's inference executor disposes a tensor one layer lists twice), calling attention on the query alone.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { getTemplate } from '../../../app/templates/index.ts';
import { runNode, scratchDir, templateData } from './fixtures.ts';

const scratch = scratchDir('self-attention-js');
afterAll(() => scratch.cleanup());

it('transformer-intent with embedding → query and value: the program trains and attention is applied to the query only', { timeout: 180_000 }, async () => {
  const template = getTemplate('transformer-intent')!;
  const graph = { ...template.graph, connections: [...template.graph.connections, { from: 'embedding', to: 'attention', toSlot: 1 }] };
  const { plan } = await templateData(template, scratch.dir);
  const { code } = generateCode({ graph, data: plan, training: { ...template.training, epochs: 1 } }, { language: 'js', runtime: 'tfjs' });
  expect(code).toMatch(/name: 'self_attention' \}\)\.apply\(wordsAndPositions\);/);
  writeFileSync(join(scratch.dir, 'train.mjs'), code);
  const run = runNode('train.mjs', scratch.dir, { wasm: true });
  expect(run.stderr + run.stdout, 'the program should exit cleanly').not.toMatch(/Error:/);
  expect(run.status).toBe(0);
});

it('tabular-classifier with Add(hidden, hidden) beside another reader of hidden: the program trains, the repeated slot reads a copy', { timeout: 180_000 }, async () => {
  const template = getTemplate('tabular-classifier')!;
  const g = template.graph;
  const graph = {
    layers: [...g.layers, { id: 'doubled', type: 'Add', name: 'doubled', params: {} }, { id: 'tripled', type: 'Add', name: 'tripled', params: {} }],
    connections: [
      ...g.connections.filter((c) => c.to !== 'output'),
      { from: 'hidden2', to: 'doubled', toSlot: 0 }, { from: 'hidden2', to: 'doubled', toSlot: 1 },
      { from: 'hidden2', to: 'tripled', toSlot: 0 }, { from: 'doubled', to: 'tripled', toSlot: 1 },
      { from: 'tripled', to: 'output', toSlot: 0 },
    ],
  };
  const dir = join(scratch.dir, 'double-slot');
  const { plan } = await templateData(template, dir);
  const { code } = generateCode({ graph, data: plan, training: { ...template.training, epochs: 2 } }, { language: 'js', runtime: 'tfjs' });
  expect(code).toMatch(/\.apply\(\[hidden2, tf\.layers\.activation\(\{ activation: 'linear', name: 'doubled_input2_copy' \}\)\.apply\(hidden2\)\]\)/);
  writeFileSync(join(dir, 'train.mjs'), code);
  const run = runNode('train.mjs', dir, { wasm: true });
  expect(run.stderr + run.stdout, 'the program should exit cleanly').not.toMatch(/Error:/);
  expect(run.status).toBe(0);
});
