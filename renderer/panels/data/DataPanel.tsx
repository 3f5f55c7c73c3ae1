// The Data panel: choose a built-in dataset or import a CSV, a text CSV or an image folder; preview it;
// set column roles and types, scaling, missing values and split ratios; read the warnings; and fit the
// model's Input shape and output units to the data, as undoable commands, after the user agrees.
import { useMemo, useState } from 'react';
import type { BuiltinDataset, DatasetInspection, ImportedDataset } from '../../../app/api/types.ts';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { dataSourceName } from '../../../app/data/sourceName.ts';
import { formatCount } from '../../../app/format.ts';
import { textReadingOf } from '../../../app/training/dataAdvice.ts';
import { fitModelToData, type ReadinessProblem } from '../../../app/training/readiness.ts';
import type { ColumnRole, ColumnType } from '../../../app/data/schema.ts';
import { augmentIsOn, makeTrainingConfig } from '../../../app/training/config.ts';
import { commands } from '../../commands/index.ts';
import { useProject } from '../../state/projectStore.ts';
import { useReadiness } from '../../state/readiness.ts';
import { splitCounts, updateSetting } from '../../state/trainingSettings.ts';
import { setUi } from '../../state/uiStore.ts';
import { Empty } from '../../ui/Empty.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { Field } from '../../ui/Field.tsx';
import { notify } from '../../ui/notify.ts';
import { useApi } from '../../ui/useApi.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { readAsText, setColumnRole, setColumnType, textColumnToRead } from './dataEdits.ts';
import { CsvUpload, ImageUpload } from './DataUpload.tsx';
import { Cancelled } from './imageUpload.ts';
import { ImageClassGrid } from './ImageClassGrid.tsx';
import { AugmentPreview } from './AugmentPreview.tsx';
import { CameraDataset } from './CameraDataset.tsx';
import { useHasCamera } from '../../ui/Camera.tsx';

type Source = 'builtin' | 'csv' | 'text' | 'images';

function builtinBinding(d: BuiltinDataset): DatasetBinding {
  // The host fills in the rest (target, text and image settings) from the built-in's own defaults.
  return { source: `builtin:${d.id}`, kind: d.kind, task: 'auto', columns: [], scaling: 'standard', missing: 'drop-row' } as DatasetBinding;
}

