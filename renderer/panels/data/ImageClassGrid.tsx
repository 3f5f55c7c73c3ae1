// The Data panel's view of an image dataset: one row per class with its count and its first pictures.
// An uploaded folder can be changed here: remove a picture with one click, add pictures to a class
// (files, or webcam captures where a camera exists).
import { useState } from 'react';
import type { ImageClassGrid as Grid } from '../../../app/api/types.ts';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { formatCount } from '../../../app/format.ts';
import { useHost } from '../../host/HostProvider.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { notify } from '../../ui/notify.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { ClassCapture } from './ClassCapture.tsx';

export function ImageClassGrid({ binding, projectPath, onChanged }: { binding: DatasetBinding; projectPath: string | null; onChanged: () => void }) {
  const api = useHost()?.api;
  const grid = useAsync(api ? () => api.datasets.imageClasses(binding, { projectPath, perClass: 24 }) : null, [api, JSON.stringify(binding), projectPath]);
  const [removing, setRemoving] = useState<string | null>(null);
  const changed = () => { grid.reload(); onChanged(); };
  const remove = async (name: string) => {
    setRemoving(name);
    try {
      await api!.datasets.removeImage(binding.source, name);
      changed();
    } catch (err) {
      notify.error(err, `"${name}" could not be removed`);
    } finally {
      setRemoving(null);
    }
  };
  const data: Grid | null = grid.data;
  return (
    <div data-testid="image-classes">
      {grid.loading && !data && <p className="mw-wp-muted">Loading the pictures…</p>}
      <ErrorText error={grid.error} retry={grid.reload} />
      {data && !data.editable && binding.source.startsWith('builtin:') && <p className="mw-wp-help">A built-in dataset: the first pictures of each class.</p>}
      {data && !data.editable && !binding.source.startsWith('builtin:') && <p className="mw-wp-help">Pictures from a folder on this computer; change it with your file manager (upload it to add or remove pictures here).</p>}
      {data?.classes.map((c) => (
        <div key={c.name} className="mw-class-row" data-testid={`image-class-${c.name}`}>
          <h4>{c.name} <span className="mw-wp-muted">— {formatCount(c.count)} image{c.count === 1 ? '' : 's'}</span></h4>
          <div className="mw-thumb-grid">
            {c.thumbs.map((t) => (
              <figure key={t.name} className="mw-thumb-card" title={t.name}>
                <img className="mw-thumb" src={`data:image/png;base64,${t.image}`} alt={t.name} data-testid="class-thumb" />
                {data.editable && (
                  <button type="button" className="mw-thumb-remove" aria-label={`Remove ${t.name}`} title="Remove this picture from the data"
                    disabled={removing !== null} onClick={() => void remove(t.name)} data-testid="thumb-remove">×</button>
                )}
              </figure>
            ))}
            {c.count > c.thumbs.length && <span className="mw-wp-muted" style={{ alignSelf: 'center' }}>and {formatCount(c.count - c.thumbs.length)} more</span>}
          </div>
          {data.editable && <ClassCapture folder={binding.source} label={c.name} image={binding.image ?? null} onAdded={changed} />}
        </div>
      ))}
      {data?.editable && <ClassCapture folder={binding.source} label={null} image={binding.image ?? null} onAdded={changed} />}
    </div>
  );
}
