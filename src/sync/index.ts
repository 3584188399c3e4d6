/**
 * paritydeals-sdk/sync: the blocking client (Node, Bun and Deno). The same client is returned
 * by `ParityDeals.createSyncClient()` from the package's main entry on those runtimes.
 */
export { SyncParityDeals, createSyncClient } from './client.js';
export { SyncPage } from './page.js';
export type {
  SyncClientOptions,
  SyncRequestOptions,
  SyncMethod,
  SyncMethodWithResponse,
  SyncModule,
  SyncModuleWithResponse,
  SyncModulesWithResponse,
  SyncCustomers,
  SyncCheckout,
  SyncEntitlements,
  SyncReporting,
  SyncSubscriptions,
} from './types.js';
