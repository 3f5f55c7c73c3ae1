// The one error the Keras / TF.js model importer throws (import.ts, importLayer.ts).

/** The file is not a model Modelwright can read; the message says what is wrong and what to do. */
export class KerasImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KerasImportError';
  }
}
