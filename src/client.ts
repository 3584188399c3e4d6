import { ParityDealsError } from './core/errors.js';
import { fetchTransport } from './internal/fetch-transport.js';
import { closedError, Pipeline } from './internal/pipeline.js';
import type { TransportHandle } from './internal/transport.js';
import { EntitlementCache } from './entitlements/cache.js';
import { type ClientOptions, resolveCache, resolveOptions } from './options.js';
import { Checkout } from './resources/checkout.js';
import { Customers } from './resources/customers.js';
import { customerEntitlements, Entitlements } from './resources/entitlements.js';
import type { ApiModules } from './resources/index.js';
import { Reporting, usageEntryRequest } from './resources/reporting.js';
import { Subscriptions } from './resources/subscriptions.js';
import type { SyncParityDeals } from './sync/client.js';
import type { SyncClientOptions } from './sync/types.js';
import type { ExitHooksConfig, FileOutboxOption } from './options.js';
import type { Outbox, Recovered } from './usage/outbox.js';
import type { RedisOutbox, ResolvedRedisOutbox } from './usage/redis-outbox.js';
import {
  type ExitTarget,
  jobPromise,
  type FlushJob,
  type Sender,
  settleWithin,
  type UsageObserver,
  UsageReporter,
} from './usage/flusher.js';

/**
 * The ParityDeals client. Every method returns a Promise.
 *
 * @example
 * import { ParityDeals } from 'paritydeals-sdk';
 * const client = ParityDeals.createAsyncClient({ accessToken: process.env.PARITYDEALS_ACCESS_TOKEN });
 * const ok = await client.entitlements.hasAccess({ customerId: 'cust_123', featureId: 'premium-reporting' });
 */
export class ParityDeals implements ApiModules {
  /** Create, update, retrieve and list customers. */
  readonly customers: Customers;
  /** Create checkout sessions. */
  readonly checkout: Checkout;
  /** Check what customers may use. */
  readonly entitlements: Entitlements;
  /** Report usage and events. */
  readonly reporting: Reporting;
  /** Change, cancel and list subscriptions. */
  readonly subscriptions: Subscriptions;
  readonly #release: (() => void) | undefined;
  readonly #reporter: UsageReporter;
  readonly #unhook: (() => void) | undefined;
  readonly #unwatch: (() => void) | undefined;
  readonly #outbox: Outbox | undefined;
  readonly #redis: RedisOutbox | undefined;
  readonly #stop: () => void;
  #closing: Promise<void> | undefined;

