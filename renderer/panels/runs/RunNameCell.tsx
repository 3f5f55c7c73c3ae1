// A run's name in the runs table, renamed in place: double-click it (or press ✎), type, Enter or click
// elsewhere to keep, Escape to cancel. The name shows at once; the table refreshes from the history after.
import { useEffect, useRef, useState } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import type { RunSummary } from '../../../app/store/types.ts';
import { notify } from '../../ui/notify.ts';

export function RunNameCell({ api, run }: { api: ModelwrightApi; run: Pick<RunSummary, 'id' | 'name'> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(run.name);
  // The name just saved, shown until the history's copy catches up.
  const [saved, setSaved] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => { if (saved !== null && saved === run.name) setSaved(null); }, [run.name, saved]);
  useEffect(() => { if (editing) input.current?.select(); }, [editing]);
  const shown = saved ?? run.name;

  const start = () => { setText(shown); setEditing(true); };
  const commit = async () => {
    if (!editing) return;
    setEditing(false);
    const name = text.trim();
    if (!name || name === shown) return;
    setSaved(name);
    try {
      await api.runs.rename(run.id, name);
    } catch (err) {
      setSaved(null);
      notify.error(err, 'Could not rename the run');
    }
  };

  if (editing) {
    return (
      <input ref={input} type="text" className="mw-wp-rename" value={text} maxLength={200} aria-label={`New name for run #${run.id}`} data-testid={`run-name-input-${run.id}`}
        onChange={(e) => setText(e.target.value)} onBlur={() => void commit()} onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          // Arrow keys move the caret here, not the table's selection.
          e.stopPropagation();
          if (e.key === 'Enter') void commit();
          if (e.key === 'Escape') setEditing(false);
        }} />
    );
  }
  return (
    <span className="mw-wp-name" onDoubleClick={start} title={`${shown} — double-click to rename`} data-testid={`run-name-${run.id}`}>
      <button type="button" className="mw-wp-rename-button" onClick={(e) => { e.stopPropagation(); start(); }} aria-label={`Rename run #${run.id}`} data-testid={`run-rename-button-${run.id}`}>✎</button>
      {shown}
    </span>
  );
}
