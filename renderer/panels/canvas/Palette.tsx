// The layer palette: every catalog layer by category, searchable, each with its one-line description.
// Drag an item onto the canvas, or click it (keyboard too) to add it after the selected layer.
import { memo, useEffect, useMemo, useState, type DragEvent } from 'react';
import { builtinBlocks } from '../../../app/graph/builtinBlocks.ts';
import { layerCatalog, layerCategories } from '../../../app/graph/catalog.ts';
import { blockSchema } from '../../../app/graph/schema.ts';
import type { Block } from '../../../app/graph/types.ts';
import { commands } from '../../commands/index.ts';
import { refreshMyBlocks, useMyBlocks } from '../../state/myBlocks.ts';
import { useApi } from '../../ui/useApi.ts';

export const layerDragType = 'application/x-modelwright-layer';
/** A block dragged from the palette: its JSON. */
export const blockDragType = 'application/x-modelwright-block';

/** The block a drop carries, checked like a file's (a drag may come from another page); null if none. */
export function droppedBlock(data: string): Block | null {
  if (!data) return null;
  try {
    const parsed = blockSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function blockSummary(b: Block): string {
  return `${b.layers.length} layers: ${b.layers.map((l) => l.type).join(', ')}`;
}

function onDragStart(event: DragEvent<HTMLElement>, type: string) {
  event.dataTransfer.setData(layerDragType, type);
  event.dataTransfer.setData('text/plain', type);
  event.dataTransfer.effectAllowed = 'copy';
}

function PaletteImpl() {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const match = (text: string) => text.toLowerCase().includes(q);
    return layerCategories
      .map((category) => ({
        category,
        layers: layerCatalog.filter((d) => d.category === category && (!q || match(d.type) || match(d.description) || match(category))),
      }))
      .filter((g) => g.layers.length > 0);
  }, [query]);
  const api = useApi();
  useEffect(() => {
    if (api) void refreshMyBlocks(api);
  }, [api]);
  const mine = useMyBlocks();
  const blocks = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = [
      ...builtinBlocks.map((block) => ({ block, origin: 'Built-in block', testId: `palette-block-${block.definition}` })),
      ...mine.map((s) => ({ block: s.block, origin: `My block, version ${s.block.version}`, testId: `palette-myblock-${s.block.definition}` })),
    ];
    return all.filter(({ block: b }) => !q || `${b.definition} block ${blockSummary(b)}`.toLowerCase().includes(q));
  }, [query, mine]);

  return (
    <aside className="mw-palette" aria-label="Layer palette">
      <input
        type="search"
        className="mw-palette-search"
        placeholder="Search layers…"
        aria-label="Search layers"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      <div className="mw-palette-list">
        {groups.length === 0 && blocks.length === 0 && <p className="mw-empty">No layer matches “{query}”. Try a word like “image”, “text” or “dense”.</p>}
        {groups.map((g) => (
          <section key={g.category}>
            <h3>{g.category}</h3>
            {g.layers.map((d) => (
              <button
                key={d.type}
                type="button"
                className="mw-palette-item"
                draggable
                onDragStart={(e) => onDragStart(e, d.type)}
                onClick={() => commands.execute('addLayerAfterSelection', { type: d.type })}
                data-testid={`palette-item-${d.type}`}
                title={`${d.description}\nDrag onto the canvas or onto a connection, or click to insert it after the selected layer.`}
              >
                <span className="mw-palette-type">{d.type}</span>
                <span className="mw-palette-desc">{d.description}</span>
              </button>
            ))}
          </section>
        ))}
        {blocks.length > 0 && (
          <section data-testid="palette-blocks">
            <h3>Blocks</h3>
            {blocks.map(({ block: b, origin, testId }) => (
              <button
                key={testId}
                type="button"
                className="mw-palette-item mw-palette-block"
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(blockDragType, JSON.stringify(b));
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => commands.execute('insertBlock', { block: b })}
                data-testid={testId}
                title={`${origin} (${blockSummary(b)}).\nDrag onto the canvas or click to add a copy; expand it to edit inside.`}
              >
                <span className="mw-palette-type">{b.definition}</span>
                <span className="mw-palette-desc">{origin} · {blockSummary(b)}</span>
              </button>
            ))}
          </section>
        )}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteImpl);
