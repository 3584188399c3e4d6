// The entitlement cache against the emulator over HTTP: what it answers, how many requests that
// costs (the emulator records every one), and how it behaves when the edge API fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  APIConnectionTimeoutError,
  AuthenticationError,
  type FallbackEvent,
  NotFoundError,
  ParityDeals,
  PermissionDeniedError,
  ServerError,
} from '../../src/index.node.js';
import { useEmulator } from '../support.js';

const h = useEmulator();
const edgeRequests = () => h.emu.requests().filter((r) => r.host === 'edge').length;
const pro = (customerId: string) => h.emu.seed({ subscriptions: [{ customerId, planIdentifier: 'plan-pro-monthly' }] });

describe('entitlement cache: hits', () => {
  it('one edge request answers every feature, for every read method', async () => {
    pro('c1');
    const e = h.client.entitlements;
    const first = await e.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' }).withResponse();
    assert.equal(first.data, true);
    assert.equal(first.response.source, 'network');
    for (let i = 0; i < 1000; i++) {
      assert.equal(await e.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' }), true);
      assert.equal(await e.hasAccess({ customerId: 'c1', featureId: 'advanced-analytics' }), false);
    }
    const one = await e.getEntitlement({ customerId: 'c1', featureId: 'seats' });
    assert.equal(one.entitlements.length, 1);
    assert.equal(one.entitlements[0]?.usageLimit, 5);
    const all = await e.getAllEntitlements({ customerId: 'c1' }).withResponse();
    assert.ok(all.data.entitlements.length >= 3);
    assert.equal(all.response.source, 'cache');
    assert.equal(all.response.attempts, 0);
    assert.ok((all.response.age ?? -1) >= 0);
    assert.equal(edgeRequests(), 1);
  });

  it('1000 concurrent misses for one customer cost one request', async () => {
    pro('c2');
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        i % 2
          ? h.client.entitlements.hasAccess({ customerId: 'c2', featureId: 'premium-reporting' })
          : h.client.entitlements.getAllEntitlements({ customerId: 'c2' }).then((r) => r.entitlements.length > 0),
      ),
    );
    assert.ok(answers.every((a) => a === true));
    assert.equal(edgeRequests(), 1);
  });

  it('what it hands out is a copy, so no caller changes what the next one sees', async () => {
    pro('c3');
    const all = await h.client.entitlements.getAllEntitlements({ customerId: 'c3' });
    const seats = all.entitlements.find((x) => x.featureId === 'seats');
    (seats as { usageLimit: number }).usageLimit = 1e9;
    (seats?.entries[0] as { usageLimit: number }).usageLimit = 1e9;
    all.entitlements.length = 0;
    const again = await h.client.entitlements.getEntitlement({ customerId: 'c3', featureId: 'seats' });
    assert.equal(again.entitlement?.featureType === 'METER' && again.entitlement.usageLimit, 5);
    assert.equal(again.entitlement?.entries[0]?.usageLimit, 5);
    assert.equal((await h.client.entitlements.getAllEntitlements({ customerId: 'c3' })).entitlements.length > 0, true);
    assert.equal(edgeRequests(), 1);
  });

  it('keeps at most maxCustomers, dropping the least recently checked', async () => {
    const client = h.clientWith({ cache: { maxCustomers: 2 } });
    for (const id of ['a', 'b', 'c']) pro(id);
    const check = (customerId: string) => client.entitlements.hasAccess({ customerId, featureId: 'seats' });
    await check('a');
    await check('b');
    await check('a'); // a is now the most recent
    await check('c'); // evicts b
    assert.equal(edgeRequests(), 3);
    await check('a');
    await check('c');
    assert.equal(edgeRequests(), 3, 'a and c still cached');
    await check('b');
    assert.equal(edgeRequests(), 4, 'b was evicted');
  });

  it('cache: false sends every check', async () => {
    const client = h.clientWith({ cache: false });
    pro('c4');
    for (let i = 0; i < 3; i++) await client.entitlements.hasAccess({ customerId: 'c4', featureId: 'seats' });
    assert.equal(edgeRequests(), 3);
  });

  it('{ fresh: true } asks the edge API and keeps its answer', async () => {
    pro('c5');
    await h.client.entitlements.hasAccess({ customerId: 'c5', featureId: 'seats' });
    const fresh = await h.client.entitlements
      .hasAccess({ customerId: 'c5', featureId: 'seats' }, { fresh: true })
      .withResponse();
    assert.equal(fresh.response.source, 'network');
    assert.equal(edgeRequests(), 2);
    await h.client.entitlements.hasAccess({ customerId: 'c5', featureId: 'seats' });
    assert.equal(edgeRequests(), 2);
  });
});

