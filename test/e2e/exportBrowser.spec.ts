// End to end: an exported model's browser example (predict-browser.html) opened in Chromium from a plain
// static server, as the export's README tells a user to do, must show the labels the model gives in Node.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRun } from '../../main/export/exportRun.ts';
import { BROWSER_EXAMPLE, EXAMPLE_INPUT } from '../../main/export/examples.ts';
import { checkedFolderLoadHandler } from '../../main/model/modelFolder.ts';
import { decodeOutput, encodeInput, inputSize, modelwrightMetadata, type DecodedOutput } from '../../main/export/runtime/modelwright-preprocess.mjs';
import { trainAndRecord, type TrainedRun } from '../main/export/fixtures.ts';
import { chromiumMissingReason, launchChromium, repoRoot, screenshot, type BrowserSession } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] exportBrowser.spec.ts skipped: ${skip}`);

/** The bundle the page's comment tells the user to copy next to it as tf.min.js. */
const tfBundle = join(repoRoot, 'node_modules/@tensorflow/tfjs/dist/tf.min.js');
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.bin': 'application/octet-stream', '.md': 'text/markdown; charset=utf-8',
};

interface StaticServer { url: string; requested: string[]; close(): Promise<void> }

/**
 * Serves one export folder at the root of its own address, as `python3 -m http.server` run in the folder
 * does for a user (so a bare `tf.loadLayersModel('model.json')` resolves its weights as it would for them),
 * with tf.min.js answered from node_modules as if it had been copied next to the page. Nothing else is served.
 */
async function serveFolder(folder: string): Promise<StaticServer> {
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requested.push(path);
    const notFound = () => { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); };
    const target = path === '/tf.min.js' ? tfBundle : resolve(folder, `.${path}`);
    const inside = relative(folder, target);
    if (target !== tfBundle && (!inside || inside.startsWith('..') || isAbsolute(inside))) return notFound();
    stat(target).then((info) => {
      if (!info.isFile()) return notFound();
      res.writeHead(200, { 'content-type': contentTypes[extname(target)] ?? 'application/octet-stream', 'content-length': info.size });
      createReadStream(target).pipe(res);
    }, notFound);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requested,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}

type Classified = Extract<DecodedOutput, { label: string }>;

/** What the export predicts in Node for raw inputs, loaded through the checked loader every model folder goes through. */
async function nodePredictions(dir: string, inputs: unknown[]): Promise<Classified[]> {
  const model = await tf.loadLayersModel(checkedFolderLoadHandler(tf, dir));
  try {
    const meta = modelwrightMetadata(model.getUserDefinedMetadata());
    const size = inputSize(meta);
    const x = new Float32Array(inputs.length * size);
    inputs.forEach((input, i) => x.set(encodeInput(meta, input), i * size));
    const y = model.predict(tf.tensor(x, [inputs.length, ...meta.featureShape])) as tf.Tensor;
    const values = await y.data();
    y.dispose();
    const width = values.length / inputs.length;
    return inputs.map((_, i) => decodeOutput(meta, values.subarray(i * width, (i + 1) * width)) as Classified);
  } finally {
    model.dispose();
  }
}

/** The same labels, and probabilities that differ only by the browser backend's float rounding. */
function expectSamePredictions(page: Classified[], node: Classified[]): void {
  expect(page.map((p) => p.label)).toEqual(node.map((p) => p.label));
  page.forEach((p, i) => {
    expect(Object.keys(p.probabilities).sort()).toEqual(Object.keys(node[i].probabilities).sort());
    for (const [label, probability] of Object.entries(node[i].probabilities)) expect(p.probabilities[label]).toBeCloseTo(probability, 4);
  });
}

describe.skipIf(skip !== null)('the exported model\'s browser example in Chromium', () => {
  let run: TrainedRun;
  const servers: Record<string, StaticServer> = {};
  let browser: BrowserSession;
  const dirs: Record<string, string> = {};
  /** Every request the page made, to prove nothing was fetched from elsewhere. */
  const pageRequests: string[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    run = await trainAndRecord({ epochs: 4 });
    for (const quantize of ['none', 'uint8'] as const) {
      dirs[quantize] = join(run.root, `export-${quantize}`);
      const report = await exportRun({ store: run.store, runId: run.runId, outputDir: dirs[quantize], quantize, backend: 'cpu' });
      if (!report.verification.passed) throw new Error(`the ${quantize} export did not verify: ${report.verification.message}`);
    }
    for (const [name, dir] of Object.entries(dirs)) servers[name] = await serveFolder(dir);
    browser = await launchChromium({ width: 900, height: 700 });
    browser.page.on('request', (req) => pageRequests.push(req.url()));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const server of Object.values(servers)) await server.close();
    await run?.cleanup();
  }, 30_000);

  /** Opens the export's page and waits until it has loaded the model (or shown why not). */
  async function openPage(name: string): Promise<void> {
    const { page } = browser;
    await page.goto(`${servers[name].url}/${BROWSER_EXAMPLE}`);
    await page.waitForFunction(() => document.getElementById('output')!.textContent !== 'Loading the model…', undefined, { timeout: 30_000 });
    const output = page.locator('#output');
    // A failure to load is shown in the page; put it in the assertion message rather than a timeout.
    expect(await output.getAttribute('class'), await output.textContent() ?? '').not.toBe('error');
    expect(await output.textContent()).toBe('Ready.');
    expect(await page.locator('#predict').isDisabled()).toBe(false);
  }

  /** Clicks Predict, as a user would, and reads the JSON lines the page shows. */
  async function predictInPage(): Promise<(Classified & { input: unknown })[]> {
    const { page } = browser;
    await page.evaluate(() => { document.getElementById('output')!.textContent = ''; });
    await page.click('#predict');
    await page.waitForFunction(() => document.getElementById('output')!.textContent !== '', undefined, { timeout: 15_000 });
    const output = page.locator('#output');
    const text = (await output.textContent()) ?? '';
    expect(await output.getAttribute('class'), text).not.toBe('error');
    // The labels come after the echoed input on each line: they must be on screen, not scrolled out of view.
    expect(await output.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    return text.split('\n').map((line) => JSON.parse(line));
  }

  it('the plain export: the page loads the model and shows, for example-input.json, the labels the model gives in Node', async () => {
    await openPage('none');
    const exampleText = await readFile(join(dirs.none, EXAMPLE_INPUT), 'utf8');
    const examples = JSON.parse(exampleText) as Record<string, number>[];
    expect(examples.length).toBeGreaterThan(0);
    // The page offers example-input.json in its text box, unchanged.
    expect(await browser.page.locator('#input').inputValue()).toBe(exampleText);

    const shown = await predictInPage();
    expect(shown.map((line) => line.input)).toEqual(examples);
    const node = await nodePredictions(dirs.none, examples);
    expectSamePredictions(shown, node);
    // And the export is the trained model: the run's own saved model predicts the same labels.
    expect((await nodePredictions(run.modelDir, examples)).map((p) => p.label)).toEqual(node.map((p) => p.label));
    await screenshot(browser.page, 'export-browser-plain');
  });

  it('typed inputs: every species-like flower and a decimal comma give the Node labels; bad JSON is an error in the page, not a crash', async () => {
    const { page } = browser;
    const columns = Object.keys(JSON.parse(await readFile(join(dirs.none, EXAMPLE_INPUT), 'utf8'))[0]);
    expect(columns).toHaveLength(4);
    // Typical setosa, versicolor and virginica measurements (in the dataset's column order), one with a comma.
    const flowers = [[5.1, 3.5, 1.4, 0.2], [6.0, 2.9, 4.5, 1.5], [6.9, 3.1, 5.8, 2.3]]
      .map((values) => Object.fromEntries(columns.map((c, k) => [c, values[k]]))) as Record<string, number | string>[];
    flowers.push({ ...flowers[2], [columns[0]]: '6,9' });
    await page.locator('#input').fill(JSON.stringify(flowers));
    const shown = await predictInPage();
    expect(shown.map((line) => line.input)).toEqual(flowers);
    expectSamePredictions(shown, await nodePredictions(dirs.none, flowers));

    await page.locator('#input').fill('{"sepal_length": 5.1,');
    await page.click('#predict');
    await expect.poll(() => page.locator('#output').getAttribute('class')).toBe('error');
    expect(await page.locator('#output').textContent()).toMatch(/JSON/);
  });

  it('the uint8 export: tf.loadLayersModel(\'model.json\') in the page dequantizes to the weights Node reads, and the page shows the Node labels', async () => {
    const { page } = browser;
    const modelJson = JSON.parse(await readFile(join(dirs.uint8, 'model.json'), 'utf8'));
    const specs = modelJson.weightsManifest.flatMap((g: { weights: { quantization?: { dtype: string } }[] }) => g.weights);
    expect(specs.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8')).toBe(true);

    await openPage('uint8');
    const inPage = await page.evaluate(async () => {
      const tfjs = (window as unknown as { tf: typeof tf }).tf;
      const model = await tfjs.loadLayersModel('model.json');
      const weights = model.weights.map((w) => ({ name: w.originalName, shape: w.shape, values: Array.from(w.read().dataSync()) }));
      model.dispose();
      return { backend: tfjs.getBackend(), weights };
    });
    const nodeModel = await tf.loadLayersModel(checkedFolderLoadHandler(tf, dirs.uint8));
    const nodeWeights = nodeModel.weights.map((w) => ({ name: w.originalName, shape: w.shape, values: Array.from(w.read().dataSync()) }));
    nodeModel.dispose();
    expect(inPage.weights.map((w) => [w.name, w.shape])).toEqual(nodeWeights.map((w) => [w.name, w.shape]));
    // Dequantization (q × scale + min) is one float32 multiply-add on either side: identical values.
    inPage.weights.forEach((w, i) => expect(w.values).toEqual(nodeWeights[i].values));
    console.info(`[e2e] exportBrowser: the page ran TF.js on the ${inPage.backend} backend`);

    const examples = JSON.parse(await readFile(join(dirs.uint8, EXAMPLE_INPUT), 'utf8')) as unknown[];
    const shown = await predictInPage();
    expect(shown.map((line) => line.input)).toEqual(examples);
    expectSamePredictions(shown, await nodePredictions(dirs.uint8, examples));
    await screenshot(page, 'export-browser-uint8');
  });

  it('the pages fetched only their own folder\'s files from the local server, and reported no errors', () => {
    expect(browser.pageErrors, JSON.stringify(Object.values(servers).map((server) => server.requested))).toEqual([]);
    const origins = Object.values(servers).map((server) => `${server.url}/`);
    expect(pageRequests.filter((u) => !origins.some((origin) => u.startsWith(origin)))).toEqual([]);
    const files = new Set(Object.values(servers).flatMap((server) => server.requested));
    expect([...files].filter((f) => !/^\/(model\.json|group\d+-shard\d+of\d+\.bin|predict-browser\.html|modelwright-preprocess\.mjs|example-input\.json|tf\.min\.js)$/.test(f))).toEqual([]);
  });
});
