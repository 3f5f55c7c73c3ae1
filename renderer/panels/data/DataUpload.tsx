// Getting the user's own data to the host without naming a path: a CSV by upload or drag and drop, an
// image folder by the folder picker or a zip of class folders. A host with native dialogs (the desktop)
// answers "Choose…" with an opaque handle the main process keeps (see docs/api.md, "Files and the
// workspace"); otherwise "Upload…" opens the page's file input.
import { formatBytes, formatCount } from '../../../app/format.ts';
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { maxImageUploadBytes, uploadMaxRequestBytes } from '../../../app/api/contract.ts';
import type { ImportedDataset } from '../../../app/api/types.ts';
import { useHost } from '../../host/HostProvider.tsx';
import { fileToBase64 } from '../../files/fileToBase64.ts';
import { droppedFiles, type DroppedFile } from '../../files/droppedFiles.ts';
import { checkCsvFile, imageExtension, uploadChunks } from './dataEdits.ts';

export type CsvOptions = { kind: 'table' | 'text'; target?: string; textColumn?: string };
export type ImageOptions = { width: number; height: number; channels: 1 | 3 };
type Run = (work: () => Promise<ImportedDataset>) => void;

/** Base64 grows data by 4/3; the request also carries names and JSON. */
const maxUploadBytes = Math.floor((uploadMaxRequestBytes - 1024 * 1024) * 3 / 4);

/** A dashed area that takes dropped files (or, with `onData`, the whole drop: folders too); its children are the buttons. */
function DropZone({ onFiles, onData, children, testId }: { onFiles?: (files: File[]) => void; onData?: (data: DataTransfer) => void; children: ReactNode; testId: string }) {
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (onData && e.dataTransfer) return onData(e.dataTransfer);
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) onFiles?.(files);
  };
  return (
    <div className={`mw-drop${over ? ' mw-drop-over' : ''}`} data-testid={testId}
      onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop}>
      {children}
    </div>
  );
}

export function CsvUpload({ busy, run, options }: { busy: boolean; run: Run; options: () => CsvOptions }) {
  const host = useHost();
  const api = host?.api;
  // Native dialogs choose a file on this computer; the page's input uploads one.
  const native = host?.can.nativeDialogs;
  const fileInput = useRef<HTMLInputElement>(null);
  const upload = (file: File) => run(async () => {
    const problem = checkCsvFile(file.name, file.size, uploadMaxRequestBytes - 1024);
    if (problem) throw new Error(problem);
    return api!.datasets.importCsvText(file.name, await file.text(), options());
  });
  return (
    <DropZone testId="csv-drop" onFiles={(files) => upload(files[0])}>
      <div className="mw-wp-row">
        <input ref={fileInput} type="file" accept=".csv,.tsv,.txt,text/csv" hidden onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) upload(f); }} data-testid="csv-file-input" />
        <button type="button" disabled={busy || !api} data-testid={native ? 'csv-choose' : 'csv-upload'} onClick={() => run(async () => {
          const handle = await host!.pickDataFile({ what: 'table', input: fileInput.current });
          if (!handle) throw new Cancelled();
          return api!.datasets.importCsvPath(handle, options());
        })}>{native ? 'Choose a file…' : 'Upload a file…'}</button>
        <span className="mw-wp-muted">or drop a CSV or TSV file here. It is kept in your Modelwright workspace under its own name.</span>
      </div>
    </DropZone>
  );
}

