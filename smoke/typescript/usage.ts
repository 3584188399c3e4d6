// The public API as a TypeScript user writes it, type-checked (strict, exactOptionalPropertyTypes,
// and the package's own declarations checked too: no skipLibCheck) under each module
// resolution. The smoke run copies this file to esm.mts and cjs.cts (node16), bundler.ts and
// node10.ts, so one body is checked as ESM, as CommonJS, by a bundler and by node10.
import {
  APIError,
  CancellationType,
  ChargePeriod,
  type CheckEntitlementsResponse,
  type CacheOptions,
  type ClientOptions,
  type CustomerResponse,
  type FileOutboxOption,
  NotFoundError,
  ParityDeals,
  ParityDealsError,
  type RedisOutboxOptions,
  UsageBehaviour,
  type UsageOptions,
  VERSION,
} from 'paritydeals-sdk';
import { type SyncClientOptions, type SyncParityDeals, createSyncClient } from 'paritydeals-sdk/sync';
import {
  CancellationType as EmulatorCancellationType,
  type Catalog,
  DEFAULT_CATALOG,
  type Emulator,
  spawnEmulator,
  startEmulator,
} from 'paritydeals-sdk/testing';

const options: ClientOptions = {
  accessToken: 'pd_key',
  timeout: 5_000,
  logLevel: 'warn',
  dangerouslyAllowBrowser: false,
};
// Every option object has a name an app can type its own configuration with.
const cache: CacheOptions = { ttl: 30_000, deniedTtl: 2_000 };
export const journaled: SyncClientOptions = {
  ...options,
  usage: { outbox: { file: 'usage.journal', fsync: true } satisfies FileOutboxOption },
};
export const fleet = (redis: RedisOutboxOptions['redis']): UsageOptions => ({ outbox: { redis, prefix: 'app:usage' } });

export async function use(): Promise<string> {
  const emu: Emulator = await startEmulator({ catalog: DEFAULT_CATALOG satisfies Catalog });
  const client = new ParityDeals({ ...options, cache, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl });
  const customer: CustomerResponse = await client.customers.create({ customerId: 'c1', email: 'c1@example.com' });
  const session = await client.checkout.createSession({
    planIdentifier: 'plan-pro-monthly',
    chargePeriod: ChargePeriod.MONTHLY,
    customerId: customer.customerId,
    successUrl: 'https://example.com/welcome',
  });
  const allowed: boolean = await client.entitlements.hasAccess({ customerId: 'c1', featureId: 'api-calls' });
  await client.reporting.reportUsage({
    value: 1,
    customerId: 'c1',
    featureId: 'api-calls',
    behaviour: UsageBehaviour.DELTA,
  });
  const all: CheckEntitlementsResponse = await client.entitlements.getAllEntitlements({ customerId: 'c1' });
  for await (const c of client.customers.list()) c.customerId satisfies string;
  const { data, response } = await client.customers.retrieve({ customerId: 'c1' }).withResponse();
  response.status satisfies number;
  try {
    await client.customers.retrieve({ customerId: 'nobody' }, { timeout: 1_000, maxRetries: 0 });
  } catch (error) {
    if (error instanceof NotFoundError) error.status satisfies number;
    if (error instanceof APIError && error instanceof ParityDealsError) error.outcomeUnknown satisfies boolean;
  }
  // @ts-expect-error: a misspelt option is refused at compile time
  new ParityDeals({ accesToken: 'pd_key' });
  // @ts-expect-error: enum values are checked
  await client.subscriptions.cancel({ subscriptionId: 's', cancellationType: 'SOMETIME' });
  await client.subscriptions.cancel({ subscriptionId: 's', cancellationType: CancellationType.IMMEDIATE });
  EmulatorCancellationType.IMMEDIATE satisfies CancellationType;

  const syncOptions: SyncClientOptions = { ...options, baseUrl: emu.url };
  const sync: SyncParityDeals = createSyncClient(syncOptions);
  const same: CustomerResponse = sync.customers.retrieve({ customerId: 'c1' });
  for (const c of sync.customers.list()) c.customerId satisfies string;
  ParityDeals.createSyncClient(syncOptions).close();
  sync.close();
  client.close();
  await emu.close();
  const remote = await spawnEmulator();
  await remote.close();
  return [VERSION, session.checkoutUrl, allowed, all.customerId, data.customerId, same.customerId].join(' ');
}