describe('entitlement cache: staying correct', () => {
  it('a purchase completed in the emulator is seen within deniedTtl', async () => {
    const client = h.clientWith({ cache: { deniedTtl: 200 } });
    const check = () => client.entitlements.hasAccess({ customerId: 'buyer', featureId: 'advanced-analytics' });
    await client.customers.create({ customerId: 'buyer' });
    const { checkoutSessionId } = await client.checkout.createSession({
      planIdentifier: 'premium-plan',
      chargePeriod: 'MONTHLY',
      customerId: 'buyer',
      successUrl: 'https://example.com/ok',
    });
    assert.equal(await check(), false);
    await h.emu.completeCheckout(checkoutSessionId);
    assert.equal(await check(), false, 'the denial is cached');
    await sleep(250);
    const after = await client.entitlements
      .hasAccess({ customerId: 'buyer', featureId: 'advanced-analytics' })
      .withResponse();
    assert.equal(after.data, true, 'an expired denial is fetched again before answering');
    assert.equal(after.response.source, 'network');
  });

  it('a customer lacking a feature gets deniedTtl too, so buying it lets them in', async () => {
    const client = h.clientWith({ cache: { deniedTtl: 150, ttl: 60_000 } });
    h.emu.seed({ subscriptions: [{ customerId: 'up', planIdentifier: 'free' }] });
    assert.equal(await client.entitlements.hasAccess({ customerId: 'up', featureId: 'api-calls' }), true);
    assert.equal(await client.entitlements.hasAccess({ customerId: 'up', featureId: 'premium-reporting' }), false);
    h.emu.seed({ subscriptions: [{ customerId: 'up', planIdentifier: 'plan-pro-monthly' }] });
    await sleep(200);
    assert.equal(await client.entitlements.hasAccess({ customerId: 'up', featureId: 'premium-reporting' }), true);
  });

  it('a hard-limit meter is denied right after the DELTA that exhausts it, with no edge request', async () => {
    h.emu.seed({
      subscriptions: [{ customerId: 'm1', planIdentifier: 'free' }],
      usage: [{ customerId: 'm1', featureId: 'api-calls', value: 990 }],
    });
    const check = () => h.client.entitlements.hasAccess({ customerId: 'm1', featureId: 'api-calls' });
    assert.equal(await check(), true);
    await h.client.reporting.reportUsage({ customerId: 'm1', featureId: 'api-calls', value: 9, behaviour: 'DELTA' });
    assert.equal(await check(), true);
    await h.client.reporting.reportUsage({ customerId: 'm1', featureId: 'api-calls', value: 1, behaviour: 'DELTA' });
    assert.equal(await check(), false);
    const { entitlements } = await h.client.entitlements.getEntitlement({ customerId: 'm1', featureId: 'api-calls' });
    assert.equal(entitlements[0]?.currentUsage, 1000);
    assert.equal(entitlements[0]?.remaining, 0);
    await h.client.reporting.reportUsage({ customerId: 'm1', featureId: 'api-calls', value: 10, behaviour: 'SET' });
    assert.equal(await check(), true, 'a SET replaces the cached usage');
    assert.equal(edgeRequests(), 1);
    // What the server holds agrees with the cached copy.
    const server = await h.client.entitlements.getEntitlement(
      { customerId: 'm1', featureId: 'api-calls' },
      { fresh: true },
    );
    assert.equal(server.entitlements[0]?.currentUsage, 10);
  });

  it('a DELTA whose outcome is unknown drops the entry instead of guessing', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'm2', planIdentifier: 'free' }] });
    await h.client.entitlements.hasAccess({ customerId: 'm2', featureId: 'api-calls' });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/usage/', times: 1 }]);
    await assert.rejects(
      h.client.reporting.reportUsage({ customerId: 'm2', featureId: 'api-calls', value: 1000, behaviour: 'DELTA' }),
      (e: { outcomeUnknown?: boolean }) => e.outcomeUnknown === true,
    );
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'm2', featureId: 'api-calls' }), false);
    assert.equal(edgeRequests(), 2, 'refetched: the server did apply it');
  });

  it('subscriptions.cancel drops the customer the SDK has seen the subscription of', async () => {
    const [sub] = h.emu.seed({
      subscriptions: [{ customerId: 's1', planIdentifier: 'plan-pro-monthly' }],
    }).subscriptions;
    pro('s2');
    const check = (customerId: string) =>
      h.client.entitlements.hasAccess({ customerId, featureId: 'premium-reporting' });
    assert.equal(await check('s1'), true);
    assert.equal(await check('s2'), true);
    for await (const _ of h.client.subscriptions.list({ customerId: 's1' })) {
      // listing teaches the cache that sub belongs to s1
    }
    await h.client.subscriptions.cancel({ subscriptionId: sub!.id, cancellationType: 'IMMEDIATE' });
    assert.equal(await check('s1'), false, 'dropped: fetched again at once');
    assert.equal(await check('s2'), true);
    assert.equal(edgeRequests(), 3, 's2 untouched');
  });

  it('a change to a subscription it has not seen expires every entry, each refreshed on its next check', async () => {
    const [sub] = h.emu.seed({
      subscriptions: [{ customerId: 's3', planIdentifier: 'plan-pro-monthly' }],
    }).subscriptions;
    const check = () => h.client.entitlements.hasAccess({ customerId: 's3', featureId: 'premium-reporting' });
    assert.equal(await check(), true);
    await h.client.subscriptions.cancel({ subscriptionId: sub!.id, cancellationType: 'IMMEDIATE' });
    const stale = await h.client.entitlements
      .hasAccess({ customerId: 's3', featureId: 'premium-reporting' })
      .withResponse();
    assert.equal(stale.response.source, 'stale');
    await sleep(50);
    assert.equal(await check(), false, 'the background refresh landed');
  });

  it('checkout.createSession and customers.create drop the customer; invalidate() drops on demand', async () => {
    pro('d1');
    pro('d2');
    const check = (customerId: string) => h.client.entitlements.hasAccess({ customerId, featureId: 'seats' });
    await check('d1');
    await check('d2');
    await h.client.checkout.createSession({
      planIdentifier: 'premium-plan',
      chargePeriod: 'MONTHLY',
      customerId: 'd1',
      successUrl: 'https://example.com/ok',
    });
    await check('d1');
    assert.equal(edgeRequests(), 3);
    h.client.entitlements.invalidate('d2');
    await check('d2');
    assert.equal(edgeRequests(), 4);
    h.client.entitlements.invalidate();
    await check('d1');
    await check('d2');
    assert.equal(edgeRequests(), 6);
  });

  it('an unknown customer is remembered briefly (one request), and creating them forgets it; 401 never is', async () => {
    const check = () => h.client.entitlements.hasAccess({ customerId: 'ghost', featureId: 'seats' });
    await assert.rejects(check(), NotFoundError);
    await assert.rejects(check(), NotFoundError);
    assert.equal(edgeRequests(), 1);
    await h.client.customers.create({ customerId: 'ghost' });
    assert.equal(await check(), false);
    assert.equal(edgeRequests(), 2);

    const wrong = h.clientWith({ accessToken: 'pd_wrong' });
    await assert.rejects(wrong.entitlements.hasAccess({ customerId: 'x', featureId: 'seats' }), AuthenticationError);
    await assert.rejects(wrong.entitlements.hasAccess({ customerId: 'x', featureId: 'seats' }), AuthenticationError);
    assert.equal(edgeRequests(), 4);

    // Nor is a 403 (a key without the permission): each check asks again.
    h.emu.seed({ subscriptions: [{ customerId: 'denied', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'status', status: 403, path: '/entitlements' }]);
    const forbidden = () => h.client.entitlements.hasAccess({ customerId: 'denied', featureId: 'seats' });
    await assert.rejects(forbidden(), PermissionDeniedError);
    await assert.rejects(forbidden(), PermissionDeniedError);
    assert.equal(edgeRequests(), 6);
    h.emu.clearFaults();
  });

  it('prefetch loads at most eight customers at once', async () => {
    let inFlight = 0;
    let most = 0;
    // The real fetch, counted: how many requests are out at once.
    const counted: typeof fetch = async (input, init) => {
      most = Math.max(most, ++inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const client = h.clientWith({ fetch: counted });
    const ids = Array.from({ length: 20 }, (_, i) => `pf${i}`);
    for (const id of ids) pro(id);
    h.emu.setFaults([{ type: 'latency', ms: 40, path: '/entitlements' }]);
    const result = await client.entitlements.prefetch(ids);
    assert.equal(result.loaded, 20);
    assert.equal(most, 8);
    assert.equal(edgeRequests(), 20);
  });

  it('peek answers from the cache without a request; prefetch loads many', async () => {
    for (const id of ['p1', 'p2', 'p3']) pro(id);
    assert.equal(h.client.entitlements.peek({ customerId: 'p1', featureId: 'premium-reporting' }), undefined);
    assert.equal(edgeRequests(), 0);
    const result = await h.client.entitlements.prefetch(['p1', 'p2', 'p3', 'p1', 'nobody']);
    assert.equal(result.loaded, 3);
    assert.deepEqual(
      result.failed.map((f) => [f.customerId, f.error instanceof NotFoundError]),
      [['nobody', true]],
    );
    assert.equal(edgeRequests(), 4);
    assert.equal(h.client.entitlements.peek({ customerId: 'p2', featureId: 'premium-reporting' }), true);
    assert.equal(h.client.entitlements.peek({ customerId: 'p2', featureId: 'advanced-analytics' }), false);
    assert.equal(edgeRequests(), 4);
  });
});

describe('entitlement cache: when the edge API fails', () => {
  const FAULTS = [{ type: 'status', status: 503 }, { type: 'hang' }, { type: 'reset' }] as const;

  for (const fault of FAULTS) {
    it(`${fault.type}: checks of known customers keep answering within edgeTimeout`, async () => {
      const events: FallbackEvent[] = [];
      const client = h.clientWith({
        edgeTimeout: 300,
        cache: { ttl: 50, deniedTtl: 50 },
        onFallback: (e) => events.push(e),
      });
      h.emu.seed({ subscriptions: [{ customerId: 'k1', planIdentifier: 'free' }] });
      const grant = () => client.entitlements.hasAccess({ customerId: 'k1', featureId: 'api-calls' }).withResponse();
      const deny = () =>
        client.entitlements.hasAccess({ customerId: 'k1', featureId: 'premium-reporting' }).withResponse();
      assert.equal((await grant()).data, true);
      h.emu.setFaults([{ ...fault, path: '/entitlements' }]);
      await sleep(60);
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const [g, d] = [await grant(), await deny()];
        assert.ok(Date.now() - started < 300 * 2 + 250, `answered in ${Date.now() - started} ms`);
        assert.equal(g.data, true);
        assert.equal(d.data, false);
        assert.ok(['stale', 'cache'].includes(g.response.source), g.response.source);
      }
      assert.ok(events.length > 0 && events.every((e) => e.source === 'stale' && e.customerId === 'k1'));
    });
  }

  it('a denied entry whose refetch failed answers at once for a second, and the outage is logged once', async () => {
    const warnings: string[] = [];
    const logger = { error() {}, warn: (m: string) => warnings.push(m), info() {}, debug() {} };
    const client = h.clientWith({ edgeTimeout: 200, cache: { deniedTtl: 50 }, logger, logLevel: 'warn' });
    h.emu.seed({ subscriptions: [{ customerId: 'b1', planIdentifier: 'free' }] });
    const deny = () => client.entitlements.hasAccess({ customerId: 'b1', featureId: 'premium-reporting' });
    assert.equal(await deny(), false);
    h.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    await sleep(60);
    assert.equal(await deny(), false, 'the refetch ran out of budget: the last known answer');
    const requestsAfterFailure = edgeRequests();
    const started = Date.now();
    for (let i = 0; i < 20; i++) assert.equal(await deny(), false);
    assert.ok(Date.now() - started < 150, `answered at once (${Date.now() - started} ms for 20)`);
    assert.equal(edgeRequests(), requestsAfterFailure, 'no refetch inside the backoff');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /"b1" answered from the last known set/);
  });

  it('a store that failed is left alone for a second, so misses do not each wait for it', async () => {
    let calls = 0;
    const store = {
      get: () => {
        calls++;
        return new Promise<never>(() => {});
      },
      set: async () => {},
      delete: async () => {},
    };
    const client = h.clientWith({ cache: { store, storeTimeout: 20 } });
    for (const id of ['s1', 's2', 's3']) pro(id);
    const started = Date.now();
    for (const id of ['s1', 's2', 's3'])
      assert.equal(await client.entitlements.hasAccess({ customerId: id, featureId: 'seats' }), true);
    assert.equal(calls, 1, 'only the first miss asked the store');
    assert.ok(Date.now() - started < 20 + 200);
  });

  it('{ fresh: true } throws when the edge API fails, rather than answer from the cache (unless given a fallback)', async () => {
    const client = h.clientWith({ edgeTimeout: 150 });
    pro('fr');
    const check = (options?: { fresh?: boolean; fallback?: boolean }) =>
      client.entitlements.hasAccess({ customerId: 'fr', featureId: 'premium-reporting' }, options);
    assert.equal(await check(), true);
    h.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    await assert.rejects(check({ fresh: true }), APIConnectionTimeoutError);
    assert.equal(await check({ fresh: true, fallback: false }), true, 'a fallback given: the last known answer first');
    assert.equal(await check(), true, 'a plain check still answers from the cache');
  });

  it('a fallback answers only when nothing is known, and says so', async () => {
    const events: FallbackEvent[] = [];
    const client = h.clientWith({
      edgeTimeout: 200,
      fallback: { 'premium-reporting': true },
      onFallback: (e) => events.push(e),
    });
    h.emu.seed({ subscriptions: [{ customerId: 'f1', planIdentifier: 'free' }] });
    assert.equal(await client.entitlements.hasAccess({ customerId: 'f1', featureId: 'premium-reporting' }), false);
    h.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    // Known (and denied) customer: the last known answer, not the fallback.
    assert.equal(await client.entitlements.hasAccess({ customerId: 'f1', featureId: 'premium-reporting' }), false);
    // Unknown customer: the fallback, within the budget.
    const started = Date.now();
    const unknown = await client.entitlements
      .hasAccess({ customerId: 'f2', featureId: 'premium-reporting' })
      .withResponse();
    assert.ok(Date.now() - started < 200 + 250);
    assert.equal(unknown.data, true);
    assert.equal(unknown.response.source, 'fallback');
    assert.ok(unknown.response.error instanceof APIConnectionTimeoutError);
    // The call's own fallback wins; a feature with none throws the edge API's error.
    assert.equal(
      await client.entitlements.hasAccess({ customerId: 'f2', featureId: 'premium-reporting' }, { fallback: false }),
      false,
    );
    await assert.rejects(
      client.entitlements.hasAccess({ customerId: 'f2', featureId: 'seats' }),
      APIConnectionTimeoutError,
    );
    await assert.rejects(client.entitlements.getAllEntitlements({ customerId: 'f2' }), APIConnectionTimeoutError);
    assert.deepEqual(
      events.filter((e) => e.customerId === 'f2').map((e) => [e.source, e.featureId]),
      [
        ['fallback', 'premium-reporting'],
        ['fallback', 'premium-reporting'],
      ],
    );
  });

  it('an expired entry that grants is answered at once and refreshed in the background', async () => {
    const client = h.clientWith({ cache: { ttl: 400 } });
    pro('w1');
    const check = () => client.entitlements.hasAccess({ customerId: 'w1', featureId: 'seats' }).withResponse();
    await check();
    await sleep(420);
    h.emu.setFaults([{ type: 'latency', ms: 200, path: '/entitlements', times: 1 }]);
    const started = Date.now();
    const stale = await check();
    assert.ok(Date.now() - started < 100, 'did not wait for the slow refresh');
    assert.equal(stale.response.source, 'stale');
    await sleep(260); // the refresh lands at ~200 ms and is fresh for 400
    assert.equal((await check()).response.source, 'cache');
    assert.equal(edgeRequests(), 2);
  });

  it('a failing refresh keeps the entry until maxStale, then the error', async () => {
    const client = h.clientWith({ edgeTimeout: 100, cache: { ttl: 50, maxStale: 400 } });
    pro('x1');
    const check = () => client.entitlements.hasAccess({ customerId: 'x1', featureId: 'seats' });
    assert.equal(await check(), true);
    h.emu.setFaults([{ type: 'status', status: 500, path: '/entitlements' }]);
    await sleep(100);
    assert.equal(await check(), true);
    await sleep(50);
    assert.equal(await check(), true);
    await sleep(400);
    await assert.rejects(check(), ServerError);
  });

  it('without a cache, a read still ends within edgeTimeout, retries included', async () => {
    const client = h.clientWith({ cache: false, edgeTimeout: 400, maxRetries: 5 });
    h.emu.setFaults([{ type: 'status', status: 503, path: '/entitlements' }]);
    const started = Date.now();
    await assert.rejects(client.entitlements.hasAccess({ customerId: 'n1', featureId: 'seats' }), ServerError);
    const took = Date.now() - started;
    assert.ok(took < 400 + 100, `took ${took} ms`);
    assert.ok(edgeRequests() >= 1);
  });

  it('an aborted wait ends at once, even when it joined another caller’s load', async () => {
    pro('ab');
    h.emu.setFaults([{ type: 'latency', ms: 300, path: '/entitlements', times: 1 }]);
    const first = h.client.entitlements.hasAccess({ customerId: 'ab', featureId: 'seats' });
    const controller = new AbortController();
    const joined = h.client.entitlements.hasAccess(
      { customerId: 'ab', featureId: 'seats' },
      { signal: controller.signal },
    );
    controller.abort();
    await assert.rejects(joined, { name: 'APIUserAbortError' });
    assert.equal(await first, true);
    assert.equal(edgeRequests(), 1);
  });
});

describe('entitlement cache: bad input', () => {
  it('refuses nonsense options and parameters before anything is sent', async () => {
    const make = (options: object) => () => new ParityDeals({ accessToken: 'k', ...options });
    assert.throws(make({ cache: { ttl: -1 } }), /cache\.ttl must be an integer from 0 to \d+, got -1/);
    assert.throws(make({ cache: 'yes' }), /cache must be false or an object/);
    assert.throws(make({ fallback: { seats: 'no' } }), /fallback\["seats"\] must be a boolean/);
    assert.throws(make({ cache: { store: {} } }), /cache\.store must be an object with get, set and delete/);
    assert.throws(
      () => h.client.entitlements.peek({ customerId: '', featureId: 'x' }),
      /entitlements\.peek: customerId must be a non-empty string/,
    );
    await assert.rejects(
      h.client.entitlements.prefetch(['ok', 42 as unknown as string]),
      /customerIds\[1\] must be a non-empty string, got 42/,
    );
    await assert.rejects(
      h.client.entitlements.prefetch(['ok'], { timout: 5 } as never),
      /entitlements\.prefetch: unknown option options\.timout; did you mean options\.timeout\?/,
    );
    assert.equal(edgeRequests(), 0);
  });
});
