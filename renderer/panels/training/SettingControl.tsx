// One training setting as a form control (number, percent, select or toggle) from its field description
// (renderer/state/trainingSettings.ts); a refused value stays in the box with the reason under it.
import { useState } from 'react';
import type { TrainingConfig } from '../../../app/training/config.ts';
import { getPath, updateSetting, type SettingField } from '../../state/trainingSettings.ts';
import { Field } from '../../ui/Field.tsx';

export function SettingControl({ field, config, onChange }: { field: SettingField; config: TrainingConfig; onChange: (c: TrainingConfig) => void }) {
  const value = getPath(config, field.path);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = `mw-train-${field.path.replace(/\./g, '-')}`;
  const apply = (v: unknown) => {
    const r = updateSetting(config, field.path, v);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    setError(null);
    setText(null);
    onChange(r.config);
  };
  const c = field.control;
  let control;
  if (c.kind === 'toggle') {
    control = <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => apply(e.target.checked)} data-testid={`setting-${field.path}`} />;
  } else if (c.kind === 'select') {
    // A value the form has no option for (explicit class weights from a project file) stays visible as is.
    const custom = typeof value !== 'string';
    control = (
      <select id={id} value={custom ? '__custom' : value} onChange={(e) => e.target.value !== '__custom' && apply(e.target.value)} data-testid={`setting-${field.path}`}>
        {custom && <option value="__custom">custom: {JSON.stringify(value)}</option>}
        {c.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  } else {
    const percent = c.kind === 'percent';
    const shown = text ?? (typeof value === 'number' ? String(percent ? Math.round(value * 1000) / 10 : value) : '');
    const commit = () => {
      if (text === null) return;
      const n = Number(text.trim().replace(',', '.'));
      if (text.trim() === '' && c.kind === 'number' && c.optional) {
        apply(undefined);
        return;
      }
      if (text.trim() === '' || Number.isNaN(n)) {
        setError(`${field.label} needs a number.`);
        return;
      }
      if (percent && (n < c.min || n > c.max)) {
        setError(`${field.label} must be between ${c.min}% and ${c.max}%.`);
        return;
      }
      apply(percent ? n / 100 : n);
    };
    control = (
      <span>
        <input id={id} type="text" inputMode="decimal" value={shown} onChange={(e) => setText(e.target.value)} onBlur={commit}
          onKeyDown={(e) => { if (e.key === 'Enter') commit(); if (e.key === 'Escape') { setText(null); setError(null); } }}
          placeholder={c.kind === 'number' ? c.optional?.placeholder : undefined}
          data-testid={`setting-${field.path}`} aria-invalid={Boolean(error)} />
        {percent && ' %'}
      </span>
    );
  }
  return <Field label={field.label} help={field.help} htmlFor={id} error={error}>{control}</Field>;
}
