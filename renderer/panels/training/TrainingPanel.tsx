// The Training panel: settings with one sentence of help each, Train and Stop, a progress bar (epoch,
// batch, ETA, samples/s, backend), the run's status, and live loss and metric charts.
import { Fragment, useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { explainMetric, metricLabel } from '../../../app/explanations.ts';
import { formatEta, formatNumber, formatRate } from '../../../app/format.ts';
import { makeTrainingConfig, type TrainingConfig } from '../../../app/training/config.ts';
import type { ProgressEvent } from '../../../app/training/progress.ts';
import { commands } from '../../commands/index.ts';
import { useProject } from '../../state/projectStore.ts';
import { trainingSession, useTrainingSession, type TrainingPhase } from '../../state/trainingSession.ts';
import { settingFields, splitCounts, updateSetting } from '../../state/trainingSettings.ts';
import { setUi, useUi } from '../../state/uiStore.ts';
import { Empty } from '../../ui/Empty.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { FixButtons } from '../../ui/FixButtons.tsx';
import { notify } from '../../ui/notify.ts';
import { refusalSentence, useSessionAttached, useTrainAction } from '../../ui/useTrainAction.ts';
import { LiveChart, trainingSeries } from './LiveChart.tsx';
import { LearningVerdict, LiveLearningNote, StillImprovingNote } from '../../ui/LearningVerdict.tsx';
import type { SettingChange } from '../../../app/training/learning.ts';
import { TunePanel } from './TunePanel.tsx';
import { StartFrom } from './StartFrom.tsx';
import { EngineBackends } from './EngineBackends.tsx';
import { SettingControl } from './SettingControl.tsx';
import { AugmentationSettings } from './AugmentationSettings.tsx';
import { useApi } from '../../ui/useApi.ts';

/** Why a faster backend was not used, in plain words (the technical reason is for the CLI and logs). */
function backendTried(backend: string): string {
  if (backend === 'tensorflow') return 'native TensorFlow is not installed on this computer, so a portable backend is used';
  return `the ${backend} backend could not start here`;
}

/** The trainer's live note ("the loss has not fallen…") from epoch events, kept until the next run. */
function useLearningNote(phase: TrainingPhase, progress: ProgressEvent | null): string | null {
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => { if (phase === 'starting') setNote(null); }, [phase]);
  useEffect(() => { if (progress?.type === 'epoch') setNote(progress.note ?? null); }, [progress]);
  return note;
}

function progressFraction(e: ProgressEvent | null): number {
  if (!e || e.epochs <= 0) return 0;
  if (e.type === 'epoch') return Math.min(1, (e.epoch + 1) / e.epochs);
  return Math.min(1, (e.epoch + (e.batch + 1) / Math.max(1, e.batchesPerEpoch)) / e.epochs);
}

const phaseWords: Record<TrainingPhase, string> = {
  idle: 'Not trained yet', starting: 'Starting: loading the data and the training engine…', running: 'Training', stopping: 'Stopping after this batch…',
  finished: 'Finished', failed: 'Failed',
};

