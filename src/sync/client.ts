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
import { type ClientOptions, resolveOptions } from '../options.js';
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
import { entitlementRequests } from '../resources/entitlements.js';
import { reportingRequests } from '../resources/reporting.js';
import { subscriptionRequests } from '../resources/subscriptions.js';
import { assertBlockingSupported, WorkerChannel } from './channel.js';
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
import { workerBootstrap, workerFile } from './worker-file.js';

/** Added to a call's worst case (every attempt timing out, every retry wait at its cap) before the watchdog fires. */
const WATCHDOG_SLACK_MS = 10_000;

type Builder = (params: never) => RequestSpec<unknown>;

/**
 * The request builders of each module, one per async method: the type requires exactly the
 * async client's method names, so a method added there fails to compile here until it is added.
 */
const REQUESTS: { [K in ModuleName]: Record<keyof ApiModules[K], Builder> } = {
  customers: customerRequests,
  checkout: checkoutRequests,
  entitlements: entitlementRequests,
  reporting: reportingRequests,
  subscriptions: subscriptionRequests,
};

/** The methods whose async form returns a `PagePromise`: the type demands exactly those. */
type PageMethods<M> = { [K in keyof M]: M[K] extends (...args: never[]) => PagePromise<unknown> ? K : never }[keyof M];
const PAGED: { [K in ModuleName]: Record<PageMethods<ApiModules[K]>, true> } = {
  customers: { list: true },
  checkout: {},
  entitlements: {},
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
  #closed = false;

  constructor(options: SyncClientOptions = {}) {
    assertBlockingSupported();
    if ((options as ClientOptions | null)?.fetch !== undefined) {
      throw new ParityDealsError(
        'The synchronous client cannot use a custom `fetch`: its requests are sent from a worker thread, which a function cannot be passed to. Drop the option (the default transport is used), or use ParityDeals.createAsyncClient with your fetch.',
      );
    }
    const { logger, ...resolved } = resolveOptions(options);
    this.#config = { ...resolved, logLevel: logger.level };
    this.#logger = options.logger ?? console;
    this.#channel = new WorkerChannel(workerBootstrap(workerFile()), this.#config);
    // Started now, so its boot overlaps the caller's own start-up; it is unref'd, so a client
    // that is never used does not keep the process alive.
    this.#channel.start();

    const plain = this.#modules(false);
    this.customers = plain.customers as SyncCustomers;
    this.checkout = plain.checkout as SyncCheckout;
    this.entitlements = plain.entitlements as SyncEntitlements;
    this.reporting = plain.reporting as SyncReporting;
    this.subscriptions = plain.subscriptions as SyncSubscriptions;
    this.withResponse = Object.freeze(this.#modules(true)) as unknown as SyncModulesWithResponse;
  }

  /**
   * Ends the worker thread and its keep-alive sockets. Safe to call twice; any call afterwards
   * throws. Not required before exit: the worker never keeps the process alive.
   */
  close(): void {
    this.#closed = true;
    this.#channel.close();
  }

  /** Builds each module as an object of blocking methods over the shared builders. */
  #modules(withResponse: boolean): Record<ModuleName, Record<string, unknown>> {
    const out = {} as Record<ModuleName, Record<string, unknown>>;
    for (const name of Object.keys(REQUESTS) as ModuleName[]) {
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

  #build(build: Builder, params: never): RequestSpec<unknown> {
    if (this.#closed) {
      throw new ParityDealsError(
        'This synchronous client was closed; create another with ParityDeals.createSyncClient().',
      );
    }
    return build(params);
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
    if (!reply.ok) throw fromWire(reply.error);
    return { data: transform ? transform(reply.data) : (reply.data as T), response: reply.response };
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
    const retries = options?.maxRetries ?? c.maxRetries;
    return (retries + 1) * timeout + retries * c.maxRetryDelay + WATCHDOG_SLACK_MS;
  }

  /** Hands the worker's log lines to the user's logger; a failing logger never fails the call. */
  #deliver(lines: LogLine[]): void {
    for (const line of lines) {
      try {
        this.#logger[line.level](line.message, line.details);
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
