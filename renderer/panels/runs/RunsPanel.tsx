// The Runs panel: the experiment history (search, filter by status or tag, sort), the selected run's
// details (rename, tags, note, delete, open its graph as a new version), and the comparison of 2–6 runs.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { describeAugment } from '../../../app/explanations.ts';
import { dataSourceName } from '../../../app/data/sourceName.ts';
import { formatCount, formatDuration, formatNumber, formatTime } from '../../../app/format.ts';
import { runStatuses, type RunDetail, type RunQuery, type RunStatus, type RunSummary } from '../../../app/store/types.ts';
import { downloadText } from '../../files/fileActions.ts';
import { projectStore } from '../../state/projectStore.ts';
import { focusRun, forgetRun, runSelection, toggleCompare, useRunSelection } from '../../state/runSelection.ts';
import { trainingSession } from '../../state/trainingSession.ts';
import { setUi } from '../../state/uiStore.ts';
import { Empty } from '../../ui/Empty.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { notify } from '../../ui/notify.ts';
import { useApi } from '../../ui/useApi.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { ComparePanel } from './ComparePanel.tsx';
import { FusePanel } from './FusePanel.tsx';
import { RunsTable, type Column } from './RunsTable.tsx';
import { bestValidation, keySettings, metricCell, statusClass, testHeadline } from './runCells.ts';
import { SweepFilter, SweepSummary } from './SweepGroup.tsx';
import { LineageTree } from './LineageTree.tsx';

/** Opens a run's graph, data and settings as a new unsaved project on the canvas. */
export async function openRunGraph(api: ModelwrightApi, runId: number): Promise<void> {
  const state = projectStore.getState();
  if (state.dirty && !window.confirm('The open project has unsaved changes. Open the run\'s graph anyway? (Unsaved changes stay in the recovery copy only until the next edit.)')) return;
  const doc = await api.runs.openGraph(runId);
  projectStore.getState().openDocument(doc, null, { dirty: true });
  setUi({ activePanel: 'canvas', showStart: false, fitViewRequest: Date.now() });
  notify.success(`Opened the graph of run #${runId} as a new, unsaved version.`);
}

