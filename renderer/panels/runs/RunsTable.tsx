// The experiment history as a virtualized table: only the rows in view are in the DOM and only the pages
// of runs around them are fetched, so 10,000 runs scroll like 20. Sort by clicking a column title.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { formatDuration, formatParams, formatTime } from '../../../app/format.ts';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import type { RunQuery, RunSort, RunSummary } from '../../../app/store/types.ts';
import { FrameScheduler } from '../../ui/frameScheduler.ts';
import { dataSourceName } from '../../../app/data/sourceName.ts';
import { explainMetric, metricLabel, settingExplanations } from '../../../app/explanations.ts';
import { RunNameCell } from './RunNameCell.tsx';
import { bestValidation, differingSettings, keySettings, metricCell, settingsCell, statusClass, statusText, testHeadline } from './runCells.ts';
import { PagedRows, visibleRows } from './virtualRows.ts';

export const rowHeight = 28;
const fetchIntervalMs = 120;

export interface Column {
  id: string;
  title: string;
  width: string;
  /** The header's hover: what the column means. */
  help?: string;
  /** How the host sorts by this column; absent → not sortable. */
  sort?: (metrics: { validation: string; test: string }) => RunSort;
  cell: (run: RunSummary, params: number | undefined) => string;
}

/** Hover text for a metric cell: the metric's explanation. */
function metricHelp(entry: { metric: string } | null): string | undefined {
  return entry ? `${metricLabel(entry.metric)}: ${explainMetric(entry.metric) ?? ''}` : undefined;
}

export const columns: Column[] = [
  { id: 'name', title: 'Name', width: 'minmax(160px, 2fr)', sort: () => ({ by: 'name' }), cell: (r) => r.name, help: 'Double-click a name (or press ✎) to rename the run.' },
  {
    id: 'settings', title: 'Settings', width: 'minmax(190px, 2fr)', cell: (r) => keySettings(r),
    help: 'The settings that differ between the runs listed come first (in bold), then the key settings they share.',
  },
  { id: 'test', title: 'Test', width: 'minmax(140px, 1fr)', sort: (m) => ({ by: 'metric', metric: m.test, scope: 'test' }), cell: (r) => metricCell(testHeadline(r)), help: 'The headline metric on the held-out test rows, measured once when the run ended.' },
  { id: 'best', title: 'Best validation', width: 'minmax(160px, 1fr)', sort: (m) => ({ by: 'metric', metric: m.validation, scope: 'best' }), cell: (r) => metricCell(bestValidation(r)), help: 'The best value of the headline metric on the validation rows over all epochs.' },
  { id: 'duration', title: 'Duration', width: '76px', sort: () => ({ by: 'durationMs' }), cell: (r) => formatDuration(r.durationMs), help: 'How long the run trained.' },
  { id: 'time', title: 'Started', width: '128px', sort: () => ({ by: 'startedAt' }), cell: (r) => formatTime(r.startedAt ?? r.createdAt) },
  { id: 'dataset', title: 'Dataset', width: 'minmax(70px, 1fr)', cell: (r) => (r.dataset ? dataSourceName(r.dataset.source) : '—') },
  { id: 'params', title: 'Parameters', width: '84px', cell: (_r, p) => formatParams(p), help: 'How many numbers (weights) the model learns.' },
  { id: 'status', title: 'Status', width: '96px', sort: () => ({ by: 'status' }), cell: (r) => statusText(r) },
  { id: 'backend', title: 'Backend', width: '64px', cell: (r) => r.backend || '—', help: settingExplanations.backend.text },
  { id: 'tags', title: 'Tags', width: 'minmax(50px, 1fr)', cell: (r) => r.tags.join(', ') },
];

const gridTemplate = `28px ${columns.map((c) => c.width).join(' ')}`;

/**
 * Parameter counts by graph hash: a run summary has no graph, so the first run of each architecture in
 * view is fetched once and its graph analysed here; runs sharing an architecture share the count.
 */