  constructor(options: ClientOptions = {}) {
    const handle = options.fetch
      ? { transport: fetchTransport(options.fetch) }
      : (this.constructor as typeof ParityDeals).defaultTransport();
    this.#release = handle.close;
    const { usage, ...resolved } = resolveOptions(options);
    // The cache loads through the pipeline, and the pipeline tells the cache what each write
    // changed, so the two are made together.
    const cache: EntitlementCache = new EntitlementCache(
      resolveCache(options, resolved),
      (customerId, requestOptions, operation) =>
        pipeline.closed
          ? Promise.reject(closedError(operation))
          : pipeline.execute(customerEntitlements(operation, customerId), requestOptions),
      resolved.logger,
    );
    const pipeline = new Pipeline({ ...resolved, transport: handle.transport, observer: cache });
    // A usage entry goes through the same pipeline as reportUsage: its retry rules (a SET is
    // repeatable, a DELTA is not) are the ones the reporter's own safety rules build on.
    const send: Sender = (entry, done) => {
      pipeline.execute(usageEntryRequest(entry), undefined).then(
        () => done(),
        (error: unknown) => {
          // What the cache was told may not have happened (yet): ask the edge API next time.
          cache.invalidate(entry.customerId);
          done(error);
        },
      );
    };
    const redis =
      usage.outbox && 'redis' in usage.outbox
        ? (this.constructor as typeof ParityDeals).openRedisOutbox(usage.outbox, (m) => resolved.logger.warn(m))
        : undefined;
    // With a Redis outbox a request goes out only once its "sending" line is in Redis.
    const sender: Sender = redis ? (entry, done) => void redis.written().then(() => send(entry, done), done) : send;
    // Every report record() accepts moves the cached meter at once, as reportUsage does.
    const observer: UsageObserver = (report) => cache.observe({ kind: 'usage', ...report }, undefined);
    const opened =
      usage.outbox && 'file' in usage.outbox
        ? (this.constructor as typeof ParityDeals).openOutbox(usage.outbox, (m) => resolved.logger.warn(m))
        : undefined;
    this.#outbox = opened?.outbox ?? redis;
    this.#redis = redis;
    this.#reporter = new UsageReporter(usage, { sender, observer, defer: queueMicrotask, outbox: this.#outbox });
    cache.withPendingUsage((customerId) => this.#reporter.pending(customerId));
    // After close(): the caller's requests are refused, and no cached answer outlives the client.
    this.#stop = () => {
      pipeline.close();
      cache.invalidate();
    };
    this.customers = new Customers(pipeline);
    this.checkout = new Checkout(pipeline);
    this.entitlements = new Entitlements(cache);
    this.reporting = new Reporting(pipeline, this.#reporter);
    this.subscriptions = new Subscriptions(pipeline);
    if (opened) this.#reporter.adopt(opened.recovered);
    redis?.start(this.#reporter);
    this.#unhook = usage.exitHooks
      ? (this.constructor as typeof ParityDeals).installExitHooks(this.#exitTarget(), usage.exitHooks)
      : undefined;
    this.#unwatch = (this.constructor as typeof ParityDeals).watchExit(this.#reporter);
  }

  /** The Promise-based client; the same as `new ParityDeals(options)`. */
  static createAsyncClient<C extends ParityDeals>(
    this: new (
      options?: ClientOptions,
    ) => C,
    options?: ClientOptions,
  ): C {
    return new this(options);
  }

  /**
   * The blocking client, whose methods return values instead of Promises. It needs worker
   * threads, so it exists on Node, Bun and Deno (this package's `node` entry), not on edge
   * runtimes or in browsers.
   */
  static createSyncClient(_options?: SyncClientOptions): SyncParityDeals {
    throw new ParityDealsError(
      'The synchronous client needs worker threads, which this runtime does not offer. Use ParityDeals.createAsyncClient here, or run on Node, Bun or Deno.',
    );
  }

  /** The transport used when no `fetch` option is given; the `node` entry overrides it. */
  protected static defaultTransport(): TransportHandle {
    return { transport: fetchTransport() };
  }

  /**
   * Hooks the process's exit for `usage.exitHooks`. Edge runtimes and browsers have no process
   * to hook (use `usage.waitUntil` there); the `node` entry overrides this.
   */
  protected static installExitHooks(_target: ExitTarget, _config: ExitHooksConfig): () => void {
    throw new ParityDealsError(
      'The usage.exitHooks option needs a process to hook (Node, Bun or Deno); on this runtime pass usage.waitUntil, or await client.reporting.flush() before the work ends.',
    );
  }

  /** Opens `usage.outbox`. A file journal needs a file system; the `node` entry overrides this. */
  protected static openOutbox(
    _option: FileOutboxOption,
    _warn: (message: string) => void,
  ): { outbox: Outbox; recovered: Recovered } {
    throw new ParityDealsError(
      'The usage.outbox file journal needs a file system (Node, Bun or Deno); on this runtime leave it out.',
    );
  }

  /**
   * Opens a `usage.outbox` in Redis. The Redis clients it runs over (ioredis, node-redis) run on
   * Node, Bun and Deno, so it lives in the `node` entry, which overrides this, and the edge
   * bundle does not carry it.
   */
  protected static openRedisOutbox(_option: ResolvedRedisOutbox, _warn: (message: string) => void): RedisOutbox {
    throw new ParityDealsError(
      'The usage.outbox Redis outbox runs where ioredis and node-redis do (Node, Bun, Deno); on this runtime leave it out, or use usage.waitUntil.',
    );
  }

  /**
   * Hands what is undelivered when the process exits to onError; edge runtimes have no process
   * exit to watch, the `node` entry overrides this.
   */
  protected static watchExit(_reporter: UsageReporter): (() => void) | undefined {
    return undefined;
  }

  /**
   * Flushes recorded usage, then stops the flush timer and releases keep-alive sockets. Calls
   * made afterwards reject with a ParityDealsError and send nothing (`reporting.record` drops,
   * calling `usage.onDrop`). The
   * promise never rejects and calling twice returns the same one; not awaiting it is safe: the
   * last flush still runs, and what it cannot deliver goes to `usage.onError`.
   */
  close(): Promise<void> {
    return (this.#closing ??= this.#shutdown(this.#reporter.close()));
  }

  #shutdown(job: FlushJob): Promise<void> {
    this.#stop();
    this.#unhook?.();
    // Nothing to deliver: release at once, as before there was anything to flush.
    const release = () => {
      // Watched until the last flush has settled: an exit before then still reaches onError.
      this.#unwatch?.();
      this.#release?.();
      if (this.#redis) return this.#redis.closeAsync();
      this.#outbox?.close();
    };
    if (job.done && !this.#redis) {
      release();
      return Promise.resolve();
    }
    return jobPromise(job).then(release);
  }

  #exitTarget(): ExitTarget {
    return {
      drain: (closing, timeoutMs) => {
        if (!closing) return settleWithin(this.#reporter, this.#reporter.finalFlush(), timeoutMs);
        const job = this.#reporter.close();
        const closed = (this.#closing ??= this.#shutdown(job));
        return Promise.race([closed, settleWithin(this.#reporter, job, timeoutMs)]);
      },
    };
  }
}