export function ImageUpload({ busy, run, options }: { busy: boolean; run: Run; options: () => ImageOptions | null }) {
  const host = useHost();
  const api = host?.api;
  // Native dialogs choose a file on this computer; the page's input uploads one.
  const native = host?.can.nativeDialogs;
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const withOptions = (work: (opts: ImageOptions) => Promise<ImportedDataset>) => {
    const opts = options();
    if (opts) run(() => work(opts));
  };
  /** Files with their paths below the chosen or dropped folder ("picked/class/file.png"), sent in chunks. */
  const uploadFolder = (files: DroppedFile[]) => withOptions(async (opts) => {
    const images = files.filter((f) => imageExtension.test(f.path)).map((f) => ({ ...f, size: f.file.size }));
    if (images.length === 0) throw new Error('The folder holds no PNG or JPEG images. Choose the folder that holds one subfolder of images per class.');
    const total = images.reduce((n, f) => n + f.size, 0);
    if (total > maxImageUploadBytes) throw new Error(`The images add up to ${formatBytes(total)}; up to ${formatBytes(maxImageUploadBytes)} can be uploaded. Use smaller images or fewer of them.`);
    const folderName = images[0].path.includes('/') ? images[0].path.split('/')[0] : 'images';
    const chunks = uploadChunks(images);
    const encode = (chunk: typeof images) => Promise.all(chunk.map(async (f) => ({ path: f.path, data: await fileToBase64(f.file) })));
    let sent = 0;
    const step = (n: number) => { sent += n; setProgress(chunks.length > 1 ? `Uploading: ${formatCount(sent)} of ${formatCount(images.length)} images…` : null); };
    try {
      step(0);
      // The first request creates the folder (uploads/<name>); the others add to it.
      let result = await api!.datasets.importImageFiles(folderName, await encode(chunks[0]), opts);
      step(chunks[0].length);
      for (const chunk of chunks.slice(1)) {
        result = await api!.datasets.addImages(result.binding.source, await encode(chunk), opts);
        step(chunk.length);
      }
      return result;
    } finally {
      setProgress(null);
    }
  });
  const uploadZip = (file: File) => withOptions(async (opts) => {
    if (file.size > maxUploadBytes) throw new Error(`"${file.name}" is ${formatBytes(file.size)}; zips up to ${formatBytes(maxUploadBytes)} can be uploaded (a bigger set: unpack it and drop the folder).`);
    return api!.datasets.importImageZip(file.name, await fileToBase64(file), opts);
  });
  const dropped = (data: DataTransfer) => {
    void droppedFiles(data).then((files) => {
      const zip = files.find((f) => /\.zip$/i.test(f.path));
      if (zip) uploadZip(zip.file);
      else if (files.some((f) => f.path.includes('/'))) uploadFolder(files);
      else run(async () => { throw new Error('Drop the folder that holds one subfolder of images per class (or a .zip of them): single pictures have no class.'); });
    });
  };
  return (
    <DropZone testId="images-drop" onData={dropped}>
      <div className="mw-wp-row">
        <input ref={folderInput} type="file" hidden multiple data-testid="images-folder-input"
          {...{ webkitdirectory: '', directory: '' }}
          onChange={(e) => {
            const picked = [...(e.target.files ?? [])];
            e.target.value = '';
            // webkitRelativePath is "picked-folder/class/file.png"; the host drops the picked folder's name.
            if (picked.length) uploadFolder(picked.map((file) => ({ file, path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name })));
          }} />
        <input ref={zipInput} type="file" hidden accept=".zip,application/zip" data-testid="images-zip-input"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) uploadZip(f); }} />
        <button type="button" disabled={busy || !api} data-testid={native ? 'images-choose' : 'images-upload-folder'} onClick={() => withOptions(async (opts) => {
          const handle = await host!.pickDataFile({ what: 'imageFolder', input: folderInput.current });
          if (!handle) throw new Cancelled();
          return api!.datasets.importImageFolder(handle, opts);
        })}>{native ? 'Choose a folder…' : 'Upload a folder…'}</button>
        <button type="button" disabled={busy || !api} onClick={() => zipInput.current?.click()} data-testid="images-upload-zip">Upload a .zip…</button>
        <span className="mw-wp-muted">or drop a folder of class folders (or a .zip of them) here.</span>
      </div>
      {progress && <p className="mw-wp-muted" data-testid="images-upload-progress">{progress}</p>}
    </DropZone>
  );
}

/** Thrown when the user closes a native dialog without choosing: not an error to show. */
export class Cancelled extends Error {
  override name = 'Cancelled';
}