function RunDetails({ api, run, onChanged }: { api: ModelwrightApi; run: RunSummary & Pick<RunDetail, 'ensemble'>; onChanged: () => void }) {
  const [name, setName] = useState(run.name);
  const [note, setNote] = useState(run.note);
  const [tag, setTag] = useState('');
  useEffect(() => {
    setName(run.name);
    setNote(run.note);
  }, [run.id, run.name, run.note]);
  const act = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
      onChanged();
    } catch (err) {
      notify.error(err, what);
    }
  };
  const rename = () => name.trim() && name.trim() !== run.name && act('Could not rename the run', () => api.runs.rename(run.id, name.trim()));
  const addTag = () => {
    const t = tag.trim();
    if (!t) return;
    setTag('');
    void act('Could not tag the run', () => api.runs.tag(run.id, t));
  };
  const remove = () => {
    if (!window.confirm(`Delete run "${run.name}" (#${run.id}) and its saved model? This cannot be undone.`)) return;
    void act('Could not delete the run', async () => {
      const r = await api.runs.delete(run.id);
      forgetRun(run.id);
      notify.success(`Deleted run #${run.id}${r.keptFiles.length ? ` (kept ${r.keptFiles.length} file(s) it did not own)` : ''}.`);
    });
  };
  // A run whose trainer or host was killed (or that failed) goes on from its last checkpoint, as the same run.
  // A pruned run's masks are not in its checkpoint (the back end refuses to resume it): prune its parent again instead.
  const resumable = (run.status === 'interrupted' || run.status === 'failed') && run.kind !== 'prune';
  const resume = () => act('Could not resume the run', async () => {
    const started = await api.training.resume(run.id);
    await trainingSession.adoptActive();
    notify.success(`Resumed run #${started.runId} from its last checkpoint (the optimizer's state starts afresh).`);
    setUi({ activePanel: 'training' });
  });
  return (
    <div className="mw-wp-card" data-testid="run-details">
      <div className="mw-wp-row">
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} onBlur={rename} onKeyDown={(e) => e.key === 'Enter' && rename()} aria-label="Run name" data-testid="run-rename" className="mw-wp-grow" />
        <span className={statusClass(run)}>{run.learned === false ? 'completed — did not learn' : run.status}</span>
      </div>
      {run.error && <p className="mw-wp-warning">{run.error}</p>}
      {run.parentRunId !== null && (
        <p className="mw-wp-row" data-testid="run-parent">
          {run.kind === 'prune' ? 'Pruned from' : 'Warm-started from'} run #{run.parentRunId}.
          <button type="button" onClick={() => { focusRun(run.parentRunId); setUi({ activePanel: 'export' }); }} data-testid="run-parent-tradeoffs"
            title="The parent's trade-off view (Export tab): it beside its quantized, pruned and fused variants">Compare with its variants</button>
        </p>
      )}
      {run.fromImportedWeights && (
        <p className="mw-wp-muted" data-testid="run-imported-weights">Started from the project's imported weights (layers that matched by name and size).</p>
      )}
      {run.ensemble && (
        <p className="mw-wp-muted" data-testid="run-ensemble">
          Ensemble ({run.ensemble.method}) of {run.ensemble.members.map((m, i) => (
            <span key={m.position}>{i > 0 && ', '}{m.runId === null ? 'a deleted run'
              : <button type="button" className="mw-link" onClick={() => focusRun(m.runId!)} data-testid={`run-ensemble-member-${m.runId}`}>#{m.runId}</button>}
            {run.ensemble!.method === 'weighted' && ` (weight ${formatNumber(m.weight, 3)})`}</span>
          ))}: one model, fused from these runs, not trained.
        </p>
      )}
      {describeAugment(run.config?.augment) && (
        <p className="mw-wp-muted" data-testid="run-augment" title="Each training picture was changed at random this way, anew every epoch; validation and test pictures were not.">
          Augmented training pictures: {describeAugment(run.config?.augment)}.
        </p>
      )}
      {run.learning && !run.learning.learned && <p className="mw-wp-warning" data-testid="run-did-not-learn">{run.learning.signs[0]}; try this: {run.learning.advice}.</p>}
      <p className="mw-wp-muted">
        #{run.id} · {formatTime(run.startedAt ?? run.createdAt)} · {formatDuration(run.durationMs)} · {run.backend || 'backend unknown'} · {keySettings(run)}
        <br />Best: {metricCell(bestValidation(run))} · On the test rows: {metricCell(testHeadline(run))} · Data: {run.dataset ? dataSourceName(run.dataset.source) : '—'}
      </p>
      <div className="mw-wp-row">
        {run.tags.map((t) => (
          <span key={t} className="mw-wp-tag">{t} <button type="button" aria-label={`Remove tag ${t}`} onClick={() => act('Could not remove the tag', () => api.runs.untag(run.id, t))}>×</button></span>
        ))}
        <input type="text" placeholder="add a tag" value={tag} onChange={(e) => setTag(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && addTag()} aria-label="New tag" style={{ width: 110 }} />
        <button type="button" onClick={addTag} disabled={!tag.trim()}>Tag</button>
      </div>
      <textarea value={note} onChange={(e) => setNote(e.target.value)} onBlur={() => note !== run.note && act('Could not save the note', () => api.runs.setNote(run.id, note))}
        placeholder="A note about this run (saved when you click elsewhere)" rows={2} style={{ width: '100%', boxSizing: 'border-box' }} aria-label="Note" />
      <div className="mw-wp-row">
        <button type="button" onClick={() => { focusRun(run.id); setUi({ activePanel: 'evaluation' }); }}>Evaluation</button>
        <button type="button" onClick={() => { focusRun(run.id); setUi({ activePanel: 'tryit' }); }}>Try it</button>
        <button type="button" onClick={() => { focusRun(run.id); setUi({ activePanel: 'export' }); }}>Export</button>
        <button type="button" onClick={() => openRunGraph(api, run.id).catch((err) => notify.error(err, 'Could not open the run\'s graph'))} data-testid="open-run-graph">Open this run's graph on the canvas</button>
        {resumable && <button type="button" onClick={() => void resume()} disabled={trainingSession.busy} data-testid="run-resume"
          title="Continue this run from its last saved epoch for its remaining epochs">Resume</button>}
        <span className="mw-wp-grow" />
        <button type="button" onClick={remove} data-testid="run-delete">Delete</button>
      </div>
    </div>
  );
}

