// End to end in Chromium against `modelwright serve`: the Training panel's More settings say which GPU adapter
// WebGPU found (plainly a software renderer on lavapipe) and which backends start; choosing WebGPU trains the
// table template on it (when an adapter is present), and Automatic says what it measured or why not.
import { describe, expect, it } from 'vitest';
import { chromiumMissingReason, openTemplate, screenshot, setSetting, showPanel, trainAndWait, useStudio } from './harness.ts';
import { probeGpuAdapter } from '../../main/engine/webgpu.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] backends.spec.ts skipped: ${skip}`);
const probe = await probeGpuAdapter();
if (!probe.ok) console.warn(`[e2e] backends.spec.ts: training on webgpu left out, no adapter here: ${probe.reason}`);

describe.skipIf(skip !== null)('backends in the studio settings', () => {
  const studio = useStudio('backends');

  it('shows the GPU adapter and each backend under the Backend setting', async () => {
    const { page } = studio.browser;
    await page.waitForSelector('[data-testid="template-tabular-classifier"]');
    await openTemplate(page, 'tabular-classifier', 'measurements');
    await showPanel(page, 'training');
    await page.click('[data-testid="toggle-advanced"]');
    const adapter = page.locator('[data-testid="gpu-adapter"]');
    await adapter.waitFor({ timeout: 30_000 });
    const text = (await adapter.textContent()) ?? '';
    if (!probe.ok) expect(text).toMatch(/^No graphics card usable by WebGPU/);
    else if (probe.adapter.software) expect(text).toMatch(/software renderer, .*runs on the processor/);
    else expect(text).toMatch(/^Graphics card: /);
    expect(await page.locator('[data-testid="backend-cpu"]').getAttribute('data-available')).toBe('true');
    expect(await page.locator('[data-testid="backend-wasm"]').getAttribute('data-available')).toBe('true');
    expect(await page.locator('[data-testid="backend-webgpu"]').getAttribute('data-available')).toBe(String(probe.ok));
    await page.locator('[data-testid="engine-backends"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'backends-settings');
  });

  it('Automatic trains and says how it chose', async () => {
    const { page } = studio.browser;
    await setSetting(page, 'epochs', '3');
    await trainAndWait(page);
    const choice = page.locator('[data-testid="backend-choice"]');
    expect(await choice.textContent()).toMatch(/^Backend chosen automatically: .*(→ \w+|the only backend that started)/);
  });

  it.skipIf(!probe.ok)('WebGPU chosen by name trains the table on it', async () => {
    const { page } = studio.browser;
    await page.locator('[data-testid="setting-backend"]').selectOption('webgpu');
    await trainAndWait(page, 240_000);
    expect(await page.locator('[data-testid="train-backend"]').textContent()).toBe('backend: webgpu');
    await screenshot(page, 'backends-webgpu-trained');
  });
});
