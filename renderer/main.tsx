// Renderer entry: finds the host (Electron's preload object, else a WebSocket to `modelwright serve`),
// starts the crash-recovery copy, offers any recovered work, and mounts the studio.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { DesktopBridge } from '../app/api/desktopBridge.ts';
import { App } from './App.tsx';
import { offerRecovery, startRecovery } from './files/fileActions.ts';
import { connectDesktopMenu } from './host/desktopMenu.ts';
import { createElectronHost, findDesktopBridge } from './host/electronHost.ts';
import { connectWebSocketHost } from './host/webSocketHost.ts';
import { setHost } from './state/host.ts';
import { connectProjectRuns } from './state/projectRuns.ts';
import { notify } from './ui/notify.ts';
import './styles.css';
import './ui/workPanels.css';

declare global {
  interface Window {
    /** Set by the Electron preload (main/electron/preload.ts): the API contract over IPC, dialogs, menu commands. */
    modelwright?: DesktopBridge;
  }
}

async function connect(): Promise<void> {
  const desktop = findDesktopBridge(window);
  if (desktop) {
    const host = createElectronHost(desktop);
    setHost({ api: host.api, kind: 'desktop', dialogs: host.dialogs });
    connectDesktopMenu(desktop);
  } else {
    const host = await connectWebSocketHost();
    setHost({ api: host.api, kind: 'browser' });
    let lost: number | null = null;
    host.onDidChangeState((state) => {
      if (state === 'closed' && lost === null) {
        lost = notify.error('The connection to Modelwright was lost; reconnecting…', undefined, {
          detail: 'Your open project stays here. If this does not clear, check that "modelwright serve" is still running.', timeout: 0,
        });
      } else if (state === 'open' && lost !== null) {
        notify.dismiss(lost);
        lost = null;
        notify.success('Reconnected.');
      }
    });
  }
  startRecovery();
  await offerRecovery();
}

connectProjectRuns();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

connect().catch((err) => notify.error(err, 'Modelwright could not reach its back end', { timeout: 0 }));
