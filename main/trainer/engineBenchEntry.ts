// The child process of runStudioEngineBench (./engineBench.ts) for the backends that open Dawn: runs the
// engine bench with the studio loop and answers with its report.
import { runEngineBench, type EngineBenchOptions } from '../engine/bench.ts';
import { serveQuietChild } from '../engine/quietChild.ts';
import { studioFit } from './benchFit.ts';

serveQuietChild((options: EngineBenchOptions, progress) => runEngineBench({ ...options, studioFit, onProgress: progress }));
