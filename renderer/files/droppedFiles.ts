// Files and folders dropped on the page: a dropped folder is walked (the File and Directory Entries API,
// `webkitGetAsEntry`), each file given its path below the drop ("flowers/roses/a.png"), as a folder
// picked with the file input gives it in `webkitRelativePath`.

export interface DroppedFile {
  file: File;
  /** Path from the dropped item: "name.png" for a dropped file, "folder/class/name.png" inside a folder. */
  path: string;
}

/** The part of a FileSystemEntry (file or directory) the walk uses. */
export interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?: (ok: (f: File) => void, fail: (e: unknown) => void) => void;
  createReader?: () => { readEntries: (ok: (entries: Entry[]) => void, fail: (e: unknown) => void) => void };
}

async function walk(entry: Entry, prefix: string, out: DroppedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile && entry.file) {
    out.push({ file: await new Promise<File>((ok, fail) => entry.file!(ok, fail)), path });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries answers in batches (100 in Chromium) until an empty one.
    for (;;) {
      const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, path, out);
    }
  }
}

/** Every file of a drop, folders walked; plain files where the browser has no entries API. */
export async function droppedFiles(data: DataTransfer): Promise<DroppedFile[]> {
  const items = [...(data.items ?? [])].filter((i) => i.kind === 'file');
  const entries = items.map((i) => (i as DataTransferItem & { webkitGetAsEntry?: () => Entry | null }).webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((e) => e === null)) return [...data.files].map((file) => ({ file, path: file.name }));
  const out: DroppedFile[] = [];
  for (const entry of entries) await walk(entry!, '', out);
  return out;
}
