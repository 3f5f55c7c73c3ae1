// Blocks: a block node analyses, builds, exports and generates code exactly as the same layers laid flat,
// its problems land on the block node, and the schema refuses inner graphs that cannot work.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { flattenBlocks } from '../../../app/graph/blocks.ts';
import { transformerEncoderBlock } from '../../../app/graph/builtinBlocks.ts';
import { buildTfModel, registerCustomLayers } from '../../../app/graph/buildModel.ts';
import { graphSchema } from '../../../app/graph/schema.ts';
import type { Block, Graph, LayerNode } from '../../../app/graph/types.ts';
import { generateCode } from '../../../app/codegen/index.ts';
import { newProject, parseProject, serializeProject } from '../../../app/project/document.ts';
import { exportKerasModel } from '../../../app/keras/export.ts';
import { INTENT_SEQUENCE_LENGTH } from '../../../app/templates/intentClassifier.ts';
import { transformerIntent } from '../../../app/templates/transformerIntent.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers(tf);
});
afterEach(() => tf.disposeVariables());

const blockNode = (id: string, name: string, block: Block): LayerNode => ({ id, type: 'Block', name, params: {}, block });

/** The transformer-intent template with its encoder layers replaced by one TransformerEncoder block. */
function intentWithBlock(block: Block = transformerEncoderBlock()): Graph {
  const flat = transformerIntent.graph;
  const inner = new Set(block.layers.map((l) => l.id));
  return {
    layers: [
      ...flat.layers.filter((l) => !inner.has(l.id) && l.id !== 'pool' && l.id !== 'dropout' && l.id !== 'output'),
      blockNode('enc', 'encoder', block),
      ...flat.layers.filter((l) => ['pool', 'dropout', 'output'].includes(l.id)),
    ],
    connections: [
      { from: 'embedding', to: 'enc', toSlot: 0 },
      { from: 'enc', to: 'pool', toSlot: 0 },
      ...flat.connections.filter((c) => !inner.has(c.from) && !inner.has(c.to) && c.to !== 'pool'),
    ],
  };
}

describe('a block node', () => {
  it('analyses as the same layers laid flat: shapes and parameter counts flow through it', () => {
    const flat = analyzeGraph(transformerIntent.graph);
    const graph = intentWithBlock();
    expect(graphSchema.safeParse(graph).success).toBe(true);
    const a = analyzeGraph(graph);
    expect(a.errors).toEqual([]);
    expect(a.totalParams).toBe(flat.totalParams);
    expect(a.trainableParams).toBe(flat.trainableParams);
    const innerParams = transformerEncoderBlock().layers.reduce((n, l) => n + flat.layers[l.id].params, 0);
    expect(a.layers.enc).toEqual({ outputShape: flat.layers.norm2.outputShape, inputShapes: [flat.layers.embedding.outputShape], params: innerParams, trainableParams: innerParams });
    expect(a.layers.output.outputShape).toEqual([4]);
    expect(a.order.indexOf('embedding')).toBeLessThan(a.order.indexOf('enc'));
    expect(a.order.indexOf('enc')).toBeLessThan(a.order.indexOf('pool'));
    expect(a.order).not.toContain('enc/attention');
  });

  it('flattens to inner layers named block_layer, ports wired to every slot they feed', () => {
    const { graph, origins } = flattenBlocks(intentWithBlock());
    expect(graph.layers.map((l) => l.name)).toContain('encoder_self_attention');
    expect(graph.connections).toContainEqual({ from: 'embedding', to: 'enc/attention', toSlot: 0 });
    expect(graph.connections).toContainEqual({ from: 'embedding', to: 'enc/residual1', toSlot: 0 });
    expect(graph.connections).toContainEqual({ from: 'enc/norm2', to: 'pool', toSlot: 0 });
    expect(origins.get('enc/ff1')).toEqual({ blockId: 'enc', blockName: 'encoder', definition: 'TransformerEncoder', innerId: 'ff1' });
  });

  it('reports a problem inside the block on the block node, naming the inner layer', () => {
    const block = transformerEncoderBlock({ width: 16 });
    const a = analyzeGraph(intentWithBlock(block));
    expect(a.valid).toBe(false);
    expect(a.errors[0]).toMatchObject({ kind: 'merge-shape', layerId: 'enc', layerName: 'encoder' });
    expect(a.errors[0].message).toMatch(/^In block "encoder": Add needs inputs of the same shape/);
    expect(a.layers.enc.outputShape).toBeNull();
  });

  it('reports an open port and a connection into a port it does not have', () => {
    const g = intentWithBlock();
    const open = { ...g, layers: [...g.layers, { id: 'in2', type: 'Input', name: 'in2', params: { shape: [4] } }], connections: [...g.connections, { from: 'in2', to: 'enc', toSlot: 1 }] };
    expect(analyzeGraph(open).errors).toContainEqual(expect.objectContaining({ kind: 'input-count', layerId: 'enc', message: 'Block "encoder" has 1 input but a connection goes into input 2' }));
  });

  it('builds the same TF.js model as the flat layers, and its Keras export loads in TF.js', async () => {
    const graph = intentWithBlock();
    const flat = buildTfModel(transformerIntent.graph, tf);
    const built = buildTfModel(graph, tf);
    try {
      expect(built.countParams()).toBe(flat.countParams());
      expect(built.layers.map((l) => l.name)).toContain('encoder_block_output');
      expect(built.outputs[0].shape).toEqual([null, 4]);
    } finally {
      flat.dispose();
      built.dispose();
    }
    const json = exportKerasModel(graph, { name: 'with_block', target: 'tfjs' });
    const reloaded = await tf.models.modelFromJSON(json as never);
    try {
      expect(reloaded.countParams()).toBe(analyzeGraph(graph).totalParams);
      expect(reloaded.getLayer('encoder_feed_forward').outputShape).toEqual([null, INTENT_SEQUENCE_LENGTH, 64]);
    } finally {
      reloaded.dispose();
    }
  });

  it('is named in generated code: a comment opens its layers', () => {
    for (const language of ['python', 'js', 'pytorch'] as const) {
      const { code } = generateCode({ graph: intentWithBlock(), data: null }, { language });
      const prefix = language === 'js' ? '//' : '#';
      expect(code, language).toContain(`${prefix} Block "encoder" (TransformerEncoder): its layers are named encoder_…`);
      expect(code, language).toContain('encoder_self_attention');
    }
  });
});

