/**
 * The synchronous client's entitlement reads: the same cache as the async client's, consulted
 * here on the calling thread, so a cached check returns at once and never pays the thread hop.
 * Only a miss (or an expired entry that denied) blocks on the worker; stale entries that grant
 * are refreshed in the background through the cache's own loader, without blocking.
 */
import type { WithResponse } from '../core/api-promise.js';
import type { RequestOptions } from '../core/request-options.js';
import type { CheckEntitlementsResponse, GetEntitlementResponse } from '../entitlements/access.js';
import type { CachedSet, EntitlementCache, Resolved } from '../entitlements/cache.js';
import type { RequestSpec } from '../internal/request-spec.js';
import { checkRequestOptions } from '../internal/validate.js';
import {
  checkReadOptions,
  customerEntitlements,
  type EntitlementRequestOptions,
  entitlementParams,
  type GetAllEntitlementsParams,
  type GetEntitlementParams,
  type HasAccessParams,
  networkOptions,
  type PrefetchResult,
  responseOf,
} from '../resources/entitlements.js';

/** A blocking request through the worker (the sync client's `#send`). */
export type BlockingSend = <T>(spec: RequestSpec<T>, options: RequestOptions | undefined) => WithResponse<T>;

export class SyncEntitlementReads {
  readonly #cache: EntitlementCache;
  readonly #send: BlockingSend;
  /** Throws once the client is closed: every method, cached answers included, refuses then. */
  readonly #assertOpen: () => void;

  constructor(cache: EntitlementCache, send: BlockingSend, assertOpen: () => void) {
    this.#cache = cache;
    this.#send = send;
    this.#assertOpen = assertOpen;
  }

  /** `hasAccess` returning the value: a fresh entry answers without building anything else. */
  hasAccessValue(params: HasAccessParams, options?: EntitlementRequestOptions): boolean {
    this.#assertOpen();
    const { customerId, featureId } = entitlementParams.feature('entitlements.hasAccess', params);
    const cache = this.#cache;
    if (options === undefined) {
      const now = Date.now();
      const set = cache.fresh(customerId, now);
      if (set) {
        // A first denial from data older than deniedTtl shortened the entry: fetched again.
        const ok = set.access(featureId);
        if (ok || now < set.freshUntil) return ok;
      }
    }
    const resolved = this.#read('entitlements.hasAccess', customerId, featureId, options);
    return 'fallback' in resolved ? resolved.fallback : resolved.set.access(featureId);
  }

  hasAccess(params: HasAccessParams, options?: EntitlementRequestOptions): WithResponse<boolean> {
    this.#assertOpen();
    const { customerId, featureId } = entitlementParams.feature('entitlements.hasAccess', params);
    const cache = this.#cache;
    const resolved = this.#read('entitlements.hasAccess', customerId, featureId, options);
    return {
      data: 'fallback' in resolved ? resolved.fallback : resolved.set.access(featureId),
      response: responseOf(resolved, cache),
    };
  }

  getEntitlement(
    params: GetEntitlementParams,
    options?: EntitlementRequestOptions,
  ): WithResponse<GetEntitlementResponse> {
    this.#assertOpen();
    const { customerId, featureId } = entitlementParams.feature('entitlements.getEntitlement', params);
    return this.#answer('entitlements.getEntitlement', customerId, options, (set) => set.one(featureId));
  }

  getAllEntitlements(
    params: GetAllEntitlementsParams,
    options?: EntitlementRequestOptions,
  ): WithResponse<CheckEntitlementsResponse> {
    this.#assertOpen();
    const customerId = entitlementParams.customer('entitlements.getAllEntitlements', params);
    return this.#answer('entitlements.getAllEntitlements', customerId, options, (set) => set.all());
  }

  peek(params: HasAccessParams): boolean | undefined {
    this.#assertOpen();
    const { customerId, featureId } = entitlementParams.feature('entitlements.peek', params);
    return this.#cache.peek(customerId, featureId);
  }

  /** One customer after another: the calling thread blocks anyway, so there is no concurrency to bound. */
  prefetch(customerIds: readonly string[], options?: RequestOptions): PrefetchResult {
    this.#assertOpen();
    const ids = entitlementParams.customers('entitlements.prefetch', customerIds);
    checkRequestOptions('entitlements.prefetch', options);
    const result: PrefetchResult = { loaded: 0, failed: [] };
    for (const customerId of ids) {
      try {
        this.#load('entitlements.prefetch', customerId, options);
        result.loaded++;
      } catch (error) {
        result.failed.push({ customerId, error: error as Error });
      }
    }
    return result;
  }

  invalidate(customerId?: string): void {
    this.#assertOpen();
    if (customerId !== undefined) entitlementParams.customer('entitlements.invalidate', { customerId });
    this.#cache.invalidate(customerId);
  }

  #answer<R>(
    operation: string,
    customerId: string,
    options: EntitlementRequestOptions | undefined,
    pick: (set: CachedSet) => R,
  ): WithResponse<R> {
    const resolved = this.#read(operation, customerId, undefined, options);
    if ('fallback' in resolved) throw resolved.error;
    return { data: pick(resolved.set), response: responseOf(resolved, this.#cache) };
  }

  /** The cache first, then one blocking load within the budget, then the fallbacks: as the async client. */
  #read(
    operation: string,
    customerId: string,
    featureId: string | undefined,
    options: EntitlementRequestOptions | undefined,
  ): Resolved {
    const cache = this.#cache;
    checkReadOptions(operation, options);
    const hit = cache.before(customerId, options, featureId);
    if (hit) return hit;
    try {
      return { source: 'network', ...this.#load(operation, customerId, networkOptions(options)) };
    } catch (error) {
      return cache.after(customerId, featureId, error, options);
    }
  }

  #load(operation: string, customerId: string, options: RequestOptions | undefined) {
    try {
      const { data, response } = this.#send(customerEntitlements(operation, customerId), options);
      return { set: this.#cache.fill(customerId, data, response), response };
    } catch (error) {
      this.#cache.remember(customerId, error);
      throw error;
    }
  }
}
