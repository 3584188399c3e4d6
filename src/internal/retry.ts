import { onAbort } from './abort.js';
import type { TransportFailure } from './transport.js';

/** First backoff; doubles per attempt. Short enough that a blip costs an entitlement check little. */
const INITIAL_DELAY_MS = 500;
/** Backoff ceiling when the server gives no Retry-After. */
const MAX_BACKOFF_MS = 8_000;
/** Up to this share of each backoff is randomised, so a fleet does not retry in lockstep. */
const JITTER = 0.25;

/** Statuses after which a repeatable operation is tried again. */
const RETRY_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504]);

/** How one attempt failed: an error status, or how far the request got when the connection failed. */
export interface AttemptFailure {
  status?: number;
  transport?: TransportFailure;
  /** For a transport failure: whether any of the request may have reached the server. */
  sent?: boolean;
}

/**
 * Whether to try again. `repeatable` operations (reads, SET, events with one idempotency key)
 * may be repeated whenever the failure could be passing. Others are repeated only when the
 * server certainly did not act: nothing was sent (a refused connection, a connect timeout), or
 * it answered 429. An abort is never retried, nor an answer too large to read.
 */
export function shouldRetry(repeatable: boolean, failure: AttemptFailure): boolean {
  if (failure.transport === 'abort' || failure.transport === 'too-large') return false;
  if (failure.transport === 'connect' || (failure.transport && failure.sent === false)) return true;
  if (failure.status === 429) return true;
  if (!repeatable) return false;
  if (failure.transport) return true;
  return failure.status !== undefined && (RETRY_STATUSES.has(failure.status) || failure.status > 500);
}

/**
 * Whether a failed attempt may have been applied by the server although no success answer came
 * back: the request left and then the connection failed, timed out, was aborted or answered too
 * much to read, or the server answered 408 or 5xx. (Reads change nothing; the pipeline never
 * asks about them.)
 */
export function outcomeUnknown(failure: AttemptFailure): boolean {
  if (failure.transport) return failure.transport !== 'connect' && failure.sent !== false;
  return failure.status !== undefined && (failure.status === 408 || failure.status >= 500);
}

/**
 * Milliseconds to wait before retry number `retry` (1-based). A server's `retry-after-ms` or
 * `Retry-After` (seconds or an HTTP date) wins, capped at `maxDelayMs` so a hostile or
 * mistaken header cannot stall the caller for hours.
 */
export function retryDelay(retry: number, headers: Record<string, string> | undefined, maxDelayMs: number): number {
  const asked = headers ? serverDelay(headers) : undefined;
  if (asked !== undefined) return Math.min(Math.max(asked, 0), maxDelayMs);
  const backoff = Math.min(INITIAL_DELAY_MS * 2 ** (retry - 1), MAX_BACKOFF_MS);
  return Math.min(backoff * (1 - Math.random() * JITTER), maxDelayMs);
}

function serverDelay(headers: Record<string, string>): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && Number.isFinite(Number(ms))) return Number(ms);
  const after = headers['retry-after'];
  if (after === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : date - Date.now();
}

/** Waits `ms`, ending at once (rejecting with `abortError()`) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, abortError: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const unsubscribe = onAbort(signal, () => {
      clearTimeout(timer);
      reject(abortError());
    });
    const timer = setTimeout(() => {
      unsubscribe();
      resolve();
    }, ms);
  });
}
