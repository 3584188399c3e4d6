// Every method of the sync client against the emulator: it returns what the async client
// returns (a value, not a Promise), and the server receives the same request from both.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { type ParityDeals, ParityDealsError } from '../../src/index.node.js';
import { createSyncClient, SyncPage, SyncParityDeals } from '../../src/sync/index.js';
import { seen, stable, useRig } from './helpers.js';
import { startEmulator } from '../../src/testing/index.js';

/** Either client; a case is written once and run with both. */
type Client = ParityDeals | SyncParityDeals;

interface Case {
  name: string;
  /** `tag` is 'A' for the async run and 'S' for the sync run, for ids that must not repeat. */
  call(client: Client, tag: 'A' | 'S'): unknown;
}

const cases: Case[] = [
  {
    name: 'customers.create',
    call: (c, t) =>
      c.customers.create({ customerId: `new-${t}`, email: 'ada@example.com', name: 'Ada', metadata: { plan: 'x' } }),
  },
  {
    name: 'customers.update',
    call: (c) => c.customers.update({ customerId: 'cust-a', name: 'Ada Lovelace', metadata: { tier: 'gold' } }),
  },
  { name: 'customers.retrieve', call: (c) => c.customers.retrieve({ customerId: 'cust-a' }) },
  { name: 'customers.retrieve (id needing escapes)', call: (c) => c.customers.retrieve({ customerId: 'we ird/id?#' }) },
  { name: 'customers.list', call: (c) => c.customers.list({ page: 1, pageSize: 2 }) },
  { name: 'customers.archive', call: (c, t) => c.customers.archive({ customerId: `old-${t}` }) },
  {
    name: 'checkout.createSession',
    call: (c) =>
      c.checkout.createSession({
        planIdentifier: 'plan-pro-monthly',
        chargePeriod: 'MONTHLY',
        customerId: 'cust-a',
        successUrl: 'https://example.com/ok',
        features: [{ identifier: 'seats', quantity: 3 }],
        ipAddress: '203.0.113.9',
      }),
  },
  {
    name: 'entitlements.hasAccess (granted)',
    call: (c) => c.entitlements.hasAccess({ customerId: 'cust-a', featureId: 'premium-reporting' }),
  },
  {
    name: 'entitlements.hasAccess (not held)',
    call: (c) => c.entitlements.hasAccess({ customerId: 'cust-b', featureId: 'premium-reporting' }),
  },
  {
    name: 'entitlements.getEntitlement',
    call: (c) => c.entitlements.getEntitlement({ customerId: 'cust-a', featureId: 'api-calls' }),
  },
  {
    name: 'entitlements.getAllEntitlements (merged)',
    call: (c) => c.entitlements.getAllEntitlements({ customerId: 'cust-a' }),
  },
  {
    name: 'reporting.reportUsage',
    call: (c) => c.reporting.reportUsage({ value: 7, customerId: 'cust-a', featureId: 'api-calls', behaviour: 'SET' }),
  },
  {
    name: 'reporting.reportEvent',
    call: (c, t) =>
      c.reporting.reportEvent({
        customerId: 'cust-a',
        eventName: 'report.generated',
        idempotencyKey: `key-${t}`,
        timestamp: new Date(Date.UTC(2025, 0, 1, 12)),
        properties: { pages: 3, nested: { camelCase: true } },
      }),
  },
  {
    name: 'subscriptions.update',
    call: (c) =>
      c.subscriptions.update({ subscriptionId: 'sub-a', planIdentifier: 'premium-plan', chargePeriod: 'YEARLY' }),
  },
  {
    name: 'subscriptions.cancel',
    call: (c, t) =>
      c.subscriptions.cancel({
        subscriptionId: `sub-cancel-${t}`,
        cancellationType: 'SPECIFIC_DATE',
        cancellationDate: '2025-06-30',
      }),
  },
  { name: 'subscriptions.list', call: (c) => c.subscriptions.list({ customerId: 'cust-a', pageSize: 10 }) },
];

