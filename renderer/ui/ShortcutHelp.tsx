// The shortcut list (press ?): every command that has a shortcut, by category, read from the registry so
// it cannot go out of date.
import { commands } from '../commands/index.ts';
import { displayCombo } from '../commands/registry.ts';
import { setUi } from '../state/uiStore.ts';

export function ShortcutHelp() {
  const byCategory = new Map<string, { title: string; keys: string[] }[]>();
  for (const c of commands.list()) {
    if (!c.shortcuts?.length) continue;
    const list = byCategory.get(c.category) ?? [];
    list.push({ title: c.title, keys: c.shortcuts.map((s) => displayCombo(s)) });
    byCategory.set(c.category, list);
  }
  const close = () => setUi({ shortcutsOpen: false });
  return (
    <div className="mw-modal-backdrop" onClick={close}>
      <div className="mw-modal" role="dialog" aria-modal="true" aria-labelledby="mw-shortcuts-title" onClick={(e) => e.stopPropagation()} data-testid="shortcut-list">
        <h2 id="mw-shortcuts-title">Keyboard shortcuts</h2>
        <div className="mw-shortcut-grid">
          {[...byCategory].map(([category, list]) => (
            <section key={category}>
              <h3>{category}</h3>
              <table>
                <tbody>
                  {list.map((c) => (
                    <tr key={c.title}><td>{c.title}</td><td>{c.keys.map((k) => <kbd key={k}>{k}</kbd>)}</td></tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
          <section>
            <h3>Canvas</h3>
            <table>
              <tbody>
                <tr><td>Select several layers</td><td><kbd>Shift</kbd> drag, or <kbd>Ctrl</kbd> click</td></tr>
                <tr><td>Connect layers</td><td>drag from the bottom dot to a top dot</td></tr>
                <tr><td>Pan / zoom</td><td>drag the background / mouse wheel</td></tr>
              </tbody>
            </table>
          </section>
        </div>
        <button type="button" onClick={close} autoFocus>Close</button>
      </div>
    </div>
  );
}
