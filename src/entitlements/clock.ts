/**
 * The async client's clock for cache hits: `Date.now()` read at most once per turn of the event
 * loop. A cached check is ~100 ns of work, and reading the clock costs ~40 ns on the machines we
 * measure on, so reading it once per turn (a request handler's checks share one reading) is a
 * third of the hot path saved.
 *
 * Contract: the value is never older than the current macrotask, so an entry is answered past
 * its TTL by at most as long as the code that is running without yielding (for a server's request
 * handler, milliseconds). The synchronous client, whose caller may block for minutes without
 * yielding, reads `Date.now()` itself instead.
 */
import { unref } from '../internal/timers.js';

let reading = 0;
let valid = false;

const invalidate = (): void => {
  valid = false;
};

/** Runs `invalidate` at the next turn of the event loop, without keeping a process alive. */
const schedule: () => void =
  typeof setImmediate === 'function' ? () => unref(setImmediate(invalidate)) : () => unref(setTimeout(invalidate, 0));

export function coarseNow(): number {
  if (valid) return reading;
  reading = Date.now();
  valid = true;
  schedule();
  return reading;
}
