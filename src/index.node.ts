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
import type { ExitHooksConfig, FileOutboxOption } from './options.js';
import type { ExitTarget, UsageReporter } from './usage/flusher.js';
import { installExitHooks, watchExit } from './usage/exit-hooks.js';
import { type RedisOutbox, type ResolvedRedisOutbox, redisOutbox } from './usage/redis-outbox.js';
import { openJournal } from './usage/journal.js';
import type { Outbox, Recovered } from './usage/outbox.js';

export * from './index.js';
// The blocking client is reachable from the main entry on these runtimes too, for annotations
// (`const client: SyncParityDeals = ParityDeals.createSyncClient(...)`); paritydeals-sdk/sync
// exports the same.
export { SyncParityDeals, SyncPage } from './sync/index.js';
export type { SyncClientOptions, SyncRequestOptions } from './sync/index.js';

/**
 * The ParityDeals client. Every method returns a Promise; `ParityDeals.createSyncClient()`
 * returns the blocking client (`SyncParityDeals`) instead.
 *
 * @example
 * import { ParityDeals } from 'paritydeals-sdk';
 * const client = ParityDeals.createAsyncClient({ accessToken: process.env.PARITYDEALS_ACCESS_TOKEN });
 * const ok = await client.entitlements.hasAccess({ customerId: 'cust_123', featureId: 'premium-reporting' });
 */
export class ParityDeals extends BaseClient {
  // Bundled beside the base class of the same name, this one would be renamed (ParityDeals2) in
  // util.inspect and stack traces; its name is set here instead of keeping every name in the
  // bundle (esbuild's keepNames costs the edge entry about 3 KB).
  static {
    // biome-ignore lint/complexity/noThisInStatic: naming the class inside its body is what makes the bundler alias it
    Object.defineProperty(this, 'name', { value: 'ParityDeals' });
  }

  protected static override defaultTransport(): TransportHandle {
    return runtimeTransport();
  }

  protected static override openOutbox(
    option: FileOutboxOption,
    warn: (message: string) => void,
  ): { outbox: Outbox; recovered: Recovered } {
    return openJournal(option, warn);
  }

  protected static override openRedisOutbox(option: ResolvedRedisOutbox, warn: (message: string) => void): RedisOutbox {
    return redisOutbox(option, warn);
  }

  protected static override watchExit(reporter: UsageReporter): () => void {
    return watchExit(reporter);
  }

  protected static override installExitHooks(target: ExitTarget, config: ExitHooksConfig): () => void {
    return installExitHooks(target, config);
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
