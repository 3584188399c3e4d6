/**
 * The entitlement cache: one entry per customer holding every feature, consulted on the calling
 * thread by both clients before any request (see docs/architecture.md).
 *
 * Contract
 * - A fresh entry answers with no request. An entry is fresh for `ttl` while every answer it
 *   gave granted access, and only for `deniedTtl` once it denied anything (an exhausted or
 *   absent feature, a customer without subscriptions): a customer who has just paid is let in
 *   within `deniedTtl`, while customers who have access cost one request a minute.
 * - An expired entry that grants is answered at once and refreshed in the background (stale
 *   while revalidate). An expired entry that denied is fetched again before answering, because
 *   a stale denial locks out someone who may have just paid; if that fetch fails, the entry
 *   answers, and is not fetched again for `FAILED_REFRESH_BACKOFF_MS`.
 * - While the edge API fails, an entry keeps answering until `maxStale` after it was fetched.
 * - Concurrent loads of one customer share one request (single flight).
 * - A 404 (unknown customer) is remembered for `deniedTtl`; no other error is.
 * - Our own writes keep entries true (`observe`): usage moves the cached meter, subscription
 *   and checkout changes drop the customer's entry.
 *   A change it cannot pin on one customer (`invalidate()`, a subscription change of a customer
 *   never listed here) drops or expires every entry, and store copies fetched before it are
 *   not read again: another instance's copy may predate the change.
 * - What it hands out is a copy, so no caller can change what the next one sees. (Not frozen
 *   objects: V8 stores a frozen object in about twice the memory, and the cache holds one per
 *   feature per customer.)
 * - A store (second level) that is slow or fails never reaches a check: each wait is bounded by
 *   `storeTimeout`, failures are logged (once a minute) and the edge API is asked instead.
 */
import { APIPromise, type ResponseInfo, type WithResponse } from '../core/api-promise.js';
import { APIConnectionError, APIError, APIUserAbortError, NotFoundError } from '../core/errors.js';
import type { RequestOptions } from '../core/request-options.js';
import type { LevelLogger } from '../internal/logger.js';
import { messageOf } from '../internal/message.js';
import type { PipelineObserver } from '../internal/pipeline.js';
import type { Effect, RequestSpec } from '../internal/request-spec.js';
import {
  type CheckEntitlementsResponse,
  type GetEntitlementResponse,
  hasAccess,
  isMeter,
  type MergedEntitlement,
  type MeterEntitlement,
} from './access.js';
import { Lru } from './lru.js';
import { type EntitlementStore, within } from './store.js';

/** The cache's settings, resolved from the client's `cache`, `fallback` and `onFallback` options. */
export interface CacheConfig {
  /** `false` (the `cache: false` option): nothing is kept; fallbacks still apply. */
  enabled: boolean;
  ttl: number;
  deniedTtl: number;
  maxStale: number;
  maxCustomers: number;
  store: EntitlementStore | undefined;
  storeTimeout: number;
  /** Prefix of every store key; it separates API keys and hosts sharing one store. */
  storePrefix: string;
  fallback: Readonly<Record<string, boolean>>;
  onFallback: ((event: FallbackEvent) => void) | undefined;
  /** The whole read's time budget when a call gives no `timeout`: the client's `edgeTimeout`. */
  budget: number;
}

/** Told to `onFallback` when a check is answered without a fresh answer because the edge API failed. */
export interface FallbackEvent {
  customerId: string;
  /** The feature asked about; undefined for `getAllEntitlements` and background refreshes. */
  featureId: string | undefined;
  /** `stale`: the last known entitlements answered; `fallback`: the configured fallback did. */
  source: 'stale' | 'fallback';
  /** What went wrong with the edge API. */
  error: Error;
}

/** Fetches a customer's whole entitlement set from the edge API, within the read budget. */
export type Loader = (
  customerId: string,
  options: RequestOptions | undefined,
  operation: string,
) => Promise<WithResponse<CheckEntitlementsResponse>>;

/** A finished load: the entry, and how it was answered (a store hit is described as `cache`). */
export interface Loaded {
  set: CachedSet;
  response: ResponseInfo;
}

