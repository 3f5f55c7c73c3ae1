// The inspector: a form generated from the catalog for the selected layer (name, every parameter with
// its range and help, its shape, weights and problems). Edits run the setParam / renameLayer commands.
import { useState } from 'react';
import { formatCount } from '../../../app/format.ts';
import { formatShape, getLayerDef } from '../../../app/graph/catalog.ts';
import type { LayerNode, ParamValue } from '../../../app/graph/types.ts';
import { blockDefinitionSchema } from '../../../app/project/blockFile.ts';
import type { ReadinessProblem } from '../../../app/training/readiness.ts';
import { commands } from '../../commands/index.ts';
import { analyze } from '../../state/analysis.ts';
import { useBoundData, useReadiness } from '../../state/readiness.ts';
import { isHeadLayer } from '../../../app/training/newHead.ts';
import { FixButtons } from '../../ui/FixButtons.tsx';
import { saveToMyBlocks } from '../../state/myBlocks.ts';
import { useProject } from '../../state/projectStore.ts';
import { useApi } from '../../ui/useApi.ts';
import { ParamField } from './ParamField.tsx';

function NameField({ layer }: { layer: LayerNode }) {
  const [draft, setDraft] = useState(layer.name);
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    if (draft === layer.name) return setError(null);
    const outcome = commands.execute('renameLayer', { layerId: layer.id, name: draft });
    setError(outcome.ok ? null : outcome.error);
  };
  return (
    <div className={`mw-field${error ? ' mw-field-invalid' : ''}`}>
      <div className="mw-field-label"><label htmlFor="mw-layer-name">Name</label></div>
      <input
        id="mw-layer-name"
        type="text"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={run}
        onKeyDown={(e) => { if (e.key === 'Enter') run(); }}
        data-testid="layer-name"
        spellCheck={false}
      />
      {error && <div className="mw-field-error" role="alert">{error}</div>}
    </div>
  );
}

/** "Save to My blocks": the block under a name, for any project (saving a name again makes its next version). */
function SaveBlockField({ layer }: { layer: LayerNode }) {
  const api = useApi();
  const definition = layer.block?.definition ?? 'Block';
  const [name, setName] = useState(definition === 'Block' ? '' : definition);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!api || !layer.block) return null;
  const block = layer.block;
  const save = () => {
    setMessage(null);
    const checked = blockDefinitionSchema.safeParse(name.trim());
    if (!checked.success) {
      setMessage({ ok: false, text: `"${name.trim()}" cannot name a block: ${checked.error.issues[0].message}.` });
      return;
    }
    saveToMyBlocks(api, checked.data, block).then(
      (saved) => setMessage({ ok: true, text: `Saved to My blocks as ${saved.block.definition}, version ${saved.block.version}.` }),
      (err: unknown) => setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) }),
    );
  };
  return (
    <div className="mw-field mw-save-block">
      <label htmlFor="mw-save-block-name">Save to My blocks as</label>
      <input id="mw-save-block-name" value={name} placeholder="e.g. MyEncoder" onChange={(e) => setName(e.target.value)} data-testid="save-block-name" spellCheck={false} />
      <button type="button" onClick={save} disabled={!name.trim()} data-testid="save-block-button">Save block</button>
      {message && <div className={message.ok ? 'mw-muted' : 'mw-field-error'} role={message.ok ? 'status' : 'alert'} data-testid="save-block-message">{message.text}</div>}
    </div>
  );
}

/** Frozen (trainable: false) and "Freeze everything up to here": each one undoable step. */
function FreezeField({ layer, params }: { layer: LayerNode; params: number }) {
  const [error, setError] = useState<string | null>(null);
  const run = (outcome: { ok: boolean; error?: string }) => setError(outcome.ok ? null : outcome.error ?? null);
  const frozen = layer.trainable === false;
  return (
    <div className="mw-field mw-freeze">
      <label title={params === 0 ? 'This layer has no weights, so freezing it changes nothing.' : undefined}>
        <input
          type="checkbox"
          checked={frozen}
          onChange={(e) => run(commands.execute('setFrozen', { layerIds: [layer.id], frozen: e.target.checked }))}
          data-testid="inspector-frozen"
        />
        {' '}Frozen (weights do not change in training)
      </label>
      <button type="button" onClick={() => run(commands.execute('freezeUpTo', { layerId: layer.id }))} data-testid="inspector-freeze-up-to">
        Freeze everything up to here
      </button>
      {error && <div className="mw-field-error" role="alert">{error}</div>}
    </div>
  );
}

/**
 * "New head for this data" on the head (the last Dense layer and the layers after it): transfer learning's
 * step after freezing the body. One undoable edit; the head is sized from the bound data.
 */
function NewHeadField() {
  const data = useBoundData();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const ready = data.status === 'ready';
  const run = () => {
    if (data.status !== 'ready') return;
    const outcome = commands.execute('newHeadForData', { data: data.data });
    if (!outcome.ok) setMessage({ ok: false, text: outcome.error });
    else setMessage({ ok: true, text: outcome.changed ? '✓ The model has a new head for this data (fresh weights, trainable); the rest is kept. Undo with Ctrl+Z.' : 'The head already fits this data.' });
  };
  return (
    <div className="mw-field mw-new-head">
      <button type="button" onClick={run} disabled={!ready} title={ready ? undefined : 'Choose the data first (Data tab): the new head is sized from its classes.'} data-testid="inspector-new-head">
        New head for this data
      </button>
      <div className="mw-muted">Replaces the last Dense layer (and what follows it) with a fresh one: one output per class of the bound data, softmax, the loss chosen to match. Freeze the layers before it to fine-tune.</div>
      {message && <div className={message.ok ? 'mw-muted' : 'mw-field-error'} role={message.ok ? 'status' : 'alert'} data-testid="inspector-new-head-message">{message.text}</div>}
    </div>
  );
}

