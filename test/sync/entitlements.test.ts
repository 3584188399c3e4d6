// The sync client's entitlement cache: the same rules as the async client's, answered on the
// calling thread. The emulator runs in a child process (this thread blocks during sync calls).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FallbackEvent, ParityDeals } from '../../src/index.node.js';
import { useRig } from './helpers.js';

describe('sync client: entitlement cache', () => {
  const events: FallbackEvent[] = [];
  const r = useRig({ edgeTimeout: 300, cache: { ttl: 150, deniedTtl: 150 }, onFallback: (e) => events.push(e) });
  const edge = async () => (await r.emu.requests()).filter((q) => q.host === 'edge').length;

  beforeEach(async () => {
    await r.emu.reset();
    r.sync.entitlements.invalidate();
    events.length = 0;
    await r.emu.seed({
      subscriptions: [{ customerId: 'c1', planIdentifier: 'free' }],
      usage: [{ customerId: 'c1', featureId: 'api-calls', value: 995 }],
    });
  });

  it('a cached check returns without a request and without blocking the thread', async () => {
    const check = (featureId: string) => r.sync.entitlements.hasAccess({ customerId: 'c1', featureId });
    assert.equal(check('api-calls'), true);
    const waits = { count: 0 };
    const original = Atomics.wait;
    Atomics.wait = ((...args: Parameters<typeof Atomics.wait>) => {
      waits.count++;
      return original(...args);
    }) as typeof Atomics.wait;
    try {
      for (let i = 0; i < 1000; i++) {
        assert.equal(check('api-calls'), true);
        assert.equal(check('premium-reporting'), false);
      }
      assert.equal(r.sync.entitlements.peek({ customerId: 'c1', featureId: 'seats' }), true);
      const { data, response } = r.sync.withResponse.entitlements.getAllEntitlements({ customerId: 'c1' });
      assert.ok(data.entitlements.length > 0);
      assert.equal(response.source, 'cache');
    } finally {
      Atomics.wait = original;
    }
    assert.equal(waits.count, 0, 'no hop to the worker');
    assert.equal(await edge(), 1);
  });

  it('a DELTA through the sync client moves the cached meter: denied at once, no edge request', async () => {
    const check = () => r.sync.entitlements.hasAccess({ customerId: 'c1', featureId: 'api-calls' });
    assert.equal(check(), true);
    r.sync.reporting.reportUsage({ customerId: 'c1', featureId: 'api-calls', value: 5, behaviour: 'DELTA' });
    assert.equal(check(), false);
    assert.equal(await edge(), 1);
  });

  it('an expired grant is answered at once and refreshed in the background, off the calling thread', async () => {
    // A TTL long enough that the refreshed entry is surely still fresh when looked at again.
    const client = ParityDeals.createSyncClient({ ...r.options, cache: { ttl: 400 } });
    try {
      const check = () => client.withResponse.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' });
      assert.equal(check().response.source, 'network');
      await sleep(420);
      assert.equal(check().response.source, 'stale');
      await sleep(150); // the event loop takes the worker's answer to the refresh
      assert.equal(check().response.source, 'cache');
      assert.equal(await edge(), 2);
    } finally {
      client.close();
    }
  });

  it('an expired denial is fetched before answering, so a purchase is seen within deniedTtl', async () => {
    const check = () => r.sync.entitlements.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' });
    assert.equal(check(), false);
    await r.emu.seed({ subscriptions: [{ customerId: 'c1', planIdentifier: 'plan-pro-monthly' }] });
    assert.equal(check(), false);
    await sleep(170);
    assert.equal(check(), true);
  });

  it('while the edge API hangs, known customers answer from the cache within edgeTimeout', async () => {
    const check = () => r.sync.entitlements.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' });
    assert.equal(check(), false);
    await r.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    await sleep(170);
    const started = Date.now();
    assert.equal(check(), false);
    assert.ok(Date.now() - started < 300 + 250, `took ${Date.now() - started} ms`);
    assert.deepEqual(
      events.map((e) => e.source),
      ['stale'],
    );
    await assert.throws(
      () => r.sync.entitlements.hasAccess({ customerId: 'nobody', featureId: 'seats' }),
      /timed out|budget|timeout/i,
    );
    assert.equal(r.sync.entitlements.hasAccess({ customerId: 'nobody', featureId: 'seats' }, { fallback: true }), true);
    await r.emu.setFaults([]);
  });

  it('refuses a shared store, which a blocked thread could never wait for', () => {
    const store = { get: async () => undefined, set: async () => {}, delete: async () => {} };
    assert.throws(
      () => ParityDeals.createSyncClient({ ...r.options, cache: { store } }),
      /synchronous client cannot use `cache\.store`/,
    );
  });

  it('prefetch refuses a misspelled option once, before loading anyone', async () => {
    const before = await edge();
    assert.throws(
      () => r.sync.entitlements.prefetch(['c1'], { timout: 5 } as never),
      /entitlements\.prefetch: unknown option options\.timout; did you mean options\.timeout\?/,
    );
    assert.equal(await edge(), before);
  });

  it('refuses a Redis outbox, whose client needs the thread it would block', () => {
    const redis = { call: async () => 'OK' };
    assert.throws(
      () => ParityDeals.createSyncClient({ ...r.options, usage: { outbox: { redis } } }),
      /synchronous client cannot use a Redis outbox/,
    );
  });

  it('a closed client refuses cached checks too', () => {
    const client = ParityDeals.createSyncClient(r.options);
    client.close();
    assert.throws(() => client.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }), /was closed/);
  });
});
