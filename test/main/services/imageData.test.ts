// Image data as the studio handles it, through the real services in workspace mode: an uploaded folder's
// class grid (counts, thumbnails), adding images to a class (the next chunk of an upload, a webcam capture),
// removing one, refusals outside uploaded folders; and a trained image run's test images read back for
// thumbnails and Try it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelwrightServices, ProjectDocument, TrainingOutcome } from '../../../app/api/contract.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { createServiceHost, type ServiceHost } from '../../../main/services/host.ts';

let dir: string;
let workspace: string;
let host: ServiceHost;
let api: ModelwrightServices;

/** A 16×16 PNG: dark class images have a dark left half, light ones a light left half. */
function picture(shade: number, variant: number): string {
  const png = new PNG({ width: 16, height: 16 });
  for (let p = 0; p < 256; p++) {
    const v = (p % 16) < 8 ? shade : 128 + ((p + variant) % 7);
    png.data.set([v, v, v, 255], p * 4);
  }
  return PNG.sync.write(png).toString('base64');
}
const files = (label: string, shade: number, n: number, prefix = '') =>
  Array.from({ length: n }, (_, i) => ({ path: `pics/${label}/${prefix}${i}.png`, data: picture(shade, i) }));
const binding = (b: unknown) => datasetBindingSchema.parse(b);
const decoded = (b64: string) => PNG.sync.read(Buffer.from(b64, 'base64'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-imagedata-'));
  workspace = join(dir, 'workspace');
  host = createServiceHost({ dbPath: join(dir, 'history.db'), fileAccess: 'workspace', workspace });
  api = host.api;
});

