// The Export panel: export a run's trained model (format, and quantization when the host offers it) and
// show the host's verification of the export; or download the open model's architecture as Keras JSON.
import { useState } from 'react';
import { modelExportOptionsSchema, type ModelwrightApi } from '../../../app/api/contract.ts';
import type { ModelExportResult } from '../../../app/api/types.ts';
import { formatBytes } from '../../../app/format.ts';
import { downloadBase64, downloadText, safeFileName } from '../../files/fileActions.ts';
import { useProject } from '../../state/projectStore.ts';
import { setUi } from '../../state/uiStore.ts';
import { Empty } from '../../ui/Empty.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { Field } from '../../ui/Field.tsx';
import { RunPicker, useShownRun } from '../../ui/RunPicker.tsx';
import { notify } from '../../ui/notify.ts';
import { useApi } from '../../ui/useApi.ts';
import { TradeoffView } from './TradeoffView.tsx';

const formats = [
  { id: 'tfjs-layers', label: 'TensorFlow.js layers model (model.json + weights)', help: 'Loads with tf.loadLayersModel in a browser or Node.' },
  { id: 'onnx', label: 'ONNX (model.onnx)', help: 'Runs in ONNX Runtime (Python, C++, C#, Java, mobile) and tools that read ONNX; checked with ONNX Runtime before it is shown as verified. Full-precision weights.' },
  { id: 'keras-json', label: 'Keras model JSON', help: 'The architecture and weights in the form Keras reads.' },
] as const;

const quantizations = [
  { id: 'none', label: 'None (float32, exact)' },
  { id: 'float16', label: 'float16 (half the size, tiny differences)' },
  { id: 'uint8', label: 'uint8 (a quarter of the size, small differences)' },
] as const;

/** The option name the contract uses for quantization, or null while the contract has none. */
function quantizationKey(): string | null {
  const shape: Record<string, unknown> = modelExportOptionsSchema.shape;
  return ['quantize', 'quantization'].find((k) => Object.hasOwn(shape, k)) ?? null;
}

/** Metrics near 1 (accuracy) read best with 4 decimals; errors in target units with 4 significant digits. */
function formatMetric(value: number): string {
  return Math.abs(value) < 10 ? value.toFixed(4) : Number(value.toPrecision(4)).toLocaleString();
}

