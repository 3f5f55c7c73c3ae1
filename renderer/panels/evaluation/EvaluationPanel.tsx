// The Evaluation panel: how a run's model does on its held-out test split. Classification: confusion
// matrix (counts or normalized; a cell lists its test samples), per-class precision/recall/F1, ROC with
// AUC, and for two-feature data the model's decision regions. Regression: predicted against actual.
import { useEffect, useMemo, useState } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { explainMetric, metricLabel } from '../../../app/explanations.ts';
import { formatCount, formatDecimal, formatNumber, formatPercent } from '../../../app/format.ts';
import type { RunDetail } from '../../../app/store/types.ts';
import { numericPairs, positiveScores, rocCurvesFor, type ClassificationEvaluation, type RegressionEvaluation } from '../../../app/training/evaluate.ts';
import { LearningVerdict } from '../../ui/LearningVerdict.tsx';
import { setUi } from '../../state/uiStore.ts';
import { Empty } from '../../ui/Empty.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { RunPicker, useShownRun } from '../../ui/RunPicker.tsx';
import { useApi } from '../../ui/useApi.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { downloadBlob, downloadText, safeFileName } from '../../files/fileActions.ts';
import { evaluationPng } from './evaluationImage.ts';
import {
  evaluationCsv, cellIntensity, gridRows, matrixMax, normalizeConfusion, paddedRange, previewPoints, samplesInCell,
  type ConfusionMode, type GridSpec, type LabelledPoint, type TestSample,
} from './evaluationMath.ts';
import { DecisionRegions, RocPlot, ScatterPlot } from './plots.tsx';
import { SampleView, useTestImages, WorstPredictions } from './SampleViews.tsx';

/** Per-sample test records, when the evaluation carries them (see docs/studio.md). */
function samplesOf(evaluation: ClassificationEvaluation): TestSample[] | null {
  return Array.isArray(evaluation.samples) ? evaluation.samples : null;
}

