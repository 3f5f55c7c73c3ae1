// End to end: the two-feature yes/no template (one of the two worked examples) on the user's own file, as a
// new user would do it: upload a CSV of two number columns and a label, train, and see the evaluation's
// decision regions drawn from *their* rows and *their* trained model. An uploaded file lives on the host
// under the workspace; the panel must ask for it by the name the browser knows, not the host's path.
import { describe, expect, it } from 'vitest';
import { ringsCsv } from '../fixtures/rings.ts';
import { chromiumMissingReason, openTemplate, screenshot, showPanel, trainAndWait, uploadCsv, useOwnFiles, useStudio } from './harness.ts';

const skip = chromiumMissingReason();
if (skip) console.warn(`[e2e] ownTwoFeatures.spec.ts skipped: ${skip}`);

describe.skipIf(skip !== null)('the yes/no template on your own two-feature file, in the browser studio', () => {
  const studio = useStudio('own-two-features');
  const files = useOwnFiles('rings', { 'rings.csv': ringsCsv() });

  it('uploaded rings train, and the decision regions show the rows and an inner disk', async () => {
    const { page } = studio.browser;
    await openTemplate(page, 'binary-classifier', 'point');
    await uploadCsv(page, 'csv', files['rings.csv']);
    await expect.poll(() => page.getByText(/Classes: inner \(\d+\), outer \(\d+\)/).count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="topbar-run-state"]').textContent()).toMatch(/^Ready to train/);
    await showPanel(page, 'training');
    await trainAndWait(page, 180_000);

    await showPanel(page, 'evaluation');
    const regions = page.locator('[data-testid="decision-regions"]');
    await regions.waitFor({ timeout: 60_000 });
    await regions.scrollIntoViewIfNeeded();
    // The run's data file is asked for by its workspace name: the panel shows no "cannot be used" refusal.
    expect(await page.locator('[data-testid="evaluation-panel"], main').first().textContent()).not.toMatch(/cannot be used/);
    const ink = await regions.evaluate((svg) => {
      const canvas = svg.previousElementSibling as HTMLCanvasElement;
      const { width, height } = canvas;
      const data = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      const near = (i: number, [r, g, b]: number[]) => Math.abs(data[i] - r) < 14 && Math.abs(data[i + 1] - g) < 14 && Math.abs(data[i + 2] - b) < 14;
      const inner = [0x4e, 0x79, 0xa7];
      const outer = [0xf2, 0x8e, 0x2b];
      const counts = { innerDots: 0, outerDots: 0, innerRegion: 0, outerRegion: 0 };
      for (let i = 0; i < data.length; i += 4) {
        // Dots are opaque; the regions are painted at 30% opacity.
        const dot = data[i + 3] > 200;
        const region = data[i + 3] > 50 && data[i + 3] < 110;
        if (dot && near(i, inner)) counts.innerDots++;
        if (dot && near(i, outer)) counts.outerDots++;
        if (region && near(i, inner)) counts.innerRegion++;
        if (region && near(i, outer)) counts.outerRegion++;
      }
      const c = (Math.floor(height / 2) * width + Math.floor(width / 2)) * 4;
      return { ...counts, centre: near(c, inner) ? 'inner' : near(c, outer) ? 'outer' : `rgba(${[...data.slice(c, c + 4)]})` };
    });
    expect(ink.innerDots).toBeGreaterThan(200);
    expect(ink.outerDots).toBeGreaterThan(200);
    // The model learned a disk: the middle of the plot (no rows there) is predicted "inner", most of the rest "outer".
    expect(ink.centre).toBe('inner');
    expect(ink.outerRegion).toBeGreaterThan(ink.innerRegion);
    expect(ink.innerRegion).toBeGreaterThan(0);
    await screenshot(page, 'own-two-features-regions');
    expect(studio.browser.pageErrors).toEqual([]);
  }, 240_000);
});
