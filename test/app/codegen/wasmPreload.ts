// Preloaded (node --import) into generated programs under test: switches the very tfjs instance they
// import to the WASM backend with the studio's extra gradient kernels, because the pure-JS CPU
// backend needs minutes for one epoch of the CNN templates. The programs themselves are unchanged.
import { loadBackend } from '../../../main/engine/backends.ts';

await loadBackend('wasm');
