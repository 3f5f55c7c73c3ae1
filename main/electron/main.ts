// The Electron main process: one instance, one studio window on app://, the services of the API
// contract behind the IPC router, trainers in utility processes, native menus, and files opened from
// the command line, a second launch, or Finder (`.mwproj` association).
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session, shell, utilityProcess, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuState } from '../../app/api/desktopBridge.ts';
import { createServiceHost, type ServiceHost } from '../services/host.ts';
import { dbPathInFolder } from '../store/location.ts';
import { createNativeDialogs } from './dialogs.ts';
import { openHistoryWithRecovery } from './historyRecovery.ts';
import { createIpcRouter, type IpcRouter } from './ipcRouter.ts';
import { buildMenuTemplate, type Theme } from './menu.ts';
import { hardenApp, hardenWebContents, restrictPermissions } from './navigation.ts';
import { filesFromArgv, OpenQueue } from './openFiles.ts';
import { appIndexUrl, appSchemePrivileges, registerAppProtocol } from './protocol.ts';
import { electronTrainerLauncher } from './utilityLauncher.ts';
import { probeGpuAdapter } from '../engine/webgpu.ts';
import { loadSettings, placeWindow, saveSettings, studioWindowOptions, trackWindowBounds, type DesktopSettings } from './window.ts';

const productName = 'Modelwright';
const bundleDir = dirname(fileURLToPath(import.meta.url));
/** dist/electron/ → dist/renderer/ (the Vite build), in development and inside the package alike. */
const rendererDir = join(bundleDir, '..', 'renderer');
const log = (message: string) => console.error(`[modelwright] ${message}`);

app.setName(productName);
// A separate profile (history, recent files, window state) for tests and portable use.
if (process.env.MODELWRIGHT_USER_DATA) app.setPath('userData', process.env.MODELWRIGHT_USER_DATA);
// Before `ready`: app:// must be a standard, secure scheme for ES modules, workers and storage.
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);
// Before `ready`: every renderer is sandboxed, whatever its webPreferences say.
hardenApp(app);

const openQueue = new OpenQueue();
openQueue.push(filesFromArgv(process.argv, process.cwd()));
// macOS delivers double-clicked files as events, possibly before `ready`.
app.on('open-file', (event, path) => {
  event.preventDefault();
  openQueue.push([path]);
  focusWindow();
});

if (!app.requestSingleInstanceLock()) {
  // Another Modelwright is running: it receives our command line through `second-instance`.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    openQueue.push(filesFromArgv(argv, workingDirectory));
    focusWindow();
  });
  void app.whenReady().then(start).catch((err: unknown) => {
    dialog.showErrorBox(`${productName} could not start`, (err as Error)?.message ?? String(err));
    app.exit(1);
  });
}

let services: ServiceHost | null = null;
let router: IpcRouter | null = null;
let mainWindow: BrowserWindow | null = null;
let settings: DesktopSettings = { theme: 'system' };
let menuState: MenuState = { hasProject: false, training: false };
let settingsFile = '';

function focusWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  settingsFile = join(userData, 'window-state.json');
  settings = loadSettings(settingsFile);
  nativeTheme.themeSource = settings.theme;

  // The history first: a damaged one is explained (and may be kept as a backup) before anything else starts.
  const dbPath = dbPathInFolder(userData);
  const history = await openHistoryWithRecovery({
    dbPath,
    open: () => createServiceHost({
      dbPath,
      dataDir: userData,
      // The renderer names files by handles that native dialogs grant, or inside this workspace.
      fileAccess: 'desktop',
      workspace: join(userData, 'workspace'),
      resourcesDir: app.isPackaged ? join(process.resourcesPath, 'datasets') : undefined,
      supervisor: { launcher: electronTrainerLauncher(utilityProcess, bundleDir) },
      // In-process: the packaged app ships no separate probe entry, and a window app has no terminal for
      // Dawn's native warnings to reach (serve and the CLI probe in a filtered child, engine/gpuProbe.ts).
      probeGpu: probeGpuAdapter,
      log,
    }),
    dialog,
    log,
  });
  if (history.outcome === 'quit') {
    app.quit();
    return;
  }
  services = history.value;

  registerAppProtocol(protocol, rendererDir);
  const dialogs = createNativeDialogs({
    dialog,
    windowFor: (sender) => BrowserWindow.fromWebContents(sender as WebContents),
    documentsDir: app.getPath('documents'),
    grant: (path) => services!.files.grant(path),
  });
  restrictPermissions(session.defaultSession);
  // Every webContents, including any a bug might create, gets the navigation rules.
  // A link from the page opens in the system browser only after the user agreed in a native dialog.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell, log, (url) => dialogs.confirmOpenExternal(contents, url)));

  router = createIpcRouter({
    ipcMain,
    api: services.api,
    dialogs,
    log,
    onMenuState: (_sender, state) => {
      menuState = state;
      void refreshMenu();
    },
  });
  await refreshMenu();
  createWindow(dialogs.confirmDiscard);

  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow(dialogs.confirmDiscard); });
}

