// Files and folders dropped on the image upload: a dropped folder is walked through the entries API (in
// batches, as Chromium answers readEntries 100 at a time) and each file gets its path below the drop; a
// browser without entries gives the plain files.
import { describe, expect, it } from 'vitest';
import { droppedFiles, type Entry } from '../../renderer/files/droppedFiles.ts';

const fileEntry = (name: string): Entry => ({ isFile: true, isDirectory: false, name, file: (ok) => ok(new File([name], name)) });

/** A folder whose reader hands its children out `batch` at a time, then an empty batch. */
function folderEntry(name: string, children: Entry[], batch = 100): Entry {
  return {
    isFile: false, isDirectory: true, name,
    createReader: () => {
      let at = 0;
      return { readEntries: (ok) => { const next = children.slice(at, at + batch); at += next.length; ok(next); } };
    },
  };
}

/** A DataTransfer as a drop gives it: one item per dropped thing, each with its entry (or none). */
function drop(entries: (Entry | null)[], files: File[] = []): DataTransfer {
  const items = entries.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry }));
  return { items, files } as unknown as DataTransfer;
}

describe('droppedFiles', () => {
  it('walks a dropped folder of class folders, every file with its path below the drop, past one readEntries batch', async () => {
    const roses = Array.from({ length: 250 }, (_, i) => fileEntry(`r${i}.png`));
    const tulips = [fileEntry('t0.png'), fileEntry('t1.jpg')];
    const flowers = folderEntry('flowers', [folderEntry('roses', roses), folderEntry('tulips', tulips)]);
    const files = await droppedFiles(drop([flowers]));
    expect(files).toHaveLength(252);
    expect(files[0].path).toBe('flowers/roses/r0.png');
    expect(files[249].path).toBe('flowers/roses/r249.png');
    expect(files.slice(250).map((f) => f.path)).toEqual(['flowers/tulips/t0.png', 'flowers/tulips/t1.jpg']);
    expect(await files[251].file.text()).toBe('t1.jpg');
  });

  it('takes several dropped class folders side by side, and a dropped zip as a file', async () => {
    const files = await droppedFiles(drop([folderEntry('cats', [fileEntry('a.png')]), folderEntry('dogs', [fileEntry('b.png')]), fileEntry('more.zip')]));
    expect(files.map((f) => f.path)).toEqual(['cats/a.png', 'dogs/b.png', 'more.zip']);
  });

  it('gives the plain files where the browser has no entries for the drop', async () => {
    const plain = [new File(['x'], 'pics.zip')];
    const files = await droppedFiles(drop([null], plain));
    expect(files.map((f) => [f.path, f.file])).toEqual([['pics.zip', plain[0]]]);
  });
});
