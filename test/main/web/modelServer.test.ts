// The model server: a really trained iris model and a text model served by Fastify. In process
// (Fastify's inject): predictions equal the model's, every kind of bad input gets its 4xx with one
// sentence, limits on body size and batch hold, and the OpenAPI description lists the endpoints. As a
// user runs it: `modelwright serve-model` on loopback answers exactly what `predict --json` prints,
// and Ctrl+C stops it with exit 0.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentClassifier } from '../../../app/templates/intentClassifier.ts';
import { loadTrainedModel, type TrainedModel } from '../../../main/model/predict.ts';
import { createModelServer } from '../../../main/web/modelServer.ts';
import { expectOneLine, runCli, startCliServer } from '../cli/cliHarness.ts';
import { smallTextGraph, trainAndRecord, type TrainedRun } from '../export/fixtures.ts';

let iris: TrainedRun;
let model: TrainedModel;
let app: FastifyInstance;
const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const virginica = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };

beforeAll(async () => {
  iris = await trainAndRecord({ epochs: 5 });
  model = await loadTrainedModel(iris.modelDir, { backend: 'cpu' });
  app = await createModelServer(model, { modelDir: iris.modelDir, maxBatch: 5, maxBodyBytes: 4096 });
}, 120_000);

afterAll(async () => {
  await app?.close();
  model?.dispose();
  await iris?.cleanup();
});

const post = (payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.inject({ method: 'POST', url: '/predict', payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers });

describe('POST /predict', () => {
  it('answers {"predictions": [...]} with what the model predicts for raw rows and encoded numbers', async () => {
    const res = await post([setosa, virginica, [0, 0, 0, 0]]);
    expect(res.statusCode).toBe(200);
    const expected = (await model.predict([setosa, virginica, [0, 0, 0, 0]])).map(({ kind: _k, ...rest }) => rest);
    expect(res.json()).toEqual({ predictions: expected });
    expect(res.json().predictions[0]).toMatchObject({ label: expect.any(String), classIndex: expect.any(Number) });
  });

  it.each([
    ['a lone object', { a: 1 }, 400, /send a JSON list of inputs, not object/],
    ['an empty list', [], 400, /the list of inputs is empty/],
    ['a number among the inputs', [setosa, 42], 400, /input 2 is 42; give rows as/],
    ['a list of the wrong length', [[1, 2]], 400, /input 1 has 2 values but the model takes 4 numbers/],
    ['a sentence for a table model', ['hello'], 400, /not a sentence/],
    ['a row without a column the model reads', [setosa, { sepal_length: 5, sepal_width: 3, petal_length: 1.4 }], 400, /^1 of 2 rows have no "petal_width" column, which the model reads; add it to every row/],
    ['more inputs than --max-batch', [setosa, setosa, setosa, setosa, setosa, setosa], 413, /6 inputs in one request; send at most 5 per request/],
  ])('refuses %s with %i and one sentence', async (_what, body, status, message) => {
    const res = await post(body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatch(message);
    expect(Object.keys(res.json())).toEqual(['error']);
  });

  it('refuses bodies that are not JSON, too large, or of another type', async () => {
    const broken = await post('[{"sepal_length": ');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toMatch(/not valid JSON/);
    const big = await post(JSON.stringify([{ note: 'x'.repeat(5000) }]));
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatch(/larger than 4096 bytes/);
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toMatch(/Content-Type: application\/json/);
    const empty = await app.inject({ method: 'POST', url: '/predict' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatch(/send a JSON list of inputs, not nothing/);
    const missing = await app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatch(/no such endpoint: GET \/nope; use POST \/predict/);
  });
});

describe('GET /health and /openapi.json', () => {
  it('health says what is loaded', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', task: 'classification', takesText: false, labels: ['setosa', 'versicolor', 'virginica'], maxBatch: 5 });
    expect(res.json().columns).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  });

  it('the OpenAPI 3 description has both endpoints with the request and answer shapes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(['/health', '/predict']);
    const predict = doc.paths['/predict'].post;
    expect(predict.requestBody.content['application/json'].schema).toMatchObject({ type: 'array', maxItems: 5, minItems: 1 });
    expect(Object.keys(predict.responses).sort()).toEqual(['200', '400', '413', '415']);
  });
});

describe('a text model', () => {
  it('takes sentences', async () => {
    const graph = smallTextGraph(8);
    const run = await trainAndRecord({ graph, binding: intentClassifier.dataset!, epochs: 1, backend: 'wasm' });
    const textModel = await loadTrainedModel(run.modelDir, { backend: 'cpu' });
    const server = await createModelServer(textModel, { modelDir: run.modelDir });
    try {
      const res = await server.inject({ method: 'POST', url: '/predict', payload: ['where is my order?', 'I want a refund'] });
      expect(res.statusCode).toBe(200);
      expect(res.json().predictions).toHaveLength(2);
      expect(intentClassifier.dataset && res.json().predictions.every((p: { label: string }) => typeof p.label === 'string')).toBe(true);
      const health = (await server.inject({ method: 'GET', url: '/health' })).json();
      expect(health).toMatchObject({ takesText: true, columns: ['text'] });
    } finally {
      await server.close();
      textModel.dispose();
      await run.cleanup();
    }
  }, 120_000);
});

describe('modelwright serve-model', () => {
  it('serves on loopback what "predict --json" prints for the same file, and stops on Ctrl+C', async () => {
    const file = join(iris.root, 'rows.json');
    await writeFile(file, JSON.stringify([setosa, virginica]));
    const [server, cli] = await Promise.all([
      startCliServer(['serve-model', iris.modelDir, '--backend', 'cpu'], /^Serving .* at (http:\/\/127\.0\.0\.1:\d+)$/m),
      runCli(['predict', iris.modelDir, '--input', file, '--json', '--backend', 'cpu']),
    ]);
    try {
      expect(cli.code, cli.stderr).toBe(0);
      const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([setosa, virginica]) });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(cli.stdout.trim());
      expect((await (await fetch(`${server.url}/health`)).json()).status).toBe('ok');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toMatch(/Ctrl\+C: stopping the model server\.\.\.\nStopped\./);
  }, 120_000);

  it('refuses a folder that is not a model with one line and exit 2', async () => {
    const notModel = await runCli(['serve-model', iris.root]);
    expect(notModel.code).toBe(2);
    expect(expectOneLine(notModel.stderr)).toMatch(/is not a saved model folder/);
  }, 60_000);
});
