import { APIPromise, type ResponseInfo, type WithResponse } from '../core/api-promise.js';
import { APIConnectionTimeoutError, APIUserAbortError } from '../core/errors.js';
import type { RequestOptions } from '../core/request-options.js';
import {
  type CheckEntitlementsResponse,
  type EntitlementDetail,
  type GetEntitlementResponse,
  type MergedEntitlement,
  mergeEntitlements,
} from '../entitlements/access.js';
import type { CachedSet, EntitlementCache, Resolved } from '../entitlements/cache.js';
import { coarseNow } from '../entitlements/clock.js';
import type { RequestSpec } from '../internal/request-spec.js';
import { Check, checkRequestOptions } from '../internal/validate.js';
import { onAbort } from '../internal/abort.js';
import { unref } from '../internal/timers.js';
import { noCustomer } from './customers.js';

/** `hasAccess`' parameters: which customer, which feature. */
export interface HasAccessParams {
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
  /** The feature's identifier, as in the ParityDeals dashboard, e.g. `premium-reporting`. */
  featureId: string;
}
/** `getEntitlement`'s parameters, the same as `hasAccess`'. */
export type GetEntitlementParams = HasAccessParams;
/** `getAllEntitlements`' parameters. */
export interface GetAllEntitlementsParams {
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
}

/** The options of an entitlement read: the usual per-request ones, and the cache's. */
export interface EntitlementRequestOptions extends RequestOptions {
  /**
   * Skip the cache: ask the edge API now, and keep its answer. If that fails, the error is
   * thrown (the last known answer is not used), unless `fallback` is given. Default: `false`.
   */
  fresh?: boolean | undefined;
  /**
   * `hasAccess` only: the answer when the edge API fails and nothing is known about the
   * customer; overrides the client's `fallback` option for this call. Default: the client's.
   */
  fallback?: boolean | undefined;
}

/** `hasAccess`' answer with the entitlement behind it, as the middleware's gate needs both. */
export interface AccessCheck {
  /** What `hasAccess` answers. */
  granted: boolean;
  /** The feature's merged entry; null when the customer does not hold it, or for a fallback answer. */
  entitlement: MergedEntitlement | null;
}

/** The single read behind `AccessCheck`, with `hasAccess`' parameters and options. */
export type AccessCheckRead = (params: HasAccessParams, options?: EntitlementRequestOptions) => APIPromise<AccessCheck>;

/**
 * Where a client's `entitlements` keep an `AccessCheckRead`, for src/middleware/gate.ts: with the
 * cache off, `hasAccess` then `getEntitlement` would be two edge reads, two budgets. It is no
 * public method: a registered symbol set on the instance, outside the class's type, so the sync
 * client (whose surface is this one's made blocking) has nothing to mirror, and the middleware
 * finds it when the package is loaded twice (an ESM and a CommonJS copy).
 */
export const ACCESS_CHECK: unique symbol = Symbol.for('paritydeals-sdk.entitlements.access-check');

/** What `prefetch` did: how many customers it loaded, and which failed with what. */
export interface PrefetchResult {
  loaded: number;
  failed: Array<{ customerId: string; error: Error }>;
}

interface RawEntitlements {
  customerId?: string | undefined;
  entitlements?: EntitlementDetail[] | undefined;
}

const FEATURE_READ_KEYS: Record<keyof HasAccessParams, true> = { customerId: true, featureId: true };
const CUSTOMER_READ_KEYS: Record<keyof GetAllEntitlementsParams, true> = { customerId: true };

/**
 * Loads at most this many customers at once in `prefetch`: a warm-up must not burst the edge API
 * from one process, and beyond a handful the requests only queue on the sockets.
 */
const PREFETCH_CONCURRENCY = 8;

/** How much longer than its budget a caller waits on a shared load before giving up on it itself. */
const JOIN_SLACK_MS = 25;

/** Whether `s` has no lone UTF-16 surrogate (String.prototype.isWellFormed, where the runtime has it). */
const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/[\uD800-\uDFFF]/.test(s) || encodeable(s);