function useParamCounts(api: ModelwrightApi | null) {
  const cache = useRef(new Map<string, number | null>());
  const [, bump] = useState(0);
  const request = useCallback((runs: RunSummary[]) => {
    if (!api) return;
    const wanted = new Map<string, number>();
    for (const r of runs) if (r.graphHash && !cache.current.has(r.graphHash) && !wanted.has(r.graphHash)) wanted.set(r.graphHash, r.id);
    for (const [hash, id] of [...wanted].slice(0, 4)) {
      cache.current.set(hash, null);
      api.runs.get(id).then((d) => {
        cache.current.set(hash, analyzeGraph(d.graph).totalParams);
        bump((n) => n + 1);
      }, () => {});
    }
  }, [api]);
  return { get: (hash: string) => cache.current.get(hash) ?? undefined, request };
}

export interface RunsTableProps {
  api: ModelwrightApi;
  query: Omit<RunQuery, 'limit' | 'offset'>;
  /** Bumped to refetch (a run was created, changed or deleted). */
  refresh: number;
  sortColumn: string | null;
  onSort: (column: Column) => void;
  selectedId: number | null;
  onSelect: (run: RunSummary) => void;
  compareIds: number[];
  onToggleCompare: (run: RunSummary) => void;
  onTotal: (total: number) => void;
}