/** A report the usage buffer holds for a customer, as the cache lays it over a fetched set. */
export interface PendingUsage {
  featureId: string;
  behaviour: 'DELTA' | 'SET';
  value: number;
}

/** The cache's part of a read's options (`EntitlementRequestOptions`). */
export interface ReadOptions {
  fresh?: boolean | undefined;
  fallback?: boolean | undefined;
}

/** What a read resolved to: entitlements (fresh, cached or stale), or a fallback boolean. */
export type Resolved =
  | { set: CachedSet; source: 'network' | 'cache' | 'stale'; response?: ResponseInfo; error?: Error }
  | { fallback: boolean; error: Error };

/** The version of what is written to a store; a reader ignores any other. */
const STORE_FORMAT = 1;
/**
 * After a failed refetch of an entry that denied, it answers for this long before the next try,
 * so an outage does not cost every check of that customer the whole read budget.
 */
const FAILED_REFRESH_BACKOFF_MS = 1_000;
/** One warning per this long while the edge API or the store fails, not one per check. */
const FAILURE_LOG_INTERVAL_MS = 60_000;
/**
 * After the store failed or timed out, it is left alone for this long: while Redis is down, a
 * miss must not pay `storeTimeout` each time before going to the edge API.
 */
const STORE_PAUSE_MS = 1_000;
/** The most of a read's budget the store may take, so that the edge API always has the rest. */
const STORE_SHARE = 0.5;
/** How far past the read budget a background refresh may be out before a check stops waiting for it. */
const REFRESH_OVERDUE_SLACK_MS = 100;
/** Subscription → customer pairs remembered (from `subscriptions.list`), so a change drops the right entry. */
const MAX_KNOWN_SUBSCRIPTIONS = 100_000;

/** One customer's entitlements as cached. Immutable but for its freshness. */
export class CachedSet {
  readonly byFeature = new Map<string, MergedEntitlement>();
  /** Whether any answer from it denied access (or would: an exhausted meter, no features). */
  denied: boolean;
  freshUntil: number;
  readonly staleUntil: number;
  /** Not refetched before this (after a failed refetch of a denying entry). */
  retryAfter = 0;
  /** When a background refresh of this entry started (0: none running). */
  refreshingSince = 0;
  /** When its life ends once it has denied something: `deniedTtl` after its fetch. */
  readonly #deniedUntil: number;
  /** The `hasAccess` answers handed out while fresh, one shared promise per feature. */
  #answers: Map<string, APIPromise<boolean>> | undefined;

  constructor(
    readonly data: CheckEntitlementsResponse,
    readonly fetchedAt: number,
    readonly requestId: string | undefined,
    readonly url: string,
    config: CacheConfig,
    freshUntil?: number,
  ) {
    for (const entry of data.entitlements) this.byFeature.set(entry.featureId, entry);
    this.denied = data.entitlements.length === 0 || data.entitlements.some((e) => !hasAccess(e));
    this.#deniedUntil = fetchedAt + config.deniedTtl;
    const window = this.denied ? this.#deniedUntil : fetchedAt + config.ttl;
    this.freshUntil = freshUntil === undefined ? window : Math.min(freshUntil, window);
    this.staleUntil = fetchedAt + Math.max(config.maxStale, config.ttl);
  }

