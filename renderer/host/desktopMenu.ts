// Connects the native menu to the studio under Electron: menu commands run through the command registry
// (with fallbacks for menu items the registry has no command for), and the menu learns whether a
// project is open and a run is training so it can grey items out.
import { projectInputOf } from '../state/projectInput.ts';
import type { MenuCommand, MenuState } from '../../app/api/desktopBridge.ts';
import { commands } from '../commands/index.ts';
import { openPath } from '../files/fileActions.ts';
import { projectStore } from '../state/projectStore.ts';
import { trainingSession } from '../state/trainingSession.ts';
import { setUi } from '../state/uiStore.ts';
import { notify } from '../ui/notify.ts';
import { dispatchMenuCommand, type ElectronHost, type MenuCommandTarget } from './electronHost.ts';

const showPanel = (id: string) => setUi({ activePanel: id, showStart: false });

const fallbacks = ({ api, bridge }: ElectronHost): MenuCommandTarget['fallbacks'] => ({
  newProject: () => { commands.execute('goToStart'); },
  openRecent: async (command: MenuCommand) => { if (command.args?.path) await openPath(command.args.path); },
  importModel: async () => {
    const path = await bridge.showOpenDialog({ title: 'Import a Keras or TF.js model JSON', filters: [{ name: 'Model JSON', extensions: ['json'] }] });
    if (path) await openPath(path);
  },
  export: () => showPanel('export'),
  train: async () => {
    const { document: doc, filePath } = projectStore.getState();
    if (!doc) return;
    trainingSession.attach(api);
    showPanel('training');
    await trainingSession.start(projectInputOf(doc, filePath));
  },
  stop: () => trainingSession.stop(),
});

/** Starts listening to the native menu; returns a function that stops it. */
export function connectDesktopMenu(host: ElectronHost): () => void {
  const { bridge } = host;
  const target: MenuCommandTarget = {
    // Menu items carry no arguments for registry commands (openRecent's path goes to its fallback).
    execute: (id) => {
      if (!commands.has(id)) return false;
      commands.execute(id);
      return true;
    },
    fallbacks: fallbacks(host),
    activeElement: () => document.activeElement,
    report: (err) => notify.error(err, 'The menu command failed'),
  };
  const off = bridge.onMenuCommand((command) => { void dispatchMenuCommand(bridge, target, command); });

  let last = '';
  const publish = () => {
    const state: MenuState = { hasProject: projectStore.getState().document !== null, training: trainingSession.busy };
    // A new file path means a save or an open: the menu's Open Recent list changed too.
    const key = JSON.stringify({ ...state, filePath: projectStore.getState().filePath });
    if (key === last) return;
    last = key;
    bridge.setMenuState(state);
  };
  const unsubscribeProject = projectStore.subscribe(publish);
  const unsubscribeTraining = trainingSession.store.subscribe(publish);
  publish();
  return () => {
    off();
    unsubscribeProject();
    unsubscribeTraining();
  };
}
