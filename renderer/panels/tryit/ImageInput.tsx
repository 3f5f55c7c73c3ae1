// The ways to give an image model one picture in Try it: a real test image (never seen in training), a
// file, a drawing (small single-channel models such as the digits one) or a webcam snapshot.
import { useState, type ReactNode } from 'react';
import type { PredictorInfo } from '../../../app/api/types.ts';
import { fileToBase64 } from '../../files/fileToBase64.ts';
import { Camera, useHasCamera } from '../../ui/Camera.tsx';
import { DrawingPad } from './DrawingPad.tsx';

export type ImageSourceKind = 'sample' | 'upload' | 'draw' | 'camera';

/** A drawing pad makes sense for small grayscale inputs: strokes on a plain background, like MNIST. */
export function canDraw(image: PredictorInfo['image']): boolean {
  return image !== null && image.channels === 1 && image.width <= 64 && image.height <= 64;
}

export function ImageInput({ info, source, setSource, image, onImage, onError, children }: {
  info: PredictorInfo;
  source: ImageSourceKind;
  setSource: (s: ImageSourceKind) => void;
  image: { base64: string; name: string } | null;
  onImage: (image: { base64: string; name: string }) => void;
  onError: (message: string) => void;
  /** Shown under the choice of source (the test image's caption). */
  children?: ReactNode;
}) {
  const [cameraOpen, setCameraOpen] = useState(false);
  const hasCamera = useHasCamera();
  const sources: [ImageSourceKind, string][] = [['sample', 'A test image'], ['upload', 'Upload']];
  if (canDraw(info.image)) sources.push(['draw', 'Draw']);
  if (hasCamera) sources.push(['camera', 'Camera']);
  const size = info.image ? `${info.image.width}×${info.image.height}${info.image.channels === 1 ? ' grayscale' : ''}` : '';
  return (
    <div data-testid="tryit-image-input">
      <div className="mw-wp-row" role="radiogroup" aria-label="Where the picture comes from">
        {sources.map(([id, label]) => (
          <label key={id}><input type="radio" checked={source === id} onChange={() => { setSource(id); setCameraOpen(id === 'camera'); }} data-testid={`tryit-source-${id}`} /> {label}</label>
        ))}
      </div>
      {children}
      {source === 'upload' && (
        <p>
          <input type="file" accept="image/png,image/jpeg" data-testid="tryit-image" aria-label="Image file" onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            if (!/^image\/(png|jpeg)$/.test(file.type)) return onError(`"${file.name}" is not a PNG or JPEG image.`);
            onImage({ base64: await fileToBase64(file), name: file.name });
          }} />
        </p>
      )}
      {source === 'draw' && <DrawingPad onDrawn={(png) => onImage({ base64: png, name: 'your drawing' })} />}
      {source === 'camera' && (cameraOpen
        ? <Camera snapLabel="Take a picture and predict" onSnapshot={(png) => onImage({ base64: png, name: 'camera snapshot' })} onClose={() => setCameraOpen(false)} />
        : <button type="button" onClick={() => setCameraOpen(true)}>Open the camera</button>)}
      {image && source !== 'draw' && (
        <div className="mw-wp-preview"><img src={`data:image/png;base64,${image.base64}`} alt={image.name} width={112} data-testid="tryit-picture" /></div>
      )}
      {size && <p className="mw-wp-help">The picture is resized to {size} as in training.</p>}
    </div>
  );
}
