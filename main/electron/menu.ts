// The native menu bar: File, Edit, View, Run, Help (plus the app menu on macOS). Items that act on the
// studio send a renderer command id (`menu-command`); zoom, theme, docs and About are handled here.
import type { MenuItemConstructorOptions } from 'electron';
import { menuPanels, type MenuCommand, type MenuState } from '../../app/api/desktopBridge.ts';

export type Theme = 'system' | 'light' | 'dark';

export interface MenuContext {
  platform: string;
  appName: string;
  /** Recent projects (newest first) for File › Open Recent. */
  /** `path`: what the renderer opens (a handle on the desktop); `where`: the location shown in the menu. */
  recent: { name: string; path: string; where?: string }[];
  state: MenuState;
  theme: Theme;
  /** Sends a command to the focused studio window's renderer. */
  dispatch(command: MenuCommand): void;
  setTheme(theme: Theme): void;
  clearRecent(): void;
  openDocs(): void;
  showAbout(): void;
}

/** How many recent files the menu lists. */
export const maxRecentInMenu = 10;

export function buildMenuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const mac = ctx.platform === 'darwin';
  const send = (id: MenuCommand['id'], args?: MenuCommand['args']) => () => ctx.dispatch(args ? { id, args } : { id });
  const needsProject = ctx.state.hasProject;

  const recent: MenuItemConstructorOptions[] = ctx.recent.slice(0, maxRecentInMenu).map((r, i) => ({
    id: `recent-${i}`,
    label: `${r.name.replace(/&/g, '&&')}  —  ${(r.where ?? r.path).replace(/&/g, '&&')}`,
    click: send('openRecent', { path: r.path }),
  }));
  if (recent.length === 0) recent.push({ label: 'No recent projects', enabled: false });
  recent.push({ type: 'separator' }, { id: 'clear-recent', label: 'Clear Recent', enabled: ctx.recent.length > 0, click: () => ctx.clearRecent() });

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { id: 'newProject', label: '&New Project…', accelerator: 'CmdOrCtrl+N', click: send('newProject') },
      { id: 'open', label: '&Open…', accelerator: 'CmdOrCtrl+O', click: send('open') },
      { id: 'openRecent', label: 'Open &Recent', submenu: recent },
      { type: 'separator' },
      { id: 'save', label: '&Save', accelerator: 'CmdOrCtrl+S', enabled: needsProject, click: send('save') },
      { id: 'saveAs', label: 'Save &As…', accelerator: 'CmdOrCtrl+Shift+S', enabled: needsProject, click: send('saveAs') },
      { type: 'separator' },
      { id: 'importModel', label: '&Import Model JSON…', accelerator: 'CmdOrCtrl+I', click: send('importModel') },
      { id: 'importModelFolder', label: 'Import Model &Folder (with Weights)…', click: send('importModelFolder') },
      { id: 'export', label: '&Export…', accelerator: 'CmdOrCtrl+E', enabled: needsProject, click: send('export') },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: 'E&xit', accelerator: 'Ctrl+Q' } as const]),
    ],
  };

  // The renderer decides: a focused text field gets the browser's own editing, the canvas gets graph commands.
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { id: 'undo', label: '&Undo', accelerator: 'CmdOrCtrl+Z', click: send('undo') },
      { id: 'redo', label: '&Redo', accelerator: mac ? 'Cmd+Shift+Z' : 'Ctrl+Y', click: send('redo') },
      { type: 'separator' },
      { id: 'cut', label: 'Cu&t', accelerator: 'CmdOrCtrl+X', click: send('cut') },
      { id: 'copy', label: '&Copy', accelerator: 'CmdOrCtrl+C', click: send('copy') },
      { id: 'paste', label: '&Paste', accelerator: 'CmdOrCtrl+V', click: send('paste') },
      { id: 'selectAll', label: 'Select &All', accelerator: 'CmdOrCtrl+A', click: send('selectAll') },
    ],
  };

  const themeItem = (theme: Theme, label: string): MenuItemConstructorOptions => ({
    id: `theme-${theme}`, label, type: 'radio', checked: ctx.theme === theme, click: () => ctx.setTheme(theme),
  });
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...menuPanels.map((p, i): MenuItemConstructorOptions => ({
        id: `showPanel:${p.id}`, label: p.title, accelerator: `Alt+${i + 1}`, click: send(`showPanel:${p.id}`),
      })),
      { id: 'fitView', label: '&Fit Model in View', enabled: needsProject, click: send('fitView') },
      { type: 'separator' },
      { role: 'resetZoom', label: 'Actual Size' },
      { role: 'zoomIn', label: 'Zoom In' },
      { role: 'zoomOut', label: 'Zoom Out' },
      { type: 'separator' },
      { label: '&Theme', submenu: [themeItem('system', 'Follow System'), themeItem('light', 'Light'), themeItem('dark', 'Dark')] },
      { role: 'togglefullscreen' },
    ],
  };

  const run: MenuItemConstructorOptions = {
    label: '&Run',
    submenu: [
      { id: 'train', label: '&Train', accelerator: 'F5', enabled: needsProject && !ctx.state.training, click: send('train') },
      { id: 'stop', label: '&Stop', accelerator: 'Shift+F5', enabled: ctx.state.training, click: send('stop') },
    ],
  };

  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [
      { id: 'docs', label: '&Documentation', click: () => ctx.openDocs() },
      { id: 'showShortcuts', label: '&Keyboard Shortcuts', accelerator: 'CmdOrCtrl+/', click: send('showShortcuts') },
      ...(mac ? [] : [{ type: 'separator' } as const, { id: 'about', label: `&About ${ctx.appName}`, click: () => ctx.showAbout() }]),
    ],
  };

  const template: MenuItemConstructorOptions[] = [file, edit, view, run];
  if (mac) {
    template.unshift({
      label: ctx.appName,
      submenu: [
        { id: 'about', label: `About ${ctx.appName}`, click: () => ctx.showAbout() },
        { type: 'separator' }, { role: 'services' }, { type: 'separator' },
        { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' },
      ],
    });
    template.push({ role: 'windowMenu' });
  }
  template.push(help);
  return template;
}

/** Finds an item by id anywhere in a template (tests, and enabling items by id). */
export function findMenuItem(template: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const found = findMenuItem(item.submenu, id);
      if (found) return found;
    }
  }
  return undefined;
}