function SourcePicker({ onImported }: { onImported: (binding: DatasetBinding, inspection: DatasetInspection | null) => void }) {
  const api = useApi();
  const [source, setSource] = useState<Source>('builtin');
  const builtins = useAsync(api ? () => api.datasets.listBuiltins() : null, [api]);
  const [builtinId, setBuiltinId] = useState('');
  const [target, setTarget] = useState('');
  const [textColumn, setTextColumn] = useState('');
  const hasCamera = useHasCamera();
  const [size, setSize] = useState({ width: 28, height: 28, channels: 1 as 1 | 3 });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (work: () => Promise<ImportedDataset | { binding: DatasetBinding; inspection: null }>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await work();
      onImported(result.binding, result.inspection);
    } catch (err) {
      if (!(err instanceof Cancelled)) setError(err);
    } finally {
      setBusy(false);
    }
  };
  const csvOptions = () => ({
    kind: source === 'text' ? 'text' as const : 'table' as const,
    ...(target.trim() ? { target: target.trim() } : {}),
    ...(source === 'text' && textColumn.trim() ? { textColumn: textColumn.trim() } : {}),
  });
  const imageOptions = () => {
    if (!(size.width >= 1 && size.height >= 1 && size.width <= 4096 && size.height <= 4096)) {
      setError('Width and height must be whole numbers from 1 to 4096.');
      return null;
    }
    return { width: Math.round(size.width), height: Math.round(size.height), channels: size.channels };
  };
  const chosen = builtins.data?.find((d) => d.id === builtinId) ?? null;

  return (
    <div className="mw-wp-card" data-testid="data-source">
      <div className="mw-wp-row" role="radiogroup" aria-label="Data source">
        {([['builtin', 'Built-in dataset'], ['csv', 'CSV table'], ['text', 'Text CSV'], ['images', 'Image folder']] as const).map(([id, label]) => (
          <label key={id}><input type="radio" name="mw-data-source" checked={source === id} onChange={() => setSource(id)} data-testid={`data-source-${id}`} /> {label}</label>
        ))}
      </div>
      {source === 'builtin' && (
        <>
          <ErrorText error={builtins.error} retry={builtins.reload} />
          <Field label="Dataset" htmlFor="mw-builtin" help={chosen ? `${chosen.description} ${chosen.rows} rows. Source: ${chosen.origin}` : 'Small, well-known datasets that ship with Modelwright.'}>
            <select id="mw-builtin" value={builtinId} onChange={(e) => setBuiltinId(e.target.value)} data-testid="builtin-select">
              <option value="">Choose…</option>
              {builtins.data?.map((d) => <option key={d.id} value={d.id}>{d.title} ({d.kind}, {d.task})</option>)}
            </select>
          </Field>
          <button type="button" disabled={!chosen || busy || !api} onClick={() => chosen && run(async () => ({ binding: builtinBinding(chosen), inspection: null }))} data-testid="use-builtin">Use this dataset</button>
        </>
      )}
      {(source === 'csv' || source === 'text') && (
        <>
          <p className="mw-wp-help">{source === 'text'
            ? 'A CSV with one column of sentences and one column with their label (e.g. question, intent).'
            : 'A table with a header row: one column per feature and one column to predict. Commas, semicolons and tabs all work.'}</p>
          <Field label="Column to predict (optional)" htmlFor="mw-csv-target" help="Left empty, the last column is used.">
            <input id="mw-csv-target" type="text" value={target} onChange={(e) => setTarget(e.target.value)} />
          </Field>
          {source === 'text' && (
            <Field label="Text column (optional)" htmlFor="mw-csv-text" help="Left empty, the column with the longest text is used.">
              <input id="mw-csv-text" type="text" value={textColumn} onChange={(e) => setTextColumn(e.target.value)} />
            </Field>
          )}
          <CsvUpload busy={busy} run={(work) => void run(work)} options={csvOptions} />
        </>
      )}
      {source === 'images' && (
        <>
          <p className="mw-wp-help">A folder with one subfolder per class (e.g. cats/, dogs/) holding PNG or JPEG images — or a .zip of such a folder. Images are resized to the size below.</p>
          <div className="mw-wp-row">
            <label>Width <input type="number" min={1} max={512} value={size.width} onChange={(e) => setSize({ ...size, width: Number(e.target.value) })} style={{ width: 70 }} data-testid="image-width" /></label>
            <label>Height <input type="number" min={1} max={512} value={size.height} onChange={(e) => setSize({ ...size, height: Number(e.target.value) })} style={{ width: 70 }} data-testid="image-height" /></label>
            <label>Colour <select value={size.channels} data-testid="image-channels" onChange={(e) => setSize({ ...size, channels: Number(e.target.value) as 1 | 3 })}><option value={1}>grayscale</option><option value={3}>colour (RGB)</option></select></label>
          </div>
          <ImageUpload busy={busy} run={(work) => void run(work)} options={imageOptions} />
          {hasCamera && <CameraDataset busy={busy} run={(work) => void run(work)} options={imageOptions} />}
        </>
      )}
      {busy && <p className="mw-wp-muted">Reading the data…</p>}
      <ErrorText error={error} />
    </div>
  );
}

function FitCard({ problems, steps, onApply, onDismiss }: { problems: ReadinessProblem[]; steps: string[]; onApply: () => void; onDismiss?: () => void }) {
  if (problems.length === 0) return null;
  return (
    <div className="mw-wp-card" data-testid="fit-model">
      <strong>The model does not fit this data yet.</strong>
      <ul>{problems.map((p, i) => (
        <li key={i} data-testid="fit-problem">{p.message}{p.fixes.length === 0 && p.advice ? ` — ${p.advice}` : ''}</li>
      ))}</ul>
      {steps.length > 0 && (
        <>
          <p className="mw-wp-help">Making it fit changes, in one step:</p>
          <ol data-testid="fit-steps">{steps.map((step, i) => <li key={i}>{step}</li>)}</ol>
          <div className="mw-wp-row">
            <button type="button" className="mw-primary" onClick={onApply} data-testid="fit-model-apply">Make the model fit this data</button>
            {onDismiss && <button type="button" onClick={onDismiss}>Not now</button>}
            <span className="mw-wp-help">Undo it with Ctrl+Z.</span>
          </div>
        </>
      )}
    </div>
  );
}

