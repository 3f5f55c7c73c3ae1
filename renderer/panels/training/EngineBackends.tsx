// Under the Backend setting: the GPU adapter WebGPU found (said plainly when it is a software renderer,
// i.e. the processor), which backends can start on this machine, with why not, and the cores setting
// (one question to the back end answers both).
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import type { TrainingConfig } from '../../../app/training/config.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { CoresSetting } from './CoresSetting.tsx';

const names: Record<string, string> = { tensorflow: 'TensorFlow (native)', webgpu: 'WebGPU', wasm: 'WebAssembly', cpu: 'Plain JavaScript' };

export function EngineBackends({ api, config, onChange }: { api: ModelwrightApi; config: TrainingConfig; onChange: (c: TrainingConfig) => void }) {
  const engine = useAsync(() => api.training.backends(), [api]);
  if (engine.error) return <p className="mw-wp-help" data-testid="engine-backends">Could not ask which backends this computer has: {String(engine.error)}</p>;
  if (!engine.data) return <p className="mw-wp-help" data-testid="engine-backends">Looking for a graphics card…</p>;
  const { gpu, backends, cores } = engine.data;
  let gpuLine: string;
  if (!gpu.found) gpuLine = `No graphics card usable by WebGPU: ${gpu.summary}.`;
  else if (gpu.software) gpuLine = `WebGPU found only a software renderer, ${gpu.description || gpu.device} (${gpu.vendor}): it runs on the processor, not on a graphics card, so it is slower than WebAssembly here.`;
  else gpuLine = `Graphics card: ${gpu.description || gpu.device} (vendor ${gpu.vendor || 'unknown'}${gpu.architecture ? `, ${gpu.architecture}` : ''}).`;
  return (
    <>
    <div className="mw-wp-help" data-testid="engine-backends">
      <p data-testid="gpu-adapter">{gpuLine}</p>
      <ul>
        {backends.map((b) => (
          <li key={b.backend} data-testid={`backend-${b.backend}`} data-available={b.available}>
            {b.available ? '✓' : '✗'} {names[b.backend] ?? b.backend}{b.reason ? `: ${b.reason}` : ''}
          </li>
        ))}
      </ul>
    </div>
    <CoresSetting cores={cores} config={config} onChange={onChange} />
    </>
  );
}
