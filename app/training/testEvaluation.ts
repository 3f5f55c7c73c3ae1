// The evaluation of a model's outputs on the test rows, batch by batch: what the trainer records for a
// run and what an ensemble records for itself and its members (main/export/ensemble.ts), computed once.
// Classification keeps the first rows one by one (described in the user's terms); regression errors are
// reported in the target's own units.
import { Preprocessor } from '../data/preprocess.ts';
import { EvaluationAccumulator } from './accumulate.ts';
import { MAX_TEST_SAMPLES, testSamples, type Evaluation, type TestSample } from './evaluate.ts';
import { targetScaleOf, unscaleValue } from './targetUnits.ts';

export interface TestEvaluationOptions {
  task: 'classification' | 'regression';
  /** Class names by index (classification). */
  classNames?: readonly string[];
  /** The run's preprocessing state: describes samples, and unscales regression targets. */
  preprocessor: unknown;
  /** Seeds the sample kept for curves (the run's seed). */
  seed: number;
  /** The test rows' texts as written (text models), by row. */
  texts?: readonly string[];
}

export class TestEvaluation {
  private readonly accumulator: EvaluationAccumulator;
  private readonly samples: TestSample[] = [];
  private readonly describer: Preprocessor | undefined;
  private readonly unscale: (v: number) => number;
  private readonly options: TestEvaluationOptions;
  private rows = 0;

  constructor(options: TestEvaluationOptions) {
    this.options = options;
    const classification = options.task === 'classification';
    this.accumulator = new EvaluationAccumulator({ task: options.task, classNames: classification ? options.classNames : undefined, seed: options.seed });
    this.describer = describer(options.preprocessor);
    this.unscale = unscaleValue(classification ? null : targetScaleOf(options.preprocessor));
  }

  /** One batch: `outputs` (n × width), the encoded inputs `x` (n rows) and the targets `y` (class indices or scaled values). */
  add(outputs: Float32Array, width: number, x: Float32Array, y: Float32Array): void {
    const n = y.length;
    const offset = this.rows;
    this.rows += n;
    if (this.options.task !== 'classification') {
      this.accumulator.add(outputs.map(this.unscale), 1, y.map(this.unscale));
      return;
    }
    this.accumulator.add(outputs, width, y);
    const room = MAX_TEST_SAMPLES - this.samples.length;
    if (room <= 0 || n === 0) return;
    const count = Math.min(room, n);
    const size = x.length / n;
    // A text as the user wrote it; otherwise the row described from its encoding (table values).
    this.samples.push(...testSamples(outputs.subarray(0, count * width), width, y.subarray(0, count), offset,
      (i) => this.options.texts?.[offset + i] ?? this.describer?.describeEncoded(x.subarray(i * size, (i + 1) * size))));
  }

  finish(): Evaluation {
    const evaluation = this.accumulator.finish();
    if (evaluation.task === 'classification') evaluation.samples = this.samples;
    return evaluation;
  }
}

/** The run's preprocessing, to describe test samples in the user's terms; none when it is absent or unreadable. */
function describer(state: unknown): Preprocessor | undefined {
  if (!state) return undefined;
  try {
    return Preprocessor.fromJSON(state);
  } catch {
    return undefined;
  }
}
