// The canvas status bar: layer count, total and trainable parameters, model size, and whether the
// model is valid (graph-wide problems such as "no Input layer" are listed here, with their fix).
import { memo } from 'react';
import { formatBytes, formatCount } from '../../../app/format.ts';
import type { GraphAnalysis } from '../../../app/graph/types.ts';

function StatusBarImpl({ analysis, layerCount }: { analysis: GraphAnalysis; layerCount: number }) {
  const general = analysis.errors.filter((e) => !e.layerId);
  const layerProblems = analysis.errors.length - general.length;
  return (
    <footer className="mw-statusbar" data-testid="status-bar">
      <span>{layerCount} layer{layerCount === 1 ? '' : 's'}</span>
      <span data-testid="total-params">{formatCount(analysis.totalParams)} parameters</span>
      <span>{formatCount(analysis.trainableParams)} trainable</span>
      <span data-testid="model-size">{formatBytes(analysis.weightBytes)} of weights</span>
      {analysis.valid ? (
        <span className="mw-ok" data-testid="model-valid">✓ Model is valid</span>
      ) : (
        <span className="mw-bad" data-testid="model-invalid">
          {layerProblems > 0 && `${layerProblems} layer problem${layerProblems === 1 ? '' : 's'} (in red)`}
          {general.map((e, i) => (
            <span key={i} className="mw-status-error" data-testid="validation-error" title={e.fix}>
              {e.message}{e.fix ? ` — ${e.fix}` : ''}
            </span>
          ))}
        </span>
      )}
    </footer>
  );
}

export const StatusBar = memo(StatusBarImpl);
