// Renderer entry: finds the host (Electron's preload object, else a WebSocket to `modelwright serve`),
// starts the crash-recovery copy, offers any recovered work, and mounts the studio.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ModelwrightApi } from '../app/api/contract.ts';
import { App } from './App.tsx';
import { offerRecovery, startRecovery } from './files/fileActions.ts';
import { connectWebSocketHost } from './host/webSocketHost.ts';
import { setHost, type HostDialogs } from './state/host.ts';
import { notify } from './ui/notify.ts';
import './styles.css';

declare global {
  interface Window {
    /** Set by the Electron preload: the API contract over IPC, plus native dialogs. */
    modelwright?: ModelwrightApi & { dialogs?: HostDialogs };
  }
}

async function connect(): Promise<void> {
  const desktop = window.modelwright;
  if (desktop) {
    setHost({ api: desktop, kind: 'desktop', dialogs: desktop.dialogs });
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

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

connect().catch((err) => notify.error(err, 'Modelwright could not reach its back end', { timeout: 0 }));
