// The cache's contract where it was once broken (stale first denials, writes racing loads, the
// backoff, stores, read options), each over HTTP to the emulator (fetch is wrapped only to
// deliver an answer late, which a server cannot script).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ParityDealsError } from '../../src/index.node.js';
import { useEmulator } from '../support.js';

const h = useEmulator();
const edgeRequests = () => h.emu.requests().filter((r) => r.host === 'edge').length;

/** A fetch whose entitlement answers arrive `ms` late: computed by the server now, delivered later. */
function lateEdge(ms: number): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!String(input instanceof Request ? input.url : input).includes('/entitlements')) return res;
    const body = await res.text();
    await sleep(ms);
    return new Response(body, { status: res.status, headers: res.headers });
  };
}

describe('staying correct after purchases and our own writes', () => {
  it('a feature bought through checkout is granted within deniedTtl, though the entry was fetched before the purchase', async () => {
    const client = h.clientWith({ cache: { deniedTtl: 150, ttl: 60_000 } });
    h.emu.seed({ subscriptions: [{ customerId: 'buyer', planIdentifier: 'free' }] });
    const { checkoutSessionId } = await client.checkout.createSession({
      planIdentifier: 'plan-pro-monthly',
      chargePeriod: 'MONTHLY',
      customerId: 'buyer',
      successUrl: 'https://example.com/ok',
    });
    // While the customer is on the checkout page, the app checks what the free plan grants.
    assert.equal(await client.entitlements.hasAccess({ customerId: 'buyer', featureId: 'api-calls' }), true);
    await h.emu.completeCheckout(checkoutSessionId);
    await sleep(300); // twice deniedTtl after the purchase
    const r = await client.entitlements
      .hasAccess({ customerId: 'buyer', featureId: 'premium-reporting' })
      .withResponse();
    assert.equal(
      r.data,
      true,
      `paid 300 ms ago (deniedTtl 150): answered ${r.data} from ${r.response.source}, age ${r.response.age} ms`,
    );
  });

  // The README's testing section: a payment through the emulator happens outside the client.
  it('a denial cached before an emulator payment stands within deniedTtl; invalidate, fresh or deniedTtl 0 let the payer in', async () => {
    const pay = async (client: ReturnType<typeof h.clientWith>, customerId: string) => {
      h.emu.seed({ subscriptions: [{ customerId, planIdentifier: 'free' }] });
      const check = { customerId, featureId: 'premium-reporting' };
      assert.equal(await client.entitlements.hasAccess(check), false, 'not before paying');
      const { checkoutSessionId } = await client.checkout.createSession({
        planIdentifier: 'plan-pro-monthly',
        chargePeriod: 'MONTHLY',
        customerId,
        successUrl: 'https://example.com/ok',
      });
      assert.equal(await client.entitlements.hasAccess(check), false, 'not before paying, once more');
      await h.emu.completeCheckout(checkoutSessionId);
      return check;
    };
    const cached = h.clientWith({});
    const stands = await pay(cached, 'p1');
    assert.equal(await cached.entitlements.hasAccess(stands), false, 'the cached denial stands');
    cached.entitlements.invalidate('p1');
    assert.equal(await cached.entitlements.hasAccess(stands), true, 'after invalidate');
    const fresh = await pay(cached, 'p2');
    assert.equal(await cached.entitlements.hasAccess(fresh, { fresh: true }), true, 'with fresh: true');
    const noDenials = h.clientWith({ cache: { deniedTtl: 0 } });
    assert.equal(await noDenials.entitlements.hasAccess(await pay(noDenials, 'p3')), true, 'with deniedTtl 0');
  });

  it('reportUsage that exhausts a hard limit while the first load is in flight is not undone by it', async () => {
    const client = h.clientWith({ fetch: lateEdge(80) });
    h.emu.seed({
      subscriptions: [{ customerId: 'u1', planIdentifier: 'free' }],
      usage: [{ customerId: 'u1', featureId: 'api-calls', value: 999 }],
    });
    const check = () => client.entitlements.hasAccess({ customerId: 'u1', featureId: 'api-calls' }).withResponse();
    const first = check(); // a miss: computed now (999 of 1000), delivered 80 ms later
    await sleep(15);
    await client.reporting.reportUsage({ customerId: 'u1', featureId: 'api-calls', value: 1, behaviour: 'DELTA' });
    await first;
    const r = await check();
    assert.equal(r.data, false, `server has 1000/1000 (hard); answered ${r.data} from ${r.response.source}`);
  });

  it('a cancellation of a subscription it has not seen is not undone by a load already in flight', async () => {
    const client = h.clientWith({ fetch: lateEdge(80) });
    const [sub] = h.emu.seed({
      subscriptions: [{ customerId: 'cx', planIdentifier: 'plan-pro-monthly' }],
    }).subscriptions;
    const check = () =>
      client.entitlements.hasAccess({ customerId: 'cx', featureId: 'premium-reporting' }).withResponse();
    const first = check(); // computed now (pro), delivered 80 ms later
    await sleep(15);
    await client.subscriptions.cancel({ subscriptionId: sub!.id, cancellationType: 'IMMEDIATE' });
    await first;
    await check(); // "every entry is expired and refreshed on its next check"
    await sleep(200); // the refresh has landed
    const r = await check();
    assert.equal(
      r.data,
      false,
      `cancelled 300 ms ago: answered ${r.data} from ${r.response.source}, age ${r.response.age} ms`,
    );
  });
});

