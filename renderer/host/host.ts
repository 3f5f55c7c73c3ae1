// What the studio asks of the environment it runs in. Two implementations: the browser under
// `modelwright serve` (browserHost.ts: in-page dialogs, uploads and downloads) and the desktop app
// (electronHost.ts: native dialogs that answer with opaque handles). Components get the host from
// React context (HostProvider.tsx, `useHost()`); commands and menus from `state/host.ts` or an argument.
import type { ModelwrightApi } from '../../app/api/contract.ts';

/** What a host can do, for what the page shows (its behaviour is in the host's methods). */
export interface HostCapabilities {
  /** Open, Save as and data choosing use the system's own dialogs (so the page offers no uploads for them). */
  readonly nativeDialogs: boolean;
  /** The project leaves as a download (the browser's Save as names a file in the workspace only). */
  readonly download: boolean;
}

/** A data file or folder to ask for: a CSV / TSV table, or the folder that holds one folder of images per class. */
export interface DataFileRequest {
  what: 'table' | 'imageFolder';
  /** The page's own file input for it: a host without native dialogs opens it, and what the user picks arrives through its change event as an upload. */
  input: HTMLInputElement | null;
}

export interface Host {
  readonly api: ModelwrightApi;
  readonly can: HostCapabilities;
  /**
   * Asks which project or model to open. Resolves to the chosen file (a path or a handle for the host's
   * `projects.open`), or null: cancelled, or the page's Open dialog took over (it opens what is chosen).
   */
  openProject(): Promise<string | null>;
  /**
   * Asks where to save the project as (`suggestedName` like "Iris.mwproj"). Resolves to a file the user
   * already agreed to replace if it exists, or null: cancelled, or the page's Save-as dialog took over.
   */
  saveAs(suggestedName: string): Promise<string | null>;
  /** Asks for a data file or folder: a handle for the datasets service's `…Path` imports, or null (cancelled, or the page's input took over). */
  pickDataFile(request: DataFileRequest): Promise<string | null>;
}
