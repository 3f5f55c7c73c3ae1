// The layer palette: every catalog layer by category, searchable, each with its one-line description.
// Drag an item onto the canvas, or click it (keyboard too) to add it after the selected layer.
import { memo, useMemo, useState, type DragEvent } from 'react';
import { layerCatalog, layerCategories } from '../../../app/graph/catalog.ts';
import { commands } from '../../commands/index.ts';

export const layerDragType = 'application/x-modelwright-layer';

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
        {groups.length === 0 && <p className="mw-empty">No layer matches “{query}”. Try a word like “image”, “text” or “dense”.</p>}
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
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteImpl);