export default function RunsPanel() {
  const api = useApi();
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  // A status, or `did-not-learn`: completed runs whose model learned nothing (the `learned: false` filter).
  const [status, setStatus] = useState<RunStatus | 'did-not-learn' | ''>('');
  const [tag, setTag] = useState('');
  const [sweep, setSweep] = useState<number | null>(null);
  const [sortColumn, setSortColumn] = useState<string | null>('time');
  const [sort, setSort] = useState<RunQuery['sort']>({ by: 'startedAt', direction: 'desc' });
  const [refresh, setRefresh] = useState(0);
  const [total, setTotal] = useState<number | null>(null);
  const [comparing, setComparing] = useState(false);
  const [fusing, setFusing] = useState(false);
  const focusedId = useRunSelection((s) => s.focusedRunId);
  const compareIds = useRunSelection((s) => s.compareIds);
  const metricNames = useAsync(api ? () => api.runs.metricNames() : null, [api, refresh]);
  const focused = useAsync(api && focusedId !== null ? () => api.runs.get(focusedId) : null, [api, focusedId, refresh]);

  useEffect(() => {
    const t = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  // Any change to the history (a run started, finished, renamed, deleted elsewhere) refreshes the table.
  useEffect(() => {
    if (!api) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const sub = api.runs.onDidChange(() => {
      if (timer) return;
      timer = setTimeout(() => { timer = null; setRefresh((n) => n + 1); }, 300);
    });
    return () => {
      sub.dispose();
      if (timer) clearTimeout(timer);
    };
  }, [api]);

  const query = useMemo<Omit<RunQuery, 'limit' | 'offset'>>(() => ({
    ...(debounced ? { search: debounced } : {}),
    ...(status === 'did-not-learn' ? { learned: false } : status ? { status } : {}),
    ...(tag.trim() ? { tag: tag.trim() } : {}),
    ...(sweep !== null ? { sweep } : {}),
    sort,
  }), [debounced, status, tag, sweep, sort]);

  const onSort = useCallback((c: Column) => {
    const names = metricNames.data ?? [];
    const pick = (candidates: string[]) => candidates.find((m) => names.includes(m)) ?? candidates[candidates.length - 1];
    const spec = c.sort!({ validation: pick(['val_accuracy', 'val_loss']), test: pick(['accuracy', 'mae', 'loss']) });
    const same = sortColumn === c.id;
    setSortColumn(c.id);
    setSort({ ...spec, direction: same && sort?.direction === 'desc' ? 'asc' : 'desc' });
  }, [metricNames.data, sortColumn, sort]);

  const onToggleCompare = useCallback((run: RunSummary) => {
    const r = toggleCompare(run.id);
    if (!r.ok) notify.warning(r.message);
  }, []);

  if (!api) return <div className="mw-wp"><Empty title="Not connected">The run history lives in the Modelwright back end; it shows here once the connection is back.</Empty></div>;

  return (
    <div className="mw-wp mw-wp-runs" data-testid="runs-panel">
      <div className="mw-wp-row">
        <input type="search" placeholder="Search names and notes" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search runs" data-testid="runs-search" />
        <select value={status} onChange={(e) => setStatus(e.target.value as RunStatus | 'did-not-learn' | '')} aria-label="Filter by status" data-testid="runs-status">
          <option value="">any status</option>
          {runStatuses.map((s) => <option key={s} value={s}>{s}</option>)}
          <option value="did-not-learn">completed — did not learn</option>
        </select>
        <input type="text" placeholder="tag" value={tag} onChange={(e) => setTag(e.target.value)} aria-label="Filter by tag" style={{ width: 100 }} />
        <SweepFilter api={api} value={sweep} onChange={setSweep} refresh={refresh} />
        <span className="mw-wp-muted">{total === null ? '' : `${formatCount(total)} run${total === 1 ? '' : 's'}`}</span>
        <span className="mw-wp-grow" />
        <span className="mw-wp-muted">{compareIds.length ? `${compareIds.length} ticked` : 'Tick 2–6 runs to compare'}</span>
        <button type="button" disabled={compareIds.length < 2} onClick={() => { setFusing(false); setComparing(true); }} data-testid="compare-button">Compare</button>
        <button type="button" disabled={compareIds.length < 2} onClick={() => { setComparing(false); setFusing(true); }} data-testid="fuse-button"
          title="Fuse the ticked runs into one model (an ensemble), tested beside them">Fuse…</button>
        {compareIds.length > 0 && <button type="button" onClick={() => runSelection.setState({ compareIds: [] })}>Clear ticks</button>}
        <button type="button" onClick={async () => {
          try {
            const csv = await api.runs.exportCsv(query);
            downloadText('runs.csv', csv, 'text/csv');
          } catch (err) {
            notify.error(err, 'Could not export the runs');
          }
        }}>Export CSV</button>
      </div>
      {comparing && compareIds.length >= 2 && (
        <ComparePanel api={api} runIds={compareIds} onClose={() => setComparing(false)}
          onOpenGraph={(id) => openRunGraph(api, id).catch((err) => notify.error(err, 'Could not open the run\'s graph'))} />
      )}
      {fusing && !comparing && compareIds.length >= 2 && (
        <FusePanel api={api} runIds={compareIds} onClose={() => setFusing(false)} onRecorded={() => setRefresh((n) => n + 1)}
          onFused={(id) => { setFusing(false); runSelection.setState({ compareIds: [] }); focusRun(id); setRefresh((n) => n + 1); }} />
      )}
      {!comparing && sweep !== null && <SweepSummary api={api} sweepId={sweep} refresh={refresh} />}
      {!comparing && focused.data && <RunDetails api={api} run={focused.data} onChanged={() => setRefresh((n) => n + 1)} />}
      {!comparing && <ErrorText error={focused.error} />}
      {!comparing && <LineageTree api={api} refresh={refresh} selectedId={focusedId} />}
      <RunsTable api={api} query={query} refresh={refresh} sortColumn={sortColumn} onSort={onSort} selectedId={focusedId}
        onSelect={(run) => focusRun(run.id)} compareIds={compareIds} onToggleCompare={onToggleCompare} onTotal={setTotal} />
    </div>
  );
}