  /** The access rule for one feature; a denial shortens the entry's life to `deniedTtl`. */
  access(featureId: string): boolean {
    const ok = hasAccess(this.byFeature.get(featureId));
    if (!ok && !this.denied) {
      this.denied = true;
      this.freshUntil = Math.min(this.freshUntil, this.#deniedUntil);
    }
    return ok;
  }

  /** A shared, already-settled promise of `access(featureId)`, for the hot path. */
  answer(featureId: string, describe: () => ResponseInfo): APIPromise<boolean> {
    const answers = (this.#answers ??= new Map());
    let promise = answers.get(featureId);
    if (promise === undefined) {
      promise = APIPromise.known(this.access(featureId), describe);
      answers.set(featureId, promise);
    }
    return promise;
  }

  /** A copy of `{ customerId, entitlements, entitlement }` for the one feature (none when not held). */
  one(featureId: string): GetEntitlementResponse {
    const entry = this.byFeature.get(featureId);
    const copy = entry ? copyEntry(entry) : null;
    return { customerId: this.data.customerId, entitlements: copy ? [copy] : [], entitlement: copy };
  }

  /** A copy of every entitlement. */
  all(): CheckEntitlementsResponse {
    return { customerId: this.data.customerId, entitlements: this.data.entitlements.map(copyEntry) };
  }
}

/** A remembered 404: the customer is unknown to ParityDeals. */
class UnknownCustomer {
  constructor(
    readonly error: NotFoundError,
    readonly until: number,
  ) {}
}

export class EntitlementCache implements PipelineObserver {
  readonly config: CacheConfig;
  readonly #entries: Lru<CachedSet | UnknownCustomer>;
  readonly #inflight = new Map<string, Promise<Loaded>>();
  readonly #subscriptions = new Lru<string>(MAX_KNOWN_SUBSCRIPTIONS);
  readonly #load: Loader;
  readonly #log: LevelLogger;
  #lastFailureLog = Number.NEGATIVE_INFINITY;
  /** What the buffered reporter holds for a customer (see `withPendingUsage`). */
  #pending: ((customerId: string) => Iterable<PendingUsage>) | undefined;
  /** The store is not asked before this (it failed recently). */
  #storePausedUntil = 0;
  /**
   * Store copies fetched at or before this are not used: set when every entry was dropped or
   * expired at once (`invalidate()`, a subscription change of a customer we cannot name), whose
   * store copies cannot be deleted one by one and may predate that change.
   */
  #storeNotBefore = 0;

  constructor(config: CacheConfig, load: Loader, log: LevelLogger) {
    this.config = config;
    this.#entries = new Lru(config.enabled ? config.maxCustomers : 0);
    this.#load = load;
    this.#log = log;
  }

  /**
   * Tells the cache where to find usage accepted by `record()` and not yet delivered, so that
   * an answer fetched meanwhile (which the server computed without it) still counts it.
   */
  withPendingUsage(pending: (customerId: string) => Iterable<PendingUsage>): void {
    this.#pending = pending;
  }

  /** How many customers are cached (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  // ---- reads -------------------------------------------------------------------------------

  /** The hot path: a fresh entry, or undefined. Never sends anything. */
  fresh(customerId: string, now: number): CachedSet | undefined {
    const entry = this.#entries.get(customerId);
    return entry instanceof CachedSet && now < entry.freshUntil ? entry : undefined;
  }

  /**
   * An entry that may answer now without waiting: fresh (`cache`), or expired but allowed to
   * answer while a background refresh runs (`stale`). Throws the remembered 404 of an unknown
   * customer. Undefined when the caller must load.
   */
  servable(
    customerId: string,
    now: number,
    featureId?: string,
  ): { set: CachedSet; source: 'cache' | 'stale' } | undefined {
    const entry = this.#entries.get(customerId);
    if (entry === undefined) return undefined;
    if (entry instanceof UnknownCustomer) {
      if (now < entry.until) throw entry.error;
      this.#entries.delete(customerId);
      return undefined;
    }
    // Asking about the feature first: a denial it would give shortens the entry to deniedTtl.
    if (now < entry.freshUntil && (featureId === undefined || entry.access(featureId) || now < entry.freshUntil))
      return { set: entry, source: 'cache' };
    if (now >= entry.staleUntil) {
      this.#entries.delete(customerId);
      return undefined;
    }
    // A denying entry is fetched before it answers, except inside the backoff after a failed
    // fetch, when it answers without any request (a background refresh would be one).
    if (entry.denied) return now >= entry.retryAfter ? undefined : { set: entry, source: 'stale' };
    // A refresh still out after the whole read budget is one whose answer cannot land: the sync
    // client's caller has not let the event loop run. The caller loads itself instead (the sync
    // client blocks on its worker), so a stale answer cannot outlive a caller that never yields.
    if (entry.refreshingSince !== 0 && now - entry.refreshingSince > this.config.budget + REFRESH_OVERDUE_SLACK_MS) {
      return undefined;
    }
    this.refresh(customerId);
    return { set: entry, source: 'stale' };
  }

  /**
   * A synchronous answer from the cache, or undefined when nothing is cached. Never sends a
   * request for a customer it does not hold; an expired entry is refreshed in the background.
   */
  peek(customerId: string, featureId: string): boolean | undefined {
    try {
      const hit = this.servable(customerId, Date.now(), featureId);
      if (hit) return hit.set.access(featureId);
      const entry = this.#entries.peek(customerId);
      if (!(entry instanceof CachedSet) || Date.now() >= entry.staleUntil) return undefined;
      this.refresh(customerId);
      return entry.access(featureId);
    } catch {
      return undefined;
    }
  }

  /** The response info of an answer from the cache. */
  describe(set: CachedSet, source: 'cache' | 'stale', error?: Error): ResponseInfo {
    return {
      status: 200,
      headers: {},
      requestId: set.requestId,
      attempts: 0,
      method: 'GET',
      url: set.url,
      source,
      age: Date.now() - set.fetchedAt,
      ...(error ? { error } : {}),
    };
  }

  // ---- loads -------------------------------------------------------------------------------

  /**
   * Loads a customer's entitlements: from the store when it has them fresh, else from the edge
   * API, and fills the cache. Concurrent calls share one load; `fresh` skips the store and
   * starts a load of its own (which later callers then share).
   */
  load(customerId: string, options: RequestOptions | undefined, operation: string, fresh = false): Promise<Loaded> {
    if (!fresh) {
      const running = this.#inflight.get(customerId);
      if (running) return running;
    }
    const started = Date.now();
    // Assigned before the load's first await returns, so the check below sees the real value.
    let promise: Promise<Loaded> | undefined;
    promise = (async (): Promise<Loaded> => {
      // An entry that denied is fetched again before it answers, so that a customer who has just
      // paid is let in: from the edge API, not the store, whose copy may predate the purchase.
      const current = this.#entries.peek(customerId);
      const askStore = !fresh && this.config.store !== undefined && !(current instanceof CachedSet && current.denied);
      const stored = askStore ? await this.#fromStore(customerId, options?.timeout ?? this.config.budget) : undefined;
      if (stored) {
        // Not kept when an invalidation (or our own usage) overtook the store read.
        if (this.#inflight.get(customerId) === promise)
          this.#entries.set(customerId, this.#withPending(customerId, stored));
        return { set: stored, response: this.describe(stored, 'cache') };
      }
      // The store's wait comes out of the read's budget; without a store the budget is whole.
      const budget = askStore ? this.#remaining(options, started) : options;
      const { data, response } = await this.#load(customerId, budget, operation);
      const set: CachedSet =
        this.#inflight.get(customerId) === promise
          ? this.fill(customerId, data, response)
          : // A load overtaken by an invalidation answers its own callers but is not cached.
            new CachedSet(data, Date.now(), response.requestId, response.url, this.config);
      return { set, response };
    })();
    if (this.config.enabled) {
      this.#inflight.set(customerId, promise);
      const forget = () => {
        if (this.#inflight.get(customerId) === promise) this.#inflight.delete(customerId);
      };
      (promise as Promise<Loaded>).then(forget, (error: unknown) => {
        forget();
        this.remember(customerId, error);
      });
    }
    return promise;
  }

  /** Refreshes a customer's entry in the background; a failure keeps the old entry. */
  refresh(customerId: string): void {
    if (!this.config.enabled || this.#inflight.has(customerId)) return;
    const stale = this.#entries.peek(customerId);
    if (stale instanceof CachedSet) stale.refreshingSince = Date.now();
    this.load(customerId, undefined, 'entitlements.refresh', true).catch((error: unknown) => {
      const entry = this.#entries.peek(customerId);
      if (entry instanceof CachedSet) {
        entry.retryAfter = Date.now() + FAILED_REFRESH_BACKOFF_MS;
        entry.refreshingSince = 0;
      }
      if (isOutage(error)) this.#fellBack({ customerId, featureId: undefined, source: 'stale', error });
    });
  }

  /** Puts a freshly fetched set in the cache (and the store) and returns its entry. */
  fill(customerId: string, data: CheckEntitlementsResponse, response: ResponseInfo): CachedSet {
    // Whatever load is still out for this customer (a refresh the sync client's caller never let
    // land) is older than this answer: it must not replace it.
    this.#inflight.delete(customerId);
    const fetched = new CachedSet(data, Date.now(), response.requestId, response.url, this.config);
    const set = this.#withPending(customerId, fetched);
    this.#entries.set(customerId, set);
    const store = this.config.store;
    if (store && this.config.enabled) {
      const value = {
        v: STORE_FORMAT,
        // What the edge API answered, not our pending usage laid over it: that is this process's.
        data: fetched.data,
        fetchedAt: fetched.fetchedAt,
        requestId: fetched.requestId,
        url: fetched.url,
      };
      this.#storeWork(() => store.set(this.#key(customerId), value, fetched.freshUntil - fetched.fetchedAt));
    }
    return set;
  }

  /** Remembers what a failed load says about the customer: only a 404 is kept. */
  remember(customerId: string, error: unknown): void {
    if (!this.config.enabled || !(error instanceof NotFoundError)) return;
    this.#entries.set(customerId, new UnknownCustomer(error, Date.now() + this.config.deniedTtl));
  }

  /**
   * How every read starts, in both clients: an answer that needs no load (`servable`), unless the
   * call asked for `fresh`. Undefined: the caller loads (async, or blocking through its worker).
   */
  before(customerId: string, options: ReadOptions | undefined, featureId?: string): Resolved | undefined {
    return options?.fresh === true ? undefined : this.servable(customerId, Date.now(), featureId);
  }

  /**
   * How every read ends when its load failed, in both clients: a `fresh` read without its own
   * fallback throws (it asked not to be answered from the cache), any other is `rescue`d.
   */
  after(customerId: string, featureId: string | undefined, error: unknown, options: ReadOptions | undefined): Resolved {
    if (options?.fresh === true && options.fallback === undefined) throw error;
    return this.rescue(customerId, featureId, error, options?.fallback);
  }

  /**
   * After a load failed: the last known entitlements (until `maxStale`), else the fallback (the
   * call's, else the client's for this feature), else the error itself, thrown. Only failures
   * of the edge API (no answer, timeouts, 408, 429, 5xx) fall back; anything else is thrown.
   * `featureId` is undefined for reads that a boolean cannot answer (`getAllEntitlements`).
   */
  rescue(customerId: string, featureId: string | undefined, error: unknown, fallback?: boolean): Resolved {
    if (!isOutage(error)) throw error;
    const entry = this.#entries.peek(customerId);
    if (entry instanceof CachedSet && Date.now() < entry.staleUntil) {
      entry.retryAfter = Date.now() + FAILED_REFRESH_BACKOFF_MS;
      this.#fellBack({ customerId, featureId, source: 'stale', error });
      return { set: entry, source: 'stale', error };
    }
    const answer = featureId === undefined ? undefined : (fallback ?? this.config.fallback[featureId]);
    if (answer === undefined) throw error;
    this.#fellBack({ customerId, featureId, source: 'fallback', error });
    return { fallback: answer, error };
  }

  // ---- our own writes ----------------------------------------------------------------------

  /** After any successful request: applies its effect (the pipeline, or the sync client, calls this). */
  succeeded(spec: RequestSpec<unknown>, data: unknown): void {
    if (!spec.effect) return;
    // Usage the server has applied: a load of the customer still out was answered without it,
    // cached entry or not. (record()'s reports need no such rule: pending usage is laid over loads.)
    if (spec.effect.kind === 'usage' && this.config.enabled) this.#inflight.delete(spec.effect.customerId);
    this.observe(spec.effect, data);
  }

  /** After any failed request: a write that may have been applied is not guessed at. */
  failed(spec: RequestSpec<unknown>, error: unknown): void {
    if (spec.effect && (error as { outcomeUnknown?: unknown } | null)?.outcomeUnknown === true)
      this.unsure(spec.effect);
  }

  /** Applies what a successful request changed (its spec's `effect`) to the cached entries. */
  observe(effect: Effect, data: unknown): void {
    if (!this.config.enabled) return;
    switch (effect.kind) {
      case 'usage':
        this.#applyUsage(effect.customerId, effect.featureId, effect.behaviour, effect.value);
        return;
      case 'customer':
        this.invalidate(effect.customerId);
        return;
      case 'subscription': {
        const customerId = this.#subscriptions.peek(effect.subscriptionId);
        // Without the customer (never listed here), every entry is expired: each answers once
        // more while its refresh runs, rather than every customer being fetched at once.
        if (customerId === undefined) this.#expireAll();
        else this.invalidate(customerId);
        return;
      }
      case 'subscriptions-listed':
        for (const sub of pageResults(data)) {
          if (typeof sub.subscriptionId === 'string' && typeof sub.customerId === 'string') {
            this.#subscriptions.set(sub.subscriptionId, sub.customerId);
          }
        }
        return;
    }
  }

  /** A write whose outcome is unknown: the affected entry is refetched rather than guessed at. */
  unsure(effect: Effect): void {
    if (effect.kind === 'usage' || effect.kind === 'customer') this.invalidate(effect.customerId);
    else if (effect.kind === 'subscription') this.observe(effect, undefined);
  }

  /**
   * Drops one customer's entry (and its store copy), or every entry in this process (whose store
   * copies, fetched before now, this process then no longer reads). Loads already running for
   * them still answer their callers, but are not cached.
   */
  invalidate(customerId?: string): void {
    if (customerId === undefined) {
      this.#storeNotBefore = Date.now();
      this.#entries.clear();
      this.#inflight.clear();
      this.#subscriptions.clear();
      return;
    }
    this.#entries.delete(customerId);
    this.#inflight.delete(customerId);
    const store = this.config.store;
    if (store) this.#storeWork(() => store.delete(this.#key(customerId)), true);
  }

  #applyUsage(customerId: string, featureId: string, behaviour: 'DELTA' | 'SET', value: number): void {
    const set = this.#entries.peek(customerId);
    if (!(set instanceof CachedSet)) return;
    this.#entries.set(customerId, this.#moved(set, featureId, behaviour, value));
    // A load already on its way was answered before this usage reached the server: not kept.
    this.#inflight.delete(customerId);
  }

  /**
   * Lays what the buffered reporter holds for this customer (accepted by `record()`, not yet
   * delivered) over a set just fetched, which the server computed without it. (A report in
   * flight may already be counted by the server; then the copy counts it twice and denies a
   * little early, for at most `deniedTtl`: the safe side of a hard limit.)
   */
  #withPending(customerId: string, set: CachedSet): CachedSet {
    let out = set;
    for (const p of this.#pending?.(customerId) ?? []) out = this.#moved(out, p.featureId, p.behaviour, p.value);
    return out;
  }

  /** The set with one meter moved as a report moves it on the server. */
  #moved(set: CachedSet, featureId: string, behaviour: 'DELTA' | 'SET', value: number): CachedSet {
    const entry = set.byFeature.get(featureId);
    if (!entry || !isMeter(entry.featureType)) return set;
    const meter = entry as MeterEntitlement;
    // The server never lets usage go below zero; neither does the copy.
    const currentUsage = Math.max(0, behaviour === 'SET' ? value : (meter.currentUsage ?? 0) + value);
    const limit = meter.usageLimit;
    const remaining = typeof limit === 'number' ? Math.max(0, limit - currentUsage) : null;
    const moved: MeterEntitlement = { ...meter, currentUsage, remaining };
    moved.hasAccess = hasAccess(moved);
    const data: CheckEntitlementsResponse = {
      customerId: set.data.customerId,
      entitlements: set.data.entitlements.map((e) => (e.featureId === featureId ? moved : e)),
    };
    const next = new CachedSet(data, set.fetchedAt, set.requestId, set.url, this.config, set.freshUntil);
    next.denied ||= set.denied;
    return next;
  }

  #expireAll(): void {
    const now = Date.now();
    this.#storeNotBefore = now;
    // Loads already out were answered before the change: they answer their callers, not the cache.
    this.#inflight.clear();
    for (const entry of this.#entries.values()) if (entry instanceof CachedSet) entry.freshUntil = now;
  }

  // ---- the store -----------------------------------------------------------------------------

  /** `budget` is the read's: the store never takes more than `STORE_SHARE` of it, whatever `storeTimeout`. */
  async #fromStore(customerId: string, budget: number): Promise<CachedSet | undefined> {
    const store = this.config.store;
    if (!store || !this.config.enabled || Date.now() < this.#storePausedUntil) return undefined;
    const wait = Math.min(this.config.storeTimeout, budget * STORE_SHARE);
    const got = await within(() => store.get(this.#key(customerId)), wait);
    if (!got.ok) {
      this.#storePausedUntil = Date.now() + STORE_PAUSE_MS;
      this.#failure(`the entitlement store did not answer (${messageOf(got.error)}); asking the edge API`);
      return undefined;
    }
    const value = typeof got.value === 'string' ? safeParse(got.value) : got.value;
    if (!isStored(value)) return undefined;
    const set = new CachedSet(value.data, value.fetchedAt, value.requestId, value.url, this.config);
    return Date.now() >= set.freshUntil || set.fetchedAt <= this.#storeNotBefore ? undefined : set;
  }

  /** Runs a store write in the background, bounded like every store wait; failures are logged. */
  #storeWork(work: () => Promise<unknown>, always = false): void {
    // A delete is sent even while the store is paused: skipping it would leave a stale copy for
    // the whole fleet (a write skipped only costs another instance a miss).
    if (!always && Date.now() < this.#storePausedUntil) return;
    void within(work, this.config.storeTimeout).then((done) => {
      if (done.ok) return;
      this.#storePausedUntil = Date.now() + STORE_PAUSE_MS;
      this.#failure(`an entitlement store write failed (${messageOf(done.error)})`);
    });
  }

  #key(customerId: string): string {
    return this.config.storePrefix + customerId;
  }

  // ---- budget, alerts and logs -------------------------------------------------------------

  /** The call's options with the time left of its read budget, once the store had its share. */
  #remaining(options: RequestOptions | undefined, started: number): RequestOptions | undefined {
    const spent = Date.now() - started;
    if (spent === 0) return options;
    return { ...options, timeout: Math.max(1, (options?.timeout ?? this.config.budget) - spent) };
  }

  #fellBack(event: FallbackEvent): void {
    this.#failure(
      `entitlements of "${event.customerId}" answered from ${event.source === 'stale' ? 'the last known set' : 'the configured fallback'}: ${event.error.message}`,
    );
    try {
      this.config.onFallback?.(event);
    } catch {
      // An alerting hook must never break the check it reports on.
    }
  }

  #failure(message: string): void {
    const now = Date.now();
    if (now - this.#lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.#lastFailureLog = now;
    this.#log.warn(message);
  }
}

/**
 * A failure of the edge API itself, which the last known answer or a fallback may stand in for.
 * Exported for the middleware (src/middleware/gate.ts), whose 503 must mean what the cache means.
 */
export function isOutage(error: unknown): error is Error {
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  return error instanceof APIError && (error.status === 408 || error.status === 429 || error.status >= 500);
}

/** A copy of one merged entry and its raw entries, for a caller to keep or change. */
function copyEntry(entry: MergedEntitlement): MergedEntitlement {
  return { ...entry, entries: entry.entries.map((raw) => ({ ...raw })) };
}

interface Stored {
  v: number;
  data: CheckEntitlementsResponse;
  fetchedAt: number;
  requestId: string | undefined;
  url: string;
}

function isStored(value: unknown): value is Stored {
  const v = value as Partial<Stored> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.v === STORE_FORMAT &&
    typeof v.fetchedAt === 'number' &&
    typeof v.url === 'string' &&
    typeof v.data?.customerId === 'string' &&
    Array.isArray(v.data.entitlements) &&
    v.data.entitlements.every((e) => typeof e?.featureId === 'string' && Array.isArray(e.entries))
  );
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function pageResults(data: unknown): Array<{ subscriptionId?: unknown; customerId?: unknown }> {
  const results = (data as { results?: unknown } | null)?.results;
  return Array.isArray(results) ? results : [];
}
