// Renderer entry: picks the host (the desktop host over Electron's preload object, else the browser host
// over a WebSocket to `modelwright serve`), mounts the studio with the host in context, starts the
// crash-recovery copy and offers any recovered work.
import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import type { DesktopBridge } from '../app/api/desktopBridge.ts';
import { App } from './App.tsx';
import { offerRecovery, startRecovery } from './files/fileActions.ts';
import { createBrowserHost } from './host/browserHost.ts';
import { connectDesktopMenu } from './host/desktopMenu.ts';
import { createElectronHost, findDesktopBridge } from './host/electronHost.ts';
import { HostProvider } from './host/HostProvider.tsx';
import { connectWebSocketHost } from './host/webSocketHost.ts';
import { getHost, onHostChange, setHost } from './state/host.ts';
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
    setHost(host);
    connectDesktopMenu(host);
  } else {
    const connection = await connectWebSocketHost();
    setHost(createBrowserHost(connection.api));
    let lost: number | null = null;
    connection.onDidChangeState((state) => {
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

/** The studio with the connected host (set by connect()) in context. */
function Root() {
  const host = useSyncExternalStore(onHostChange, getHost);
  return (
    <HostProvider host={host}>
      <App />
    </HostProvider>
  );
}

connectProjectRuns();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

connect().catch((err) => notify.error(err, 'Modelwright could not reach its back end', { timeout: 0 }));
