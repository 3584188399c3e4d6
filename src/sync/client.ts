/**
 * The synchronous client: the async client's five modules with every method blocking.
 *
 * How: a worker thread owns the real pipeline and transport; each call validates and builds its
 * `RequestSpec` here (so a `ValidationError` is thrown before anything crosses), posts the spec
 * without its `transform`, sleeps on `Atomics.wait` until the worker has answered, and applies
 * `transform` here to the data that comes back (so entitlement merging and `hasAccess` are the
 * async client's own code). Errors come back as data and are rebuilt as the same classes.
 *
 * Why our own ~100 lines (channel.ts) and not `synckit`: synckit does the same trick, but
 * (1) it would be this package's first runtime dependency, pulling two more with it
 * (`@pkgr/core`, `@dual-bundle/import-meta-resolve`), and the core package promises none;
 * (2) it keeps one worker per worker *file*, shared by every caller, while each client here
 * needs its own worker holding its own token, base URLs and sockets, closable on its own;
 * (3) it has no side channel, and we need one for log lines and for a "worker died" wake-up;
 * (4) its error passing copies own properties onto plain objects, so we would still write the
 * error rebuilding of protocol.ts. What it would save us is loading a `.ts` worker under tsx,
 * which worker-file.ts does in a few lines.
 */
