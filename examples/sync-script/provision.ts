/**
 * A script with the synchronous client: no await, each call returns its result. For
 * migrations, cron jobs and REPL sessions, where blocking the thread is what you want.
 *
 *   npm install paritydeals-sdk
 *   PARITYDEALS_ACCESS_TOKEN=... npx tsx provision.ts cust_123 ada@example.com
 *
 * Creates the customer if needed, prints a checkout link for the pro plan, and what the
 * customer may use now.
 */
import { NotFoundError, ParityDeals } from 'paritydeals-sdk';

const [customerId, email] = process.argv.slice(2);
if (!customerId) {
  console.error('usage: provision.ts CUSTOMER_ID [EMAIL]');
  process.exit(2);
}

const client = ParityDeals.createSyncClient();
try {
  try {
    const existing = client.customers.retrieve({ customerId });
    console.log(`customer ${existing.customerId} exists (since ${existing.createdOn})`);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const created = client.customers.create({ customerId, ...(email ? { email } : {}) });
    console.log(`customer ${created.customerId} created`);
  }

  const { checkoutUrl } = client.checkout.createSession({
    customerId,
    planIdentifier: 'plan-pro-monthly',
    chargePeriod: 'MONTHLY',
    successUrl: 'https://app.example.com/welcome',
  });
  console.log(`checkout: ${checkoutUrl}`);

  try {
    const { entitlements } = client.entitlements.getAllEntitlements({ customerId });
    for (const e of entitlements) console.log(`  ${e.featureId}: ${e.hasAccess ? 'yes' : 'no'}`);
    if (entitlements.length === 0) console.log('  no entitlements yet (no subscription)');
  } catch (error) {
    // A customer without any subscription is unknown to the edge API until they buy one.
    if (!(error instanceof NotFoundError)) throw error;
    console.log('  no entitlements yet (no subscription)');
  }
} finally {
  client.close();
}
