import { unref } from '../internal/timers.js';

/**
 * The second level of the entitlement cache: one store shared by every instance of an app, so
 * a customer fetched by one instance is answered by the others without an edge request.
 * `paritydeals-sdk/redis` implements it over your Redis client; any key-value store fits.
 *
 * Contract: values are plain JSON (what `JSON.stringify` keeps); `get` resolves `undefined` or
 * `null` for a missing or expired key; `set` stores for `ttlMs` milliseconds. A store may be
 * slow or down: the cache waits at most `storeTimeout` for it, then carries on from memory and
 * the edge API, and never lets a store failure reach a check.
 */
export interface EntitlementStore {
  /** The value stored under `key`, or undefined (or null) when there is none. */
  get(key: string): Promise<unknown>;
  /** Stores `value` (JSON-serialisable) under `key`, expiring after `ttlMs` milliseconds. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Removes `key`; resolves also when it was not there. */
  delete(key: string): Promise<void>;
}

/** How a bounded wait on the store ended. */
export type Waited<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Waits at most `ms` for `work`; a rejection, a throw or the time running out is `ok: false`. */
export function within<T>(work: () => Promise<T>, ms: number): Promise<Waited<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: new Error(`no answer within ${ms} ms`) }), ms);
    unref(timer);
    let promise: Promise<T>;
    try {
      // Promise.resolve: a store written without async (a value, not a Promise) still counts.
      promise = Promise.resolve(work());
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, error });
      },
    );
  });
}