describe('outages', () => {
  it('a denied entry whose refetch failed is not fetched again for a second (README)', async () => {
    const client = h.clientWith({ edgeTimeout: 200, maxRetries: 0, cache: { deniedTtl: 50 } });
    h.emu.seed({ subscriptions: [{ customerId: 'b1', planIdentifier: 'free' }] });
    const deny = () => client.entitlements.hasAccess({ customerId: 'b1', featureId: 'premium-reporting' });
    assert.equal(await deny(), false);
    h.emu.setFaults([{ type: 'status', status: 503, path: '/entitlements' }]);
    await sleep(60);
    assert.equal(await deny(), false, 'the refetch failed: the last known answer');
    const before = edgeRequests();
    for (let i = 0; i < 10; i++) {
      assert.equal(await deny(), false);
      await sleep(20);
    }
    assert.equal(edgeRequests() - before, 0, 'edge requests sent inside the one-second backoff');
  });
});

describe('a store never reaches a check', () => {
  it('a store whose get answers without a Promise is a store failure, not a TypeError from hasAccess', async () => {
    const map = new Map<string, unknown>();
    const store = {
      get: (key: string) => map.get(key) as Promise<unknown>, // a plain JS store, no async
      set: async (key: string, value: unknown) => void map.set(key, value),
      delete: async (key: string) => void map.delete(key),
    };
    const client = h.clientWith({ cache: { store } });
    h.emu.seed({ subscriptions: [{ customerId: 'st', planIdentifier: 'plan-pro-monthly' }] });
    const r = await client.entitlements.hasAccess({ customerId: 'st', featureId: 'premium-reporting' }).then(
      (v) => v,
      (e: unknown) => e,
    );
    assert.equal(r, true, `got ${r instanceof Error ? `${r.constructor.name}: ${r.message}` : r}`);
  });

  it('a hanging store with storeTimeout above edgeTimeout does not fail checks the edge API would answer', async () => {
    const store = { get: () => new Promise<never>(() => {}), set: async () => {}, delete: async () => {} };
    const client = h.clientWith({ edgeTimeout: 200, cache: { store, storeTimeout: 1000 } });
    h.emu.seed({ subscriptions: [{ customerId: 'sl', planIdentifier: 'plan-pro-monthly' }] });
    const r = await client.entitlements.hasAccess({ customerId: 'sl', featureId: 'premium-reporting' }).then(
      (v) => v,
      (e: unknown) => e,
    );
    assert.equal(r, true, `got ${r instanceof Error ? `${r.constructor.name}: ${r.message}` : r}`);
  });
});

describe('bad input', () => {
  it('a per-call fallback or fresh that is not a boolean is refused before anything is sent', async () => {
    h.emu.setFaults([{ type: 'status', status: 503, path: '/entitlements' }]);
    const client = h.clientWith({ edgeTimeout: 200, maxRetries: 0 });
    const got = await client.entitlements
      .hasAccess({ customerId: 'nobody', featureId: 'seats' }, { fallback: 'false' as unknown as boolean })
      .then(
        (v) => v,
        (e: unknown) => e,
      );
    assert.ok(got instanceof ParityDealsError && /fallback/.test(got.message), `answered ${JSON.stringify(got)}`);
    assert.equal(edgeRequests(), 0, 'a request was sent');
  });

  it('bad per-request options are refused on a cache hit as on a miss', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'hit', planIdentifier: 'plan-pro-monthly' }] });
    const client = h.clientWith({});
    const bad = { timeout: -5 };
    await assert.rejects(
      client.entitlements.hasAccess({ customerId: 'miss', featureId: 'seats' }, bad),
      ParityDealsError,
    );
    await client.entitlements.hasAccess({ customerId: 'hit', featureId: 'seats' });
    await assert.rejects(
      client.entitlements.hasAccess({ customerId: 'hit', featureId: 'seats' }, bad),
      ParityDealsError,
      'the same call is accepted once the customer is cached',
    );
  });
});
