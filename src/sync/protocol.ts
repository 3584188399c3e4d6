/**
 * What crosses between the calling thread and the sync client's worker: the boot data, one
 * call, one reply, and errors flattened to plain data. Structured clone keeps neither classes
 * nor functions, so errors travel as `{kind, message, fields}` and are rebuilt as the same
 * classes on the calling side, and a spec travels without its `transform`.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ResponseInfo } from '../core/api-promise.js';
import { CAUSE_FIELDS } from '../internal/classify.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  type APIErrorInit,
  APIUserAbortError,
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  ParityDealsError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../core/errors.js';
import type { LogLevel } from '../core/logger.js';
import type { PipelineConfig } from '../internal/pipeline.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';

/** Slots of the shared Int32Array the caller sleeps on. */
export const SLOT_STATE = 0;
export const SLOT_BOOTED = 1;
/** Bumped (and notified) after each reply on the background port, so a caller can sleep until one comes. */
export const SLOT_BACKGROUND = 2;
/** Bytes of the shared buffer: the three slots above. */
export const SHARED_BYTES = 12;
/** Values of `SLOT_STATE`. */
export const STATE_PENDING = 0;
export const STATE_DONE = 1;
/** The worker is exiting: no reply will come. */
export const STATE_DEAD = 2;
/** Values of `SLOT_BOOTED`. */
export const BOOT_LOADING = 0;
export const BOOT_READY = 1;
/** The worker module failed to load; a `BootFailure` waits on the port. */
export const BOOT_FAILED = 2;

/** What the bootstrap posts when the worker module fails to load (see worker-file.ts). */
export interface BootFailure {
  id: 0;
  bootError: string;
}

/** The resolved client options, minus what cannot cross threads (the logger becomes a level). */
export type WorkerConfig = Omit<PipelineConfig, 'transport' | 'logger'> & { logLevel: LogLevel };

export interface WorkerBoot {
  /** The worker's end of the channel; the caller reads replies from the other end. */
  port: MessagePort;
  /**
   * The worker's end of the background channel: calls the caller does not sleep on (usage
   * flushes). Replies come back on it in any order; the caller reads them from its event loop,
   * or synchronously when it must wait (see WorkerChannel.send).
   */
  background: MessagePort;
  shared: Int32Array;
  config: WorkerConfig;
}

/** A spec as it crosses: plain data, the body already through JSON. */
export type PlainSpec = Omit<RequestSpec<unknown>, 'transform'>;
/** The per-request options that mean something in a worker (`signal` cannot cross). */
export type WireOptions = Pick<RequestOptions, 'timeout' | 'maxRetries' | 'headers'>;

export interface Call {
  id: number;
  spec: PlainSpec;
  options: WireOptions | undefined;
}

/** A log line the worker's pipeline wrote, delivered to the user's logger by the caller. */
export interface LogLine {
  level: Exclude<LogLevel, 'off'>;
  message: string;
  details: Record<string, unknown> | undefined;
}

export type Reply = { id: number; logs: LogLine[] } & (
  | { ok: true; data: unknown; response: ResponseInfo }
  | { ok: false; error: WireError }
);

export interface WireError {
  /** The SDK error class (`static kind`), or `Error` for anything else. */
  kind: string;
  name: string;
  message: string;
  /** The error's own public fields: status, body, headers, requestId, method, url, param... */
  fields: Record<string, unknown>;
  cause: WireCause | undefined;
}

/** A cause reduced to text fields; the pipeline has already scrubbed the token from it. */
export type WireCause = { name: string; message: string; cause?: WireCause | undefined } & Partial<
  Record<(typeof CAUSE_FIELDS)[number], string | number>
>;

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) {
    return { kind: 'Error', name: 'Error', message: String(error), fields: {}, cause: undefined };
  }
  const kind =
    error instanceof ParityDealsError ? ((error.constructor as { kind?: string }).kind ?? 'ParityDealsError') : 'Error';
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) if (key !== 'cause') fields[key] = value;
  return { kind, name: error.name, message: error.message, fields, cause: causeToWire(error.cause, 0) };
}

function causeToWire(cause: unknown, depth: number): WireCause | undefined {
  if (!(cause instanceof Error) || depth > 4) return undefined;
  const out: WireCause = { name: cause.name, message: cause.message, cause: causeToWire(cause.cause, depth + 1) };
  for (const key of CAUSE_FIELDS) {
    const value = (cause as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
  }
  return out;
}

function causeFromWire(wire: WireCause | undefined): Error | undefined {
  if (!wire) return undefined;
  const { name, message, cause, ...codes } = wire;
  const error = Object.assign(new Error(message, cause ? { cause: causeFromWire(cause) } : undefined), codes);
  error.name = name;
  return error;
}

type APIErrorClass = new (message: string, init: APIErrorInit) => APIError;
const API_ERRORS: Record<string, APIErrorClass> = {
  APIError,
  InvalidRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  ServerError,
};
const CONNECTION_ERRORS: Record<string, typeof APIConnectionError> = {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
};

/**
 * Rebuilds the error the worker's pipeline threw, as the same class with the same fields. Built
 * here, its stack is the caller's, which is where the user wants to look.
 */
export function fromWire(wire: WireError): Error {
  const f = wire.fields;
  const cause = causeFromWire(wire.cause);
  const apiClass = API_ERRORS[wire.kind];
  if (apiClass) {
    return new apiClass(wire.message, {
      status: f.status as number,
      body: f.body,
      headers: f.headers as Record<string, string>,
      requestId: f.requestId as string | undefined,
      method: f.method as string | undefined,
      url: f.url as string | undefined,
      outcomeUnknown: f.outcomeUnknown as boolean,
      idempotencyKey: f.idempotencyKey as string | undefined,
    });
  }
  const connectionClass = CONNECTION_ERRORS[wire.kind];
  if (connectionClass) {
    return new connectionClass(wire.message, {
      method: f.method as string | undefined,
      url: f.url as string | undefined,
      outcomeUnknown: f.outcomeUnknown as boolean,
      idempotencyKey: f.idempotencyKey as string | undefined,
      cause,
    });
  }
  if (wire.kind === 'ValidationError') return new ValidationError(wire.message, f.param as string);
  if (wire.kind === 'ParityDealsError') return new ParityDealsError(wire.message, cause ? { cause } : undefined);
  // Not an SDK error: a bug, or a TypeError from the runtime. Keep its name and text.
  const error = new Error(wire.message, cause ? { cause } : undefined);
  error.name = wire.name;
  return error;
}
