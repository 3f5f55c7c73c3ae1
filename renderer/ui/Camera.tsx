// A webcam view that takes snapshots as PNGs (base64), for image classes and Try it. Shown only where
// the browser has a camera API; the camera is on only while this view is open and is released on close.
// Electron grants the camera to the app's own page only (main/electron/permissions.ts).
import { useEffect, useRef, useState } from 'react';
import { canvasToBase64Png } from '../files/canvasImage.ts';

/** True where the page may ask for a camera (a secure context with getUserMedia). */
function cameraApi(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

let hasCamera: Promise<boolean> | null = null;

/**
 * Whether this computer has a camera the page could use: the camera API and at least one video input
 * (listed without asking for permission). Camera buttons are shown only then.
 */
export function useHasCamera(): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    if (!cameraApi()) return;
    hasCamera ??= navigator.mediaDevices.enumerateDevices().then((ds) => ds.some((d) => d.kind === 'videoinput'), () => false);
    let live = true;
    void hasCamera.then((yes) => { if (live) setHas(yes); });
    return () => { live = false; };
  }, []);
  return has;
}

/** Snapshots are scaled down to at most this many pixels a side: plenty for a model's input, small to send. */
const snapshotSide = 256;

export function Camera({ onSnapshot, onClose, snapLabel = 'Take a picture', busy = false }: {
  onSnapshot: (png: string) => void; onClose: () => void; snapLabel?: string; busy?: boolean;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let live = true;
    navigator.mediaDevices.getUserMedia({ video: true, audio: false }).then((s) => {
      if (!live) return s.getTracks().forEach((t) => t.stop());
      stream = s;
      if (video.current) {
        video.current.srcObject = s;
        void video.current.play().catch(() => {});
      }
    }, (err: Error) => {
      if (live) setError(err.name === 'NotAllowedError' ? 'The camera was not allowed. Allow it in the browser (the camera icon in the address bar) and try again.' : err.name === 'NotFoundError' ? 'No camera was found on this computer.' : `The camera could not be started (${err.message}).`);
    });
    return () => {
      live = false;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);
  const snap = () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const scale = Math.min(1, snapshotSide / Math.max(v.videoWidth, v.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(v.videoWidth * scale);
    canvas.height = Math.round(v.videoHeight * scale);
    canvas.getContext('2d')!.drawImage(v, 0, 0, canvas.width, canvas.height);
    void canvasToBase64Png(canvas).then(onSnapshot, (err: Error) => setError(err.message));
  };
  return (
    <div className="mw-camera" data-testid="camera">
      {error ? <p className="mw-wp-warning">{error}</p> : <video ref={video} muted playsInline onLoadedData={() => setReady(true)} data-testid="camera-video" />}
      <div className="mw-wp-row">
        {!error && <button type="button" className="mw-primary" disabled={!ready || busy} onClick={snap} data-testid="camera-snap">{snapLabel}</button>}
        <button type="button" onClick={onClose} data-testid="camera-close">Close the camera</button>
      </div>
    </div>
  );
}
