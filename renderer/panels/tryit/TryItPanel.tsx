// The Try it panel: give a trained model one example (a form built from its feature columns, a sentence
// for a text model, an image file for an image model) and see its prediction with class probabilities.
import { useEffect, useRef, useState } from 'react';
import type { ModelwrightApi, PredictInput } from '../../../app/api/contract.ts';
import type { PredictorInfo, Prediction } from '../../../app/api/types.ts';
import { formatPercent, formatQuantity } from '../../../app/format.ts';
import { setUi } from '../../state/uiStore.ts';
import { Empty } from '../../ui/Empty.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { Field } from '../../ui/Field.tsx';
import { RunPicker, useShownRun } from '../../ui/RunPicker.tsx';
import { useApi } from '../../ui/useApi.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { ProbabilityBars } from './ProbabilityBars.tsx';
import { ImageInput, type ImageSourceKind } from './ImageInput.tsx';
import { formRow } from './formRow.ts';
import { useTestSample } from './useTestSample.ts';

function Result({ prediction, actual, kindWord = 'row' }: { prediction: Prediction; actual: string | null; kindWord?: string }) {
  if (prediction.kind === 'classification') {
    return (
      <div data-testid="prediction">
        <p>The model says: <strong data-testid="predicted-label">{prediction.label}</strong> ({formatPercent(prediction.probabilities[prediction.label] ?? 0)} sure)</p>
        {actual !== null && (
          <p data-testid="prediction-check" className={actual === prediction.label ? 'mw-wp-ok' : 'mw-wp-warning'}>
            {actual === prediction.label ? `✓ Right: this test ${kindWord} really is ${actual}.` : `✗ Wrong: this test ${kindWord} really is ${actual}.`}
          </p>
        )}
        <ProbabilityBars probabilities={prediction.probabilities} highlight={prediction.label} />
      </div>
    );
  }
  if (prediction.kind === 'regression') {
    return (
      <p data-testid="prediction">The model predicts <strong data-testid="predicted-label">{formatQuantity(prediction.value)}</strong>.
        {actual !== null && <span data-testid="prediction-check"> The test row's real value is {actual}.</span>}</p>
    );
  }
  return <p data-testid="prediction">The model rebuilt the input as {prediction.values.length} values.</p>;
}

function TryForm({ api, info }: { api: ModelwrightApi; info: PredictorInfo }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [text, setText] = useState('');
  const [image, setImage] = useState<{ base64: string; name: string } | null>(null);
  const [imageSource, setImageSource] = useState<ImageSourceKind>('sample');
  const [result, setResult] = useState<Prediction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The form holds this test row until the user edits it (then its true answer no longer applies).
  const [fromSample, setFromSample] = useState(false);
  const tests = useTestSample(api, info);
  // A new test row fills the form and is predicted at once, so the panel opens with a real example answered.
  // Typing before the first test row arrives wins: the row does not overwrite what the user typed.
  const typed = useRef(false);
  const latestRequest = useRef(0);
  useEffect(() => {
    const s = tests.sample;
    if (!s || typed.current) return;
    setFromSample(true);
    if (s.image) {
      const picture = { base64: s.image, name: `test image ${s.index + 1}` };
      setImage(picture);
      void predict({ image: picture });
    } else if (s.text !== null) {
      setText(s.text);
      void predict({ text: s.text });
    } else if (s.row) {
      setValues(s.row);
      void predict({ values: s.row });
    }
  // Only a new sample triggers this (not edits of the form).
  }, [tests.sample]);
  // An edited form is a new example: the old answer goes until it is predicted again.
  const edit = () => { typed.current = true; setFromSample(false); setResult(null); latestRequest.current++; setBusy(false); };
  const another = () => { typed.current = false; tests.another(); };
  /** A picture the user gave (a file, a drawing, a snapshot): predicted at once. */
  const ownImage = (picture: { base64: string; name: string }) => {
    edit();
    setImage(picture);
    void predict({ image: picture });
  };

  const predict = async (filled: { values?: Record<string, string>; text?: string; image?: { base64: string } } = {}) => {
    const currentText = filled.text ?? text;
    const currentValues = filled.values ?? values;
    let input: PredictInput;
    if (info.kind === 'text') {
      if (!currentText.trim()) return setError('Type a sentence first.');
      input = { kind: 'text', texts: [currentText] };
    } else if (info.kind === 'image') {
      const picture = filled.image ?? image;
      if (!picture) return setError('Choose an image first.');
      input = { kind: 'images', images: [picture.base64] };
    } else {
      const r = formRow(info, currentValues);
      if ('error' in r) return setError(r.error);
      input = { kind: 'rows', rows: [r.row] };
    }
    // Only the newest request's answer is shown (a test row's answer must not replace a later one).
    const request = ++latestRequest.current;
    setBusy(true);
    setError(null);
    try {
      const out = await api.predict.predict(info.runId, input);
      if (request === latestRequest.current) setResult(out.predictions[0] ?? null);
    } catch (err) {
      if (request !== latestRequest.current) return;
      setResult(null);
      setError(err);
    } finally {
      if (request === latestRequest.current) setBusy(false);
    }
  };

  const what = info.kind === 'image' ? 'image' : 'row';
  const sampleRow = (
    <div className="mw-wp-row" data-testid="tryit-sample">
      <span className="mw-wp-grow mw-wp-muted">
        {tests.sample && fromSample
          ? `Test ${what} ${tests.sample.index + 1} of ${tests.sample.count}${tests.sample.actual !== null ? `, really ${tests.sample.actual}` : ''}: ${info.kind === 'image' ? 'an image' : 'a row'} the model never saw in training.`
          : tests.loading ? `Loading a test ${what}…` : `Your own example; or take a real one from the test ${what}s.`}
      </span>
      <button type="button" onClick={another} disabled={tests.loading} data-testid="tryit-another">Another test sample</button>
    </div>
  );
  return (
    <div className="mw-wp-cols">
      <div className="mw-wp-card" data-testid="tryit-form">
        {info.classes && info.task === 'classification' && info.kind !== 'text' && (
          <p className="mw-wp-help" data-testid="tryit-classes">The model tells apart: {info.classes.join(', ')}.</p>
        )}
        {info.kind === 'image' ? (
          <ImageInput info={info} source={imageSource} image={image} onImage={ownImage} onError={setError} setSource={(next) => {
            setImageSource(next);
            if (next === 'sample') another();
          }}>{imageSource === 'sample' && sampleRow}</ImageInput>
        ) : sampleRow}
        <ErrorText error={tests.error} />
        {info.kind === 'text' && (
          <Field label="Your sentence" htmlFor="mw-try-text" help={info.classes ? `The model sorts sentences into: ${info.classes.join(', ')}.` : undefined}>
            <textarea id="mw-try-text" rows={3} style={{ width: '100%' }} value={text} onChange={(e) => { setText(e.target.value); edit(); }}
              onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); void predict(); } }}
              placeholder="e.g. How do I reset my password?" data-testid="tryit-text" />
          </Field>
        )}
        {info.kind === 'table' && info.features.map((f) => (
          <Field key={f.name} label={f.name} htmlFor={`mw-try-${f.name}`}>
            {f.kind === 'categorical' && f.categories ? (
              <select id={`mw-try-${f.name}`} value={values[f.name] ?? ''} onChange={(e) => { setValues({ ...values, [f.name]: e.target.value }); edit(); }} data-testid={`tryit-field-${f.name}`}>
                <option value="">Choose…</option>
                {f.categories.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            ) : (
              <input id={`mw-try-${f.name}`} type="text" inputMode="decimal" value={values[f.name] ?? ''} onChange={(e) => { setValues({ ...values, [f.name]: e.target.value }); edit(); }}
                onKeyDown={(e) => e.key === 'Enter' && void predict()} data-testid={`tryit-field-${f.name}`} />
            )}
          </Field>
        ))}
        <button type="button" className="mw-primary" onClick={() => void predict()} disabled={busy} data-testid="tryit-predict">{busy ? 'Predicting…' : 'Predict'}</button>
        <ErrorText error={error} />
      </div>
      <div>
        {result ? <Result prediction={result} actual={fromSample ? tests.sample?.actual ?? null : null} kindWord={info.kind === 'image' ? 'image' : 'row'} /> : <p className="mw-wp-muted">The prediction appears here.</p>}
        <p className="mw-wp-help">Model of run #{info.runId}, computed on the {info.backend} backend.</p>
      </div>
    </div>
  );
}

export default function TryItPanel() {
  const api = useApi();
  const { runId, choices } = useShownRun(api);
  const info = useAsync(api && runId !== null ? () => api.predict.describe(runId) : null, [api, runId]);
  if (!api) return <div className="mw-wp"><Empty title="Not connected">Predictions come from the Modelwright back end; try again once the connection is back.</Empty></div>;
  return (
    <div className="mw-wp" data-testid="tryit-panel">
      <div className="mw-wp-row"><h2 className="mw-wp-grow">Try it</h2><RunPicker runId={runId} choices={choices} /></div>
      {runId === null && (
        <Empty title="No trained model yet" testId="tryit-empty">
          Train a model first; then type an example here and see what it predicts.
          <p><button type="button" onClick={() => setUi({ activePanel: 'training' })}>Go to Training</button></p>
        </Empty>
      )}
      {info.loading && <p className="mw-wp-muted">Loading the model…</p>}
      <ErrorText error={info.error} retry={info.reload} />
      {info.data && <TryForm key={info.data.runId} api={api} info={info.data} />}
    </div>
  );
}
