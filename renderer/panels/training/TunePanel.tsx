// The Training panel's Tune mode: define a search space over the project's settings, run a sweep of
// trials in parallel trainers, watch the trials table with the best so far, read the parallel-coordinates
// plot and each setting's importance, and write the best settings into the project (one undoable edit).
import { projectInputOf } from '../../state/projectInput.ts';
import { useEffect, useMemo, useState } from 'react';
import { metricLabel, settingLabel } from '../../../app/explanations.ts';
import { formatNumber } from '../../../app/format.ts';
import type { SweepDetail, SweepTrial } from '../../../app/api/types.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { settingImportance } from '../../../app/tuning/importance.ts';
import { noBestYet, rankableMetrics } from '../../../app/tuning/ranking.ts';
import { strategyNames, type StrategyName } from '../../../app/tuning/strategies.ts';
import { starterSpace, tunableSettings, type TunableSetting } from '../../../app/tuning/suggest.ts';
import { commands } from '../../commands/index.ts';
import { projectStore, useProject } from '../../state/projectStore.ts';
import { useBoundData } from '../../state/readiness.ts';
import { sweepSession, useSweepSession } from '../../state/sweepSession.ts';
import { focusRun } from '../../state/runSelection.ts';
import { setUi } from '../../state/uiStore.ts';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { Field } from '../../ui/Field.tsx';
import { notify } from '../../ui/notify.ts';
import { useApi } from '../../ui/useApi.ts';
import { ParallelCoordinates } from './ParallelCoordinates.tsx';
import { rowFrom, SpaceEditor, spaceOf, type SpaceRow } from './SpaceEditor.tsx';

const strategyHelp: Record<StrategyName, string> = {
  random: 'Random values from each range: usually the best use of a few trials.',
  grid: 'Every combination (ranges as low, middle and high), or as many of them as there are trials.',
  halving: 'Random values, but the worst trials stop early (at a ninth and a third of the epochs), so more trials fit in the same time.',
};

/** The draft space survives switching panels (not reloads): the last one edited, per project name. */
const drafts = new Map<string, SpaceRow[]>();

function settingName(path: string, options: TunableSetting[]): string {
  return options.find((o) => o.path === path)?.label ?? settingLabel(path);
}

function valueText(v: unknown): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

function statusText(t: SweepTrial, live: { epoch: number; epochs: number } | undefined): string {
  if (t.status === 'running' && live) return `training: epoch ${live.epoch + 1} of ${live.epochs}`;
  if (t.status === 'pruned') return `stopped early (epoch ${t.stoppedAt})`;
  return t.status;
}

