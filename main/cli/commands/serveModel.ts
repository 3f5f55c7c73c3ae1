// `modelwright serve-model MODEL_DIR`: a trained model folder as an HTTP prediction service
// (main/web/modelServer.ts) on 127.0.0.1 unless told otherwise; Ctrl+C stops it.
import { resolve } from 'node:path';
import { DataError } from '../../../app/data/errors.ts';
import { backendNames, type BackendName } from '../../../app/training/config.ts';
import { ModelFolderError } from '../../model/modelFolder.ts';
import { loadTrainedModel } from '../../model/predict.ts';
import { defaultMaxBatch, defaultMaxBodyBytes } from '../../web/modelServerLimits.ts';
import { CliError, UsageError, intFlag, parseCommandArgs, type CliCommand } from '../command.ts';
import { untilStopped } from '../untilStopped.ts';

const usage = `Usage: modelwright serve-model MODEL_DIR [--port N] [--host 127.0.0.1] [--max-batch N] [--max-body-bytes N] [--backend B]

Serves a model saved by "modelwright train" (or the studio) over HTTP and prints its address:
  POST /predict        body: a JSON list of inputs, as "predict --input FILE.json" takes (rows like
                       {"column": value}, sentences for a text model, or lists of numbers);
                       answer: {"predictions": [...]}, as "predict --json" prints
  GET  /health         what is loaded (task, input columns, labels, backend)
  GET  /openapi.json   the OpenAPI 3 description of these endpoints

Options:
  --port N             port (default: a free one chosen at random)
  --host H             address to listen on (default 127.0.0.1: this computer only). The server has no
                       authentication: put it behind your own proxy before listening on other addresses
  --max-batch N        most inputs in one request (default ${defaultMaxBatch}); more is refused with 413
  --max-body-bytes N   largest request body (default ${defaultMaxBodyBytes}); more is refused with 413
  --backend B          ${backendNames.join(', ')} (default auto)

Bad input gets a 4xx answer {"error": "..."} saying what is wrong. Ctrl+C stops the server.

Example:
  modelwright serve-model desk-model --port 8080
  curl -s localhost:8080/predict -H 'Content-Type: application/json' -d '["where is my order?"]'`;

export const serveModelCommand: CliCommand = {
  name: 'serve-model',
  summary: 'Serve a trained model folder over HTTP (POST /predict, GET /health, OpenAPI)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      'max-batch': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      backend: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('give the MODEL_DIR of a trained model (the folder "modelwright train" saved)');
    const port = intFlag(values.port, '--port', 0) ?? 0;
    if (port > 65535) throw new UsageError(`--port needs a port number from 0 to 65535, got "${values.port}"`);
    const host = values.host ?? '127.0.0.1';
    if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 127.0.0.1');
    const maxBatch = intFlag(values['max-batch'], '--max-batch', 1);
    const maxBodyBytes = intFlag(values['max-body-bytes'], '--max-body-bytes', 64);
    if (values.backend !== undefined && !(backendNames as readonly string[]).includes(values.backend)) {
      throw new UsageError(`--backend must be one of ${backendNames.join(', ')}, got "${values.backend}"`);
    }
    const dir = resolve(positionals[0]);
    let model;
    try {
      model = await loadTrainedModel(dir, { backend: values.backend as BackendName | undefined });
    } catch (err) {
      if (err instanceof DataError || (err as Error)?.name === 'BackendUnavailableError') throw new CliError((err as Error).message, 2);
      if (err instanceof ModelFolderError) throw new CliError(`${positionals[0]} is not a usable model folder: ${err.message}`, 2);
      throw err;
    }
    // Fastify is loaded only by this command, so every other command starts as fast as before.
    const { createModelServer } = await import('../../web/modelServer.ts');
    const app = await createModelServer(model, { modelDir: dir, maxBatch, maxBodyBytes });
    let url: string;
    try {
      await app.listen({ port, host });
      const address = app.server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    } catch (err) {
      model.dispose();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use; choose another with --port, or leave it out to get a free one`);
      if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${port}; choose a port above 1023`);
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`cannot listen on ${host}: this computer has no such address`);
      throw err;
    }
    io.stdout(`Serving ${positionals[0]} at ${url}\n`);
    io.stdout(`  POST ${url}/predict   GET ${url}/health   GET ${url}/openapi.json\n`);
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') io.stderr(`Note: listening on ${host} without authentication; anyone who can reach it can use the model.\n`);
    io.stdout('Press Ctrl+C to stop.\n');
    return untilStopped(io, 'stopping the model server', async () => {
      await app.close().catch(() => {});
      model.dispose();
    });
  },
};
