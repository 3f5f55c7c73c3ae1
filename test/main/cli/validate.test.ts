// `modelwright validate`, run as a child process: table and JSON output, exit codes 0/1/2, and one
// plain line on stderr for every failure.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);

/** Keras 2 `model.to_json()` of a functional model with a skip connection (Add). */
const kerasFunctional = {
  class_name: 'Functional',
  config: {
    name: 'skip_mlp',
    layers: [
      { class_name: 'InputLayer', name: 'features', inbound_nodes: [], config: { batch_input_shape: [null, 8], dtype: 'float32', sparse: false, ragged: false, name: 'features' } },
      { class_name: 'Dense', name: 'dense_a', inbound_nodes: [[['features', 0, 0, {}]]], config: { name: 'dense_a', trainable: true, dtype: 'float32', units: 8, activation: 'relu', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
      { class_name: 'Add', name: 'skip', inbound_nodes: [[['features', 0, 0, {}], ['dense_a', 0, 0, {}]]], config: { name: 'skip', trainable: true, dtype: 'float32' } },
      { class_name: 'Dense', name: 'out', inbound_nodes: [[['skip', 0, 0, {}]]], config: { name: 'out', trainable: true, dtype: 'float32', units: 1, activation: 'sigmoid', use_bias: true } },
    ],
    input_layers: [['features', 0, 0]],
    output_layers: [['out', 0, 0]],
  },
  keras_version: '2.12.0',
  backend: 'tensorflow',
};

/** TF.js `model.json` (layers model) whose Conv2D gets a flat input: an invalid graph. */
const tfjsInvalid = {
  format: 'layers-model',
  generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
  convertedBy: null,
  modelTopology: {
    class_name: 'Sequential',
    config: {
      name: 'broken',
      layers: [
        { class_name: 'Dense', config: { name: 'dense_1', units: 13, activation: 'relu', batch_input_shape: [null, 4], dtype: 'float32' } },
        { class_name: 'Conv2D', config: { name: 'conv2d_1', filters: 4, kernel_size: [3, 3], activation: 'relu' } },
      ],
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  },
  weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-validate-'));
  await writeFile(file('digits.mwproj'), serializeProject(projectFromTemplate(getTemplate('digit-recognizer')!)));
  await writeFile(file('skip.json'), JSON.stringify(kerasFunctional));
  await writeFile(file('model.json'), JSON.stringify(tfjsInvalid));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('modelwright validate', () => {
  it('prints a table of layers with shapes and parameters, then the total, and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['validate', file('digits.mwproj')]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Layer\s+Type\s+Output shape\s+Params$/);
    expect(lines[1]).toMatch(/^-+( +-+){3}$/);
    // Parameter counts of the digit CNN, as TF.js computes them.
    expect(lines[2]).toMatch(/^image\s+Input\s+\[28, 28, 1\]\s+0$/);
    expect(lines[3]).toMatch(/^conv_1\s+Conv2D\s+\[26, 26, 16\]\s+160$/);
    expect(lines[5]).toMatch(/^conv_2\s+Conv2D\s+\[11, 11, 32\]\s+4,640$/);
    expect(lines[7]).toMatch(/^flatten\s+Flatten\s+\[800\]\s+0$/);
    expect(lines[9]).toMatch(/^hidden\s+Dense\s+\[64\]\s+51,264$/);
    expect(stdout).toContain('Total params: 56,714 (221.5 KB of float32 weights)');
    expect(stdout).toContain('The model is valid.');
  });

  it('prints exactly the documented JSON with --json', async () => {
    const { code, stdout, stderr } = await runCli(['validate', '--json', file('digits.mwproj')]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['valid', 'totalParams', 'layers', 'errors', 'ready', 'readiness']);
    expect(report.ready).toBe(true);
    expect(report.readiness).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.totalParams).toBe(56_714);
    expect(report.errors).toEqual([]);
    expect(report.layers).toHaveLength(9);
    for (const layer of report.layers) expect(Object.keys(layer)).toEqual(['name', 'type', 'outputShape', 'params']);
    expect(report.layers[8]).toEqual({ name: 'digit', type: 'Dense', outputShape: [10], params: 650 });
    expect(report.layers.reduce((s: number, l: { params: number }) => s + l.params, 0)).toBe(report.totalParams);
  });

  it('validates a Keras model.to_json() functional model with a merge', async () => {
    const { code, stdout } = await runCli(['validate', file('skip.json'), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.layers.map((l: { name: string; type: string }) => `${l.name}:${l.type}`)).toEqual([
      'features:Input', 'dense_a:Dense', 'skip:Add', 'out:Dense',
    ]);
    expect(report.totalParams).toBe(8 * 8 + 8 + 8 + 1);
  });

  it('exits 1 for an invalid graph, attaches the error to its layer, and says so in one line', async () => {
    const text = await runCli(['validate', file('model.json')]);
    expect(text.code).toBe(1);
    expect(expectOneLine(text.stderr)).toMatch(/model\.json is not a valid model \(\d+ problems?, listed above\)\.$/);
    expect(text.stdout).toMatch(/conv2d_1: .*Conv2D/);

    const json = await runCli(['validate', file('model.json'), '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.valid).toBe(false);
    const error = report.errors.find((e: { layer: string }) => e.layer === 'conv2d_1');
    expect(error.message).toMatch(/Conv2D/);
    for (const e of report.errors) {
      expect(Object.keys(e).filter((k) => k !== 'fix')).toEqual(['layer', 'message']);
      if ('fix' in e) expect(typeof e.fix).toBe('string');
    }
    expectOneLine(json.stderr);
  });

  it.each([
    ['empty.mwproj', '', /Cannot open ".*empty\.mwproj": the file is empty/],
    ['notjson.mwproj', 'this is not json', /Cannot open ".*": not valid JSON at line 1, column 1/],
    ['binary.mwproj', Buffer.from([0x00, 0x9f, 0x92, 0x96, 0x00]), /binary file/],
    ['deep.json', '['.repeat(100_000), /nested too deeply/],
    ['future.mwproj', '{"format":"modelwright-project","version":7,"name":"x"}', /saved by a newer Modelwright \(format version 7\); update Modelwright to open it/],
    ['proto.json', '{"class_name":"Sequential","config":{"__proto__":{"layers":[]}}}', /"__proto__" .* not allowed/],
    ['absurd.mwproj', '{"format":"modelwright-project","version":1,"name":"x","graph":{"layers":[{"id":"a","type":"Input","name":"a","params":{"shape":[0]}}],"connections":[]},"createdAt":"2025-01-01T00:00:00Z","modifiedAt":"2025-01-01T00:00:00Z"}', /"shape" must be a whole number from 1 to 2147483647, but is 0/],
    ['other.json', '{"name": "package", "version": "1.0.0"}', /neither a Modelwright project .* nor a Keras or TF\.js model/],
  ])('exits 2 with one plain line for %s', async (name, content, message) => {
    await writeFile(file(name), content);
    for (const args of [['validate', file(name)], ['validate', file(name), '--json']]) {
      const { code, stdout, stderr } = await runCli(args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(expectOneLine(stderr)).toMatch(message);
      expect(stderr.startsWith('modelwright validate: ')).toBe(true);
    }
  });

  it.each([
    [['validate'], /needs a FILE/],
    [['validate', 'a.json', 'b.json'], /takes one FILE, got 2/],
    [['validate', '--verbose', 'a.json'], /Unknown option '--verbose'/],
    [['validate', join('no', 'such', 'file.mwproj')], /there is no such file/],
  ])('exits 2 for bad usage %j', async (args, message) => {
    const { code, stderr } = await runCli(args as string[], dir);
    expect(code).toBe(2);
    expect(expectOneLine(stderr)).toMatch(message);
  });
});