/** The export folder as a zip, through the API (the page never reads the host's disk itself). */
function DownloadZip({ api, dir }: { api: ModelwrightApi; dir: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button type="button" className="mw-primary" disabled={busy} data-testid="export-download" onClick={async () => {
        setBusy(true);
        setError(null);
        try {
          const zip = await api.export.archive(dir);
          downloadBase64(zip.fileName, zip.base64, 'application/zip');
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}>{busy ? 'Packing…' : 'Download (.zip)'}</button>
      <ErrorText error={error} />
    </>
  );
}

function Verification({ api, result }: { api: ModelwrightApi; result: ModelExportResult }) {
  const v = result.verification;
  return (
    <div className="mw-wp-card" data-testid="export-result">
      <p><strong>Exported</strong> ({result.format}) to <code>{result.dir}</code>{result.dir.startsWith('exports/') ? ' in your Modelwright workspace' : ''}</p>
      <div className="mw-wp-row">
        {v ? (
          <p className={`mw-wp-grow ${v.passed ? 'mw-wp-st-completed' : 'mw-wp-st-failed'}`} data-testid="export-verification" data-passed={v.passed}>
            {v.passed ? '✔ Verified' : '✘ Verification failed'}: {v.message} ({v.samples} samples compared)
          </p>
        ) : <p className="mw-wp-grow mw-wp-warning">The export was not verified.</p>}
        <DownloadZip api={api} dir={result.dir} />
      </div>
      {v?.metric && v.metric.before !== null && v.metric.after !== null && (
        <p data-testid="export-metric">
          Test {v.metric.name}: {formatMetric(v.metric.before)} in the studio, {formatMetric(v.metric.after)} from the exported files
          {v.metric.change !== null && v.metric.change !== 0 ? ` (change ${v.metric.change > 0 ? '+' : ''}${formatMetric(v.metric.change)})` : ' (no change)'}.
        </p>
      )}
      <table>
        <thead><tr><th>File</th><th className="num">Size</th></tr></thead>
        <tbody>{result.files.map((f) => <tr key={f.path}><td>{f.path}</td><td className="num">{formatBytes(f.sizeBytes)}</td></tr>)}</tbody>
      </table>
      {result.warnings.map((w, i) => <p key={i} className="mw-wp-warning">⚠ {w}</p>)}
    </div>
  );
}

function ArchitectureExport({ api }: { api: ModelwrightApi }) {
  const doc = useProject((s) => s.document);
  const [error, setError] = useState<unknown>(null);
  if (!doc) return null;
  return (
    <div className="mw-wp-card">
      <h3>Architecture only</h3>
      <p className="mw-wp-help">The open model's layers as Keras / TF.js model JSON, without trained weights (for use in other tools).</p>
      <button type="button" onClick={async () => {
        setError(null);
        try {
          const r = await api.export.kerasJson(doc.graph, doc.name);
          downloadText(r.fileName || `${safeFileName(doc.name)}.json`, r.json, 'application/json');
        } catch (err) {
          setError(err);
        }
      }} data-testid="export-architecture">Download model JSON</button>
      <ErrorText error={error} />
    </div>
  );
}

export default function ExportPanel() {
  const api = useApi();
  const { runId, choices } = useShownRun(api);
  const [format, setFormat] = useState<(typeof formats)[number]['id']>('tfjs-layers');
  const [quantization, setQuantization] = useState<(typeof quantizations)[number]['id']>('none');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ModelExportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const qKey = quantizationKey();

  if (!api) return <div className="mw-wp"><Empty title="Not connected">Exports are written by the Modelwright back end; try again once the connection is back.</Empty></div>;

  /** The form's export, or a trade-off row's ("Export this": that run, TF.js layers, that quantization). */
  const run = async (target?: { runId: number; quantization: (typeof quantizations)[number]['id'] }) => {
    const exportRunId = target?.runId ?? runId;
    if (exportRunId === null) return;
    const exportFormat = target ? 'tfjs-layers' : format;
    const q = target?.quantization ?? quantization;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const options: Record<string, unknown> = { format: exportFormat };
      if (qKey && q !== 'none' && exportFormat === 'tfjs-layers') options[qKey] = q;
      const r = await api.export.model(exportRunId, options as Parameters<ModelwrightApi['export']['model']>[1]);
      setResult(r);
      if (r.verification && !r.verification.passed) notify.warning('The model was exported, but the exported copy does not give the same answers.', { detail: r.verification.message });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mw-wp" data-testid="export-panel">
      <div className="mw-wp-row"><h2 className="mw-wp-grow">Export</h2><RunPicker runId={runId} choices={choices} /></div>
      <div className="mw-wp-cols">
        <div>
          {runId === null ? (
            <Empty title="No trained model to export" testId="export-empty">
              Train a model first; its trained weights can then be exported here.
              <p><button type="button" onClick={() => setUi({ activePanel: 'training' })}>Go to Training</button></p>
            </Empty>
          ) : (
            <div className="mw-wp-card">
              <h3>Trained model of run #{runId}</h3>
              <Field label="Format" htmlFor="mw-export-format" help={formats.find((f) => f.id === format)?.help}>
                <select id="mw-export-format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)} data-testid="export-format">
                  {formats.map((f) => <option key={f.id} value={f.id}>{f.label}</option>)}
                </select>
              </Field>
              <Field label="Quantization" htmlFor="mw-export-q" help={!qKey ? 'This version of the back end exports full-precision weights only.' : format === 'tfjs-layers' ? 'Stores weights in fewer bits: a smaller file, slightly different answers (the verification measures how different).' : 'Only the TensorFlow.js format can be quantized.'}>
                <select id="mw-export-q" value={format === 'tfjs-layers' ? quantization : 'none'} onChange={(e) => setQuantization(e.target.value as typeof quantization)} disabled={!qKey || format !== 'tfjs-layers'} data-testid="export-quantization">
                  {quantizations.map((q) => <option key={q.id} value={q.id}>{q.label}</option>)}
                </select>
              </Field>
              <p className="mw-wp-help">Written to a new folder of your Modelwright workspace and checked by reloading it; then download it as a zip.</p>
              <button type="button" className="mw-primary" onClick={() => run()} disabled={busy} data-testid="export-button">{busy ? 'Exporting and verifying…' : 'Export'}</button>
              <ErrorText error={error} retry={busy ? undefined : () => run()} />
            </div>
          )}
          <ArchitectureExport api={api} />
        </div>
        <div>
          {result && <Verification api={api} result={result} />}
          {runId !== null && <TradeoffView api={api} runId={runId} busy={busy} onExport={(row) => run({ runId: row.runId, quantization: row.quantization })} />}
        </div>
      </div>
    </div>
  );
}
