// Small assertions the test files share.
import assert from 'node:assert/strict';

/** Runs `fn`, which must throw, and returns what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return assert.fail('expected a throw');
}

/** Awaits `work` (a promise, or a function making one), which must reject, and returns the reason. */
export async function rejected(work: PromiseLike<unknown> | (() => PromiseLike<unknown>)): Promise<unknown> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return error;
  }
  return assert.fail('expected a rejection');
}