function TrialsTable({ detail, options }: { detail: SweepDetail; options: TunableSetting[] }) {
  const live = useSweepSession((s) => s.live);
  const paths = Object.keys(detail.space);
  // Classifiers show the test accuracy, regressions the mean absolute error; before any test, just "Test".
  const tested = detail.trials.find((t) => t.test);
  const testKey = tested ? ('accuracy' in tested.test! ? 'accuracy' : 'mae') : null;
  return (
    <table data-testid="sweep-trials">
      <thead>
        <tr>
          <th className="num">#</th><th>Status</th>
          {paths.map((p) => <th key={p} className="num">{settingName(p, options)}</th>)}
          <th className="num">{metricLabel(detail.metric)}</th><th className="num">Epochs</th><th className="num">{testKey ? `Test ${metricLabel(testKey).toLowerCase()}` : 'Test'}</th><th>Run</th>
        </tr>
      </thead>
      <tbody>
        {detail.trials.map((t) => {
          const isBest = detail.best?.trial === t.trial;
          const now = live[t.trial];
          const score = t.score ?? (now ? now.logs[detail.metric] ?? null : null);
          return (
            <tr key={t.trial} className={isBest ? 'mw-wp-best' : undefined} data-testid={`sweep-trial-${t.trial + 1}`} data-status={t.status}>
              <td className="num">{t.trial + 1}{isBest ? ' ★' : ''}</td>
              <td className={`mw-wp-st-${t.status === 'pruned' ? 'did-not-learn' : t.status}`}>{statusText(t, now)}</td>
              {paths.map((p) => <td key={p} className="num">{valueText(t.settings[p])}</td>)}
              <td className="num">{formatNumber(score)}</td>
              <td className="num">{t.status === 'running' && now ? now.epoch + 1 : t.epochs || '—'}</td>
              <td className="num">{formatNumber(testKey ? t.test?.[testKey] ?? null : null)}</td>
              <td>{t.runId !== null ? <button type="button" className="mw-wp-link" onClick={() => { focusRun(t.runId!); setUi({ activePanel: 'runs' }); }}>#{t.runId}</button> : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Importance({ detail, options }: { detail: SweepDetail; options: TunableSetting[] }) {
  const label = metricLabel(detail.metric).toLowerCase();
  const items = settingImportance(detail.trials, Object.keys(detail.space), detail.direction, label);
  return (
    <div data-testid="sweep-importance">
      <p className="mw-wp-help">
        How much of the difference in {label} between the finished trials goes with each setting (the share of the spread explained by grouping the
        trials by that setting's value — low, middle or high for numbers). With few trials, read it as a hint.
      </p>
      <div className="mw-wp-bars">
        {items.map((it, i) => (
          <div key={it.path} className={`mw-wp-bar${i === 0 && it.share > 0 ? ' mw-wp-bar-top' : ''}`} title={it.text} data-testid={`importance-${it.path}`}>
            <span className="mw-wp-bar-label">{settingName(it.path, options)}</span>
            <span className="mw-wp-bar-track"><span className="mw-wp-bar-fill" style={{ width: `${Math.round(it.share * 100)}%` }} /></span>
            <span className="mw-wp-bar-value">{Math.round(it.share * 100)}%</span>
          </div>
        ))}
      </div>
      {items.map((it) => <p key={it.path} className="mw-wp-help"><strong>{settingName(it.path, options)}</strong>: {it.text}</p>)}
    </div>
  );
}

function BestSoFar({ detail, options }: { detail: SweepDetail; options: TunableSetting[] }) {
  const best = detail.best;
  if (!best) return <p className="mw-wp-muted" data-testid="sweep-best">{noBestYet(detail.trials, metricLabel(detail.metric).toLowerCase())}</p>;
  const settings = Object.entries(best.settings).map(([p, v]) => `${settingName(p, options)} ${valueText(v)}`).join(', ');
  const useBest = () => {
    const outcome = commands.execute('applySweepSettings', { settings: best.settings });
    if (outcome.ok && outcome.changed) notify.success(`The project now uses trial ${best.trial + 1}'s settings (${settings}). Undo with Ctrl+Z.`);
    else if (outcome.ok) notify.info('The project already uses these settings.');
  };
  return (
    <div className="mw-wp-row" data-testid="sweep-best">
      <span>
        <strong>Best so far:</strong> trial {best.trial + 1} — {metricLabel(detail.metric)} {formatNumber(best.score)} with {settings}
        {best.test?.accuracy !== undefined && ` (test accuracy ${formatNumber(best.test.accuracy)})`}
      </span>
      <button type="button" className="mw-primary" onClick={useBest} data-testid="sweep-use-best">Use best settings</button>
    </div>
  );
}

export function TunePanel() {
  const api = useApi();
  const doc = useProject((s) => s.document)!;
  const detail = useSweepSession((s) => s.detail);
  const starting = useSweepSession((s) => s.starting);
  const error = useSweepSession((s) => s.error);
  const config = doc.training ?? makeTrainingConfig();
  const options = useMemo(() => tunableSettings(doc.graph, config), [doc.graph, config]);
  const key = doc.name ?? '';
  const [rows, setRowsState] = useState<SpaceRow[]>(() => drafts.get(key)
    ?? Object.entries(starterSpace(doc.graph, config)).map(([p, d]) => rowFrom(p, d as Record<string, unknown>)));
  const setRows = (next: SpaceRow[]) => { drafts.set(key, next); setRowsState(next); };
  const [trials, setTrials] = useState('8');
  const [strategy, setStrategy] = useState<StrategyName>('random');
  const [parallel, setParallel] = useState('');
  const [epochs, setEpochs] = useState('');
  const [chosenMetric, setMetric] = useState('val_loss');
  const data = useBoundData();
  const metrics = rankableMetrics(data.status === 'ready' ? data.data.task : null, config.metrics ?? []);
  // A metric these runs do not record (the data changed from a table of classes to one of numbers) is not kept.
  const metric = metrics.includes(chosenMetric) ? chosenMetric : 'val_loss';

  useEffect(() => {
    sweepSession.attach(api);
    if (api) sweepSession.adoptLatest(doc.name).catch(() => {});
  }, [api, doc.name]);

  const running = starting || detail?.status === 'running';
  const { space, problem } = spaceOf(rows, doc.graph, config);
  const trialCount = Number(trials);
  const countProblem = !Number.isInteger(trialCount) || trialCount < 1 || trialCount > 1000 ? 'Trials must be a whole number from 1 to 1000.' : null;
  const blocked = !api ? 'Not connected to the Modelwright back end.' : !doc.dataset ? 'Choose the data to train on first (the Data tab).' : rows.length === 0 ? 'Add at least one setting to tune.' : problem ?? countProblem;

  const start = async () => {
    const { document: current, filePath } = projectStore.getState();
    if (!current) return;
    try {
      await sweepSession.start(
        projectInputOf(current, filePath),
        {
          space, strategy, trials: trialCount, metric,
          ...(parallel.trim() ? { parallel: Number(parallel) } : {}),
          ...(epochs.trim() ? { epochs: Number(epochs) } : {}),
        },
      );
    } catch {
      // The session keeps the reason; shown below.
    }
  };

  return (
    <div className="mw-wp-cols" data-testid="tune-panel">
      <div>
        <h2>What to tune</h2>
        <p className="mw-wp-help">Each trial trains the model with other values for these settings. Pick values to try, or a range to draw them from.</p>
        <SpaceEditor rows={rows} options={options} onChange={setRows} disabled={running} />
        {problem && <p className="mw-wp-field-error" role="alert" data-testid="space-problem">{problem}</p>}
        <Field label="Trials" help="How many versions of the model to train." htmlFor="mw-tune-trials" error={countProblem}>
          <input id="mw-tune-trials" type="text" inputMode="numeric" value={trials} onChange={(e) => setTrials(e.target.value)} disabled={running} data-testid="tune-trials" />
        </Field>
        <Field label="Strategy" help={strategyHelp[strategy]} htmlFor="mw-tune-strategy">
          <select id="mw-tune-strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as StrategyName)} disabled={running} data-testid="tune-strategy">
            {strategyNames.map((s) => <option key={s} value={s}>{s === 'halving' ? 'successive halving' : s}</option>)}
          </select>
        </Field>
        <Field label="Rank trials by" help="Measured on the validation rows after every epoch; the test rows are never used to choose." htmlFor="mw-tune-metric">
          <select id="mw-tune-metric" value={metric} onChange={(e) => setMetric(e.target.value)} disabled={running} data-testid="tune-metric">
            {metrics.map((m) => <option key={m} value={m}>{metricLabel(m)}</option>)}
          </select>
        </Field>
        <Field label="Epochs per trial" help={`Empty: the project's ${config.epochs}.`} htmlFor="mw-tune-epochs">
          <input id="mw-tune-epochs" type="text" inputMode="numeric" value={epochs} placeholder={String(config.epochs)} onChange={(e) => setEpochs(e.target.value)} disabled={running} />
        </Field>
        <Field label="Trials at once" help="Trainer processes side by side. Empty: all processor cores but one." htmlFor="mw-tune-parallel">
          <input id="mw-tune-parallel" type="text" inputMode="numeric" value={parallel} placeholder="auto" onChange={(e) => setParallel(e.target.value)} disabled={running} data-testid="tune-parallel" />
        </Field>
      </div>
      <div>
        <div className="mw-wp-row">
          <button type="button" className="mw-primary" onClick={start} disabled={running || blocked !== null} title={blocked ?? 'Start the sweep'} data-testid="tune-start">▶ Start sweep</button>
          <button type="button" onClick={() => sweepSession.stop().catch((err) => notify.error(err, 'Could not stop the sweep'))} disabled={detail?.status !== 'running'} data-testid="tune-stop">■ Stop</button>
          {detail && (detail.status === 'stopped' || detail.status === 'interrupted') && (
            <button type="button" onClick={() => sweepSession.resume().catch((err) => notify.error(err, 'Could not resume the sweep'))} data-testid="tune-resume">Resume</button>
          )}
          {detail && <span className="mw-wp-muted" data-testid="sweep-status" data-status={detail.status}>
            Sweep {detail.id}: {detail.status} — {detail.trials.filter((t) => ['completed', 'pruned', 'diverged', 'failed'].includes(t.status)).length} of {detail.trialCount} trials done
          </span>}
        </div>
        {blocked && !running && rows.length > 0 && !problem && <ErrorText error={blocked} />}
        <ErrorText error={error} />
        {detail?.status === 'failed' && detail.error && <ErrorText error={`The sweep stopped: ${detail.error}`} />}
        {detail ? (
          <>
            <div className="mw-wp-card"><BestSoFar detail={detail} options={options} /></div>
            <div className="mw-wp-card" style={{ overflowX: 'auto' }}><TrialsTable detail={detail} options={options} /></div>
            <div className="mw-wp-split">
              <div className="mw-wp-card">
                <h3>Settings against {metricLabel(detail.metric).toLowerCase()}</h3>
                <p className="mw-wp-help">Each line is a trial, through its value of every setting to its score (better at the top; the best is the thick line).
                  Where the good lines bunch together on an axis, that setting's value matters.</p>
                <ParallelCoordinates detail={detail} metricLabel={metricLabel(detail.metric)} labelOf={(p) => settingName(p, options)} />
              </div>
              <div className="mw-wp-card">
                <h3>Which settings mattered</h3>
                <Importance detail={detail} options={options} />
              </div>
            </div>
          </>
        ) : (
          <p className="mw-wp-muted">Start a sweep to see its trials here; each one is also a run in the Runs tab.</p>
        )}
      </div>
    </div>
  );
}