afterAll(async () => {
  await host?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the class grid of an uploaded image folder', () => {
  it('counts each class and shows its first images at the model size', async () => {
    const imported = await api.datasets.importImageFiles('pics', [...files('dark', 20, 5), ...files('light', 230, 3)], { width: 16, height: 16, channels: 1 });
    expect(imported.binding.source).toBe('uploads/pics');
    const grid = await api.datasets.imageClasses(imported.binding, { perClass: 4 });
    expect(grid.editable).toBe(true);
    expect(grid.classes.map((c) => [c.name, c.count, c.thumbs.length])).toEqual([['dark', 5, 4], ['light', 3, 3]]);
    expect(grid.classes[0].thumbs[0].name).toBe('dark/0.png');
    const thumb = decoded(grid.classes[0].thumbs[0].image);
    expect([thumb.width, thumb.height]).toEqual([16, 16]);
    // Left half dark, right half mid-grey: the picture is the image, not a blank square.
    expect(thumb.data[0]).toBeLessThan(40);
    expect(thumb.data[15 * 4]).toBeGreaterThan(100);
  });

  it('adds images to a class (a second chunk, a capture) without replacing any, then removes one', async () => {
    const more = await api.datasets.addImages('uploads/pics', [...files('light', 230, 2), ...files('new', 90, 1, 'cam-')], { width: 16, height: 16, channels: 1 });
    expect(more.inspection.classCounts).toEqual({ dark: 5, light: 5, new: 1 });
    // light/0.png and light/1.png were taken: the new ones are "0 (2).png" and "1 (2).png".
    expect(readdirSync(join(workspace, 'uploads', 'pics', 'light')).sort()).toEqual(['0 (2).png', '0.png', '1 (2).png', '1.png', '2.png']);
    await api.datasets.removeImage('uploads/pics', 'light/0 (2).png');
    expect(existsSync(join(workspace, 'uploads', 'pics', 'light', '0 (2).png'))).toBe(false);
    await api.datasets.removeImage('uploads/pics', 'new/cam-0.png');
    // The emptied class folder goes too: it is no longer a class.
    expect(existsSync(join(workspace, 'uploads', 'pics', 'new'))).toBe(false);
    const grid = await api.datasets.imageClasses(binding({ source: 'uploads/pics', kind: 'images', image: { width: 16, height: 16, channels: 1 } }));
    expect(grid.classes.map((c) => [c.name, c.count])).toEqual([['dark', 5], ['light', 4]]);
  });

  it('refuses a damaged image before writing anything, naming it', async () => {
    const bad = Buffer.from('not a png at all').toString('base64');
    await expect(api.datasets.addImages('uploads/pics', [...files('light', 230, 1, 'ok-'), { path: 'pics/light/fake.png', data: bad }]))
      .rejects.toThrow(/pics\/light\/fake\.png.*not a PNG or JPEG/);
    expect(readdirSync(join(workspace, 'uploads', 'pics', 'light')).filter((f) => f.startsWith('ok-') || f === 'fake.png')).toEqual([]);
  });

  it('refuses a new upload with a damaged image before making its folder', async () => {
    const bad = Buffer.from('not a png at all').toString('base64');
    await expect(api.datasets.importImageFiles('damaged', [...files('dark', 20, 2), { path: 'pics/light/fake.png', data: bad }]))
      .rejects.toThrow(/pics\/light\/fake\.png.*not a PNG or JPEG/);
    expect(existsSync(join(workspace, 'uploads', 'damaged'))).toBe(false);
  });

  it('discards a whole uploaded folder (a cancelled upload), and nothing else', async () => {
    const made = await api.datasets.importImageFiles('half', files('dark', 20, 3), { width: 16, height: 16, channels: 1 });
    expect(made.binding.source).toBe('uploads/half');
    await api.datasets.discardImageFolder('uploads/half');
    expect(existsSync(join(workspace, 'uploads', 'half'))).toBe(false);
    // Gone already: nothing to do.
    await api.datasets.discardImageFolder('uploads/half');
    mkdirSync(join(workspace, 'kept', 'a'), { recursive: true });
    await expect(api.datasets.discardImageFolder('kept')).rejects.toThrow(/Only image folders uploaded/);
    await expect(api.datasets.discardImageFolder('uploads')).rejects.toThrow(/Only image folders uploaded/);
    await expect(api.datasets.discardImageFolder('uploads/../kept')).rejects.toThrow(/Only image folders uploaded|outside|leave/);
    // An uploads folder that holds more than class folders of images is left as it is.
    mkdirSync(join(workspace, 'uploads', 'odd', 'a', 'deeper'), { recursive: true });
    await expect(api.datasets.discardImageFolder('uploads/odd')).rejects.toThrow(/not an uploaded image folder/);
    expect(existsSync(join(workspace, 'uploads', 'odd', 'a', 'deeper'))).toBe(true);
    expect(existsSync(join(workspace, 'kept', 'a'))).toBe(true);
  });

  it('refuses to change anything but an uploaded folder, or to reach out of it', async () => {
    for (const label of ['a', 'b']) {
      mkdirSync(join(workspace, 'mine', label), { recursive: true });
      writeFileSync(join(workspace, 'mine', label, 'x.png'), Buffer.from(picture(10, 0), 'base64'));
    }
    await expect(api.datasets.removeImage('mine', 'a/x.png')).rejects.toThrow(/Only image folders uploaded/);
    await expect(api.datasets.addImages('mine', files('a', 10, 1))).rejects.toThrow(/Only image folders uploaded/);
    await expect(api.datasets.removeImage('uploads', 'pics/dark/0.png')).rejects.toThrow(/Only image folders uploaded/);
    await expect(api.datasets.removeImage('uploads/pics', '../pics/dark/0.png')).rejects.toThrow(/outside the workspace|would leave/);
    await expect(api.datasets.removeImage('uploads/pics', 'dark')).rejects.toThrow(/does not name an image/);
    await expect(api.datasets.addImages('uploads/pics', [{ path: '../../evil/x.png', data: picture(1, 1) }])).rejects.toThrow(/leave the workspace|outside/);
    expect(existsSync(join(workspace, 'mine', 'a', 'x.png'))).toBe(true);
    expect(existsSync(join(dir, 'evil'))).toBe(false);
    const grid = await api.datasets.imageClasses(binding({ source: 'mine', kind: 'images', image: { width: 8, height: 8, channels: 1 } }));
    expect(grid.editable).toBe(false);
  });

  it('accepts a folder of one class, says a classifier needs another and how to add it; adding a class makes it trainable', async () => {
    const size = { width: 16, height: 16, channels: 1 as const };
    // One class folder under the picked folder, and pictures straight in the picked folder (its name is the class).
    for (const [name, upload] of [['one', files('roses', 20, 4).map((f) => ({ ...f, path: f.path.replace('pics/', 'one/') }))], ['loose', Array.from({ length: 3 }, (_, i) => ({ path: `loose/${i}.png`, data: picture(90, i) }))]] as const) {
      const imported = await api.datasets.importImageFiles(name, [...upload], size);
      expect(imported.inspection.error).toMatch(/^Only one class was found \("(roses|loose)", [34] images\); a classifier needs at least two classes to tell apart\. Add another class: under "Images per class" name a New class/);
      const grid = await api.datasets.imageClasses(imported.binding, { perClass: 2 });
      expect(grid.classes).toHaveLength(1);
      expect(grid.editable).toBe(true);
    }
    const one = await api.datasets.importImageFiles('one', files('roses', 20, 4).map((f) => ({ ...f, path: f.path.replace('pics/', 'one/') })), size);
    const added = await api.datasets.addImages(one.binding.source, files('tulips', 230, 3).map((f) => ({ ...f, path: f.path.replace('pics/', '') })), size);
    expect(added.inspection.error).toBeNull();
    expect(added.inspection.classCounts).toEqual({ roses: 4, tulips: 3 });
  });

  it('shows built-in MNIST by digit, not editable', async () => {
    const grid = await api.datasets.imageClasses(binding({ source: 'builtin:mnist' }), { perClass: 2 });
    expect(grid.editable).toBe(false);
    expect(grid.classes.map((c) => c.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const thumb = decoded(grid.classes[3].thumbs[0].image);
    expect([thumb.width, thumb.height]).toEqual([28, 28]);
    // A digit: some ink, mostly background.
    const ink = Array.from({ length: 784 }, (_, p) => thumb.data[p * 4]).filter((v) => v > 128).length;
    expect(ink).toBeGreaterThan(20);
    expect(ink).toBeLessThan(400);
  });
});

describe('test images of a trained image run', () => {
  let runId: number;
  let project: ProjectDocument;

  beforeAll(async () => {
    const imported = await api.datasets.importImageFiles('shades', [...files('dark', 20, 20), ...files('light', 230, 20)], { width: 16, height: 16, channels: 1 });
    const template = await api.projects.newFromTemplate('digit-recognizer');
    project = {
      ...template,
      dataset: imported.binding,
      graph: {
        ...template.graph,
        layers: template.graph.layers.map((n) => (n.id === 'input' ? { ...n, params: { ...n.params, shape: [16, 16, 1] } } : n.id === 'output' ? { ...n, params: { ...n.params, units: 2 } } : n)),
      },
      training: { ...template.training!, epochs: 1, batchSize: 8, testSplit: 0.25, validationSplit: 0.1 },
    };
    const finished: TrainingOutcome[] = [];
    api.training.onDidFinish((f) => finished.push(f));
    runId = (await api.training.start(project)).runId;
    for (let i = 0; i < 1200 && !finished.some((f) => f.runId === runId); i++) await new Promise((r) => setTimeout(r, 100));
    expect(finished.find((f) => f.runId === runId)?.status).toBe('completed');
  }, 150_000);

  it('gives a test image with its class for Try it, and predicting it gives a class', async () => {
    const sample = await api.predict.testSample(runId, { index: 3 });
    expect(sample.count).toBe(10);
    expect(sample.index).toBe(3);
    expect(['dark', 'light']).toContain(sample.actual);
    const image = decoded(sample.image!);
    expect([image.width, image.height]).toEqual([16, 16]);
    // The picture is of its class: the dark class's left half is dark.
    expect(image.data[0] < 100).toBe(sample.actual === 'dark');
    const out = await api.predict.predict(runId, { kind: 'images', images: [sample.image!] });
    expect(out.predictions[0]).toMatchObject({ kind: 'classification' });
  });

  it('gives thumbnails of test images by position, matching the evaluation samples', async () => {
    const run = await api.runs.get(runId);
    const samples = run.evaluation?.task === 'classification' ? run.evaluation.samples ?? [] : [];
    expect(samples.length).toBe(10);
    const classes = run.evaluation!.task === 'classification' ? run.evaluation!.classes : [];
    const thumbs = await api.predict.testImages(runId, [0, 9, 10, 500]);
    expect(thumbs.map((t) => t.index)).toEqual([0, 9]);
    for (const t of thumbs) {
      const png = decoded(t.image);
      const actual = classes[samples.find((s) => s.index === t.index)!.actual];
      expect(png.data[0] < 100).toBe(actual === 'dark');
    }
  });

  it('picks the test images by the run\'s split seed when it differs from its training seed (a sweep trial)', async () => {
    const finished: TrainingOutcome[] = [];
    api.training.onDidFinish((f) => finished.push(f));
    const trial = (await api.training.start({ ...project, training: { ...project.training!, seed: 5, splitSeed: 11 } })).runId;
    for (let i = 0; i < 1200 && !finished.some((f) => f.runId === trial); i++) await new Promise((r) => setTimeout(r, 100));
    expect(finished.find((f) => f.runId === trial)?.status).toBe('completed');
    const run = await api.runs.get(trial);
    expect(run.config.splitSeed).toBe(11);
    if (run.evaluation?.task !== 'classification') throw new Error('expected a classification evaluation');
    const { samples, classes } = run.evaluation;
    const thumbs = await api.predict.testImages(trial, samples!.map((s) => s.index));
    expect(thumbs).toHaveLength(10);
    // Every thumbnail is of the class the evaluation recorded at its position.
    const shown = thumbs.map((t) => (decoded(t.image).data[0] < 100 ? 'dark' : 'light'));
    expect(shown).toEqual(thumbs.map((t) => classes[samples!.find((s) => s.index === t.index)!.actual]));
    const sample = await api.predict.testSample(trial, { index: samples![0].index });
    expect(sample.actual).toBe(classes[samples![0].actual]);
  }, 150_000);

  it('says not-found for an unknown run', async () => {
    await expect(api.predict.testImages(987_654, [0])).rejects.toThrow(/no run 987654/);
  });
});
