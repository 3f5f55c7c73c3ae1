// Test samples as a user recognises them: the picture for an image model (fetched from the host by position
// in the test split), the words or feature values otherwise. Used by the confusion drill-down and the
// list of worst predictions.
import { useEffect, useState } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { formatPercent } from '../../../app/format.ts';
import type { RunDetail } from '../../../app/store/types.ts';
import type { ClassificationEvaluation } from '../../../app/training/evaluate.ts';
import { worstPredictions, type TestSample } from './evaluationMath.ts';

/** Pictures of the run's test images at these positions (empty for a run that is not an image run). */
export function useTestImages(api: ModelwrightApi, run: RunDetail, indices: readonly number[]): { images: Map<number, string>; error: string | null } {
  const [images, setImages] = useState<Map<number, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const isImage = run.datasetBinding?.kind === 'images';
  const key = indices.join(',');
  useEffect(() => {
    if (!isImage || indices.length === 0) return;
    let live = true;
    api.predict.testImages(run.id, [...indices]).then(
      (got) => { if (live) { setImages(new Map(got.map((t) => [t.index, t.image]))); setError(null); } },
      (err: unknown) => { if (live) setError(err instanceof Error ? err.message : String(err)); },
    );
    return () => { live = false; };
  }, [api, run.id, isImage, key]);
  return { images, error };
}

/** One test sample: its picture when there is one, else its text. */
export function SampleView({ sample, image }: { sample: TestSample; image: string | undefined }) {
  if (image) return <img className="mw-thumb" src={`data:image/png;base64,${image}`} alt={`test image ${sample.index + 1}`} data-testid="sample-image" />;
  return <>{sample.text ?? '—'}</>;
}

/** The wrong predictions the model was surest of: the first thing to look at to see what it gets wrong. */
export function WorstPredictions({ api, run, evaluation, samples }: { api: ModelwrightApi; run: RunDetail; evaluation: ClassificationEvaluation; samples: readonly TestSample[] }) {
  const worst = worstPredictions(samples);
  const { images, error } = useTestImages(api, run, worst.map((s) => s.index));
  const { classes } = evaluation;
  if (worst.length === 0) return <p className="mw-wp-muted" data-testid="worst-predictions">No wrong predictions among the test samples kept.</p>;
  const pictures = run.datasetBinding?.kind === 'images';
  return (
    <div data-testid="worst-predictions">
      <p className="mw-wp-help">The wrong answers the model was surest of. Often a mislabelled sample, or a kind of example it has not seen enough of.</p>
      {pictures ? (
        <div className="mw-thumb-grid">
          {worst.map((s) => (
            <figure key={s.index} className="mw-thumb-card">
              <SampleView sample={s} image={images.get(s.index)} />
              <figcaption>really <strong>{classes[s.actual]}</strong><br />said {classes[s.predicted]}{s.confidence == null ? '' : ` (${formatPercent(s.confidence, 0)})`}</figcaption>
            </figure>
          ))}
        </div>
      ) : (
        <table>
          <thead><tr><th className="num">Test row</th><th>Sample</th><th>Really</th><th>Predicted</th><th className="num">Confidence</th></tr></thead>
          <tbody>{worst.map((s) => (
            <tr key={s.index}><td className="num">{s.index + 1}</td><td>{s.text ?? '—'}</td><td>{classes[s.actual]}</td><td>{classes[s.predicted]}</td><td className="num">{s.confidence == null ? '—' : formatPercent(s.confidence)}</td></tr>
          ))}</tbody>
        </table>
      )}
      {error && <p className="mw-wp-warning">The pictures cannot be shown: {error}</p>}
    </div>
  );
}
