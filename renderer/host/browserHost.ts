// The host in a browser under `modelwright serve`: the page never names a file on the computer running
// Modelwright, so Open and Save as are the in-page dialogs (files/FileDialogs.tsx), data arrives as
// uploads through the page's file inputs, and the project can be downloaded.
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { setUi } from '../state/uiStore.ts';
import type { Host } from './host.ts';

export function createBrowserHost(api: ModelwrightApi): Host {
  return {
    api,
    can: { nativeDialogs: false, download: true },
    openProject: async () => {
      setUi({ dialog: 'open' });
      return null;
    },
    saveAs: async () => {
      setUi({ dialog: 'saveAs' });
      return null;
    },
    // Called from a click, so the input's file chooser may open (it needs the user's gesture).
    pickDataFile: (request) => {
      request.input?.click();
      return Promise.resolve(null);
    },
  };
}
