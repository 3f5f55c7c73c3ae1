// A failure of a training run whose message is already plain language for the user, with what to do.

export class TrainingError extends Error {
  advice?: string;
  constructor(message: string, advice?: string) {
    super(message);
    this.name = 'TrainingError';
    this.advice = advice;
  }
}