import { EntitlementCache } from '../entitlements/cache.js';
import { type ClientOptions, resolveCache, resolveOptions } from '../options.js';
import type { ApiModules } from '../resources/index.js';
import type { WithResponse } from '../core/api-promise.js';
import { ParityDealsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { PageBody, PagePromise } from '../core/page.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';
import { checkRequestOptions } from '../internal/validate.js';
import { checkoutRequests } from '../resources/checkout.js';
import { customerRequests } from '../resources/customers.js';
import { customerEntitlements } from '../resources/entitlements.js';
import { checkUsage, reportingRequests, usageEntryRequest } from '../resources/reporting.js';
import { subscriptionRequests } from '../resources/subscriptions.js';
import { write } from '../internal/logger.js';
import { assertBlockingSupported, WorkerChannel } from './channel.js';
import { SyncEntitlementReads } from './entitlements.js';
import { SyncPage } from './page.js';
import { fromWire, type LogLine, type PlainSpec, type WireOptions, type WorkerConfig } from './protocol.js';
import type {
  ModuleName,
  SyncCheckout,
  SyncClientOptions,
  SyncCustomers,
  SyncEntitlements,
  SyncModulesWithResponse,
  SyncReporting,
  SyncSubscriptions,
} from './types.js';
import { workerSource } from './worker-file.js';
import type { RequestMethods } from './types.js';
import { installExitHooks, watchExit } from '../usage/exit-hooks.js';
import { openJournal } from '../usage/journal.js';
import type { Outbox } from '../usage/outbox.js';
import { type FlushJob, type FlushResult, type Sender, type UsageObserver, UsageReporter } from '../usage/flusher.js';
import { servedOnThisThread } from '../internal/emulators-on-thread.js';

/** Added to a call's worst case (every attempt timing out, every retry wait at its cap) before the watchdog fires. */
const WATCHDOG_SLACK_MS = 10_000;

type Builder = (params: never) => RequestSpec<unknown>;

/** The modules whose every method is one request through the worker; entitlements read the cache first. */
type RequestModule = Exclude<ModuleName, 'entitlements'>;

/**
 * The request builders of each module, one per async method: the type requires exactly the
 * async client's method names, so a method added there fails to compile here until it is added.
 */
const REQUESTS: { [K in RequestModule]: Record<RequestMethods<ApiModules[K]>, Builder> } = {
  customers: customerRequests,
  checkout: checkoutRequests,
  reporting: reportingRequests,
  subscriptions: subscriptionRequests,
};

/** The methods whose async form returns a `PagePromise`: the type demands exactly those. */
type PageMethods<M> = { [K in keyof M]: M[K] extends (...args: never[]) => PagePromise<unknown> ? K : never }[keyof M];
const PAGED: { [K in RequestModule]: Record<PageMethods<ApiModules[K]>, true> } = {
  customers: { list: true },
  checkout: {},
  reporting: {},
  subscriptions: { list: true },
};

/**
 * The ParityDeals client whose methods block and return their value (Node, Bun and Deno). Same
 * modules, methods, parameters, results and error classes as the async client.
 *
 * - Per-request options: `timeout`, `maxRetries`, `headers`. `signal` is refused: the calling
 *   thread sleeps until the answer, so nothing could fire it; use `timeout`.
 * - The `fetch` option is refused: a function cannot cross to the worker thread that sends the
 *   requests (with `node:http`, or `fetch` on Bun and Deno).
 * - `logger`: the lines a call logs reach your logger when that call returns, in order.
 * - The raw response: `client.withResponse.<module>.<method>(...)` returns `{ data, response }`.
 * - List methods return a `SyncPage`: `for (const item of page)` walks every page.
 * - The worker never keeps the process alive; `close()` ends it and its sockets.
 *
 * @example
 * import { ParityDeals } from 'paritydeals-sdk';
 * const client = ParityDeals.createSyncClient({ accessToken: process.env.PARITYDEALS_ACCESS_TOKEN });
 * if (client.entitlements.hasAccess({ customerId: 'cust_123', featureId: 'premium-reporting' })) { ... }
 * const { data, response } = client.withResponse.customers.retrieve({ customerId: 'cust_123' });
 * console.log(response.requestId);
 */
export class SyncParityDeals {
  /** Create, update, retrieve and list customers. */
  readonly customers: SyncCustomers;
  /** Create checkout sessions. */
  readonly checkout: SyncCheckout;
  /** Check what customers may use. */
  readonly entitlements: SyncEntitlements;
  /** Report usage and events. */
  readonly reporting: SyncReporting;
  /** Change, cancel and list subscriptions. */
  readonly subscriptions: SyncSubscriptions;
  /**
   * The same modules and methods, each returning `{ data, response }` (status, headers,
   * request id, attempts), like the async client's `.withResponse()`.
   *
   * @example
   * const { data: customer, response } = client.withResponse.customers.create({ customerId: 'c1' });
   */
  readonly withResponse: SyncModulesWithResponse;

  readonly #channel: WorkerChannel;
  readonly #config: WorkerConfig;
  readonly #logger: Logger;
  readonly #cache: EntitlementCache;
  readonly #reads: SyncEntitlementReads;
  readonly #reporter: UsageReporter;
  readonly #unhook: (() => void) | undefined;
  readonly #unwatch: () => void;
  readonly #outbox: Outbox | undefined;
  #closed = false;

  constructor(options: SyncClientOptions = {}) {
    assertBlockingSupported();
    if ((options as ClientOptions | null)?.fetch !== undefined) {
      throw new ParityDealsError(
        'The synchronous client cannot use a custom `fetch`: its requests are sent from a worker thread, which a function cannot be passed to. Drop the option (the default transport is used), or use ParityDeals.createAsyncClient with your fetch.',
      );
    }
    if (options?.cache && options.cache.store !== undefined) {
      throw new ParityDealsError(
        'The synchronous client cannot use `cache.store`: a store answers asynchronously, and this client blocks its thread, so it could never wait for it. Drop the store (the sync client still caches in memory), or use ParityDeals.createAsyncClient to share entitlements through it.',
      );
    }
    const { logger, usage, ...resolved } = resolveOptions(options);
    if (usage.outbox && 'redis' in usage.outbox) {
      throw new ParityDealsError(
        'The synchronous client cannot use a Redis outbox: it blocks the thread your Redis client runs on. Use a file outbox ({ file }) here, or the async client.',
      );
    }
    for (const url of [resolved.baseUrl, resolved.edgeApiUrl]) {
      if (servedOnThisThread(url)) {
        throw new ParityDealsError(
          `The synchronous client cannot call the emulator at ${url}: startEmulator() runs it on this thread, which the client blocks on every call, so no call could be answered. Start it with spawnEmulator() (a child process, with the same controls as Promises) for the sync client.`,
        );
      }
    }
    this.#config = { ...resolved, logLevel: logger.level };
    this.#logger = options.logger ?? console;
    // The same cache as the async client's, on this thread. Misses block on the worker (see
    // SyncEntitlementReads); refreshes of stale entries go to the worker's background channel,
    // which answers through the event loop without blocking.
    this.#cache = new EntitlementCache(
      resolveCache(options, resolved),
      (customerId, requestOptions, operation) =>
        this.#background(customerEntitlements(operation, customerId), requestOptions),
      logger,
    );
    this.#reads = new SyncEntitlementReads(
      this.#cache,
      (spec, requestOptions) => this.#send(spec, requestOptions),
      () => this.#assertOpen(),
    );
    this.#channel = new WorkerChannel(workerSource(), this.#config);

    // Usage state lives on this thread, so record() is a map update with no hop; requests go to
    // the worker on its background channel, never blocking (see docs/architecture.md).
    const sender: Sender = (entry, done) => {
      const { transform: _, ...spec } = usageEntryRequest(entry);
      this.#channel.send({ spec, options: undefined }, (reply) => {
        if ('lost' in reply) {
          this.#cache.invalidate(entry.customerId);
          return done(reply.lost);
        }
        this.#deliver(reply.logs);
        if (reply.ok) return done();
        // What the cache was told may not have happened (yet): ask the edge API next time.
        this.#cache.invalidate(entry.customerId);
        done(fromWire(reply.error));
      });
    };
    // Every report record() accepts moves the cached meter at once, as reportUsage does.
    const observer: UsageObserver = (report) => this.#cache.observe({ kind: 'usage', ...report }, undefined);
    const opened = usage.outbox ? openJournal(usage.outbox, (m) => logger.warn(m)) : undefined;
    this.#outbox = opened?.outbox;
    this.#reporter = new UsageReporter(usage, {
      sender,
      observer,
      outbox: this.#outbox,
      // A size flush posts at once: posting needs no event loop, so a busy loop that never
      // yields still gets its reports out, and poll() collects the answers when room is needed.
      defer: (start) => start(),
      poll: () => this.#channel.poll(),
    });
    this.#cache.withPendingUsage((customerId) => this.#reporter.pending(customerId));
    if (opened) this.#reporter.adopt(opened.recovered);
    // Started now, so its boot overlaps the caller's own start-up; it is unref'd, so a client
    // that is never used does not keep the process alive. After the journal is open and
    // adopted: a journal that fails there fails the constructor, with no thread left behind.
    this.#channel.start();
    this.#unwatch = watchExit(this.#reporter);
    this.#unhook = usage.exitHooks
      ? installExitHooks(
          {
            drain: (closing, timeoutMs) => {
              if (closing) this.#shutdown(timeoutMs);
              else this.#wait(this.#reporter.finalFlush(), timeoutMs);
              return Promise.resolve();
            },
          },
          usage.exitHooks,
        )
      : undefined;

    const plain = this.#modules(false);
    this.customers = plain.customers as unknown as SyncCustomers;
    this.checkout = plain.checkout as unknown as SyncCheckout;
    this.entitlements = plain.entitlements as unknown as SyncEntitlements;
    this.reporting = Object.freeze({
      ...plain.reporting,
      record: (params: Parameters<SyncReporting['record']>[0]) =>
        this.#reporter.record(checkUsage('reporting.record', params)),
      flush: (): FlushResult => this.#wait(this.#reporter.flush(), Number.POSITIVE_INFINITY),
    }) as unknown as SyncReporting;
    this.subscriptions = plain.subscriptions as unknown as SyncSubscriptions;
    this.withResponse = Object.freeze(this.#modules(true)) as unknown as SyncModulesWithResponse;
  }

  /**
   * Flushes recorded usage (blocking), then ends the worker thread and its keep-alive sockets.
   * Safe to call twice; any call afterwards throws, and `reporting.record` drops (calling
   * `usage.onDrop`). Not required before exit for requests: the worker never keeps the process
   * alive; but usage recorded and not yet flushed is only sent by close(), flush() or `usage.exitHooks`.
   */
  close(): void {
    this.#shutdown(Number.POSITIVE_INFINITY);
  }

  #shutdown(timeoutMs: number): void {
    if (this.#closed) return;
    this.#unhook?.();
    this.#wait(this.#reporter.close(), timeoutMs);
    this.#unwatch();
    this.#closed = true;
    this.#outbox?.close();
    this.#channel.close();
  }

  /**
   * Blocks until a flush job has settled, taking the worker's background replies as they come.
   * Each sleep is bounded by one usage request's worst case; past `timeoutMs` (at exit) what is
   * left is abandoned to onError.
   */
  #wait(job: FlushJob, timeoutMs: number): FlushResult {
    const deadline = Date.now() + timeoutMs;
    const perReply = this.#watchdog({ host: 'main' } as RequestSpec<unknown>, undefined);
    while (!job.done) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.#reporter.abandon(`the exit deadline of ${timeoutMs} ms`);
        break;
      }
      if (this.#channel.pending === 0) {
        // Every request settles through a reply or a lost worker; an unsettled job with
        // nothing out would be a bug here, and must not spin the thread forever.
        this.#reporter.abandon('a flush that had nothing in flight (a bug: please report it)');
        break;
      }
      // A worker that answers nothing for a request's worst case is stuck: dropping it fails
      // what is out (outcome unknown), and the next send starts a new worker.
      if (!this.#channel.waitBackground(Math.min(left, perReply))) this.#channel.dropWorker();
    }
    return job.result;
  }

  /** A request on the worker's background channel: answered through the event loop, never blocking. */
  #background<T>(spec: RequestSpec<T>, options: RequestOptions | undefined): Promise<WithResponse<T>> {
    return new Promise((resolve, reject) => {
      this.#assertOpen();
      const { transform, ...plain } = spec;
      this.#channel.send({ spec: plain, options: syncOptions(spec.operation, options) }, (reply) => {
        if ('lost' in reply) return reject(reply.lost);
        this.#deliver(reply.logs);
        if (!reply.ok) return reject(fromWire(reply.error));
        resolve({ data: transform ? transform(reply.data) : (reply.data as T), response: reply.response });
      });
    });
  }

  /** Builds each module as an object of blocking methods over the shared builders. */
  #modules(withResponse: boolean): Record<ModuleName, Record<string, unknown>> {
    const out = {} as Record<ModuleName, Record<string, unknown>>;
    out.entitlements = Object.freeze(this.#entitlements(withResponse)) as Record<string, unknown>;
    for (const name of Object.keys(REQUESTS) as RequestModule[]) {
      const paged = PAGED[name] as Record<string, true>;
      const module: Record<string, unknown> = {};
      for (const [method, build] of Object.entries(REQUESTS[name] as Record<string, Builder>)) {
        module[method] = paged[method]
          ? (params: never, options?: RequestOptions) =>
              pick(this.#page(this.#build(build, params) as RequestSpec<PageBody<unknown>>, options), withResponse)
          : (params: never, options?: RequestOptions) =>
              pick(this.#send(this.#build(build, params), options), withResponse);
      }
      out[name] = Object.freeze(module);
    }
    return out;
  }

  /** The entitlement module: its type is checked against the async client's (`SyncEntitlements`). */
  #entitlements(withResponse: boolean): object {
    const reads = this.#reads;
    if (withResponse) {
      const module: SyncModulesWithResponse['entitlements'] = {
        hasAccess: (params, options) => reads.hasAccess(params, options),
        getEntitlement: (params, options) => reads.getEntitlement(params, options),
        getAllEntitlements: (params, options) => reads.getAllEntitlements(params, options),
      };
      return module;
    }
    const module: SyncEntitlements = {
      hasAccess: (params, options) => reads.hasAccessValue(params, options),
      getEntitlement: (params, options) => reads.getEntitlement(params, options).data,
      getAllEntitlements: (params, options) => reads.getAllEntitlements(params, options).data,
      peek: (params) => reads.peek(params),
      prefetch: (customerIds, options) => reads.prefetch(customerIds, options),
      invalidate: (customerId) => reads.invalidate(customerId),
    };
    return module;
  }

  #build(build: Builder, params: never): RequestSpec<unknown> {
    this.#assertOpen();
    return build(params);
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ParityDealsError(
        'This synchronous client was closed; create another with ParityDeals.createSyncClient().',
      );
    }
  }

  /** One blocking round trip through the worker. */
  #send<T>(spec: RequestSpec<T>, options: RequestOptions | undefined): WithResponse<T> {
    const wireOptions = syncOptions(spec.operation, options);
    const { transform, ...rest } = spec;
    // The async pipeline JSON-encodes the body; doing it here keeps exactly that behaviour
    // (toJSON, dropped functions, a TypeError on cycles) and leaves only plain data to clone.
    const plain: PlainSpec = rest.body === undefined ? rest : { ...rest, body: JSON.parse(JSON.stringify(rest.body)) };
    const reply = this.#channel.call({ spec: plain, options: wireOptions }, this.#watchdog(spec, wireOptions));
    this.#deliver(reply.logs);
    if (!reply.ok) {
      const error = fromWire(reply.error);
      this.#cache.failed(spec, error);
      throw error;
    }
    const data = transform ? transform(reply.data) : (reply.data as T);
    this.#cache.succeeded(spec, data);
    return { data, response: reply.response };
  }

  #page<T>(spec: RequestSpec<PageBody<T>>, options: RequestOptions | undefined): WithResponse<SyncPage<T>> {
    const fetchPage = (query: Record<string, string>): PageBody<T> => {
      if (this.#closed) throw new ParityDealsError('This synchronous client was closed; the page cannot fetch more.');
      return this.#send({ ...spec, query: { ...spec.query, ...query } }, options).data;
    };
    const { data, response } = this.#send(spec, options);
    return { data: new SyncPage(data, fetchPage), response };
  }

  /** The worst case of one call, plus slack: every attempt timing out and every retry wait at its cap. */
  #watchdog(spec: RequestSpec<unknown>, options: WireOptions | undefined): number {
    const c = this.#config;
    const timeout = options?.timeout ?? (spec.host === 'edge' ? c.edgeTimeout : c.timeout);
    if (spec.totalTimeout) return timeout + WATCHDOG_SLACK_MS;
    const retries = options?.maxRetries ?? c.maxRetries;
    return (retries + 1) * timeout + retries * c.maxRetryDelay + WATCHDOG_SLACK_MS;
  }

  /** Hands the worker's log lines to the user's logger; a failing logger never fails the call. */
  #deliver(lines: LogLine[]): void {
    for (const line of lines) {
      try {
        write(this.#logger, line.level, line.message, line.details);
      } catch {
        /* the call's outcome matters more than its log line */
      }
    }
  }
}

/**
 * Creates the blocking client; the same as `ParityDeals.createSyncClient(options)` from the
 * package's node entry.
 */
export function createSyncClient(options?: SyncClientOptions): SyncParityDeals {
  return new SyncParityDeals(options);
}

function pick<T>(result: WithResponse<T>, withResponse: boolean): WithResponse<T> | T {
  return withResponse ? result : result.data;
}

/** Keeps the options a worker can honour; refuses `signal`, which a sleeping thread cannot. */
function syncOptions(operation: string, options: RequestOptions | undefined): WireOptions | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options === 'object' && options.signal !== undefined) {
    throw new ParityDealsError(
      'The synchronous client cannot take a `signal`: the calling thread sleeps until the answer comes, so nothing could abort it. Bound the call with the `timeout` option, or use the async client to cancel requests.',
    );
  }
  checkRequestOptions(operation, options);
  const out: WireOptions = {};
  if (options.timeout !== undefined) out.timeout = options.timeout;
  if (options.maxRetries !== undefined) out.maxRetries = options.maxRetries;
  if (options.headers !== undefined) out.headers = { ...options.headers };
  return out;
}
