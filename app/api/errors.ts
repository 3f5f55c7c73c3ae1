// The one error shape that crosses the API boundary: a stable code for the UI to branch on and a plain
// message to show as is. Whatever a service throws is turned into one of these, never a stack trace.
import type { z } from 'zod';
import { describeIssue } from '../project/errors.ts';

export const apiErrorCodes = [
  /** The arguments did not match the method's schema. */
  'invalid-argument',
  /** The thing asked for (run, file, template, dataset) does not exist. */
  'not-found',
  /** A file that save-as would overwrite exists; ask the user, then call again with `overwrite: true`. */
  'exists',
  /** The feature is part of the contract but its back end is not there yet. */
  'not-available',
  /** The request is larger than the transport accepts. */
  'too-large',
  /** The message was not JSON or not a request. */
  'malformed',
  /** No such service or method. */
  'unknown-method',
  /** The connection to the host is gone. */
  'disconnected',
  /** The caller may not use that file: outside the workspace, a link out, or an overwrite of something that is not a project. */
  'refused',
  /** The action ran and failed for a reason the message explains (bad file, bad data, invalid graph...). */
  'failed',
  /** A bug: the message says so without internals. */
  'internal',
] as const;

export type ApiErrorCode = (typeof apiErrorCodes)[number];

/** The plain-JSON form of an error, as it travels in an RPC error reply. */
export interface ApiErrorInfo {
  code: ApiErrorCode;
  message: string;
}

export class ApiError extends Error {
  code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }

  toJSON(): ApiErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/**
 * Errors whose message is already written for the user (the project, data, store, codegen, Keras,
 * graph and trainer modules each throw one). Matched by name so app/ need not import main/.
 */
const plainErrorNames = new Set([
  'ProjectFileError', 'SafeJsonError', 'DataError', 'StoreError', 'CodegenError', 'KerasImportError', 'KerasExportError',
  'GraphBuildError', 'TrainingError', 'BackendUnavailableError', 'LayerProblem', 'ModelFolderError',
]);

const maxMessageLength = 2000;

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > maxMessageLength ? `${line.slice(0, maxMessageLength)}…` : line;
}

/** A zod error on a method's arguments, in words: "runs.get: argument 1 is -1; the value must be greater than 0". */
export function describeArgumentIssues(method: string, issues: readonly z.core.$ZodIssue[], args: unknown): string {
  const first = issues[0];
  if (!first) return `${method}: the arguments are not valid`;
  const [index, ...rest] = first.path;
  if (typeof index !== 'number') {
    if (!Array.isArray(args)) return `${method}: the arguments must be a list`;
    return `${method}: ${first.code === 'too_big' ? 'was given too many arguments' : first.code === 'too_small' ? 'is missing arguments' : 'the arguments are not valid'}`;
  }
  const root = Array.isArray(args) ? args[index] : undefined;
  const { message } = describeIssue({ ...first, path: rest } as z.core.$ZodIssue, root);
  const text = rest.length === 0 ? message.replace(/^the file: /, '') : message;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const where = rest.length === 0 ? `argument ${index + 1} ` : `argument ${index + 1}, `;
  return `${method}: ${where}${text}${more}`;
}

/** Any thrown value → the code and one-line message the UI shows. */
export function toApiErrorInfo(err: unknown): ApiErrorInfo {
  if (err instanceof ApiError) return { code: err.code, message: firstLine(err.message) || 'The action failed.' };
  if (err && typeof err === 'object' && 'name' in err && 'message' in err) {
    const { name, message } = err as { name: unknown; message: unknown };
    const text = typeof message === 'string' ? firstLine(message) : '';
    if (typeof name === 'string' && plainErrorNames.has(name) && text) {
      const kind = (err as { kind?: unknown; code?: unknown }).kind ?? (err as { code?: unknown }).code;
      return { code: kind === 'not-found' ? 'not-found' : 'failed', message: text };
    }
    if (name === 'WorkspacePathError' && text) return { code: 'refused', message: text };
    if (name === 'ZodError') return { code: 'invalid-argument', message: text ? `Invalid value: ${text}` : 'Invalid value.' };
    return { code: 'internal', message: `Unexpected error: ${text || String(name)}` };
  }
  return { code: 'internal', message: `Unexpected error: ${firstLine(String(err))}` };
}

/** Rebuilds an ApiError on the calling side from its JSON form. */
export function apiErrorFrom(info: ApiErrorInfo): ApiError {
  return new ApiError(info.code, info.message);
}
