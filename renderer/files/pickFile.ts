// The browser's file picker as a promise: resolves to the chosen file's name and text, or null when the
// user cancels. Used for uploads where the host has no native dialog.
import { formatBytes } from '../../app/format.ts';

const maxUploadBytes = 64 * 1024 * 1024;

export function pickFileText(accept: string): Promise<{ name: string; text: string } | null> {
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.remove();
      if (!file) return resolve(null);
      if (file.size > maxUploadBytes) {
        return reject(new Error(`"${file.name}" is ${formatBytes(file.size)}; files up to ${formatBytes(maxUploadBytes)} can be opened here.`));
      }
      file.text().then((text) => resolve({ name: file.name, text }), () => reject(new Error(`"${file.name}" could not be read.`)));
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve(null);
    });
    document.body.append(input);
    input.click();
  });
}

/** The first file of a drop (drag and drop onto the page), as text; null when the drop held no file. */
export async function readDroppedText(data: DataTransfer | null): Promise<{ name: string; text: string } | null> {
  const file = data?.files?.[0];
  if (!file) return null;
  if (file.size > maxUploadBytes) throw new Error(`"${file.name}" is ${formatBytes(file.size)}; files up to ${formatBytes(maxUploadBytes)} can be opened here.`);
  return { name: file.name, text: await file.text() };
}

/** A file of a picked or dropped folder, with its path below the folder's parent ("my-model/model.json"). */
export interface PickedFile {
  file: File;
  path: string;
}

/**
 * The browser's folder picker (or, with `accept`, a picker of several files) as a promise: the chosen files, or
 * null when the user cancels.
 */
export function pickFolderFiles(accept?: string): Promise<PickedFile[] | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    if (accept === undefined) input.setAttribute('webkitdirectory', '');
    else input.accept = accept;
    input.style.display = 'none';
    input.dataset.testid = 'folder-input';
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      input.remove();
      resolve(files.length ? files.map((file) => ({ file, path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name })) : null);
    });
    input.addEventListener('cancel', () => {
      input.remove();
      resolve(null);
    });
    document.body.append(input);
    input.click();
  });
}
