// The Data panel's augmentation preview: a few real training pictures, each beside versions changed the way
// training will change them (made on the host by the trainer's own transforms, with the project's
// augmentation settings and seed), so what the preview shows is what training sees. Follows the settings.
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { augmentIsOn, makeTrainingConfig } from '../../../app/training/config.ts';
import { useProject } from '../../state/projectStore.ts';
import { setUi } from '../../state/uiStore.ts';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { useApi } from '../../ui/useApi.ts';
import { useAsync } from '../../ui/useAsync.ts';

const previewImages = 6;
const previewVariants = 5;

export function AugmentPreview({ binding, projectPath }: { binding: DatasetBinding; projectPath: string | null }) {
  const api = useApi();
  const training = useProject((s) => s.document?.training) ?? makeTrainingConfig();
  const on = augmentIsOn(training.augment);
  // Only what changes the pictures asks again: the augmentation, the seeds and the split.
  const key = JSON.stringify([binding, training.augment, training.seed, training.splitSeed, training.validationSplit, training.testSplit, projectPath]);
  const preview = useAsync(api && on ? () => api.datasets.augmentPreview(binding, training, { projectPath, images: previewImages, variants: previewVariants }) : null, [api, on, key]);
  if (!on) {
    return (
      <div className="mw-wp-card" data-testid="augment-preview-off">
        <p className="mw-wp-help">Augmentation is off: training sees every picture exactly as it is. Random flips, turns, zooms, shifts and
          brightness changes can help a model that has few pictures; examples of them show here once they are on.</p>
        <button type="button" onClick={() => setUi({ activePanel: 'training' })} data-testid="augment-preview-settings">Set up augmentation (Training panel)</button>
      </div>
    );
  }
  const data = preview.data;
  return (
    <div data-testid="augment-preview" data-loading={preview.loading ? 'true' : 'false'}>
      <p className="mw-wp-help">
        Training pictures as training will see them: each picture, then {previewVariants} random versions made the way the trainer changes it
        {data ? ` (seed ${data.seed})` : ''}. Every epoch draws new ones; validation and test pictures are never changed.
      </p>
      {preview.loading && !data && <p className="mw-wp-muted">Making examples…</p>}
      <ErrorText error={preview.error} retry={preview.reload} />
      {data?.images.map((image) => (
        <div key={image.name} className="mw-thumb-grid" data-testid="augment-preview-row">
          <figure className="mw-thumb-card" title={image.name}>
            <img className="mw-thumb" src={`data:image/png;base64,${image.original}`} alt={`${image.name} as it is`} data-testid="augment-original" />
            <figcaption>{image.label}</figcaption>
          </figure>
          {image.variants.map((v, k) => (
            <figure key={k} className="mw-thumb-card">
              <img className="mw-thumb" src={`data:image/png;base64,${v}`} alt={`${image.name}, augmented version ${k + 1}`} data-testid="augment-variant" />
              <figcaption className="mw-wp-muted">version {k + 1}</figcaption>
            </figure>
          ))}
        </div>
      ))}
      <button type="button" className="mw-wp-link" onClick={() => setUi({ activePanel: 'training' })}>Change the augmentation (Training panel)</button>
    </div>
  );
}