function ConfusionMatrix({ api, run, evaluation }: { api: ModelwrightApi; run: RunDetail; evaluation: ClassificationEvaluation }) {
  const [mode, setMode] = useState<ConfusionMode>('counts');
  const [cell, setCell] = useState<{ actual: number; predicted: number } | null>(null);
  const shown = normalizeConfusion(evaluation.confusion, mode);
  const max = mode === 'counts' ? matrixMax(shown) : 1;
  const { classes } = evaluation;
  const samples = samplesOf(evaluation);
  // Pictures are fetched from the host: fewer of them at a time than lines of text.
  const picked = cell && samples ? samplesInCell(samples, cell.actual, cell.predicted, run.datasetBinding?.kind === 'images' ? 60 : 200) : null;
  const count = cell ? evaluation.confusion[cell.actual][cell.predicted] : 0;
  const { images, error: imageError } = useTestImages(api, run, picked ? picked.samples.map((s) => s.index) : []);
  return (
    <div>
      <div className="mw-wp-row" role="radiogroup" aria-label="Confusion matrix values">
        {([['counts', 'Counts'], ['row', 'Share of each actual class (recall)'], ['column', 'Share of each predicted class (precision)']] as const).map(([m, label]) => (
          <label key={m}><input type="radio" checked={mode === m} onChange={() => setMode(m)} data-testid={`confusion-${m}`} /> {label}</label>
        ))}
      </div>
      <table className="mw-wp-matrix" data-testid="confusion-matrix">
        <thead>
          <tr><th /><th colSpan={classes.length} style={{ textAlign: 'center' }}>predicted</th></tr>
          <tr><th>actual</th>{classes.map((c) => <th key={c} title={c}>{c.length > 12 ? `${c.slice(0, 12)}…` : c}</th>)}</tr>
        </thead>
        <tbody>
          {shown.map((row, a) => (
            <tr key={a}>
              <th title={classes[a]}>{classes[a]}</th>
              {row.map((v, p) => {
                const t = cellIntensity(v, max);
                return (
                  <td key={p} className="cell" tabIndex={0} role="button" data-testid={`confusion-cell-${a}-${p}`}
                    style={{ background: `color-mix(in srgb, ${a === p ? '#2e7d32' : '#c62828'} ${Math.round(t * 70)}%, transparent)` }}
                    aria-label={`${evaluation.confusion[a][p]} test samples of class ${classes[a]} predicted as ${classes[p]}`}
                    onClick={() => setCell({ actual: a, predicted: p })} onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setCell({ actual: a, predicted: p })}>
                    {mode === 'counts' ? v : formatPercent(v, 0)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {cell && (
        <div className="mw-wp-card" data-testid="confusion-samples">
          <strong>{count} test sample{count === 1 ? '' : 's'} of class “{classes[cell.actual]}” predicted as “{classes[cell.predicted]}”.</strong>
          {count === 0 ? null : picked ? (
            picked.total === 0 ? <p className="mw-wp-muted">None.</p> : (
              run.datasetBinding?.kind === 'images' ? (
                <div className="mw-thumb-grid">
                  {picked.samples.map((s) => (
                    <figure key={s.index} className="mw-thumb-card">
                      <SampleView sample={s} image={images.get(s.index)} />
                      <figcaption>#{s.index + 1}{s.confidence == null ? '' : ` · ${formatPercent(s.confidence, 0)}`}</figcaption>
                    </figure>
                  ))}
                </div>
              ) : <table>
                <thead><tr><th className="num">Test row</th><th>Sample</th><th className="num">Confidence</th></tr></thead>
                <tbody>{picked.samples.map((s) => <tr key={s.index}><td className="num">{s.index + 1}</td><td>{s.text ?? '—'}</td><td className="num">{s.confidence === undefined ? '—' : formatPercent(s.confidence)}</td></tr>)}</tbody>
              </table>
            )
          ) : (
            <p className="mw-wp-muted">This run's record keeps the counts but not the individual test samples, so they cannot be listed. Use Try it to see how the model treats a particular example.</p>
          )}
          {imageError && <p className="mw-wp-warning">The pictures cannot be shown: {imageError}</p>}
          {picked && picked.total > picked.samples.length && <p className="mw-wp-muted">Showing {picked.samples.length} of {picked.total}.</p>}
          {picked && picked.total < count && <p className="mw-wp-muted">The run keeps the first {formatCount(samples!.length)} test rows one by one; {picked.total} of this cell's {count} are among them.</p>}
        </div>
      )}
    </div>
  );
}

function PerClassTable({ evaluation }: { evaluation: ClassificationEvaluation }) {
  return (
    <table data-testid="per-class">
      <thead><tr><th>Class</th>{(['precision', 'recall', 'f1', 'support'] as const).map((m) => <th key={m} className="num" title={explainMetric(m) ?? undefined}>{metricLabel(m)}</th>)}</tr></thead>
      <tbody>
        {evaluation.perClass.map((c) => (
          <tr key={c.label}><td>{c.label}</td><td className="num">{formatDecimal(c.precision, 3)}</td><td className="num">{formatDecimal(c.recall, 3)}</td><td className="num">{formatDecimal(c.f1, 3)}</td><td className="num">{c.support}</td></tr>
        ))}
        <tr><th>average (macro)</th><td className="num">{formatDecimal(evaluation.macro.precision, 3)}</td><td className="num">{formatDecimal(evaluation.macro.recall, 3)}</td><td className="num">{formatDecimal(evaluation.macro.f1, 3)}</td><td className="num">{evaluation.count}</td></tr>
      </tbody>
    </table>
  );
}

const gridSteps = 50;

/**
 * For table models with exactly two number features: the data (from the dataset preview) over the
 * model's prediction at every cell of a grid, asked of the run's model through predict.predict.
 */
function DecisionRegionView({ api, run, classes }: { api: ModelwrightApi; run: RunDetail; classes: string[] }) {
  const info = useAsync(() => api.predict.describe(run.id), [api, run.id]);
  const features = info.data?.kind === 'table' ? info.data.features : [];
  const twoNumeric = features.length === 2 && features.every((f) => f.kind === 'numeric');
  const plot = useAsync(twoNumeric && run.datasetBinding ? async () => {
    const [xf, yf] = features.map((f) => f.name);
    const inspection = await api.datasets.inspect(run.datasetBinding!, { previewRows: 1000 });
    const target = inspection.columns.find((c) => c.role === 'target')?.name ?? run.datasetBinding!.target ?? null;
    const points: LabelledPoint[] = previewPoints(inspection.preview, xf, yf, target);
    const x = paddedRange(points.map((p) => p.x));
    const y = paddedRange(points.map((p) => p.y));
    if (!x || !y) throw new Error('The data has no rows with both feature values, so there is nothing to plot.');
    const spec: GridSpec = { xFeature: xf, yFeature: yf, x, y, steps: gridSteps };
    const result = await api.predict.predict(run.id, { kind: 'rows', rows: gridRows(spec) });
    const cells = result.predictions.map((p) => (p.kind === 'classification' ? classes.indexOf(p.label) : -1));
    return { spec, cells, points };
  } : null, [api, run.id, twoNumeric]);
  if (info.error || !twoNumeric) return null;
  return (
    <div className="mw-wp-card">
      <h3>Decision regions</h3>
      <p className="mw-wp-help">The background shows which class the model predicts at each point; the dots are the data (the first 1,000 rows).</p>
      {plot.loading && <p className="mw-wp-muted">Asking the model for {gridSteps * gridSteps} predictions…</p>}
      <ErrorText error={plot.error} retry={plot.reload} />
      {plot.data && <DecisionRegions spec={plot.data.spec} cells={plot.data.cells} points={plot.data.points} classes={classes} />}
    </div>
  );
}

/** Two classes: which one is "yes" (choosable), and its precision, recall and F1 beside the macro figures. */
function PositiveClass({ evaluation, label, setLabel }: { evaluation: ClassificationEvaluation; label: string; setLabel(label: string): void }) {
  const scores = positiveScores(evaluation, label);
  if (!scores) return null;
  return (
    <div className="mw-wp-row" data-testid="positive-class">
      <label>Positive class{' '}
        <select value={label} onChange={(e) => setLabel(e.target.value)} aria-label="Positive class" data-testid="positive-class-select">
          {evaluation.classes.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </label>
      <span>precision <strong>{formatDecimal(scores.precision, 3)}</strong></span>
      <span>recall <strong>{formatDecimal(scores.recall, 3)}</strong></span>
      <span>F1 <strong>{formatDecimal(scores.f1, 3)}</strong></span>
    </div>
  );
}

/** Two classes: the class treated as "yes" unless the user picks the other. */
function defaultPositive(evaluation: ClassificationEvaluation): string {
  return evaluation.positiveClass ?? evaluation.classes[1];
}

/** The ROC curves as shown: for two classes, the chosen positive class's. */
function shownRoc(evaluation: ClassificationEvaluation, positive: string | null) {
  return evaluation.classes.length === 2 ? rocCurvesFor(evaluation, positive ?? defaultPositive(evaluation)) : evaluation.roc;
}

function Classification({ api, run, evaluation, positive: chosen, setPositive }: {
  api: ModelwrightApi; run: RunDetail; evaluation: ClassificationEvaluation; positive: string | null; setPositive(label: string): void;
}) {
  const binary = evaluation.classes.length === 2;
  // Two classes: the positive class chosen here also decides which class the ROC curve is drawn for (here and in the PNG).
  const positive = chosen ?? defaultPositive(evaluation);
  const roc = shownRoc(evaluation, positive);
  return (
    <>
      <div className="mw-wp-row" data-testid="evaluation-summary">
        <span title={explainMetric('accuracy') ?? undefined}>Accuracy <strong>{formatPercent(evaluation.accuracy)}</strong> on {evaluation.count} test {run.datasetBinding?.kind === 'images' ? 'images' : 'rows'}</span>
        {evaluation.auc !== null && <span title={explainMetric('auc') ?? undefined}>{binary ? 'AUC' : 'AUC (macro, one-vs-rest)'} <strong>{formatDecimal(evaluation.auc, 3)}</strong></span>}
        <span title={explainMetric('macroF1') ?? undefined}>{metricLabel('macroF1')} <strong>{formatDecimal(evaluation.macro.f1, 3)}</strong></span>
      </div>
      {binary && <PositiveClass evaluation={evaluation} label={positive} setLabel={setPositive} />}
      <div className="mw-wp-split">
        <div>
          <h3>Confusion matrix</h3>
          <ConfusionMatrix api={api} run={run} evaluation={evaluation} />
          <h3>Per class</h3>
          <PerClassTable evaluation={evaluation} />
        </div>
        <div>
          <h3>ROC curve{roc.length > 1 ? 's (each class against the rest; AUC is their macro average)' : ` ("${roc[0]?.label ?? ''}" as the positive class)`}</h3>
          {roc.length > 0 ? <RocPlot curves={roc} /> : <p className="mw-wp-muted">No ROC curve: the test split has a single class.</p>}
          <DecisionRegionView api={api} run={run} classes={evaluation.classes} />
          {evaluation.samples && (
            <>
              <h3>Worst predictions</h3>
              <WorstPredictions api={api} run={run} evaluation={evaluation} samples={evaluation.samples} />
            </>
          )}
        </div>
      </div>
    </>
  );
}

function Regression({ evaluation }: { evaluation: RegressionEvaluation }) {
  return (
    <>
      <div className="mw-wp-row" data-testid="evaluation-summary">
        <span title={explainMetric('mae') ?? undefined}>Mean absolute error <strong>{formatNumber(evaluation.mae)}</strong></span>
        <span title={explainMetric('mse') ?? undefined}>Mean squared error <strong>{formatNumber(evaluation.mse)}</strong></span>
        <span title={explainMetric('r2') ?? undefined}>R² <strong>{evaluation.r2 === null ? 'n/a' : formatDecimal(evaluation.r2, 3)}</strong></span>
        <span>on {evaluation.count} test rows</span>
      </div>
      <p className="mw-wp-help">Errors are in the target's own units (as in the data), on rows the model never saw in training.</p>
      <h3>Predicted against actual</h3>
      <p className="mw-wp-help">Points on the dashed line are perfect predictions; the farther a point is from it, the bigger the error.</p>
      <ScatterPlot pairs={numericPairs(evaluation.pairs)} />
    </>
  );
}

export default function EvaluationPanel() {
  const api = useApi();
  const { runId, choices } = useShownRun(api);
  const detail = useAsync(api && runId !== null ? () => api.runs.get(runId) : null, [api, runId]);
  // A run that finishes while shown gets its evaluation then.
  useEffect(() => {
    if (!api || runId === null) return;
    const sub = api.runs.onDidChange((c) => { if (c.runId === runId && c.change === 'finished') detail.reload(); });
    return () => sub.dispose();
  }, [api, runId, detail.reload]);
  const evaluation = detail.data?.evaluation ?? null;
  const [positive, setPositive] = useState<string | null>(null);
  useEffect(() => setPositive(null), [evaluation]);
  const [imageError, setImageError] = useState<unknown>(null);
  const downloadPng = async (run: RunDetail, shown: ClassificationEvaluation | RegressionEvaluation) => {
    setImageError(null);
    try {
      const blob = await evaluationPng({
        title: `Evaluation: ${run.name}`,
        subtitle: [`Run ${run.id}`, run.datasetBinding ? `data ${run.datasetBinding.source}` : null, run.endedAt ? new Date(run.endedAt).toLocaleString() : null, 'Modelwright'].filter(Boolean).join(' · '),
        evaluation: shown,
        roc: shown.task === 'classification' ? shownRoc(shown, positive) : undefined,
      });
      downloadBlob(`${safeFileName(run.name)}-evaluation.png`, blob);
    } catch (err) {
      setImageError(err);
    }
  };
  const body = useMemo(() => {
    if (!api || !detail.data) return null;
    if (!evaluation) {
      const run = detail.data;
      const why = run.status === 'running' || run.status === 'queued' ? 'It is still training; the evaluation appears when it finishes.'
        : run.status === 'failed' || run.status === 'diverged' ? `It ended as ${run.status}${run.error ? `: ${run.error}` : ''}.`
          : 'It was not evaluated: set a test split above 0 in the training settings and train again.';
      return <Empty title="No evaluation for this run" testId="evaluation-none">{why}</Empty>;
    }
    return (
      <>
        <LearningVerdict learning={detail.data.learning} />
        {evaluation.task === 'classification'
          ? <Classification api={api} run={detail.data} evaluation={evaluation} positive={positive} setPositive={setPositive} />
          : <Regression evaluation={evaluation} />}
      </>
    );
  }, [api, detail.data, evaluation, positive]);

  if (!api) return <div className="mw-wp"><Empty title="Not connected">Evaluations come from the Modelwright back end; they show here once the connection is back.</Empty></div>;
  return (
    <div className="mw-wp" data-testid="evaluation-panel">
      <div className="mw-wp-row">
        <h2 className="mw-wp-grow">Evaluation{detail.data ? `: ${detail.data.name}` : ''}</h2>
        {evaluation && detail.data && (
          <button type="button" data-testid="evaluation-download" title="The test metrics, per-class scores and confusion matrix (or predicted against actual) as a CSV file"
            onClick={() => downloadText(`${safeFileName(detail.data!.name)}-evaluation.csv`, evaluationCsv(evaluation), 'text/csv')}>Download (.csv)</button>
        )}
        {evaluation && detail.data && (
          <button type="button" data-testid="evaluation-download-png" title="The summary, confusion matrix, per-class scores and ROC curves (or predicted against actual) as one PNG image"
            onClick={() => void downloadPng(detail.data!, evaluation)}>Download (.png)</button>
        )}
        <RunPicker runId={runId} choices={choices} />
      </div>
      {runId === null && (
        <Empty title="Nothing evaluated yet" testId="evaluation-empty">
          Train a model first: its test results appear here when training ends.
          <p><button type="button" onClick={() => setUi({ activePanel: 'training' })}>Go to Training</button></p>
        </Empty>
      )}
      {detail.loading && <p className="mw-wp-muted">Loading the run…</p>}
      <ErrorText error={detail.error} retry={detail.reload} />
      <ErrorText error={imageError} />
      {body}
    </div>
  );
}