function ProgressView({ onApply }: { onApply: (change: SettingChange) => void }) {
  const phase = useTrainingSession((s) => s.phase);
  const progress = useTrainingSession((s) => s.progress);
  const started = useTrainingSession((s) => s.started);
  const outcome = useTrainingSession((s) => s.outcome);
  const error = useTrainingSession((s) => s.error);
  const runName = useTrainingSession((s) => s.runName);
  const note = useLearningNote(phase, progress);
  const fraction = phase === 'finished' && outcome?.status === 'completed' ? 1 : progressFraction(progress);
  const backend = progress?.backend ?? started?.backend;
  // A finished run says the threads it really used: replicas that found splitting slower kept to one.
  const threads = phase === 'finished' && outcome?.threads !== undefined ? outcome.threads : started?.threads;
  let status = phaseWords[phase];
  if (phase === 'running' && runName) status = `Training "${runName}"`;
  if ((phase === 'finished' || phase === 'failed') && outcome) status = outcome.message;
  // The verdict card below says it all; its warning is not repeated.
  const didNotLearn = phase === 'finished' && outcome?.learning?.learned === false;
  if (didNotLearn) status = `Completed — did not learn: ${outcome!.learning!.signs[0]}`;
  else if (phase === 'failed' && error) status = error;
  return (
    <div className="mw-wp-card">
      <div className="mw-wp-status" data-testid="run-status" data-phase={phase} data-learned={didNotLearn ? 'false' : undefined} role="status" aria-live="polite">{status}</div>
      {phase === 'failed' && outcome?.advice && <p className="mw-wp-help">{outcome.advice}</p>}
      {phase === 'finished' && <LearningVerdict learning={outcome?.learning} onApply={onApply} />}
      {phase === 'finished' && <StillImprovingNote learning={outcome?.learning} onApply={onApply} />}
      {(phase === 'running' || phase === 'stopping') && <LiveLearningNote note={note} />}
      <div className="mw-wp-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} data-testid="train-progress">
        <div style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="mw-wp-row mw-wp-muted" data-testid="progress-details">
        {progress && <span>Epoch {Math.min(progress.epoch + 1, progress.epochs)} of {progress.epochs}</span>}
        {progress?.type === 'batch' && <span>batch {progress.batch + 1} of {progress.batchesPerEpoch}</span>}
        {progress && (phase === 'running' || phase === 'stopping') && <span>{formatEta(progress.etaMs)}</span>}
        {progress && <span>{formatRate(progress.samplesPerSec)}</span>}
        {backend && <span data-testid="train-backend">backend: {backend}{threads !== undefined && ` on ${threads} core${threads === 1 ? '' : 's'}`}</span>}
        {progress && Object.entries(progress.logs).slice(0, 4).map(([k, v]) => <span key={k} title={explainMetric(k) ?? undefined}>{metricLabel(k)} {formatNumber(v)}</span>)}
      </div>
      {started && (
        <p className="mw-wp-help">
          {started.trainSamples} training, {started.validationSamples} validation and {started.testSamples} test samples. Loss: {started.lossExplanation}
          {started.tried.length > 0 && ` (${started.tried.map((t) => backendTried(t.backend)).join('; ')})`}
        </p>
      )}
      {started?.backendChoice && <p className="mw-wp-help" data-testid="backend-choice">Backend chosen automatically: {started.backendChoice}.</p>}
      {phase === 'finished' && outcome?.parallelChoice && <p className="mw-wp-help" data-testid="parallel-choice">Cores: {outcome.parallelChoice}.</p>}
      {started?.warmStart && (
        <p className="mw-wp-help" data-testid="warm-start-report">
          Started from run #{started.warmStart.fromRunId}: {started.warmStart.layers.join(', ')} took its weights.
          {started.warmStart.skipped.map((s) => ` ${s.name} starts fresh: ${s.reason}.`).join('')}
        </p>
      )}
      {started?.importedWeights && (
        <p className="mw-wp-help" data-testid="imported-weights-report">
          Started from imported weights: {started.importedWeights.layers.length} of {started.importedWeights.layers.length + started.importedWeights.skipped.length} layers
          took them ({started.importedWeights.layers.join(', ')}).
          {started.importedWeights.skipped.map((s) => ` ${s.name} starts fresh: ${s.reason}.`).join('')}
        </p>
      )}
      {[...(started?.warnings ?? []), ...(outcome?.warnings ?? [])].filter((w) => !(didNotLearn && w.startsWith('did not learn')))
        .map((w, i) => <p key={i} className="mw-wp-warning">⚠ {w}</p>)}
      {outcome?.testNote && <p className="mw-wp-help">Test: {outcome.testNote}</p>}
    </div>
  );
}

function Charts() {
  const subscribe = useCallback((onData: () => void) => trainingSession.onCurves(onData), []);
  // Re-render only when a chart is added (a new metric appeared), not on every event.
  const layout = useSyncExternalStore(subscribe, () => trainingSession.curves.layoutVersion);
  const charts = [...trainingSession.curves.charts.entries()];
  if (charts.length === 0) return <p className="mw-wp-muted">The loss and metric charts fill in here while the model trains.</p>;
  return (
    <div className="mw-wp-charts" data-testid="training-charts" data-layout={layout}>
      {charts.map(([metric, buffer]) => (
        <LiveChart key={`${metric}-${layout}`} title={metricLabel(metric)} buffer={buffer} series={trainingSeries} subscribe={subscribe} testId={`chart-${metric}`} />
      ))}
    </div>
  );
}

