// One layer on the canvas: type, name, key parameters, output shape and weight count, one input handle
// per slot (merges have several), and — when invalid — the plain-language error and its fix, in red.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { formatCount } from '../../../app/format.ts';
import type { LayerFlowNode } from './nodeModel.ts';

function LayerNodeViewImpl({ data, selected }: NodeProps<LayerFlowNode>) {
  const { layer, def, errors, inputSlots, outputShape, params, summary, imported } = data;
  const invalid = errors.length > 0;
  const handles = [];
  for (let i = 0; i < inputSlots; i++) {
    // Attention's inputs play different parts (query, value, key): name them on the handle.
    const named = def?.inputNames?.[i];
    const left = `${((i + 1) / (inputSlots + 1)) * 100}%`;
    handles.push(
      <Handle
        key={i}
        type="target"
        position={Position.Top}
        id={`in-${i}`}
        style={{ left }}
        title={named ? `${named[0].toUpperCase()}${named.slice(1)}` : inputSlots > 1 ? `Input ${i + 1}` : 'Input'}
        data-testid={`handle-in-${layer.name}-${i}`}
      />,
    );
    if (named) handles.push(<span key={`label-${i}`} className="mw-handle-label" style={{ left }}>{named}</span>);
  }
  return (
    <div
      className={`mw-node${invalid ? ' mw-node-invalid' : ''}${selected ? ' mw-node-selected' : ''}${def ? ` mw-cat-${def.category.toLowerCase()}` : ''}${layer.block ? ' mw-node-block' : ''}${layer.trainable === false ? ' mw-node-frozen' : ''}`}
      data-testid={`canvas-node-${layer.name}`}
      aria-invalid={invalid}
      title={layer.block ? `Block ${layer.block.definition}: ${layer.block.layers.map((l) => l.name).join(', ')}. Expand it (Ctrl+Shift+G) to edit inside.` : def?.description}
    >
      {handles}
      <div className="mw-node-head">
        <span className="mw-node-type">{layer.type}</span>
        <span className="mw-node-name">{layer.name}</span>
        {imported && (
          <span className="mw-node-imported-mark" data-testid="node-imported" aria-label="weights imported"
            title="Weights imported: training starts this layer from the imported model's weights (while its name and size stay as imported)">⤓</span>
        )}
        {layer.trainable === false && <span className="mw-node-frozen-mark" title="Frozen: training leaves its weights as they are" data-testid="node-frozen" aria-label="frozen">❄</span>}
      </div>
      {summary && <div className="mw-node-params">{summary}</div>}
      <div className="mw-node-foot">
        <span className="mw-node-shape" data-testid="node-output-shape">{outputShape}</span>
        <span className="mw-node-count">{params ? `${formatCount(params)} params${imported ? ', imported' : ''}${layer.trainable === false ? ', frozen' : ''}` : 'no weights'}</span>
      </div>
      {invalid && (
        <div className="mw-node-error" data-testid="validation-error" role="alert" title={`${errors[0].message}${errors[0].fix ? `\nFix: ${errors[0].fix}` : ''}`}>
          {errors[0].message}
          {errors[0].fix && <div className="mw-node-fix">Fix: {errors[0].fix}</div>}
          {errors.length > 1 && <div className="mw-node-more">and {errors.length - 1} more (see the inspector)</div>}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} id="out" title="Output" data-testid={`handle-out-${layer.name}`} />
    </div>
  );
}

export const LayerNodeView = memo(LayerNodeViewImpl);
