// The canvas status bar: layer count, total, trainable and imported parameters, model size, and whether the model
// is ready to train — the same readiness check the trainer applies, with the first problem's fix as a button.
import { memo } from 'react';
import { formatBytes, formatCount } from '../../../app/format.ts';
import type { GraphAnalysis } from '../../../app/graph/types.ts';
import type { Readiness } from '../../../app/training/readiness.ts';
import type { DataState } from '../../state/readiness.ts';
import { FixButtons } from '../../ui/FixButtons.tsx';

function readyWords(data: DataState): string {
  switch (data.status) {
    case 'ready': return '✓ Ready to train';
    case 'loading': return '✓ Model is valid · checking it against the data…';
    case 'error': return '✓ Model is valid · the data cannot be used yet (see Data)';
    default: return '✓ Model is valid · choose data to train it';
  }
}

function StatusBarImpl({ analysis, layerCount, readiness, data, importedParams = 0 }: {
  analysis: GraphAnalysis; layerCount: number; readiness: Readiness; data: DataState;
  /** Parameters of the layers that carry imported weights (a project from "Import model folder…"). */
  importedParams?: number;
}) {
  const general = analysis.errors.filter((e) => !e.layerId);
  const layerProblems = analysis.errors.length - general.length;
  const errors = readiness.problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  // Warnings train, but badly (a Dense layer reading word numbers): the first is offered as a tip.
  const tip = readiness.problems.find((p) => p.severity === 'warning');
  return (
    <footer className="mw-statusbar" data-testid="status-bar">
      <span>{layerCount} layer{layerCount === 1 ? '' : 's'}</span>
      <span data-testid="total-params">{formatCount(analysis.totalParams)} parameters</span>
      <span data-testid="trainable-params">
        {formatCount(analysis.trainableParams)} trainable
        {analysis.totalParams > analysis.trainableParams && ` · ${formatCount(analysis.totalParams - analysis.trainableParams)} non-trainable`}
      </span>
      {importedParams > 0 && <span data-testid="imported-params">⤓ {formatCount(importedParams)} imported</span>}
      <span data-testid="model-size">{formatBytes(analysis.weightBytes)} of weights</span>
      {readiness.ready ? (
        <>
          <span className="mw-ok" data-testid="model-valid" data-ready={data.status === 'ready'}>{readyWords(data)}</span>
          {tip && (
            <span className="mw-status-tip" data-testid="readiness-tip">
              Tip: {tip.message}
              <FixButtons problem={tip} max={1} />
            </span>
          )}
        </>
      ) : !analysis.valid ? (
        <span className="mw-bad" data-testid="model-invalid">
          {layerProblems > 0 && `${layerProblems} layer problem${layerProblems === 1 ? '' : 's'} (in red)`}
          {general.map((e, i) => (
            <span key={i} className="mw-status-error" data-testid="validation-error" title={e.fix}>
              {e.message}{e.fix ? ` — ${e.fix}` : ''}
            </span>
          ))}
          {first?.layerId && first.fixes.length > 0 && <FixButtons problem={first} max={1} />}
        </span>
      ) : (
        <span className="mw-bad" data-testid="model-not-ready">
          <span className="mw-status-error" data-testid="readiness-problem">Not ready to train: {first.message}{errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}</span>
          <FixButtons problem={first} max={2} />
        </span>
      )}
    </footer>
  );
}

export const StatusBar = memo(StatusBarImpl);
