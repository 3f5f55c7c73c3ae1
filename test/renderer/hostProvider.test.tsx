// The host through React context: what the page offers follows the host's capabilities (rendered to
// static markup in Node) — uploads in the browser, "Choose…" with native dialogs on the desktop — and
// the browser host's answers (in-page dialogs, the page's own file input).
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { createBrowserHost } from '../../renderer/host/browserHost.ts';
import type { Host } from '../../renderer/host/host.ts';
import { HostProvider } from '../../renderer/host/HostProvider.tsx';
import { CsvUpload, ImageUpload } from '../../renderer/panels/data/DataUpload.tsx';
import { uiStore } from '../../renderer/state/uiStore.ts';
import { StartPage } from '../../renderer/start/StartPage.tsx';

const api = {} as ModelwrightApi;
const browser = createBrowserHost(api);
const desktop: Host = {
  api,
  can: { nativeDialogs: true, download: false },
  openProject: async () => null,
  saveAs: async () => null,
  pickDataFile: async () => null,
};

function page(host: Host | null): string {
  const noRun = () => {};
  return renderToStaticMarkup(
    <HostProvider host={host}>
      <StartPage />
      <CsvUpload busy={false} run={noRun} options={() => ({ kind: 'table' })} />
      <ImageUpload busy={false} run={noRun} options={() => null} />
    </HostProvider>,
  );
}

const testIds = (html: string) => [...html.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]);

afterEach(() => {
  uiStore.setState({ dialog: null });
});

describe('HostProvider and useHost', () => {
  it('in the browser: uploads of projects and data', () => {
    const ids = testIds(page(browser));
    expect(ids).toEqual(expect.arrayContaining(['upload-project', 'csv-upload', 'images-upload-folder', 'images-upload-zip', 'csv-file-input', 'images-folder-input']));
    expect(ids.filter((id) => id === 'csv-choose' || id === 'images-choose')).toEqual([]);
  });

  it('with native dialogs: "Choose…" instead of uploads', () => {
    const html = page(desktop);
    const ids = testIds(html);
    expect(ids).toEqual(expect.arrayContaining(['csv-choose', 'images-choose', 'images-upload-zip']));
    expect(ids.filter((id) => ['upload-project', 'csv-upload', 'images-upload-folder'].includes(id))).toEqual([]);
    expect(html).toContain('Choose a file…');
    expect(html).toContain('Choose a folder…');
  });

  it('before the host connects, data buttons wait for it', () => {
    const html = page(null);
    expect(html).toMatch(/<button type="button" disabled="" data-testid="csv-upload">/);
  });
});

describe('the browser host', () => {
  it('shows the in-page Open and Save-as dialogs and answers null (they take over)', async () => {
    await expect(browser.openProject()).resolves.toBeNull();
    expect(uiStore.getState().dialog).toBe('open');
    await expect(browser.saveAs('Iris.mwproj')).resolves.toBeNull();
    expect(uiStore.getState().dialog).toBe('saveAs');
  });

  it('picks data through the page\'s own file input', async () => {
    let clicked = 0;
    const input = { click: () => { clicked++; } } as HTMLInputElement;
    await expect(browser.pickDataFile({ what: 'table', input })).resolves.toBeNull();
    expect(clicked).toBe(1);
  });
});
