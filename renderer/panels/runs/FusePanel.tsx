// "Fuse…" in the Runs panel: the ticked runs become one ensemble (average, weighted or vote), evaluated on
// their shared test split, recorded as a run and exported as one verified model (docs/ensembles.md). The
// result shows the ensemble's test metric beside each member's.
import { useState } from 'react';
import type { EnsembleMethod, EnsembleOutcome, ModelwrightApi } from '../../../app/api/contract.ts';
import { ensembleMethods } from '../../../app/store/ensemble.ts';
import { capitalize, formatNumber } from '../../../app/format.ts';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { notify } from '../../ui/notify.ts';
import { headlineMetric, metricCell } from './runCells.ts';

const methodText: Record<EnsembleMethod, string> = {
  average: 'Average — the mean of the members\' probabilities (or values)',
  weighted: 'Weighted — a mean with weights fitted on the validation rows',
  vote: 'Vote — the class most members predict (classifiers only)',
};

function Outcome({ outcome, onShow }: { outcome: EnsembleOutcome; onShow: (runId: number) => void }) {
  const metric = headlineMetric(outcome.test);
  const cell = (test: Record<string, number | null>) => metricCell(metric ? { metric, value: test[metric] ?? null } : null);
  const mean = metric ? outcome.members.reduce((s, m) => s + (m.test[metric] ?? NaN), 0) / outcome.members.length : NaN;
  return (
    <div data-testid="fuse-outcome">
      <table className="mw-wp-table">
        <thead><tr><th>Run</th><th>On the test rows</th>{outcome.method === 'weighted' && <th>Weight</th>}</tr></thead>
        <tbody>
          {outcome.members.map((m) => (
            <tr key={m.runId}><td>#{m.runId} {m.name}</td><td>{cell(m.test)}</td>{outcome.method === 'weighted' && <td>{formatNumber(m.weight, 3)}</td>}</tr>
          ))}
          <tr data-testid="fuse-ensemble-row"><td><strong>#{outcome.runId} {outcome.runName}</strong></td><td><strong>{cell(outcome.test)}</strong></td>{outcome.method === 'weighted' && <td>1</td>}</tr>
        </tbody>
      </table>
      <p className="mw-wp-muted">
        Members' mean: {metric ? formatNumber(mean) : '—'} · {outcome.params.toLocaleString('en-US')} parameters in one model · {outcome.verification.message}
      </p>
      {outcome.notes.map((n) => <p key={n} className="mw-wp-warning" data-testid="fuse-note">{capitalize(n)}{/[.!?]$/.test(n) ? '' : '.'}</p>)}
      <button type="button" onClick={() => onShow(outcome.runId)} data-testid="fuse-show-run">Show the ensemble run</button>
    </div>
  );
}

export function FusePanel({ api, runIds, onClose, onRecorded, onFused }: {
  api: ModelwrightApi;
  runIds: number[];
  onClose: () => void;
  /** The history has a new run (the table refreshes). */
  onRecorded: () => void;
  /** "Show the ensemble run". */
  onFused: (runId: number) => void;
}) {
  const [method, setMethod] = useState<EnsembleMethod>('average');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<EnsembleOutcome | null>(null);
  const fuse = async () => {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      const result = await api.export.ensemble(runIds, { method });
      setOutcome(result);
      onRecorded();
      notify.success(`Recorded run #${result.runId}: ${result.runName}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mw-wp-card" data-testid="fuse-panel">
      <div className="mw-wp-row">
        <strong>Fuse runs {runIds.map((id) => `#${id}`).join(', ')} into one model</strong>
        <span className="mw-wp-grow" />
        <button type="button" onClick={onClose} aria-label="Close">×</button>
      </div>
      <p className="mw-wp-muted">
        The runs must share their data and split (train them with different seeds and the same split seed). The ensemble is
        tested on their test rows, recorded as a run beside them, and exported as one model.
      </p>
      <div className="mw-wp-row">
        <select value={method} onChange={(e) => setMethod(e.target.value as EnsembleMethod)} aria-label="How to fuse" data-testid="fuse-method" disabled={busy}>
          {ensembleMethods.map((m) => <option key={m} value={m}>{methodText[m]}</option>)}
        </select>
        <button type="button" onClick={() => void fuse()} disabled={busy || runIds.length < 2} data-testid="fuse-run">{busy ? 'Fusing…' : 'Fuse'}</button>
      </div>
      <ErrorText error={error} />
      {outcome && <Outcome outcome={outcome} onShow={onFused} />}
    </div>
  );
}