describe('the schema of a block', () => {
  const bad = (change: (b: Block) => void, message: RegExp) => {
    const block = transformerEncoderBlock();
    change(block);
    const r = graphSchema.safeParse({ layers: [blockNode('b', 'b', block)], connections: [] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join('\n')).toMatch(message);
  };
  it('refuses inner graphs that cannot work, saying why', () => {
    bad((b) => { b.layers.push({ id: 'x', type: 'Input', name: 'x', params: {} }); }, /cannot contain an Input layer/);
    bad((b) => { b.output = 'nope'; }, /output names a layer it does not have \("nope"\)/);
    bad((b) => { b.inputs[0].push({ layer: 'ghost', slot: 0 }); }, /input 1 of the block feeds a layer it does not have/);
    bad((b) => { b.connections.push({ from: 'norm2', to: 'ff1', toSlot: 1 }); }, /form a loop/);
    bad((b) => { b.layers.push({ id: 'stray', type: 'Dense', name: 'stray', params: { units: 2 } }); b.connections.push({ from: 'norm1', to: 'stray', toSlot: 0 }); }, /"stray" inside the block does not lead to the block's output/);
    bad((b) => { b.layers.push({ id: 'lone', type: 'Dense', name: 'lone', params: { units: 2 } }); b.connections.push({ from: 'lone', to: 'norm2', toSlot: 1 }); }, /"lone" inside the block gets no data/);
    bad((b) => { b.inputs = []; }, /too_small|at least 1|>=1/i);
    bad((b) => { (b.layers[0] as LayerNode).block = transformerEncoderBlock(); }, /Unrecognized key|block/);
  });
  it('requires the Block type and the inner graph together', () => {
    expect(graphSchema.safeParse({ layers: [{ id: 'b', type: 'Dense', name: 'b', block: transformerEncoderBlock() }] }).error!.issues[0].message).toMatch(/must have the type "Block"/);
    expect(graphSchema.safeParse({ layers: [{ id: 'b', type: 'Block', name: 'b' }] }).error!.issues[0].message).toMatch(/has no inner graph/);
  });
});

describe('a project file with a block', () => {
  it('saves and opens again unchanged; a broken block is refused with the reason', () => {
    const doc = newProject('with block', { graph: intentWithBlock() });
    const text = serializeProject(doc);
    expect(parseProject(text).graph).toEqual(doc.graph);
    const broken = JSON.parse(text) as { graph: { layers: { block?: Block }[] } };
    broken.graph.layers.find((l) => l.block)!.block!.output = 'nowhere';
    expect(() => parseProject(JSON.stringify(broken))).toThrow(/output names a layer it does not have \("nowhere"\)/);
  });
});

describe('an unconnected block', () => {
  it('says so once, on the block, instead of one error per starved inner layer', () => {
    const g: Graph = { layers: [...intentWithBlock().layers.filter((l) => l.id !== 'enc'), blockNode('enc', 'encoder', transformerEncoderBlock())], connections: intentWithBlock().connections.filter((c) => c.from !== 'enc' && c.to !== 'enc') };
    const errors = analyzeGraph(g).errors.filter((e) => e.layerId === 'enc');
    expect(errors.map((e) => e.message)).toEqual(['Block "encoder" is not connected to anything']);
  });
});
