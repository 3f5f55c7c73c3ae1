// The trainer process: started by the supervisor (child_process.fork) or by Electron (utilityProcess),
// it runs one training job and reports progress and the result over its parent channel, then exits.
import { failedResult, fromTrainerSchema, toTrainerSchema, type FromTrainer, type TrainingResult } from '../../app/training/protocol.ts';
import { parentChannel } from './channel.ts';
import { runTraining } from './train.ts';

// One job per process: a second start message is ignored.
let started = false;
let stopRequested = false;
/** Resolves the wait at a checkpoint: true goes on, false stops there. */
let atCheckpoint: ((goOn: boolean) => void) | null = null;
// A `continue` may arrive before the trainer reaches the checkpoint (the parent decides on the epoch's progress
// event, and the trainer saves its training checkpoint in between): it is kept for that checkpoint.
let continueEarly = false;
const leaveCheckpoint = (goOn: boolean) => {
  const resolve = atCheckpoint;
  atCheckpoint = null;
  if (resolve) resolve(goOn);
  else if (goOn) continueEarly = true;
};
const waitAtCheckpoint = (): Promise<boolean> => {
  if (stopRequested) return Promise.resolve(false);
  if (continueEarly) {
    continueEarly = false;
    return Promise.resolve(true);
  }
  return new Promise<boolean>((resolve) => { atCheckpoint = resolve; });
};

const channel = parentChannel();

function send(message: FromTrainer): Promise<void> {
  // Validating our own output too: a protocol drift shows up here, in the process that caused it.
  return channel.send(fromTrainerSchema.parse(message));
}

async function finish(result: TrainingResult): Promise<void> {
  finished = true;
  try {
    await send({ type: 'done', result });
  } finally {
    channel.close();
    // TF.js backends may hold timers or worker handles; the run is over, so the process is too.
    setTimeout(() => process.exit(0), 50).unref();
  }
}

channel.onMessage((raw) => {
  const parsed = toTrainerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!started) {
      started = true;
      void finish(failedResult('unknown', 0, `the trainer received an invalid message: ${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'malformed'}`));
    }
    return;
  }
  const message = parsed.data;
  if (message.type === 'stop') {
    stopRequested = true;
    leaveCheckpoint(false);
    return;
  }
  if (message.type === 'continue') {
    leaveCheckpoint(true);
    return;
  }
  if (started) return;
  started = true;
  const job = message.job;
  void runTraining(job, {
    onStarted: (info) => void send(info),
    onProgress: (event) => void send({ type: 'progress', event }),
    shouldStop: () => stopRequested,
    checkpoint: waitAtCheckpoint,
  }).then(finish, (err: unknown) => finish(failedResult(job.runId, 0, `training failed: ${(err as Error)?.message ?? String(err)}`)));
});

// An orphaned trainer would keep a core busy for nothing: when the parent is gone, so is the run.
let finished = false;
channel.onDisconnect(() => { if (!finished) process.exit(1); });

void send({ type: 'ready', pid: process.pid });