function encodeable(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

/** `{ customerId, featureId }`, both non-blank strings, and no other key. */
function isIdPair(params: HasAccessParams): boolean {
  if (typeof params !== 'object' || params === null) return false;
  const { customerId, featureId } = params;
  if (typeof customerId !== 'string' || typeof featureId !== 'string') return false;
  if (customerId.trim() === '' || featureId.trim() === '') return false;
  // A lone surrogate cannot be percent-encoded: leave it to Check, which names the parameter.
  if (!wellFormed(customerId) || !wellFormed(featureId)) return false;
  for (const key in params) if (key !== 'customerId' && key !== 'featureId') return false;
  return true;
}

/** The parameters of the reads, checked before anything is looked up or sent. */
export const entitlementParams = {
  feature(operation: string, params: HasAccessParams): HasAccessParams {
    // Every check passes through here: the usual good input is accepted without allocating,
    // and anything else goes to Check for the full diagnosis.
    if (isIdPair(params)) return params;
    const c = Check.of(operation, params, FEATURE_READ_KEYS);
    return { customerId: c.string('customerId'), featureId: c.string('featureId') };
  },
  customer(operation: string, params: GetAllEntitlementsParams): string {
    return Check.of(operation, params, CUSTOMER_READ_KEYS).string('customerId');
  },
  /** A list of customer ids, without repeats. */
  customers(operation: string, customerIds: readonly string[]): string[] {
    if (!Array.isArray(customerIds)) {
      Check.of(operation, { customerIds }, { customerIds: true }).fail(
        'customerIds',
        'an array of customer ids',
        customerIds,
      );
    }
    const named: Record<string, unknown> = Object.fromEntries(customerIds.map((id, i) => [`customerIds[${i}]`, id]));
    // Its keys are the ones just made: no unknown-key pass (quadratic over a long start-up list).
    const c = new Check(operation, named);
    return [...new Set(customerIds.map((_, i) => c.string(`customerIds[${i}]`)))];
  },
};

/**
 * Describes the one read behind every entitlement method: a customer's whole set, merged. One
 * request fills every feature, which is what the cache keeps. The timeout bounds the whole read,
 * retries included, because it sits on the caller's users' request path.
 */
export function customerEntitlements(operation: string, customerId: string): RequestSpec<CheckEntitlementsResponse> {
  return {
    operation,
    method: 'GET',
    host: 'edge',
    path: '/entitlements',
    query: { customer_id: customerId },
    repeatable: true,
    // An answer without the list would otherwise read as "no entitlements", and deny access.
    answer: { array: 'entitlements' },
    totalTimeout: true,
    // The edge answers 404 for a customer it does not know; a wrong edgeApiUrl gives 404s too.
    notFound: noCustomer(customerId, ' (if every entitlement read fails like this, check edgeApiUrl)'),
    transform: (data: unknown): CheckEntitlementsResponse => {
      const raw = (data ?? {}) as RawEntitlements;
      return {
        customerId: raw.customerId ?? customerId,
        entitlements: mergeEntitlements(Array.isArray(raw.entitlements) ? raw.entitlements : []),
      };
    },
  };
}

/** The cache's own options of a read, each a boolean: typed, so one added above must be listed. */
const READ_FLAGS: Record<Exclude<keyof EntitlementRequestOptions, keyof RequestOptions>, true> = {
  fresh: true,
  fallback: true,
};
const READ_FLAG_KEYS = Object.keys(READ_FLAGS);

/**
 * Checks a read's options, the cache's own and the per-request ones, before the cache answers:
 * a call refused on a miss must be refused on a hit too.
 */
export function checkReadOptions(operation: string, options: EntitlementRequestOptions | undefined): void {
  if (options === undefined) return;
  checkRequestOptions(operation, options, READ_FLAG_KEYS);
}

/** The network options of a read, without the cache's own. */
export function networkOptions(options: EntitlementRequestOptions | undefined): RequestOptions | undefined {
  if (options === undefined) return undefined;
  const { fresh: _fresh, fallback: _fallback, ...rest } = options;
  return rest;
}

/** The response info of a read's answer, wherever it came from. */
export function responseOf(resolved: Resolved, cache: EntitlementCache): ResponseInfo {
  if ('fallback' in resolved) {
    const e = resolved.error as { status?: number; requestId?: string; url?: string };
    return {
      status: typeof e.status === 'number' ? e.status : 0,
      headers: {},
      requestId: e.requestId,
      attempts: 0,
      method: 'GET',
      url: e.url ?? '',
      source: 'fallback',
      error: resolved.error,
    };
  }
  if (resolved.source === 'network' && resolved.response) return resolved.response;
  return cache.describe(resolved.set, resolved.source === 'stale' ? 'stale' : 'cache', resolved.error);
}

/**
 * Entitlement checks, answered from the client's cache when it holds the customer, else by the
 * edge API (`edgeApiUrl`) within `edgeTimeout` in total, because they sit on your users' request
 * paths. See the `cache`, `fallback` and `onFallback` client options.
 */
export class Entitlements {
  readonly #cache: EntitlementCache;

  /** The cache's loader sends the requests; this class never touches the pipeline itself. */
  constructor(cache: EntitlementCache) {
    this.#cache = cache;
    const check: AccessCheckRead = (params, options) => this.#check(params, options);
    Object.defineProperty(this, ACCESS_CHECK, { value: check });
  }

  /**
   * Whether the customer may use the feature now. A metered feature with a soft limit keeps
   * access after its quota is used up; a hard limit ends it. A feature the customer does not
   * hold gives `false`; an unknown customer rejects with `NotFoundError`. A cached customer is
   * answered without a request.
   *
   * @example
   * if (await client.entitlements.hasAccess({ customerId: 'cust_123', featureId: 'premium-reporting' })) { ... }
   */
  hasAccess(params: HasAccessParams, options?: EntitlementRequestOptions): APIPromise<boolean> {
    let customerId: string;
    let featureId: string;
    try {
      ({ customerId, featureId } = entitlementParams.feature('entitlements.hasAccess', params));
    } catch (error) {
      return new APIPromise(Promise.reject(error));
    }
    const cache = this.#cache;
    if (options === undefined) {
      // The hot path: a fresh entry answers with a promise that is already settled, unless the
      // answer is a first denial from data older than deniedTtl (it then shortened the entry).
      const now = coarseNow();
      const set = cache.fresh(customerId, now);
      if (set) {
        const answer = set.answer(featureId, () => cache.describe(set, 'cache'));
        if (now < set.freshUntil) return answer;
      }
    } else {
      try {
        checkReadOptions('entitlements.hasAccess', options);
      } catch (error) {
        return new APIPromise(Promise.reject(error));
      }
    }
    return new APIPromise(
      this.#read('entitlements.hasAccess', customerId, featureId, options).then((resolved) => ({
        data: 'fallback' in resolved ? resolved.fallback : resolved.set.access(featureId),
        response: responseOf(resolved, cache),
      })),
    );
  }

  /**
   * The customer's entitlement to one feature: `entitlement` is its merged entry, or null when
   * the customer does not hold it (`entitlements` is the same as a list, the API's shape).
   * Entries are typed by `featureType`: for a `METER`, `currentUsage` is a number.
   *
   * @example
   * const { entitlement } = await client.entitlements.getEntitlement({ customerId: 'cust_123', featureId: 'seats' });
   * if (entitlement?.featureType === 'METER') console.log(entitlement.currentUsage, entitlement.usageLimit);
   */
  getEntitlement(
    params: GetEntitlementParams,
    options?: EntitlementRequestOptions,
  ): APIPromise<GetEntitlementResponse> {
    let customerId: string;
    let featureId: string;
    try {
      ({ customerId, featureId } = entitlementParams.feature('entitlements.getEntitlement', params));
    } catch (error) {
      return new APIPromise(Promise.reject(error));
    }
    return this.#answer('entitlements.getEntitlement', customerId, options, (set) => set.one(featureId));
  }

  /**
   * All of the customer's entitlements, one merged entry per feature.
   *
   * @example
   * const { entitlements } = await client.entitlements.getAllEntitlements({ customerId: 'cust_123' });
   */
  getAllEntitlements(
    params: GetAllEntitlementsParams,
    options?: EntitlementRequestOptions,
  ): APIPromise<CheckEntitlementsResponse> {
    let customerId: string;
    try {
      customerId = entitlementParams.customer('entitlements.getAllEntitlements', params);
    } catch (error) {
      return new APIPromise(Promise.reject(error));
    }
    return this.#answer('entitlements.getAllEntitlements', customerId, options, (set) => set.all());
  }

  /**
   * The cached answer to `hasAccess`, now, without waiting: `undefined` when the customer is not
   * cached (it sends no request for them; use `prefetch`). For code that cannot await.
   *
   * @example
   * const ok = client.entitlements.peek({ customerId: 'cust_123', featureId: 'premium-reporting' }) ?? false;
   */
  peek(params: HasAccessParams): boolean | undefined {
    const { customerId, featureId } = entitlementParams.feature('entitlements.peek', params);
    return this.#cache.peek(customerId, featureId);
  }

  /**
   * Loads customers into the cache ahead of their checks (at sign-in, or at start-up for your
   * busiest customers), at most eight at a time. Never rejects: failures are in the result.
   *
   * @example
   * await client.entitlements.prefetch(['cust_123', 'cust_456']);
   */
  async prefetch(customerIds: readonly string[], options?: RequestOptions): Promise<PrefetchResult> {
    const ids = entitlementParams.customers('entitlements.prefetch', customerIds);
    // Bad options are the caller's mistake, refused once, not a failure per customer.
    checkRequestOptions('entitlements.prefetch', options);
    const result: PrefetchResult = { loaded: 0, failed: [] };
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const customerId = ids[next++] as string;
        try {
          await this.#cache.load(customerId, options, 'entitlements.prefetch');
          result.loaded++;
        } catch (error) {
          result.failed.push({ customerId, error: error as Error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PREFETCH_CONCURRENCY, ids.length) }, worker));
    return result;
  }

  /**
   * Forgets a customer's cached entitlements (and their copy in the shared store), or, with no
   * argument, every customer's in this process (which then reads no shared copy older than the
   * call; other instances keep theirs until they expire). Call it when you learn of a change the
   * SDK did not make itself: a webhook, a purchase's success page, a change in the dashboard.
   *
   * @example
   * client.entitlements.invalidate('cust_123');
   */
  invalidate(customerId?: string): void {
    if (customerId !== undefined) entitlementParams.customer('entitlements.invalidate', { customerId });
    this.#cache.invalidate(customerId);
  }

  /** `hasAccess` (same name in errors and logs, same fallbacks) and the entry behind it, from one read. */
  #check(params: HasAccessParams, options: EntitlementRequestOptions | undefined): APIPromise<AccessCheck> {
    const operation = 'entitlements.hasAccess';
    let customerId: string;
    let featureId: string;
    try {
      ({ customerId, featureId } = entitlementParams.feature(operation, params));
      checkReadOptions(operation, options);
    } catch (error) {
      return new APIPromise(Promise.reject(error));
    }
    const cache = this.#cache;
    return new APIPromise(
      this.#read(operation, customerId, featureId, options).then((resolved): WithResponse<AccessCheck> => {
        const data =
          'fallback' in resolved
            ? { granted: resolved.fallback, entitlement: null }
            : // access(), not the rule alone: a denial it gives shortens the entry to deniedTtl.
              { granted: resolved.set.access(featureId), entitlement: resolved.set.one(featureId).entitlement };
        return { data, response: responseOf(resolved, cache) };
      }),
    );
  }

  #answer<R>(
    operation: string,
    customerId: string,
    options: EntitlementRequestOptions | undefined,
    pick: (set: CachedSet) => R,
  ): APIPromise<R> {
    const cache = this.#cache;
    try {
      checkReadOptions(operation, options);
    } catch (error) {
      return new APIPromise(Promise.reject(error));
    }
    return new APIPromise(
      this.#read(operation, customerId, undefined, options).then((resolved): WithResponse<R> => {
        // A boolean fallback cannot stand for entitlement objects: rescue() threw instead.
        if ('fallback' in resolved) throw resolved.error;
        return { data: pick(resolved.set), response: responseOf(resolved, cache) };
      }),
    );
  }

  /** The cache first, then one (shared) load within the budget, then the fallbacks. */
  async #read(
    operation: string,
    customerId: string,
    featureId: string | undefined,
    options: EntitlementRequestOptions | undefined,
  ): Promise<Resolved> {
    const cache = this.#cache;
    const hit = cache.before(customerId, options, featureId);
    if (hit) return hit;
    try {
      const load = cache.load(customerId, networkOptions(options), operation, options?.fresh === true);
      const budget = options?.timeout ?? cache.config.budget;
      return { source: 'network', ...(await ownWait(load, budget, options?.signal, operation)) };
    } catch (error) {
      return cache.after(customerId, featureId, error, options);
    }
  }
}

/**
 * A caller's own wait on a load it may share with others: it ends when the caller's signal
 * aborts, or when the caller's own budget has run out (plus `JOIN_SLACK_MS`, so the load's own
 * timeout, which says more, wins for the caller who started it), though the load goes on.
 */
function ownWait<T>(
  promise: Promise<T>,
  budget: number,
  signal: AbortSignal | undefined,
  operation: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError(`${operation} was aborted by its signal.`));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new APIConnectionTimeoutError(
              `${operation} timed out: no answer within ${budget} ms (the entitlement read it waited on is still running).`,
            ),
          ),
        ),
      budget + JOIN_SLACK_MS,
    );
    unref(timer);
    // One listener per signal however many reads share it (internal/abort.ts).
    const unsubscribe = onAbort(signal, () =>
      finish(() => reject(new APIUserAbortError(`${operation} was aborted by its signal.`))),
    );
    let done = false;
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      settle();
    }
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