export default function TrainingPanel() {
  useSessionAttached();
  const doc = useProject((s) => s.document);
  const runId = useTrainingSession((s) => s.runId);
  const sessionError = useTrainingSession((s) => s.error);
  const { phase, busy, blocked, refusal, train, stop } = useTrainAction();
  const [showAdvanced, setShowAdvanced] = useState(false);
  const mode = useUi((s) => s.trainingMode);
  const api = useApi();

  if (!doc) return <div className="mw-wp"><Empty title="No project open" testId="training-empty">Open a template from the start page (it comes with data and settings), then train it here.</Empty></div>;
  const config = doc.training ?? makeTrainingConfig();
  const setConfig = (training: TrainingConfig) => commands.execute('setTraining', { training });
  // A run that could not start has no id; its reason is shown with a retry.
  const startError = phase === 'failed' && runId === null ? sessionError : null;

  const fields = settingFields.filter((f) => !f.section && (!f.visible || f.visible(config)) && (showAdvanced || !f.advanced));
  const splits = splitCounts(100, config);

  const modes = (
    <div className="mw-wp-row mw-wp-modes" role="tablist" aria-label="Training mode">
      <button type="button" role="tab" aria-selected={mode === 'train'} className={mode === 'train' ? 'mw-primary' : undefined}
        onClick={() => setUi({ trainingMode: 'train' })} data-testid="mode-train">Train</button>
      <button type="button" role="tab" aria-selected={mode === 'tune'} className={mode === 'tune' ? 'mw-primary' : undefined}
        onClick={() => setUi({ trainingMode: 'tune' })} data-testid="mode-tune" title="Try many settings automatically and keep the best">Tune</button>
    </div>
  );
  if (mode === 'tune') return <div className="mw-wp" data-testid="training-panel">{modes}<TunePanel /></div>;

  return (
    <div className="mw-wp" data-testid="training-panel">
      {modes}
      <div className="mw-wp-cols">
        <div>
          <h2>Training settings</h2>
          {!doc.dataset && (
            <div className="mw-wp-card">
              <p>This project has no data yet. Choose a dataset in the Data panel, then train.</p>
              <button type="button" onClick={() => setUi({ activePanel: 'data' })}>Go to Data</button>
            </div>
          )}
          {fields.map((f) => (
            <Fragment key={f.path}>
              <SettingControl field={f} config={config} onChange={setConfig} />
              {f.path === 'backend' && api && <EngineBackends api={api} config={config} onChange={setConfig} />}
            </Fragment>
          ))}
          <AugmentationSettings config={config} onChange={setConfig} showAdvanced={showAdvanced} />
          <p className="mw-wp-help">Of every 100 rows, about {splits.train} train, {splits.validation} validate and {splits.test} test.</p>
          <button type="button" className="mw-wp-link" onClick={() => setShowAdvanced((v) => !v)} data-testid="toggle-advanced">
            {showAdvanced ? 'Fewer settings' : 'More settings (seed, loss, backend, cores…)'}
          </button>
        </div>
        <div>
          {api && <StartFrom api={api} project={doc.name} refresh={phase} imported={Boolean(doc.weights)} />}
          <div className="mw-wp-row">
            <button type="button" className="mw-primary" onClick={train} disabled={busy || blocked !== null} data-testid="train-button"
              title={blocked ?? 'Train the model'}>
              ▶ Train
            </button>
            <button type="button" onClick={stop} disabled={phase !== 'running'} data-testid="stop-button">■ Stop</button>
            {(phase === 'finished' || (phase === 'failed' && runId !== null)) && (
              <>
                <button type="button" onClick={() => setUi({ activePanel: 'evaluation' })} data-testid="open-evaluation">See the evaluation</button>
                <button type="button" onClick={() => setUi({ activePanel: 'tryit' })}>Try it</button>
                <button type="button" onClick={() => setUi({ activePanel: 'runs' })}>All runs</button>
              </>
            )}
          </div>
          {refusal ? (
            <div data-testid="not-ready">
              <ErrorText error={refusalSentence(refusal)} />
              <FixButtons problem={refusal} />
            </div>
          ) : blocked && doc.dataset && <ErrorText error={blocked} />}
          <ErrorText error={startError} retry={busy ? undefined : train} />
          <ProgressView onApply={(change) => {
            const r = updateSetting(config, change.path, change.value);
            if (r.ok) setConfig(r.config);
            else notify.error(r.message, 'Could not change the setting');
          }} />
          <Charts />
        </div>
      </div>
    </div>
  );
}
