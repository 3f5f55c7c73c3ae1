// Native open/save dialogs for the studio (attached to the window that asked), and the native
// "discard unsaved changes?" question when a window with unsaved work is closed. The renderer gets an
// opaque handle for the chosen file, never its path (main keeps the handle → path map, see fileAccess.ts).
import { basename, join } from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from '../../app/api/desktopBridge.ts';

/** The part of Electron's `dialog` module used here (window-less forms are used when no window is known). */
export interface DialogModule {
  showOpenDialog(window: unknown, options: { title?: string; filters?: { name: string; extensions: string[] }[]; properties?: string[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: unknown, options: { title?: string; defaultPath?: string; filters?: { name: string; extensions: string[] }[]; properties?: string[] }): Promise<{ canceled: boolean; filePath?: string }>;
  showMessageBox(window: unknown, options: { type?: string; buttons?: string[]; defaultId?: number; cancelId?: number; title?: string; message: string; detail?: string; noLink?: boolean }): Promise<{ response: number }>;
}

export interface NativeDialogs {
  /** A handle for the chosen file, or null when cancelled. `sender` is the webContents that asked (its window becomes the parent). */
  showOpen(sender: unknown, options: OpenDialogOptions): Promise<string | null>;
  showSave(sender: unknown, options: SaveDialogOptions): Promise<string | null>;
  /** True when the user agrees to close a window whose project has unsaved changes. */
  confirmDiscard(sender: unknown): Promise<boolean>;
  /** True when the user agrees to open a link from the page in the system browser. */
  confirmOpenExternal(sender: unknown, url: string): Promise<boolean>;
}

export interface NativeDialogsOptions {
  dialog: DialogModule;
  /** The BrowserWindow showing a webContents (dialogs are modal to it), or null. */
  windowFor(sender: unknown): unknown;
  /** Where save dialogs start: the user's documents folder. */
  documentsDir: string;
  /** Turns a chosen path into what the renderer receives: a handle (services' FileAccess.grant). */
  grant(path: string): string;
}

export function createNativeDialogs(options: NativeDialogsOptions): NativeDialogs {
  const { dialog, windowFor } = options;
  return {
    async showOpen(sender, o) {
      const properties = o.folder ? ['openDirectory'] : ['openFile'];
      const result = await dialog.showOpenDialog(windowFor(sender), { title: o.title, filters: o.folder ? undefined : o.filters ?? [], properties });
      return result.canceled || result.filePaths.length === 0 ? null : options.grant(result.filePaths[0]);
    },
    async showSave(sender, o) {
      // Only the file name of the suggestion is used: the page chooses a name, never a folder on disk.
      const name = basename(o.defaultPath.replace(/\\/g, '/')) || 'Untitled';
      const result = await dialog.showSaveDialog(windowFor(sender), {
        title: o.title, defaultPath: join(options.documentsDir, name), filters: o.filters ?? [], properties: ['showOverwriteConfirmation', 'createDirectory'],
      });
      return result.canceled || !result.filePath ? null : options.grant(result.filePath);
    },
    async confirmOpenExternal(sender, url) {
      const { response } = await dialog.showMessageBox(windowFor(sender), {
        type: 'question', buttons: ['Open in browser', 'Cancel'], defaultId: 1, cancelId: 1, noLink: true,
        title: 'Open a link', message: 'Open this address in your web browser?', detail: url.length > 500 ? `${url.slice(0, 500)}…` : url,
      });
      return response === 0;
    },
    async confirmDiscard(sender) {
      const { response } = await dialog.showMessageBox(windowFor(sender), {
        type: 'warning', buttons: ['Discard changes and close', 'Cancel'], defaultId: 1, cancelId: 1, noLink: true,
        title: 'Unsaved changes', message: 'The project has unsaved changes.',
        detail: 'Close the window anyway? A recovery copy is kept and offered the next time Modelwright starts.',
      });
      return response === 0;
    },
  };
}