export function RunsTable(props: RunsTableProps) {
  const { api, query, refresh } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const pages = useMemo(() => new PagedRows<RunSummary>(100, 40), []);
  const [total, setTotal] = useState<number | null>(null);
  const [view, setView] = useState({ scrollTop: 0, height: 600 });
  const [, setLoaded] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const params = useParamCounts(api);
  const queryKey = JSON.stringify(query);
  const { onTotal } = props;

  const fetchPage = useCallback(async (offset: number, limit: number) => {
    const page = await api.runs.list({ ...query, offset, limit });
    setTotal(page.total);
    onTotal(page.total);
    return page.runs;
  // queryKey stands for `query`, a new object on every render of the parent.
  }, [api, queryKey, onTotal]);

  // A new query or a refresh: start over from the top pages.
  useEffect(() => {
    pages.reset();
    setError(null);
    pages.ensure(0, 1, fetchPage).then(() => setLoaded((n) => n + 1), (err: unknown) => setError((err as Error)?.message ?? String(err)));
  }, [pages, fetchPage, refresh]);

  const win = visibleRows({ scrollTop: view.scrollTop, viewportHeight: view.height, rowHeight, count: total ?? 0, overscan: 8 });

  // While the user flings through thousands of rows, fetching every page passed would parse megabytes of
  // runs nobody sees; pages are fetched at most every fetchIntervalMs, for wherever the view is by then.
  const latest = useRef(win);
  latest.current = win;
  const fetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (total === null || fetchTimer.current) return;
    fetchTimer.current = setTimeout(() => {
      fetchTimer.current = null;
      const { start, end } = latest.current;
      pages.ensure(start, end, fetchPage).then((changed) => { if (changed) setLoaded((n) => n + 1); }, (err: unknown) => setError((err as Error)?.message ?? String(err)));
    }, fetchIntervalMs);
  }, [pages, win.start, win.end, total, fetchPage]);
  useEffect(() => () => { if (fetchTimer.current) clearTimeout(fetchTimer.current); }, []);

  // Scroll events come faster than frames; the window is recomputed once per frame.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const frame = new FrameScheduler(() => setView({ scrollTop: el.scrollTop, height: el.clientHeight }));
    const onScroll = () => frame.schedule();
    el.addEventListener('scroll', onScroll, { passive: true });
    const resize = new ResizeObserver(() => frame.schedule());
    resize.observe(el);
    frame.schedule();
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize.disconnect();
      frame.dispose();
    };
  }, []);

  const rows: { index: number; run: RunSummary | undefined }[] = [];
  for (let i = win.start; i < win.end; i++) rows.push({ index: i, run: pages.get(i) });
  const loadedRuns = rows.flatMap((r) => (r.run ? [r.run] : []));
  useEffect(() => params.request(loadedRuns));
  // The settings that differ across the runs in view come first in every row's settings cell.
  const differing = differingSettings(loadedRuns.filter((r) => r.kind !== 'ensemble').map((r) => r.config));

  const cell = (c: Column, run: RunSummary) => {
    const text = c.cell(run, params.get(run.graphHash));
    switch (c.id) {
      case 'name':
        return <span key={c.id}><RunNameCell api={api} run={run} /></span>;
      case 'settings': {
        const parts = settingsCell(run, differing);
        return (
          <span key={c.id} data-testid={`run-settings-${run.id}`} title={[...parts.differing, ...parts.same].map((p) => `${p.text} — ${p.explanation}`).join('\n')}>
            {parts.differing.map((p, i) => <strong key={p.path} className="mw-wp-differs">{i > 0 ? ' · ' : ''}{p.text}</strong>)}
            {parts.same.length > 0 && <span className="mw-wp-muted">{parts.differing.length > 0 ? ' · ' : ''}{parts.same.map((p) => p.text).join(' · ')}</span>}
          </span>
        );
      }
      case 'tags':
        return <span key={c.id} title={text}>{run.tags.map((t) => <span key={t} className="mw-wp-tag">{t}</span>)}</span>;
      case 'status':
        return <span key={c.id} className={statusClass(run)} title={run.error ?? text}>{text}</span>;
      case 'test':
      case 'best': {
        const entry = c.id === 'test' ? testHeadline(run) : bestValidation(run);
        return <span key={c.id} title={metricHelp(entry)}>{text}</span>;
      }
      default:
        return <span key={c.id} title={text}>{text}</span>;
    }
  };

  return (
    <div className="mw-wp-table-scroll" ref={scroller} data-testid="runs-table" role="grid" aria-rowcount={total ?? 0}
      onKeyDown={(e) => {
        if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
        const idx = rows.findIndex((r) => r.run?.id === props.selectedId);
        const next = rows[idx + (e.key === 'ArrowDown' ? 1 : -1)]?.run;
        if (next) {
          e.preventDefault();
          props.onSelect(next);
        }
      }} tabIndex={0}>
      <div className="mw-wp-vhead" style={{ gridTemplateColumns: gridTemplate }} role="row">
        <span title="Tick 2–6 runs to compare them">⇄</span>
        {columns.map((c) => (
          <span key={c.id} role="columnheader" aria-sort={props.sortColumn === c.id ? (query.sort?.direction === 'asc' ? 'ascending' : 'descending') : undefined}>
            {c.sort
              ? <button type="button" onClick={() => props.onSort(c)} data-testid={`runs-sort-${c.id}`} title={c.help}>{c.title}{props.sortColumn === c.id ? (query.sort?.direction === 'asc' ? ' ▲' : ' ▼') : ''}</button>
              : <span title={c.help}>{c.title}</span>}
          </span>
        ))}
      </div>
      {error && <div className="mw-wp-error" role="alert">Could not load the runs: {error}</div>}
      {total === 0 && !error && <p className="mw-wp-empty" data-testid="runs-empty">No runs match. Train a model in the Training panel, or clear the search and filters.</p>}
      <div style={{ height: win.totalHeight, position: 'relative' }}>
        {rows.map(({ index, run }) => (
          <div key={run ? run.id : `loading-${index}`} className="mw-wp-vrow" role="row" aria-rowindex={index + 1}
            style={{ top: index * rowHeight, height: rowHeight, gridTemplateColumns: gridTemplate }}
            aria-selected={run ? run.id === props.selectedId : false} data-testid={run ? `run-row-${run.id}` : undefined}
            onClick={() => run && props.onSelect(run)}>
            {run ? (
              <>
                <span><input type="checkbox" checked={props.compareIds.includes(run.id)} onChange={() => props.onToggleCompare(run)} onClick={(e) => e.stopPropagation()} aria-label={`Compare ${run.name}`} data-testid={`run-compare-${run.id}`} /></span>
                {columns.map((c) => cell(c, run))}
              </>
            ) : <span className="mw-wp-muted" style={{ gridColumn: '1 / -1' }}>Loading…</span>}
          </div>
        ))}
      </div>
    </div>
  );
}
