// Adding pictures to one class of an uploaded image folder (or to a new class): image files, or
// snapshots from the webcam where there is one. Each addition goes to the host at once (datasets.addImages).
import { useRef, useState } from 'react';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { useHost } from '../../host/HostProvider.tsx';
import { fileToBase64 } from '../../files/fileToBase64.ts';
import { Camera, useHasCamera } from '../../ui/Camera.tsx';
import { notify } from '../../ui/notify.ts';
import { imageExtension } from './dataEdits.ts';

type ImageSpec = NonNullable<DatasetBinding['image']>;

export function ClassCapture({ folder, label, image, onAdded }: { folder: string; label: string | null; image: ImageSpec | null; onAdded: () => void }) {
  const api = useHost()?.api;
  const input = useRef<HTMLInputElement>(null);
  const [camera, setCamera] = useState(false);
  const hasCamera = useHasCamera();
  const [busy, setBusy] = useState(false);
  const [newClass, setNewClass] = useState('');
  const target = label ?? newClass.trim();
  const add = async (files: { name: string; data: string }[]) => {
    if (!target) return notify.error('Name the new class first.');
    setBusy(true);
    try {
      await api!.datasets.addImages(folder, files.map((f) => ({ path: `${target}/${f.name}`, data: f.data })), image ?? undefined);
      if (label === null) setNewClass('');
      onAdded();
    } catch (err) {
      notify.error(err, 'The pictures could not be added');
    } finally {
      setBusy(false);
    }
  };
  const testId = label === null ? 'new-class' : `class-${label}`;
  return (
    <div className="mw-wp-row" data-testid={`${testId}-add`}>
      {label === null && (
        <label>New class <input type="text" value={newClass} onChange={(e) => setNewClass(e.target.value)} placeholder="e.g. thumbs up" style={{ width: 140 }} data-testid="new-class-name" /></label>
      )}
      <input ref={input} type="file" hidden multiple accept="image/png,image/jpeg" data-testid={`${testId}-files`} onChange={async (e) => {
        const picked = [...(e.target.files ?? [])].filter((f) => imageExtension.test(f.name));
        e.target.value = '';
        if (picked.length) await add(await Promise.all(picked.map(async (f) => ({ name: f.name, data: await fileToBase64(f) }))));
      }} />
      <button type="button" disabled={busy || !api || !target} onClick={() => input.current?.click()}>Add pictures…</button>
      {hasCamera && !camera && <button type="button" disabled={busy || !api || !target} onClick={() => setCamera(true)} data-testid={`${testId}-camera`}>Use the camera</button>}
      {camera && (
        <Camera busy={busy} snapLabel={`Take a picture of “${target || '…'}”`} onClose={() => setCamera(false)}
          onSnapshot={(png) => void add([{ name: `camera-${new Date().toISOString().replace(/[:.]/g, '-')}.png`, data: png }])} />
      )}
    </div>
  );
}
