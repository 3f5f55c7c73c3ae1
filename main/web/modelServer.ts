// The model server behind `modelwright serve-model`: a trained model folder over HTTP with Fastify.
// POST /predict takes what `predict --input FILE.json` takes and answers what `predict --json` prints;
// GET /health says what is loaded; GET /openapi.json describes the API (@fastify/swagger, from the
// same route schemas). Request bodies and batches are bounded; bad input gets a 4xx with one sentence.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { missingColumnsText } from '../../app/data/inputColumns.ts';
import { DataError } from '../../app/data/errors.ts';
import type { TrainedModel } from '../model/predict.ts';
import { checkPredictInputs, inputShapesText, predictionsJson } from './predictInputs.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { defaultMaxBatch, defaultMaxBodyBytes } from './modelServerLimits.ts';

export interface ModelServerOptions {
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most inputs in one request (default 1,000). */
  maxBatch?: number;
  /** Shown by /health: the folder the model came from. */
  modelDir: string;
}

export { defaultMaxBatch, defaultMaxBodyBytes } from './modelServerLimits.ts';

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string', description: 'What is wrong, in one sentence.' } },
  required: ['error'],
} as const;

const predictionSchema = {
  type: 'object',
  description: 'Classification: label, classIndex and probabilities per label; regression: value (in the target\'s units); reconstruction: values.',
  properties: {
    label: { type: 'string' },
    classIndex: { type: 'integer' },
    probabilities: { type: 'object', additionalProperties: { type: 'number' } },
    value: { type: 'number' },
    values: { type: 'array', items: { type: 'number' } },
  },
} as const;

function errorMessage(err: FastifyError, limits: { maxBodyBytes: number }): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return `the request body is larger than ${limits.maxBodyBytes} bytes; send fewer inputs per request`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return 'send the inputs as JSON with "Content-Type: application/json"';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return `the request body is empty; send a JSON list of inputs (${inputShapesText})`;
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return `the request body is not valid JSON: ${err.message.replace(/^.*?: /, '')}`;
    default: return err.message;
  }
}

/** Builds the server (not listening yet): call `listen` on it, `close` to stop. */
export async function createModelServer(model: TrainedModel, options: ModelServerOptions): Promise<FastifyInstance> {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const maxBatch = options.maxBatch ?? defaultMaxBatch;
  // No type coercion: Fastify's default would turn a lone object or string into a one-item list.
  const app = Fastify({ bodyLimit: maxBodyBytes, logger: false, ajv: { customOptions: { coerceTypes: false } } });
  // JSON only: a text/plain body is refused with 415 rather than read as one sentence.
  app.removeContentTypeParser('text/plain');
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Modelwright model server',
        version: packageJson.version,
        description: `Predictions from a model trained in Modelwright. Inputs are raw rows or sentences, prepared exactly as in training. At most ${maxBatch} inputs and ${maxBodyBytes} bytes per request.`,
      },
    },
  });

  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    void reply.status(status).send({ error: status === 500 ? `the server could not answer: ${err.message}` : errorMessage(err, { maxBodyBytes }) });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: `no such endpoint: ${request.method} ${request.url.split('?')[0]}; use POST /predict, GET /health or GET /openapi.json` });
  });

  const meta = model.metadata;
  app.get('/health', {
    schema: {
      summary: 'What is loaded',
      response: {
        200: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['ok'] },
            task: { type: 'string', nullable: true },
            takesText: { type: 'boolean' },
            columns: { type: 'array', items: { type: 'string' } },
            labels: { type: 'array', items: { type: 'string' }, nullable: true },
            runId: { type: 'string', nullable: true, description: 'The run the model was trained in.' },
            backend: { type: 'string' },
            maxBatch: { type: 'integer' },
          },
        },
      },
    },
  }, async () => ({
    status: 'ok' as const,
    task: meta?.task ?? null,
    takesText: model.takesText,
    columns: model.columns,
    labels: meta?.classNames ?? null,
    runId: meta?.runId === undefined || meta.runId === null ? null : String(meta.runId),
    backend: model.backend,
    maxBatch,
  }));

  app.post('/predict', {
    // The schema documents the body; the handler's own check gives the plain-language errors.
    attachValidation: true,
    schema: {
      summary: 'Predict',
      description: `A JSON list of inputs, as \`modelwright predict --input FILE.json\` takes: rows like {"column": value} for a table model (every column the model reads; a row lacking one is refused with 400), sentences for a text model, or lists of already-encoded numbers. The answer is what \`modelwright predict --json\` prints.`,
      body: {
        type: 'array',
        minItems: 1,
        maxItems: maxBatch,
        items: { anyOf: [{ type: 'object', additionalProperties: true }, { type: 'string' }, { type: 'array', items: { type: 'number' } }] },
      },
      response: {
        200: { type: 'object', properties: { predictions: { type: 'array', items: predictionSchema } }, required: ['predictions'] },
        400: errorSchema,
        413: errorSchema,
        415: errorSchema,
      },
    },
  }, async (request, reply) => {
    const body = request.body;
    if (!Array.isArray(body)) return reply.status(400).send({ error: `send a JSON list of inputs, not ${body === null || body === undefined ? 'nothing' : typeof body}; ${inputShapesText}` });
    if (body.length === 0) return reply.status(400).send({ error: 'the list of inputs is empty: send at least one' });
    if (body.length > maxBatch) return reply.status(413).send({ error: `${body.length} inputs in one request; send at most ${maxBatch} per request` });
    try {
      const inputs = checkPredictInputs(body);
      // As `modelwright predict` without --allow-missing: a row lacking a column is refused, never filled with a silent 0.
      const columns = model.checkColumns(inputs);
      const missing = columns ? missingColumnsText(columns, inputs.length) : '';
      if (missing) return reply.status(400).send({ error: `${missing}; add ${columns!.missing.length === 1 ? "it" : "them"} to every row (an empty value is filled as training filled missing values)` });
      return predictionsJson(await model.predict(inputs));
    } catch (err) {
      if (err instanceof DataError) return reply.status(400).send({ error: err.message });
      throw err;
    }
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/', { schema: { hide: true } }, async () => ({ endpoints: ['POST /predict', 'GET /health', 'GET /openapi.json'] }));
  return app;
}
