import { ParityDealsError } from './core/errors.js';
import { fetchTransport } from './internal/fetch-transport.js';
import { Pipeline } from './internal/pipeline.js';
import type { TransportHandle } from './internal/transport.js';
import { EntitlementCache } from './entitlements/cache.js';
import { type ClientOptions, resolveCache, resolveOptions } from './options.js';
import { Checkout } from './resources/checkout.js';
import { Customers } from './resources/customers.js';
import { customerEntitlements, Entitlements } from './resources/entitlements.js';
import type { ApiModules } from './resources/index.js';
import { Reporting } from './resources/reporting.js';
import { Subscriptions } from './resources/subscriptions.js';
import type { SyncParityDeals } from './sync/client.js';
import type { SyncClientOptions } from './sync/types.js';

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
  readonly #close: (() => void) | undefined;

  constructor(options: ClientOptions = {}) {
    const handle = options.fetch
      ? { transport: fetchTransport(options.fetch) }
      : (this.constructor as typeof ParityDeals).defaultTransport();
    this.#close = handle.close;
    const resolved = resolveOptions(options);
    // The cache loads through the pipeline, and the pipeline tells the cache what each write
    // changed, so the two are made together.
    const cache: EntitlementCache = new EntitlementCache(
      resolveCache(options, resolved),
      (customerId, requestOptions, operation) =>
        pipeline.execute(customerEntitlements(operation, customerId), requestOptions),
      resolved.logger,
    );
    const pipeline = new Pipeline({ ...resolved, transport: handle.transport, observer: cache });
    this.customers = new Customers(pipeline);
    this.checkout = new Checkout(pipeline);
    this.entitlements = new Entitlements(cache);
    this.reporting = new Reporting(pipeline);
    this.subscriptions = new Subscriptions(pipeline);
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

  /** Releases idle keep-alive sockets. The client must not be used afterwards. */
  close(): void {
    this.#close?.();
  }
}