function ColumnsTable({ inspection, binding }: { inspection: DatasetInspection; binding: DatasetBinding }) {
  const update = (next: DatasetBinding) => commands.execute('setDataset', { dataset: next });
  if (inspection.columns.length === 0) return null;
  return (
    <table data-testid="data-columns">
      <thead><tr><th>Column</th><th>Role</th><th>Type</th><th className="num">Missing</th><th className="num">Distinct values</th></tr></thead>
      <tbody>
        {inspection.columns.map((c) => (
          <tr key={c.name}>
            <td>{c.name}</td>
            <td>
              <select value={c.role} onChange={(e) => update(setColumnRole(binding, inspection.columns, c.name, e.target.value as ColumnRole))} aria-label={`Role of ${c.name}`}>
                <option value="feature">input feature</option>
                <option value="target">to predict</option>
                <option value="ignore">ignore</option>
              </select>
            </td>
            <td>
              <select value={c.type} onChange={(e) => update(setColumnType(binding, c, e.target.value as ColumnType))} aria-label={`Type of ${c.name}`} disabled={c.role === 'ignore'}>
                <option value="numeric">number{c.inferredType === 'numeric' ? ' (detected)' : ''}</option>
                <option value="categorical">category{c.inferredType === 'categorical' ? ' (detected)' : ''}</option>
                <option value="text">text{c.inferredType === 'text' ? ' (detected)' : ''}</option>
              </select>
            </td>
            <td className="num">{c.missing > 0 ? <span className="mw-wp-warning">{c.missing}</span> : 0}</td>
            <td className="num">{c.distinct >= 1000 ? '1000+' : c.distinct}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Preview({ inspection }: { inspection: DatasetInspection }) {
  const { columns, rows } = inspection.preview;
  if (columns.length === 0) return null;
  return (
    <div style={{ overflow: 'auto', maxHeight: 320 }}>
      <table data-testid="data-preview">
        <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>{rows.map((r, i) => <tr key={i}>{r.map((cell, j) => <td key={j} title={cell}>{cell.length > 60 ? `${cell.slice(0, 60)}…` : cell}</td>)}</tr>)}</tbody>
      </table>
    </div>
  );
}

export default function DataPanel() {
  const api = useApi();
  const doc = useProject((s) => s.document);
  const filePath = useProject((s) => s.filePath);
  // The fixes the user said "not now" to; a different set of fixes (after another change) shows again.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const binding = doc?.dataset ?? null;
  const bindingKey = binding ? JSON.stringify(binding) : '';
  const inspection = useAsync(api && binding ? () => api.datasets.inspect(binding, { projectPath: filePath, previewRows: 20 }) : null, [api, bindingKey, filePath]);
  const { readiness, data } = useReadiness();
  // Problems of the model against this data (the same check the canvas and the trainer make).
  const allProblems = data.status === 'ready' ? readiness.problems.filter((p) => p.severity === 'error') : [];
  const problemsKey = JSON.stringify(allProblems.map((p) => p.message));
  const problems = dismissed === problemsKey ? [] : allProblems;
  // Every change the one click makes (fixing one problem can reveal the next: a Flatten after the Input shape).
  const steps = useMemo(() => (data.status === 'ready' && doc && problems.length > 0
    ? fitModelToData({ graph: doc.graph, loss: doc.training?.loss ?? 'auto' }, data.data).applied.map((f) => f.label)
    : []), [data, doc, problems.length]);

  if (!doc) return <div className="mw-wp"><Empty title="No project open" testId="data-empty">Open a template or a project first; then choose its data here.</Empty></div>;

  // How the model reads text (null: it does not), for uploads of sentences and the "Read as text" card.
  const reading = textReadingOf(doc.graph);
  const onImported = async (imported: DatasetBinding, inspected: DatasetInspection | null) => {
    // A file of sentences is read the way the model reads text (its Input's length, its Embedding's vocabulary),
    // as "Read as text" does, so a text template needs at most its output changed.
    const next = imported.kind === 'text' && imported.text?.column && reading && !imported.source.startsWith('builtin:')
      ? readAsText(imported, imported.text.column, reading) : imported;
    let info = next === imported ? inspected : null;
    try {
      info ??= await api!.datasets.inspect(next, { projectPath: filePath, previewRows: 0 });
    } catch (err) {
      notify.error(err, 'The data was found but could not be read');
    }
    // The host's data check then proposes the model changes the new data needs (the card above the preview).
    if (!commands.execute('setDataset', { dataset: next }).ok) return;
    // A text column to read as text has its own card at the top of the panel, with the button; a toast
    // saying the same would outlive the click that fixes it.
    if (info && textColumnToRead(info, reading !== null)) return;
    if (info?.error) notify.warning('The data is set, but it cannot be trained on as it is yet', { detail: info.error });
    else notify.success(`Data set: ${info ? `${formatCount(info.rows)} ${info.kind === 'images' ? 'images' : 'rows'}` : dataSourceName(next.source)}.`);
  };

  const insp = inspection.data;
  const asText = insp && binding ? textColumnToRead(insp, reading !== null) : null;
  const training = doc.training ?? makeTrainingConfig();
  const setSplit = (key: 'validationSplit' | 'testSplit', percent: number) => {
    const r = updateSetting(training, key, percent / 100);
    if (!r.ok) notify.error(r.message);
    else commands.execute('setTraining', { training: r.config });
  };
  const augmenting = augmentIsOn(training.augment);
  const counts = insp?.usableRows != null ? splitCounts(insp.usableRows, training) : null;
  // A built-in's text settings come from the host until the user changes them.
  const text = binding?.text ?? insp?.binding.text;
  const setBinding = (patch: Partial<DatasetBinding>) => binding && commands.execute('setDataset', { dataset: { ...binding, ...patch } });

  return (
    <div className="mw-wp" data-testid="data-panel">
      <div className="mw-wp-cols">
        <div>
          <h2>Data</h2>
          {binding
            ? <p>Training on <strong title={binding.source}>{dataSourceName(binding.source)}</strong>{insp ? ` — ${insp.kind}, ${insp.task ?? 'task unknown'}` : ''}.</p>
            : <p className="mw-wp-muted">This project has no data yet. Pick a built-in dataset or import your own.</p>}
          <SourcePicker onImported={onImported} />
          {binding && (
            <div className="mw-wp-card">
              <h3>Preparation</h3>
              {/* Scaling and empty cells are about a table's columns: pictures and sentences have neither. */}
              {insp?.kind !== 'images' && insp?.kind !== 'text' && (
                <>
                  <Field label="Scaling" htmlFor="mw-scaling" help="Puts number columns on a similar scale so no feature drowns the others; fitted on training rows only.">
                    <select id="mw-scaling" value={binding.scaling} onChange={(e) => setBinding({ scaling: e.target.value as DatasetBinding['scaling'] })}>
                      <option value="standard">standardize (mean 0, spread 1)</option>
                      <option value="minmax">min–max (0 to 1)</option>
                      <option value="none">none</option>
                    </select>
                  </Field>
                  <Field label="Missing values" htmlFor="mw-missing" help="What to do with empty cells.">
                    <select id="mw-missing" value={binding.missing} onChange={(e) => setBinding({ missing: e.target.value as DatasetBinding['missing'] })}>
                      <option value="drop-row">leave those rows out</option>
                      <option value="mean">fill with the column average</option>
                      <option value="zero">fill with zero</option>
                    </select>
                  </Field>
                </>
              )}
              <Field label="Validation split (%)" htmlFor="mw-val" help="Held back from training and scored after every epoch.">
                <input id="mw-val" type="number" min={0} max={90} step={5} value={Math.round(training.validationSplit * 100)} onChange={(e) => setSplit('validationSplit', Number(e.target.value))} />
              </Field>
              <Field label="Test split (%)" htmlFor="mw-test" help="Never trained on; used for the final evaluation.">
                <input id="mw-test" type="number" min={0} max={90} step={5} value={Math.round(training.testSplit * 100)} onChange={(e) => setSplit('testSplit', Number(e.target.value))} />
              </Field>
              {counts && <p className="mw-wp-help">About {counts.train} {insp?.kind === 'images' ? 'images' : 'rows'} train, {counts.validation} validate, {counts.test} test.</p>}
            </div>
          )}
        </div>
        <div>
          {!binding && <Empty title="No data chosen" testId="data-none">Templates come with a built-in dataset. For your own data, import a CSV with one row per example, or a folder of images sorted into one subfolder per class.</Empty>}
          {binding && (
            <>
              {inspection.loading && <p className="mw-wp-muted">Reading the data…</p>}
              <ErrorText error={inspection.error} retry={inspection.reload} />
              {/* While reading the file as text is offered, no fit: fitting the model to the table reading would undo it. */}
              <FitCard problems={asText ? [] : problems} steps={steps} onApply={() => {
                if (data.status !== 'ready') return;
                const r = commands.execute('fitModelToData', { data: data.data });
                if (r.ok && r.changed) {
                  notify.success('The model now fits the data.', {
                    detail: 'Undo with Ctrl+Z.', actions: [{ label: 'Show the model', run: () => setUi({ activePanel: 'canvas' }) }],
                    // A convenience, not a question: it goes by itself (toasts that ask a question stay until answered).
                    timeout: 12_000,
                  });
                }
              }} onDismiss={() => setDismissed(problemsKey)} />
              {asText && (
                <div className="mw-wp-card" data-testid="read-as-text">
                  <strong>Column “{asText}” holds sentences.</strong>
                  <p className="mw-wp-help">{reading
                    ? 'This model reads text (it starts with a word embedding): read the file as text, and each sentence becomes the word numbers it takes.'
                    : 'A table model cannot use free text. Read the file as text to train a text model on it (one that starts with an Embedding; the model check then says what to change).'}</p>
                  <button type="button" className="mw-primary" onClick={() => commands.execute('setDataset', { dataset: readAsText(binding, asText, reading) })} data-testid="read-as-text-apply">Read “{asText}” as text</button>
                </div>
              )}
              {data.status === 'error' && data.error !== insp?.error && <p className="mw-wp-warning">{data.error}</p>}
              {insp && (
                <>
                  <div className="mw-wp-row" data-testid="data-summary">
                    <span><strong>{formatCount(insp.rows)}</strong> {insp.kind === 'images' ? 'images' : 'rows'}</span>
                    {insp.usableRows !== null && insp.usableRows !== insp.rows && <span>({formatCount(insp.usableRows)} usable)</span>}
                    {insp.inputShape && <span>model input [{insp.inputShape.join(', ')}]</span>}
                    {insp.outputUnits !== null && <span>{insp.outputUnits} output unit{insp.outputUnits === 1 ? '' : 's'}</span>}
                  </div>
                  {insp.error && <ErrorText error={insp.error} />}
                  {insp.warnings.length > 0 && (
                    <div data-testid="data-warnings">{insp.warnings.map((w, i) => <p key={i} className="mw-wp-warning">⚠ {w}</p>)}</div>
                  )}
                  {insp.classCounts && insp.kind !== 'images' && (
                    <p className="mw-wp-muted">Classes: {Object.entries(insp.classCounts).map(([k, n]) => `${k} (${n})`).join(', ')}</p>
                  )}
                  {insp.kind !== 'images' && (
                    <>
                      <h3>Columns</h3>
                      <ColumnsTable inspection={insp} binding={binding} />
                    </>
                  )}
                  {insp.kind === 'text' && text && (
                    <div className="mw-wp-row">
                      <label>Vocabulary size <input type="number" min={2} value={text.vocabSize} onChange={(e) => Number(e.target.value) >= 2 && setBinding({ text: { ...text, vocabSize: Math.round(Number(e.target.value)) } })} style={{ width: 90 }} /></label>
                      <label>Words per sentence <input type="number" min={1} value={text.sequenceLength} onChange={(e) => Number(e.target.value) >= 1 && setBinding({ text: { ...text, sequenceLength: Math.round(Number(e.target.value)) } })} style={{ width: 70 }} /></label>
                    </div>
                  )}
                  {insp.kind === 'images' ? (
                    <>
                      {/* Turned on, the augmentation preview comes first: a large class grid would bury it. */}
                      {augmenting && <><h3>Augmentation</h3><AugmentPreview binding={binding} projectPath={filePath} /></>}
                      <h3>Images per class</h3>
                      <ImageClassGrid binding={binding} projectPath={filePath} onChanged={inspection.reload} />
                      {!augmenting && <><h3>Augmentation</h3><AugmentPreview binding={binding} projectPath={filePath} /></>}
                    </>
                  ) : (
                    <>
                      <h3>First rows</h3>
                      <Preview inspection={insp} />
                    </>
                  )}
                </>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