function createWindow(confirmDiscard: (sender: unknown) => Promise<boolean>): void {
  const bounds = placeWindow(settings.window, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow(studioWindowOptions(bounds, join(bundleDir, 'preload.cjs'), { dark: nativeTheme.shouldUseDarkColors }));
  mainWindow = win;
  if (bounds.maximized) win.maximize();
  trackWindowBounds(win, (b) => {
    settings = { ...settings, window: b };
    persistSettings();
  });
  win.once('ready-to-show', () => win.show());
  const contents = win.webContents;
  router?.attach(contents);
  // The renderer's beforeunload guard (unsaved changes) would silently block closing: ask natively instead.
  // Not calling preventDefault keeps the window until the user has answered; destroy() skips beforeunload.
  contents.on('will-prevent-unload', () => {
    void confirmDiscard(contents).then((discard) => { if (discard && !win.isDestroyed()) win.destroy(); });
  });
  // Files from the command line or the OS "open file" event reach the renderer as handles, like dialog answers.
  contents.on('did-finish-load', () => openQueue.ready((path) => {
    if (services) router?.sendMenuCommand(contents, { id: 'openRecent', args: { path: services.files.grant(path) } });
  }));
  contents.on('did-start-loading', () => openQueue.unready());
  // A renderer crash must not leave a dead window: reload it (the recovery copy has the unsaved work).
  contents.on('render-process-gone', (_event, details) => {
    log(`the window's renderer stopped (${details.reason}); reloading`);
    if (details.reason !== 'clean-exit' && !win.isDestroyed()) win.reload();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
    openQueue.unready();
  });
  void win.loadURL(appIndexUrl);
}

function persistSettings(): void {
  try {
    saveSettings(settingsFile, settings);
  } catch (err) {
    log(`could not save the window settings: ${(err as Error)?.message ?? err}`);
  }
}

async function refreshMenu(): Promise<void> {
  const recent = services ? await services.api.projects.listRecent().catch(() => []) : [];
  const template = buildMenuTemplate({
    platform: process.platform,
    appName: productName,
    // `path` is the handle the renderer opens; the menu itself shows where the file is.
    recent: recent.filter((r) => r.exists).map((r) => ({ name: r.name, path: r.path, where: services?.files.pathOf(r.path) ?? undefined })),
    state: menuState,
    theme: settings.theme,
    dispatch: (command) => {
      const target = BrowserWindow.getFocusedWindow() ?? mainWindow;
      if (target && !target.isDestroyed() && router) router.sendMenuCommand(target.webContents, command);
    },
    setTheme: (theme: Theme) => {
      settings = { ...settings, theme };
      nativeTheme.themeSource = theme;
      persistSettings();
      void refreshMenu();
    },
    clearRecent: () => {
      void (async () => {
        for (const r of recent) await services?.api.projects.forgetRecent(r.path).catch(() => {});
        await refreshMenu();
      })();
    },
    openDocs: () => {
      const docs = app.isPackaged ? join(process.resourcesPath, 'docs') : join(bundleDir, '..', '..', 'docs');
      void shell.openPath(docs).then((error) => { if (error) log(`could not open the documentation: ${error}`); });
    },
    showAbout: () => app.showAboutPanel(),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

app.setAboutPanelOptions({
  applicationName: productName,
  applicationVersion: app.getVersion(),
  copyright: 'MIT License',
  credits: 'Built with Electron, TensorFlow.js, React, React Flow and Monaco.',
});

let disposed = false;
// After every window has closed (a window with unsaved work may have cancelled the quit before this):
// stop trainers after their current batch and close the history cleanly, then exit.
app.on('will-quit', (event) => {
  if (disposed || !services) return;
  event.preventDefault();
  disposed = true;
  const host = services;
  router?.dispose();
  void host.dispose({ graceMs: 5000 }).catch((err: unknown) => log(`closing the history failed: ${(err as Error)?.message ?? err}`)).finally(() => app.quit());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
