// The desktop app's answer to a history it cannot open at startup: a native dialog with the plain reason
// and, for a damaged file, the offer to keep it as a backup and start a new history; never a silent overwrite.
import { StoreError } from '../store/errors.ts';
import { backupAndReset } from '../store/reset.ts';
import type { DialogModule } from './dialogs.ts';

export type HistoryStartup<T> =
  | { outcome: 'opened'; value: T; /** Set when the damaged history was moved here and a new one started. */ backupPath?: string }
  | { outcome: 'quit' };

export interface HistoryRecoveryOptions<T> {
  /** The history database the app uses (shown to the user, and what a reset moves aside). */
  dbPath: string;
  /** Opens the history (in the app: creates the service host); called again after a reset. */
  open: () => T;
  /** Electron's dialog module (window-less: nothing is on screen yet at startup). */
  dialog: Pick<DialogModule, 'showMessageBox'>;
  log?: (message: string) => void;
  /** Clock for the backup's name (tests). */
  now?: () => Date;
}

export const resetButton = 'Keep a backup and start a new history';
export const quitButton = 'Quit';

/**
 * Opens the history; when that fails with a StoreError, asks the user. A damaged file (or one that is not
 * a Modelwright history) may be moved aside as `<name>.corrupt-<time>` and a new history started; a history
 * from a newer Modelwright, or one that cannot be opened for another reason, is only explained (Quit).
 * Errors that are not about the history are rethrown untouched.
 */
export async function openHistoryWithRecovery<T>(options: HistoryRecoveryOptions<T>): Promise<HistoryStartup<T>> {
  const { dbPath, dialog, log = () => {} } = options;
  try {
    return { outcome: 'opened', value: options.open() };
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    log(`the history cannot be opened: ${err.message}`);
    if (err.kind !== 'corrupt' && err.kind !== 'not-a-database') {
      await dialog.showMessageBox(null, {
        type: 'error', buttons: [quitButton], defaultId: 0, cancelId: 0, noLink: true,
        title: 'Modelwright cannot open its history',
        message: err.kind === 'newer-schema' ? 'The history was saved by a newer version of Modelwright.' : 'Modelwright cannot open its history.',
        detail: `${reasonOf(err)}\n\n${err.kind === 'newer-schema'
          ? 'Update Modelwright to use it. '
          : ''}The file was left untouched:\n${dbPath}`,
      });
      return { outcome: 'quit' };
    }

    const { response } = await dialog.showMessageBox(null, {
      type: 'error', buttons: [resetButton, quitButton], defaultId: 0, cancelId: 1, noLink: true,
      title: 'The history is damaged',
      message: err.kind === 'corrupt' ? 'The history of your training runs is damaged.' : 'The history file is not a Modelwright history.',
      detail: `${reasonOf(err)}\n\nIt has not been changed. Modelwright can keep it as a backup beside it ` +
        '(nothing is deleted) and start a new, empty history; your projects and models are separate files and are not affected. ' +
        `Or quit, and restore the file from a backup of your own:\n${dbPath}`,
    });
    if (response !== 0) return { outcome: 'quit' };

    let backupPath: string;
    let value: T;
    try {
      backupPath = backupAndReset(dbPath, { now: options.now?.() }).backupPath;
      log(`kept the damaged history as ${backupPath} and started a new one at ${dbPath}`);
      value = options.open();
    } catch (resetErr) {
      const reason = resetErr instanceof StoreError ? reasonOf(resetErr) : (resetErr as Error)?.message ?? String(resetErr);
      log(`starting a new history failed: ${reason}`);
      await dialog.showMessageBox(null, {
        type: 'error', buttons: [quitButton], defaultId: 0, cancelId: 0, noLink: true,
        title: 'Modelwright cannot start a new history',
        message: 'Starting a new history did not work.',
        detail: `${reason}\n\nCheck that the folder is writable and has free space, then start Modelwright again:\n${dbPath}`,
      });
      return { outcome: 'quit' };
    }
    await dialog.showMessageBox(null, {
      type: 'info', buttons: ['OK'], defaultId: 0, cancelId: 0, noLink: true,
      title: 'A new history was started',
      message: 'Modelwright started a new, empty history.',
      detail: `The damaged one is kept as a backup at:\n${backupPath}`,
    });
    return { outcome: 'opened', value, backupPath };
  }
}

/**
 * The store's reason without its command-line advice (--db, renaming by hand), which the dialog's own
 * buttons replace: the text up to the first "; " or ". It was left untouched", as a sentence.
 */
export function reasonOf(err: StoreError): string {
  const reason = err.message.split(/; |\. It was left untouched/)[0];
  const sentence = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