/** A page compares by its fields; anything else as it is. Tags are folded so A and S runs compare equal. */
function view(value: unknown): unknown {
  const plain =
    value instanceof SyncPage || (value && typeof value === 'object' && 'results' in value && 'hasNextPage' in value)
      ? (({ count, next, previous, results }) => ({ count, next, previous, results }))(value as SyncPage<unknown>)
      : value;
  return JSON.parse(JSON.stringify(stable(plain) ?? null).replace(/-[AS]\b/g, '-T'));
}

describe('sync client: every method, same as the async client', () => {
  const r = useRig();
  beforeEach(async () => {
    await r.emu.reset();
    // The emulator forgot everything: so must the clients' entitlement caches.
    r.async.entitlements.invalidate();
    r.sync.entitlements.invalidate();
    await r.emu.seed({
      customers: [
        { customerId: 'cust-b', email: 'b@example.com' },
        { customerId: 'we ird/id?#' },
        { customerId: 'old-A' },
        { customerId: 'old-S' },
      ],
      subscriptions: [
        { id: 'sub-a', customerId: 'cust-a', planIdentifier: 'plan-pro-monthly', chargePeriod: 'MONTHLY' },
        { id: 'sub-topup', customerId: 'cust-a', planIdentifier: 'api-calls-topup', chargePeriod: 'ONE_TIME' },
        { id: 'sub-cancel-A', customerId: 'cust-c', planIdentifier: 'free' },
        { id: 'sub-cancel-S', customerId: 'cust-c', planIdentifier: 'free' },
      ],
      usage: [{ customerId: 'cust-a', featureId: 'api-calls', value: 12 }],
    });
  });

  for (const c of cases) {
    it(c.name, async () => {
      await r.emu.clearRequests();
      const expected = await (c.call(r.async, 'A') as Promise<unknown>);
      const asyncSeen = (await r.emu.requests()).map(seen);
      await r.emu.clearRequests();

      const actual = c.call(r.sync, 'S');
      assert.ok(
        !(actual instanceof Promise) && typeof (actual as { then?: unknown })?.then !== 'function',
        'a value, not a Promise',
      );
      const syncSeen = (await r.emu.requests()).map(seen);

      assert.deepEqual(view(actual), view(expected));
      assert.equal(syncSeen.length, 1);
      assert.deepEqual(view(syncSeen), view(asyncSeen));
    });
  }

  it('entitlements: the merge and the access rule run on the caller side (values, not raw JSON)', () => {
    const all = r.sync.entitlements.getAllEntitlements({ customerId: 'cust-a' });
    const calls = all.entitlements.find((e) => e.featureId === 'api-calls');
    assert.ok(calls, 'api-calls is held');
    assert.equal(calls.entries.length, 2, 'base plan and top-up merged into one entry');
    assert.equal(calls.usageLimit, 15_000);
    assert.equal(r.sync.entitlements.hasAccess({ customerId: 'cust-a', featureId: 'api-calls' }), true);
    assert.equal(r.sync.entitlements.hasAccess({ customerId: 'cust-a', featureId: 'no-such-feature' }), false);
  });

  it('list: a SyncPage whose getNextPage blocks and whose iterator walks every page', async () => {
    await r.emu.seed({ customers: Array.from({ length: 5 }, (_, i) => ({ customerId: `bulk-${i}` })) });
    const first = r.sync.customers.list({ pageSize: 2 });
    assert.ok(first instanceof SyncPage);
    const total = (await r.emu.state()).customers.length;
    assert.equal(first.count, total);
    assert.equal(first.results.length, 2);
    assert.equal(first.previous, null);
    assert.ok(first.hasNextPage());

    const asyncFirst = await r.async.customers.list({ pageSize: 2 });
    const second = first.getNextPage();
    assert.deepEqual(view(second), view(await asyncFirst.getNextPage()));

    const walked = [...r.sync.customers.list({ pageSize: 2 })].map((c) => c.customerId);
    const asyncWalked: string[] = [];
    for await (const c of r.async.customers.list({ pageSize: 2 })) asyncWalked.push(c.customerId);
    assert.equal(walked.length, total);
    assert.deepEqual(walked, asyncWalked);

    // The next page keeps the first request's filters and options.
    await r.emu.clearRequests();
    const subs = r.sync.subscriptions.list({ customerId: 'cust-c', pageSize: 1 }, { headers: { 'x-trace': 't1' } });
    assert.equal(subs.results.length, 1);
    subs.getNextPage();
    const [, next] = await r.emu.requests();
    assert.deepEqual(next?.query, { customer_id: 'cust-c', page: '2', page_size: '1' });
    assert.equal(next?.headers['x-trace'], 't1');

    const last = r.sync.subscriptions.list({ customerId: 'cust-c', page: 2, pageSize: 1 });
    assert.equal(last.hasNextPage(), false);
    assert.throws(
      () => last.getNextPage(),
      (e: unknown) => e instanceof ParityDealsError && /last page/.test(e.message),
    );
  });

  it('withResponse: the same modules, returning data with status, headers and attempts', async () => {
    const { data, response } = r.sync.withResponse.customers.retrieve({ customerId: 'cust-b' });
    assert.equal(data.email, 'b@example.com');
    assert.equal(response.status, 200);
    assert.equal(response.attempts, 1);
    assert.equal(response.method, 'GET');
    assert.equal(response.url, `${r.emu.url}/api/v1/customers/cust-b/`);
    assert.equal(response.headers['content-type'], 'application/json');

    const created = r.sync.withResponse.customers.create({ customerId: 'made-with-response' });
    assert.equal(created.response.status, 201);
    assert.equal(created.data.customerId, 'made-with-response');

    const access = r.sync.withResponse.entitlements.hasAccess({ customerId: 'cust-a', featureId: 'premium-reporting' });
    assert.equal(access.data, true, 'transform applied');

    const page = r.sync.withResponse.customers.list({ pageSize: 1 });
    assert.ok(page.data instanceof SyncPage);
    assert.equal(page.response.status, 200);
    assert.equal([...page.data].length, page.data.count);
  });

  it('per-request options: headers, timeout and maxRetries reach the pipeline', async () => {
    await r.emu.clearRequests();
    r.sync.customers.retrieve(
      { customerId: 'cust-b' },
      { headers: { 'X-Trace': 'abc' }, timeout: 5_000, maxRetries: 0 },
    );
    const [req] = await r.emu.requests();
    assert.equal(req?.headers['x-trace'], 'abc');
    assert.equal(req?.headers.authorization, `Bearer ${r.emu.apiKey}`);
    assert.match(req?.headers['user-agent'] ?? '', /^paritydeals-sdk\//);
  });

  it('createSyncClient from paritydeals-sdk/sync makes the same client', () => {
    const client = createSyncClient(r.options);
    try {
      assert.ok(client instanceof SyncParityDeals);
      assert.equal(client.customers.retrieve({ customerId: 'cust-b' }).customerId, 'cust-b');
    } finally {
      client.close();
    }
  });
});

describe('sync client and an emulator on its own thread', () => {
  it('refuses one started with startEmulator at once, pointing to spawnEmulator; not once it is closed', async () => {
    const emu = await startEmulator();
    const options = { accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' } as const;
    const started = Date.now();
    assert.throws(
      () => createSyncClient(options),
      (e: unknown) => e instanceof ParityDealsError && /startEmulator\(\) runs it on this thread/.test(e.message),
    );
    // Named another way, the same server on the same thread.
    assert.throws(
      () => createSyncClient({ ...options, baseUrl: emu.url.replace('127.0.0.1', 'localhost') }),
      /spawnEmulator/,
    );
    assert.ok(Date.now() - started < 1_000, 'refused without a call timing out');
    assert.equal(emu.requests().length, 0);
    await emu.close();
    createSyncClient(options).close();
  });
});
