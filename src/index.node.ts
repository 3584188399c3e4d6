/**
 * The entry for runtimes with Node's built-ins (Node, Bun, Deno): the same surface as
 * index.ts, with a client whose default transport is `node:http` on Node, and a working
 * `ParityDeals.createSyncClient()`.
 */
import { ParityDeals as BaseClient } from './client.js';
import { runtimeTransport } from './internal/runtime-transport.js';
import type { TransportHandle } from './internal/transport.js';
import { SyncParityDeals } from './sync/client.js';
import type { SyncClientOptions } from './sync/types.js';

export * from './index.js';

/** @inheritDoc */
export class ParityDeals extends BaseClient {
  protected static override defaultTransport(): TransportHandle {
    return runtimeTransport();
  }

  /**
   * The blocking client, whose methods return values instead of Promises (see SyncParityDeals).
   *
   * @example
   * const client = ParityDeals.createSyncClient({ accessToken: process.env.PARITYDEALS_ACCESS_TOKEN });
   * const customer = client.customers.retrieve({ customerId: 'cust_123' });
   */
  static override createSyncClient(options?: SyncClientOptions): SyncParityDeals {
    return new SyncParityDeals(options);
  }
}
