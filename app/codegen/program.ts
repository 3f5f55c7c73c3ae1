// The common shape of every generated training program: the same steps, in the same order, in every
// language (settings, data, model, fit, evaluate, save). A generator writes each step in its own
// language; which steps a project needs and in what order is decided here, once for all of them.
import type { CodePlan, TrainPlan } from './plan.ts';
import { SourceWriter } from './writer.ts';

export interface ProgramSteps {
  /** The program's first lines: what it does, what to install, how to run it, and its imports. */
  header(w: SourceWriter): void;
  /** Settings chosen in the studio (and, for a script with a command line, its arguments). */
  settings(w: SourceWriter, train: TrainPlan | null): void;
  /** What the language needs defined before the data is read (PyTorch: the model class and --check). */
  definitions?(w: SourceWriter): void;
  /** Read the data, split it like the studio, fit the preprocessing, make the arrays or tensors. */
  data(w: SourceWriter, train: TrainPlan): void;
  /** Build the model (with no dataset: build it and say where the data code would go). */
  model(w: SourceWriter, train: TrainPlan | null): void;
  /** Optimizer, loss, callbacks and the training loop. */
  fit(w: SourceWriter, train: TrainPlan): void;
  /** Measure the trained model on the test split (only asked for when the project has one). */
  evaluate(w: SourceWriter, train: TrainPlan): void;
  /** Save the model (trained, with its preprocessing; or untrained when there is no dataset). */
  save(w: SourceWriter, train: TrainPlan | null): void;
}

/** Writes a program from its steps: the one place that orders them. */
export function writeProgram(plan: CodePlan, steps: ProgramSteps, commentPrefix: '//' | '#'): string {
  const w = new SourceWriter(commentPrefix);
  const train = plan.train;
  steps.header(w);
  steps.settings(w, train);
  steps.definitions?.(w);
  if (train) steps.data(w, train);
  steps.model(w, train);
  if (train) {
    steps.fit(w, train);
    if (train.hasTest) steps.evaluate(w, train);
  }
  steps.save(w, train);
  return w.toString();
}
