// Class probabilities as horizontal bars, highest first, the predicted class highlighted.
import { formatPercent } from '../../../app/format.ts';

/** Horizontal bars for class probabilities, highest first. */
export function ProbabilityBars({ probabilities, highlight, limit = 10 }: { probabilities: Record<string, number>; highlight?: string; limit?: number }) {
  const entries = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  const shown = entries.slice(0, limit);
  return (
    <div className="mw-wp-bars" data-testid="probability-bars">
      {shown.map(([label, p]) => (
        <div key={label} className={`mw-wp-bar${label === highlight ? ' mw-wp-bar-top' : ''}`}>
          <span className="mw-wp-bar-label" title={label}>{label}</span>
          <span className="mw-wp-bar-track"><span className="mw-wp-bar-fill" style={{ width: `${Math.max(0, Math.min(1, p)) * 100}%` }} /></span>
          <span className="mw-wp-bar-value">{formatPercent(p)}</span>
        </div>
      ))}
      {entries.length > shown.length && <p className="mw-wp-help">…and {entries.length - shown.length} less likely classes.</p>}
    </div>
  );
}
