// Image data from the webcam alone: name a class, take its pictures, the next class, ...; then the
// pictures are uploaded as one new folder of class folders (`uploads/camera`), like an uploaded folder.
import { useState } from 'react';
import type { ImportedDataset } from '../../../app/api/types.ts';
import { useHost } from '../../host/HostProvider.tsx';
import { Camera } from '../../ui/Camera.tsx';
import type { ImageOptions } from './DataUpload.tsx';

export function CameraDataset({ busy, run, options }: { busy: boolean; run: (work: () => Promise<ImportedDataset>) => void; options: () => ImageOptions | null }) {
  const api = useHost()?.api;
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState('');
  const [shots, setShots] = useState<{ label: string; png: string }[]>([]);
  const classes = [...new Set(shots.map((s) => s.label))];
  if (!open) return <button type="button" disabled={busy || !api} onClick={() => setOpen(true)} data-testid="camera-dataset">Take pictures with the camera…</button>;
  const use = () => {
    const opts = options();
    if (!opts) return;
    const files = shots.map((s, i) => ({ path: `camera/${s.label}/picture-${i + 1}.png`, data: s.png }));
    run(async () => {
      const result = await api!.datasets.importImageFiles('camera', files, opts);
      setShots([]);
      setOpen(false);
      return result;
    });
  };
  return (
    <div className="mw-wp-card" data-testid="camera-dataset-card">
      <p className="mw-wp-help">Name a class, take a few pictures of it, then name the next class. Two classes at least; a few dozen pictures each, from different angles, teach a model best.</p>
      <label>Class <input type="text" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. thumbs up" style={{ width: 140 }} data-testid="camera-class-name" /></label>
      {label.trim() && <Camera snapLabel={`Take a picture of “${label.trim()}”`} onClose={() => setLabel('')} onSnapshot={(png) => setShots((s) => [...s, { label: label.trim(), png }])} />}
      {classes.length > 0 && (
        <p data-testid="camera-dataset-counts">{classes.map((c) => `${c}: ${shots.filter((s) => s.label === c).length}`).join(' · ')}</p>
      )}
      <div className="mw-wp-row">
        <button type="button" className="mw-primary" disabled={busy || classes.length < 2} onClick={use} data-testid="camera-dataset-use">
          Use these {shots.length} pictures
        </button>
        <button type="button" onClick={() => { setShots([]); setOpen(false); }}>Cancel</button>
      </div>
    </div>
  );
}
