// The one-click fixes of a readiness problem as buttons; each runs the undoable `applyModelFix` command.
import type { ReadinessProblem } from '../../app/training/readiness.ts';
import { commands } from '../commands/index.ts';
import { notify } from './notify.ts';

export function FixButtons({ problem, max = 3 }: { problem: ReadinessProblem; max?: number }) {
  if (problem.fixes.length === 0) return null;
  return (
    <span className="mw-fix-buttons">
      {problem.fixes.slice(0, max).map((fix, i) => (
        <button key={i} type="button" className={i === 0 ? 'mw-primary' : undefined} data-testid="fix-button"
          title={`${fix.label} (undo with Ctrl+Z)`}
          onClick={() => {
            const r = commands.execute('applyModelFix', { fix });
            if (r.ok && r.changed) notify.success(`${fix.label}.`, { detail: 'Undo with Ctrl+Z if that is not what you wanted.' });
          }}>
          {fix.label}
        </button>
      ))}
    </span>
  );
}
