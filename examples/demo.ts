/**
 * A customer's life on ParityDeals, run against the local emulator (no account needed):
 * sign-up → checkout, paid on the emulator's page → entitlement check → usage up to the
 * limit → access denied → plan upgrade → access again → cancellation.
 *
 *   npm run demo
 */
import { ParityDeals } from '../src/index.node.js';
import type { SyncParityDeals } from '../src/sync/index.js';
import { spawnEmulator } from '../src/testing/index.js';

// The emulator runs in its own process, as the real API would: a synchronous client blocks
// its own thread while it waits, so the server cannot live there.
const emu = await spawnEmulator();
const options = { accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl };

/** The clients' methods return Promises (async client) or values (sync client); `await` takes both. */
type Client = ParityDeals | SyncParityDeals;

async function walkthrough(label: string, client: Client, customerId: string): Promise<void> {
  const step = (what: string, detail = '') => console.log(`  ${what.padEnd(34)} ${detail}`);
  console.log(`\n${label}`);

  const customer = await client.customers.create({
    customerId,
    email: `${customerId}@example.com`,
    name: 'Ada Lovelace',
  });
  step('customer created', `${customer.customerId} (server id ${customer.id})`);

  const session = await client.checkout.createSession({
    planIdentifier: 'plan-pro-monthly',
    chargePeriod: 'MONTHLY',
    customerId,
    successUrl: 'https://example.com/welcome',
  });
  step('checkout session', session.checkoutUrl);
  const page = await fetch(session.checkoutUrl);
  step('checkout page', `${page.status} ${page.headers.get('content-type')}`);
  // What the browser does when the customer clicks Pay: post the page's form.
  const paid = await fetch(session.checkoutUrl, { method: 'POST', redirect: 'manual' });
  step('paid', `${paid.status} → ${paid.headers.get('location')}`);

  const access = () => client.entitlements.hasAccess({ customerId, featureId: 'api-calls' });
  step('api-calls access?', String(await access()));
  const { entitlement: calls } = await client.entitlements.getEntitlement({ customerId, featureId: 'api-calls' });
  if (calls?.featureType !== 'METER') throw new Error(`api-calls should be a meter, got ${calls?.featureType}`);
  const limit = calls.usageLimit ?? 0;
  step('api-calls quota', `${calls.currentUsage} of ${limit} used (hard limit: ${calls.hardLimit})`);

  await client.reporting.reportUsage({ value: limit - 1, customerId, featureId: 'api-calls', behaviour: 'SET' });
  await client.reporting.reportUsage({ value: 1, customerId, featureId: 'api-calls', behaviour: 'DELTA' });
  step('usage reported', `SET ${limit - 1}, then DELTA 1`);
  step('api-calls access?', `${await access()} (quota used up)`);

  const [subscription] = (await client.subscriptions.list({ customerId })).results;
  const subscriptionId = String(subscription?.subscriptionId ?? subscription?.id);
  await client.subscriptions.update({ subscriptionId, planIdentifier: 'premium-plan', chargePeriod: 'MONTHLY' });
  step('upgraded', `${subscriptionId} → premium-plan`);
  step('api-calls access?', String(await access()));

  const { message } = await client.subscriptions.cancel({ subscriptionId, cancellationType: 'IMMEDIATE' });
  step('cancelled', message);
  step('api-calls access?', String(await access()));
  await client.reporting.reportEvent({ customerId, eventName: 'demo.finished', properties: { steps: 9 } });
}

try {
  const client = ParityDeals.createAsyncClient(options);
  await walkthrough('Asynchronous client (every method returns a Promise)', client, 'ada-async');
  client.close();

  const sync = ParityDeals.createSyncClient(options);
  await walkthrough('Synchronous client (every method blocks and returns the value)', sync, 'ada-sync');
  sync.close();
} finally {
  await emu.close();
}