function Problems({ problems }: { problems: ReadinessProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="mw-problems">
      {problems.map((p, i) => (
        <li key={i} data-testid="validation-error" className={p.severity === 'warning' ? 'mw-problem-warning' : undefined}>
          {p.message}{p.advice && <div className="mw-node-fix">Fix: {p.advice}</div>}
          <FixButtons problem={p} />
        </li>
      ))}
    </ul>
  );
}

function LayerForm({ layer }: { layer: LayerNode }) {
  const graph = useProject((s) => s.document?.graph);
  const def = getLayerDef(layer.type);
  const analysis = graph ? analyze(graph) : null;
  const info = analysis?.layers[layer.id];
  // The readiness check's problems of this layer: its graph errors, with advice that fits the bound data and fixes.
  const { readiness } = useReadiness();
  const problems = readiness.problems.filter((p) => p.layerId === layer.id);
  if (layer.block) {
    return (
      <div className="mw-inspector-form" data-testid="inspector-form">
        <header>
          <h2>Block{layer.block.definition === 'Block' ? '' : ` · ${layer.block.definition}`}</h2>
          <p className="mw-muted">Version {layer.block.version}. Its layers train, export and appear in generated code as <code>{layer.name}_…</code>.</p>
        </header>
        <NameField key={`${layer.id}:${layer.name}`} layer={layer} />
        <dl className="mw-facts">
          <dt>Output shape</dt><dd data-testid="inspector-output-shape">{info?.outputShape ? formatShape(info.outputShape) : 'unknown (see the problems below)'}</dd>
          <dt>Parameters</dt><dd data-testid="inspector-params">{formatCount(info?.params ?? 0)}</dd>
          <dt>Inputs</dt><dd>{layer.block.inputs.length}</dd>
        </dl>
        <FreezeField layer={layer} params={info?.params ?? 0} />
        <Problems problems={problems} />
        <ol className="mw-block-layers" data-testid="block-layers">
          {layer.block.layers.map((l) => <li key={l.id}><strong>{l.type}</strong> {l.name}</li>)}
        </ol>
        <button type="button" onClick={() => commands.execute('expandBlock', { id: layer.id })} data-testid="inspector-expand-block">Expand to edit inside</button>
        <SaveBlockField layer={layer} />
      </div>
    );
  }
  if (!def) {
    return <p className="mw-empty">{layer.type} is not a layer type this version knows, so it cannot be edited. Delete it and add a known layer instead.</p>;
  }
  const commit = (name: string) => (value: ParamValue | undefined) => {
    const outcome = commands.execute('setParam', { layerId: layer.id, name, value });
    return outcome.ok ? null : outcome.error;
  };
  const field = (p: (typeof def.params)[number]) => (
    // Keyed by the stored value, so an undo or another edit resets what the control shows.
    <ParamField key={`${layer.id}:${p.name}:${JSON.stringify(layer.params[p.name] ?? null)}`} def={def} param={p} value={layer.params[p.name]} onCommit={commit(p.name)} />
  );
  const basic = def.params.filter((p) => !p.advanced);
  const advanced = def.params.filter((p) => p.advanced);
  return (
    <div className="mw-inspector-form" data-testid="inspector-form">
      <header>
        <h2>{layer.type}</h2>
        <p className="mw-muted">{def.description}</p>
      </header>
      <NameField key={`${layer.id}:${layer.name}`} layer={layer} />
      <dl className="mw-facts">
        <dt>Output shape</dt><dd data-testid="inspector-output-shape">{info?.outputShape ? formatShape(info.outputShape) : 'unknown (see the problems below)'}</dd>
        <dt>Parameters</dt><dd>{formatCount(info?.params ?? 0)}</dd>
      </dl>
      {layer.type !== 'Input' && <FreezeField layer={layer} params={info?.params ?? 0} />}
      {graph && isHeadLayer(graph, layer.id) && <NewHeadField key={layer.id} />}
      <Problems problems={problems} />
      {basic.map(field)}
      {advanced.length > 0 && (
        <details className="mw-advanced">
          <summary>Advanced ({advanced.length})</summary>
          {advanced.map(field)}
        </details>
      )}
    </div>
  );
}

export default function InspectorPanel() {
  const doc = useProject((s) => s.document);
  const selected = useProject((s) => s.selection);
  if (!doc) return <p className="mw-empty">Open a project to inspect its layers.</p>;
  if (selected.layers.length === 0) {
    return (
      <div className="mw-empty" data-testid="inspector-empty">
        <p><strong>Nothing selected.</strong></p>
        <p>Click a layer on the canvas to see and change its settings. Shift-drag to select several; press ? for all shortcuts.</p>
        {selected.connections.length > 0 && <p>{selected.connections.length} connection(s) selected: press Delete to remove.</p>}
        {doc.notes && (
          <section className="mw-project-notes" aria-label="About this project" data-testid="project-notes">
            <h3>About this project</h3>
            <p>{doc.notes}</p>
          </section>
        )}
      </div>
    );
  }
  if (selected.layers.length > 1) {
    return (
      <div className="mw-empty">
        <p><strong>{selected.layers.length} layers selected.</strong></p>
        <p>Move them together, copy (Ctrl+C), duplicate (Ctrl+D) or delete them. Select one layer to edit its settings.</p>
      </div>
    );
  }
  const layer = doc.graph.layers.find((l) => l.id === selected.layers[0]);
  if (!layer) return <p className="mw-empty">The selected layer no longer exists.</p>;
  return <LayerForm layer={layer} />;
}
