// The native menus: every item the studio promises is there with its shortcut, and choosing it
// dispatches the right renderer command (or runs the main-process action).
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuCommandIds, type MenuCommand } from '../../../app/api/desktopBridge.ts';
import { buildMenuTemplate, findMenuItem, type MenuContext } from '../../../main/electron/menu.ts';

function context(overrides: Partial<MenuContext> = {}) {
  const dispatched: MenuCommand[] = [];
  const ctx: MenuContext = {
    platform: 'linux', appName: 'Modelwright',
    recent: [{ name: 'Iris', path: '/home/me/iris.mwproj' }, { name: 'Digits & more', path: '/home/me/digits.mwproj' }],
    state: { hasProject: true, training: false }, theme: 'system',
    dispatch: (c) => dispatched.push(c),
    setTheme: vi.fn(), clearRecent: vi.fn(), openDocs: vi.fn(), showAbout: vi.fn(),
    ...overrides,
  };
  return { ctx, dispatched, template: buildMenuTemplate(ctx) };
}

const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)();
const labels = (template: MenuItemConstructorOptions[]) => template.map((m) => m.label ?? m.role);

function allItems(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? allItems(i.submenu) : [])]);
}

describe('menus', () => {
  it('has File, Edit, View, Run and Help; macOS adds the app menu and Window', () => {
    expect(labels(context().template)).toEqual(['&File', '&Edit', '&View', '&Run', '&Help']);
    expect(labels(context({ platform: 'darwin' }).template)).toEqual(['Modelwright', '&File', '&Edit', '&View', '&Run', 'windowMenu', '&Help']);
  });

  it.each([
    ['newProject', 'CmdOrCtrl+N'], ['open', 'CmdOrCtrl+O'], ['save', 'CmdOrCtrl+S'], ['saveAs', 'CmdOrCtrl+Shift+S'],
    ['importModel', 'CmdOrCtrl+I'], ['export', 'CmdOrCtrl+E'],
    ['undo', 'CmdOrCtrl+Z'], ['redo', 'Ctrl+Y'], ['cut', 'CmdOrCtrl+X'], ['copy', 'CmdOrCtrl+C'], ['paste', 'CmdOrCtrl+V'], ['selectAll', 'CmdOrCtrl+A'],
    ['showPanel:canvas', 'Alt+1'], ['showPanel:training', 'Alt+3'], ['showPanel:runs', 'Alt+4'], ['showPanel:code', 'Alt+7'],
    ['train', 'F5'], ['stop', 'Shift+F5'], ['showShortcuts', 'CmdOrCtrl+/'],
  ])('%s has accelerator %s and dispatches the renderer command of the same id', (id, accelerator) => {
    const { template, dispatched } = context({ state: { hasProject: true, training: id === 'stop' } });
    const item = findMenuItem(template, id);
    expect(item?.accelerator).toBe(accelerator);
    click(item);
    expect(dispatched).toEqual([{ id }]);
  });

  it('every dispatched id is a command the renderer knows', () => {
    const { template, dispatched } = context({ state: { hasProject: true, training: true } });
    for (const item of allItems(template)) if (item.click && item.id && !['docs', 'about', 'clear-recent'].includes(item.id) && !item.id.startsWith('theme-')) click(item);
    expect(dispatched.length).toBeGreaterThanOrEqual(22);
    for (const c of dispatched) expect(menuCommandIds).toContain(c.id);
  });

  it('Open Recent lists the recent files and opens the chosen one; Clear Recent empties it', () => {
    const { template, dispatched, ctx } = context();
    const recent = findMenuItem(template, 'openRecent')!.submenu as MenuItemConstructorOptions[];
    expect(recent[1].label).toBe('Digits && more  —  /home/me/digits.mwproj');
    click(recent[1]);
    expect(dispatched).toEqual([{ id: 'openRecent', args: { path: '/home/me/digits.mwproj' } }]);
    click(findMenuItem(template, 'clear-recent'));
    expect(ctx.clearRecent).toHaveBeenCalled();
    const empty = findMenuItem(context({ recent: [] }).template, 'openRecent')!.submenu as MenuItemConstructorOptions[];
    expect(empty[0]).toMatchObject({ label: 'No recent projects', enabled: false });
  });

  it('greys out project actions without a project, Train while training, Stop while idle', () => {
    const none = context({ state: { hasProject: false, training: false } }).template;
    for (const id of ['save', 'saveAs', 'export', 'train', 'fitView']) expect(findMenuItem(none, id)?.enabled, id).toBe(false);
    expect(findMenuItem(none, 'open')?.enabled).toBeUndefined();
    const training = context({ state: { hasProject: true, training: true } }).template;
    expect(findMenuItem(training, 'train')?.enabled).toBe(false);
    expect(findMenuItem(training, 'stop')?.enabled).toBe(true);
    expect(findMenuItem(context().template, 'stop')?.enabled).toBe(false);
  });

  it('View has zoom roles and a theme choice that is handled in the main process', () => {
    const { template, ctx } = context({ theme: 'dark' });
    const view = allItems([template[2]]);
    expect(view.map((i) => i.role).filter(Boolean)).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut']));
    expect(findMenuItem(template, 'theme-dark')?.checked).toBe(true);
    expect(findMenuItem(template, 'theme-light')?.checked).toBe(false);
    click(findMenuItem(template, 'theme-light'));
    expect(ctx.setTheme).toHaveBeenCalledWith('light');
  });

  it('Help opens the docs and About; no accelerator is used twice', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const { template, ctx } = context({ platform });
      click(findMenuItem(template, 'docs'));
      click(findMenuItem(template, 'about'));
      expect(ctx.openDocs).toHaveBeenCalled();
      expect(ctx.showAbout).toHaveBeenCalled();
      const accelerators = allItems(template).map((i) => i.accelerator).filter(Boolean);
      expect(new Set(accelerators).size, platform).toBe(accelerators.length);
    }
    expect(findMenuItem(context({ platform: 'darwin' }).template, 'redo')?.accelerator).toBe('Cmd+Shift+Z');
  });
});
