// Getting the user's own data to the host without naming a path: a CSV by upload or drag and drop, an
// image folder by the folder picker or a zip of class folders. A host with native dialogs (the desktop)
// answers "Choose…" with an opaque handle the main process keeps (see docs/api.md, "Files and the
// workspace"); otherwise "Upload…" opens the page's file input. Image sets (folder or zip) go in requests
// of about 8 MB (imageUpload.ts) under a progress bar with a Cancel button.
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { uploadMaxRequestBytes } from '../../../app/api/contract.ts';
import type { ImportedDataset } from '../../../app/api/types.ts';
import { useHost } from '../../host/HostProvider.tsx';
import { fileToBase64 } from '../../files/fileToBase64.ts';
import { droppedFiles, type DroppedFile } from '../../files/droppedFiles.ts';
import { checkCsvFile, imageExtension } from './dataEdits.ts';
import { Cancelled, progressText, sendImages, uploadFolderName, zipImages, type UploadImage, type UploadProgress } from './imageUpload.ts';

export type CsvOptions = { kind: 'table' | 'text'; target?: string; textColumn?: string };
export type ImageOptions = { width: number; height: number; channels: 1 | 3 };
type Run = (work: () => Promise<ImportedDataset>) => void;

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
  const [upload, setUpload] = useState<{ what: string; progress: UploadProgress | null; cancel: AbortController; cancelling: boolean } | null>(null);
  const withOptions = (work: (opts: ImageOptions) => Promise<ImportedDataset>) => {
    const opts = options();
    if (opts) run(() => work(opts));
  };
  /** Sends images (read lazily) in chunks with a progress bar and a Cancel button; `list` gives them. */
  const send = (what: string, folderName: () => string, list: () => Promise<UploadImage[]>) => withOptions(async (opts) => {
    const cancel = new AbortController();
    const state = { what, progress: null as UploadProgress | null, cancel, cancelling: false };
    setUpload(state);
    try {
      const images = await list();
      if (cancel.signal.aborted) throw new Cancelled();
      return await sendImages(api!.datasets, folderName(), images, opts, {
        signal: cancel.signal,
        onProgress: (progress) => setUpload((u) => (u && u.cancel === cancel ? { ...u, progress } : u)),
      });
    } finally {
      setUpload((u) => (u && u.cancel === cancel ? null : u));
    }
  });
  /** Files with their paths below the chosen or dropped folder ("picked/class/file.png"). */
  const uploadFolder = (files: DroppedFile[]) => {
    const images = files.filter((f) => imageExtension.test(f.path));
    send('Uploading the images', () => (images[0]?.path.includes('/') ? images[0].path.split('/')[0] : 'images'), async () => {
      if (images.length === 0) throw new Error('The folder holds no PNG or JPEG images. Choose the folder that holds one subfolder of images per class.');
      return images.map((f) => ({ path: f.path, size: f.file.size, read: () => fileToBase64(f.file) }));
    });
  };
  const uploadZip = (file: File) => send(`Unpacking "${file.name}"`, () => uploadFolderName(file.name), () => zipImages(file, (data) => fileToBase64(new Blob([data as Uint8Array<ArrayBuffer>]))));
  const dropped = (data: DataTransfer) => {
    void droppedFiles(data).then((files) => {
      const zip = files.find((f) => /\.zip$/i.test(f.path));
      if (zip) uploadZip(zip.file);
      else if (files.some((f) => f.path.includes('/'))) uploadFolder(files);
      else run(async () => { throw new Error('Drop the folder that holds one subfolder of images per class (or a .zip of them): single pictures have no class.'); });
    });
  };
  const stop = () => {
    if (!upload) return;
    upload.cancel.abort();
    setUpload({ ...upload, cancelling: true });
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
      {upload && <UploadBar {...upload} onCancel={stop} />}
    </DropZone>
  );
}

/** The progress of an upload in plain words, with a bar and a Cancel button. */
function UploadBar({ what, progress, cancelling, onCancel }: { what: string; progress: UploadProgress | null; cancelling: boolean; onCancel: () => void }) {
  const label = cancelling
    ? 'Cancelling: finishing the request under way, then removing what was uploaded…'
    : progress ? `${what}: ${progressText(progress)}` : `${what}: reading the files…`;
  return (
    <div className="mw-wp-row" data-testid="images-upload-progress" role="status">
      <progress max={progress?.totalBytes || 1} value={progress?.bytes ?? 0} aria-label="Upload progress" data-testid="images-upload-bar" style={{ width: "100%" }} />
      <span className="mw-wp-muted" data-testid="images-upload-text">{label}</span>
      <button type="button" onClick={onCancel} disabled={cancelling} data-testid="images-upload-cancel">Cancel</button>
    </div>
  );
}

