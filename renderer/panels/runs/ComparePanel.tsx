// Side-by-side comparison of 2–6 runs: overlaid curves per metric, every setting with the differing ones
// highlighted, data differences, architecture differences against the first run, and test metrics.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { explainMetric, explainSetting, metricLabel, settingLabel } from '../../../app/explanations.ts';
import { formatNumber } from '../../../app/format.ts';
import type { AlignedSeries, RunComparison } from '../../../app/store/types.ts';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { classColor } from '../../ui/palette.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { architectureLines, bestIndex, formatSetting, settingRows } from './compareDiff.ts';
import 'uplot/dist/uPlot.min.css';

function OverlayChart({ series, names }: { series: AlignedSeries; names: string[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    // Epochs are 0-based in the store; people count from 1.
    const data = [series.epochs.map((e) => e + 1), ...series.values] as uPlot.AlignedData;
    const plot = new uPlot({
      title: metricLabel(series.metric), width: Math.max(300, el.clientWidth), height: 220,
      scales: { x: { time: false } },
      axes: [{ label: 'epoch', stroke: 'currentColor' }, { stroke: 'currentColor', size: 56 }],
      series: [{ label: 'epoch' }, ...names.map((n, i) => ({ label: n, stroke: classColor(i), width: 2, spanGaps: true, points: { show: series.epochs.length < 60 } }))],
    }, data, el);
    const explanation = explainMetric(series.metric);
    if (explanation) plot.root.querySelector('.u-title')?.setAttribute('title', explanation);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, names]);
  return <div ref={host} className="mw-wp-chart" data-testid={`compare-chart-${series.metric}`} />;
}

function CompareView({ comparison, onOpenGraph }: { comparison: RunComparison; onOpenGraph: (runId: number) => void }) {
  const [onlyDiff, setOnlyDiff] = useState(true);
  const { runs } = comparison;
  const names = runs.map((r) => `${r.name} (#${r.id})`);
  const settings = settingRows(runs.map((r) => r.config), onlyDiff);
  const head = (
    <thead><tr><th />{runs.map((r, i) => (
      <th key={r.id}><span className="mw-wp-swatch" style={{ background: classColor(i) }} />{r.name} <span className="mw-wp-muted">#{r.id}{i === 0 ? ' (baseline)' : ''}</span></th>
    ))}</tr></thead>
  );
  return (
    <div data-testid="compare-view">
      {comparison.verdict
        ? <p className="mw-wp-verdict" data-testid="compare-verdict" data-within-noise={comparison.verdict.withinNoise ?? undefined}>{comparison.verdict.sentence}</p>
        : <p className="mw-wp-muted" data-testid="compare-verdict">Fewer than two of these runs have a test score, so neither can be called better.</p>}
      <h3>Curves</h3>
      {comparison.series.length === 0
        ? <p className="mw-wp-muted">These runs recorded no epoch metrics to draw.</p>
        : <div className="mw-wp-charts">{comparison.series.map((s) => <OverlayChart key={s.metric} series={s} names={names} />)}</div>}

      <h3>Test metrics</h3>
      {comparison.testMetrics.length === 0 ? <p className="mw-wp-muted">None of these runs was evaluated on a test split.</p> : (
        <table data-testid="compare-test">
          {head}
          <tbody>{comparison.testMetrics.map((m) => {
            const best = bestIndex(m.metric, m.values);
            return <tr key={m.metric}><th title={explainMetric(m.metric) ?? undefined}>{metricLabel(m.metric)}</th>{m.values.map((v, i) => <td key={i} className={`num${i === best ? ' mw-wp-best' : ''}`}>{formatNumber(v)}</td>)}</tr>;
          })}</tbody>
        </table>
      )}

      <h3>Settings</h3>
      <label className="mw-wp-row"><input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Only the settings that differ</label>
      {settings.length === 0 ? <p className="mw-wp-muted">All these runs used the same settings.</p> : (
        <table data-testid="compare-settings">
          {head}
          <tbody>{settings.map((row) => (
            <tr key={row.path}><th title={explainSetting(row.path) ?? undefined}>{settingLabel(row.path)}</th>{row.values.map((v, i) => (
              <td key={i} className={row.differs && (row.changed[i] || i === 0) ? 'mw-wp-diff' : undefined} data-differs={row.changed[i] || undefined}>{formatSetting(v)}</td>
            ))}</tr>
          ))}</tbody>
        </table>
      )}

      {comparison.datasetDiff.length > 0 && (
        <>
          <h3>Data</h3>
          <table data-testid="compare-data">
            {head}
            <tbody>{comparison.datasetDiff.map((d) => <tr key={d.path}><th>{d.path}</th>{d.values.map((v, i) => <td key={i} className="mw-wp-diff">{formatSetting(v)}</td>)}</tr>)}</tbody>
          </table>
        </>
      )}

      <h3>Architecture</h3>
      <div data-testid="compare-architecture">
        {runs.map((r, i) => {
          if (i === 0) return null;
          const lines = architectureLines(comparison.graphDiffs[i]);
          return (
            <div key={r.id} className="mw-wp-card">
              <strong>{r.name}</strong> <span className="mw-wp-muted">against {runs[0].name}</span>
              {lines.length === 0 ? <p className="mw-wp-muted">Same architecture.</p> : (
                <ul>{lines.map((l, j) => <li key={j} className={`mw-wp-arch-${l.kind}`}>{l.text}</li>)}</ul>
              )}
            </div>
          );
        })}
      </div>
      <div className="mw-wp-row">
        {runs.map((r) => <button key={r.id} type="button" onClick={() => onOpenGraph(r.id)}>Open {r.name} on the canvas</button>)}
      </div>
    </div>
  );
}

export function ComparePanel({ api, runIds, onOpenGraph, onClose }: { api: ModelwrightApi; runIds: number[]; onOpenGraph: (runId: number) => void; onClose: () => void }) {
  const key = runIds.join(',');
  const comparison = useAsync(() => api.runs.compare(runIds), [api, key]);
  return (
    <div className="mw-wp-card" data-testid="compare-panel">
      <div className="mw-wp-row"><h2 className="mw-wp-grow">Comparing {runIds.length} runs</h2><button type="button" onClick={onClose}>Close comparison</button></div>
      {comparison.loading && <p className="mw-wp-muted">Loading the runs…</p>}
      <ErrorText error={comparison.error} retry={comparison.reload} />
      {comparison.data && <CompareView comparison={comparison.data} onOpenGraph={onOpenGraph} />}
    </div>
  );
}
