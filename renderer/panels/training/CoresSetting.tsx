// "Use N of M cores": the cores one run computes with, saved with the project's training settings (like the
// backend) and sent with every run. Empty means the studio's default, all cores but one; the computer that
// trains (the server under `modelwright serve`) says how many it has.
import { explainSetting, settingLabel } from '../../../app/explanations.ts';
import type { TrainingConfig } from '../../../app/training/config.ts';
import type { EngineBackends } from '../../../app/api/types.ts';
import { Field } from '../../ui/Field.tsx';
import { updateSetting } from '../../state/trainingSettings.ts';

const coresWord = (n: number) => `${n} core${n === 1 ? '' : 's'}`;

export function CoresSetting({ cores, config, onChange }: { cores: EngineBackends['cores']; config: TrainingConfig; onChange: (c: TrainingConfig) => void }) {
  const { count, studioDefault } = cores;
  const chosen = config.threads;
  const apply = (value: string) => {
    const r = updateSetting(config, 'threads', value === '' ? undefined : Number(value));
    if (r.ok) onChange(r.config);
  };
  const options = Array.from({ length: count }, (_, i) => i + 1);
  return (
    <Field label={settingLabel('threads')} help={explainSetting('threads') ?? undefined} htmlFor="mw-train-threads">
      <select id="mw-train-threads" value={chosen === undefined ? '' : String(chosen)} onChange={(e) => apply(e.target.value)} data-testid="setting-threads">
        <option value="">Use {studioDefault} of {count} cores (default: all but one)</option>
        {options.map((n) => <option key={n} value={String(n)}>Use {n} of {coresWord(count)}</option>)}
        {/* A project saved on a bigger computer keeps its setting; this one trains on all it has. */}
        {chosen !== undefined && chosen > count && <option value={String(chosen)}>{coresWord(chosen)} (this computer has {count}: uses {count})</option>}
      </select>
    </Field>
  );
}
