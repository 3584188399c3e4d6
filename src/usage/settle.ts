/**
 * What a failed usage request means for its entry. The rule follows the transport's safety
 * rules (the pipeline has already made every retry it may):
 *
 * - `unknown`: the server may have applied it (a 5xx, a timeout, a connection lost after
 *   sending, an abort after sending). A SET lands on the same total however often it is sent,
 *   so it is `retry`; a DELTA would count twice, so it is `give-up` (onError, with its amount).
 * - `retry`: certainly not applied and may pass (429, refused connection): kept for the next flush.
 * - `give-up`: certainly not applied and will not pass (400, 401, 403, 404): onError.
 *
 * Anything that is not an SDK error (a bug, a runtime TypeError) counts as unknown: the safe
 * reading when nothing says the request never left.
 */
import { APIConnectionError, APIError, APIUserAbortError, ParityDealsError } from '../core/errors.js';
import type { Behaviour } from './buffer.js';

export type Verdict = 'retry' | 'give-up';

export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ParityDealsError)) return true;
  // An abort may come after the body was sent; until the pipeline says otherwise, assume it was.
  if (error instanceof APIUserAbortError) return true;
  return error.outcomeUnknown;
}

/** Whether an entry that failed with `error` may be sent again later, or must go to onError. */
export function verdict(behaviour: Behaviour, error: unknown): Verdict {
  if (outcomeUnknown(error)) return behaviour === 'SET' ? 'retry' : 'give-up';
  if (error instanceof APIError) {
    const s = error.status;
    return s === 429 || s === 408 || s === 409 || s >= 500 ? 'retry' : 'give-up';
  }
  // Never connected (refused, name not found): nothing reached the server.
  if (error instanceof APIConnectionError) return 'retry';
  return 'give-up';
}
