// Regenerates docs/screenshot.png for the README: the Iris template trained with its own settings in
// `modelwright serve`, photographed in Chromium at 1280×720. Run: node test/e2e/readmeScreenshot.ts
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumMissingReason, launchChromium, openTemplate, repoRoot, showPanel, startServe, trainAndWait } from './harness.ts';

const missing = chromiumMissingReason();
if (missing) {
  process.stderr.write(`Cannot take the screenshot: ${missing}\n`);
  process.exit(2);
}
const out = join(repoRoot, 'docs', 'screenshot.png');
const dir = mkdtempSync(join(tmpdir(), 'mw-screenshot-'));
const server = await startServe(join(dir, 'history.sqlite'));
const browser = await launchChromium({ width: 1280, height: 720 });
try {
  const { page } = browser;
  // Light theme, whatever the machine's preference, so the picture matches across regenerations.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(server.url);
  await openTemplate(page, 'tabular-classifier', 'measurements');
  await showPanel(page, 'training');
  await trainAndWait(page);
  await page.waitForSelector('[data-testid="chart-accuracy"] canvas');
  // Let the last chart redraw and the status settle before the picture.
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  process.stdout.write(`Wrote ${out} (${Math.round(statSync(out).size / 1024)} KB)\n`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
