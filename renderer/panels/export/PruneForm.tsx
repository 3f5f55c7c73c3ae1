// "Prune to [80] % of weights zero, fine-tune [2] epochs → Prune": the studio's way to `modelwright prune`
// (export.prune, docs/compression.md). The pruned run is a child of the run; the caller measures again after.
import { useState } from 'react';
import type { ModelwrightApi, PruneOutcome } from '../../../app/api/contract.ts';
import { ErrorText } from '../../ui/ErrorText.tsx';

export function PruneForm({ api, runId, onPruned }: { api: ModelwrightApi; runId: number; onPruned: (outcome: PruneOutcome) => void }) {
  const [percent, setPercent] = useState('80');
  const [epochs, setEpochs] = useState('2');
  const [pruning, setPruning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const prune = async () => {
    setPruning(true);
    setError(null);
    try {
      onPruned(await api.export.prune(runId, { sparsity: Number(percent) / 100, epochs: Number(epochs) }));
    } catch (err) {
      setError(err);
    } finally {
      setPruning(false);
    }
  };
  return (
    <form className="mw-wp-row" data-testid="prune-form" onSubmit={(e) => { e.preventDefault(); void prune(); }}>
      <label>Prune to <input type="number" min={1} max={99} step="any" value={percent} onChange={(e) => setPercent(e.target.value)} disabled={pruning} style={{ width: '4em' }} data-testid="prune-percent" /> % of weights zero,</label>
      <label>fine-tune <input type="number" min={1} max={1000} step={1} value={epochs} onChange={(e) => setEpochs(e.target.value)} disabled={pruning} style={{ width: '4em' }} data-testid="prune-epochs" /> epochs</label>
      <button type="submit" disabled={pruning} data-testid="prune-submit">{pruning ? 'Pruning…' : 'Prune'}</button>
      <ErrorText error={error} />
    </form>
  );
}
