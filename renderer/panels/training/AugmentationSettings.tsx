// The Training panel's Augmentation section: flips, turns, zoom, shifts and brightness changes of the
// training pictures (images only; for other data it says why it is not offered). Each change is the undoable
// "Change training settings" command, checked against the same schema the trainer uses.
import { augmentIsOn, augmentSchema, type TrainingConfig } from '../../../app/training/config.ts';
import { useProject } from '../../state/projectStore.ts';
import { settingFields } from '../../state/trainingSettings.ts';
import { setUi } from '../../state/uiStore.ts';
import { SettingControl } from './SettingControl.tsx';

const kindWords: Record<string, string> = { table: 'a table of rows', text: 'text' };

export function AugmentationSettings({ config, onChange, showAdvanced }: { config: TrainingConfig; onChange: (c: TrainingConfig) => void; showAdvanced: boolean }) {
  const binding = useProject((s) => s.document?.dataset ?? null);
  if (!binding) return null;
  const on = augmentIsOn(config.augment);
  if (binding.kind !== 'images') {
    return (
      <div className="mw-wp-card" data-testid="augment-unavailable">
        <h3>Augmentation</h3>
        <p className="mw-wp-help">Augmentation (random flips, turns and shifts of the training pictures) is for image data; this project trains on {kindWords[binding.kind] ?? binding.kind}.</p>
        {on && (
          <p className="mw-wp-warning">
            ⚠ The settings still ask for augmentation, which training refuses on this data.{' '}
            <button type="button" onClick={() => onChange({ ...config, augment: undefined })} data-testid="augment-off">Turn augmentation off</button>
          </p>
        )}
      </div>
    );
  }
  // Absent settings show as their all-off defaults; the first change writes them all.
  const shown: TrainingConfig = { ...config, augment: augmentSchema.parse(config.augment ?? {}) };
  const fields = settingFields.filter((f) => f.section === 'augment' && (showAdvanced || !f.advanced));
  return (
    <div className="mw-wp-card" data-testid="augment-settings" data-on={on ? 'true' : 'false'}>
      <h3>Augmentation</h3>
      <p className="mw-wp-help">
        Shows the model each training picture changed a little — differently every epoch — so it learns what matters, not where
        or how things happen to sit. Validation and test pictures are never changed.
      </p>
      {fields.map((f) => <SettingControl key={f.path} field={f} config={shown} onChange={onChange} />)}
      <div className="mw-wp-row">
        <button type="button" className="mw-wp-link" onClick={() => setUi({ activePanel: 'data' })} data-testid="augment-preview-link">See examples in the Data panel</button>
        {on && <button type="button" onClick={() => onChange({ ...config, augment: undefined })} data-testid="augment-off">Turn augmentation off</button>}
      </div>
    </div>
  );
}
