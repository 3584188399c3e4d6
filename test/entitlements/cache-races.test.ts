// Races between the cache's loads, our own writes, the shared store and the usage buffer, each
// found by review with a reproduction that failed before its fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useEmulator } from '../support.js';

const h = useEmulator();

function memoryStore(getDelay = 0) {
  const map = new Map<string, unknown>();
  const deletes: string[] = [];
  let hangNext = false;
  return {
    map,
    deletes,
    hangOnce() {
      hangNext = true;
    },
    store: {
      get: (key: string) => {
        if (hangNext) {
          hangNext = false;
          return new Promise<never>(() => {});
        }
        const snapshot = map.get(key);
        return getDelay ? sleep(getDelay).then(() => snapshot) : Promise.resolve(snapshot);
      },
      set: async (key: string, value: unknown) => {
        map.set(key, JSON.parse(JSON.stringify(value)));
      },
      delete: async (key: string) => {
        deletes.push(key);
        map.delete(key);
      },
    },
  };
}

describe('entitlement cache: races and second levels', () => {
  it('with a store, a customer lacking a feature who buys it is let in within deniedTtl', async () => {
    const m = memoryStore();
    const client = h.clientWith({ cache: { deniedTtl: 150, ttl: 60_000, store: m.store } });
    h.emu.seed({ subscriptions: [{ customerId: 'up', planIdentifier: 'free' }] });
    assert.equal(await client.entitlements.hasAccess({ customerId: 'up', featureId: 'api-calls' }), true);
    assert.equal(await client.entitlements.hasAccess({ customerId: 'up', featureId: 'premium-reporting' }), false);
    h.emu.seed({ subscriptions: [{ customerId: 'up', planIdentifier: 'plan-pro-monthly' }] });
    await sleep(200);
    const r = await client.entitlements.hasAccess({ customerId: 'up', featureId: 'premium-reporting' }).withResponse();
    assert.equal(r.data, true, `answered ${r.data} from ${r.response.source}`);
  });

  it('with a store, a hard limit exhausted by a DELTA stays denied after deniedTtl', async () => {
    const m = memoryStore();
    const client = h.clientWith({ cache: { deniedTtl: 100, store: m.store } });
    h.emu.seed({
      subscriptions: [{ customerId: 'm1', planIdentifier: 'free' }],
      usage: [{ customerId: 'm1', featureId: 'api-calls', value: 999 }],
    });
    const check = () => client.entitlements.hasAccess({ customerId: 'm1', featureId: 'api-calls' });
    assert.equal(await check(), true);
    await client.reporting.reportUsage({ customerId: 'm1', featureId: 'api-calls', value: 1, behaviour: 'DELTA' });
    assert.equal(await check(), false);
    await sleep(150);
    const r = await check().withResponse();
    assert.equal(r.data, false, `server has 1000/1000 (hard); answered ${r.data} from ${r.response.source}`);
  });

  it('invalidate(id) deletes the shared copy even in the second after a slow store read', async () => {
    const m = memoryStore();
    const client = h.clientWith({ cache: { store: m.store, storeTimeout: 20 } });
    h.emu.seed({
      subscriptions: [
        { customerId: 'a', planIdentifier: 'free' },
        { customerId: 'b', planIdentifier: 'free' },
      ],
    });
    await client.entitlements.hasAccess({ customerId: 'a', featureId: 'api-calls' });
    m.hangOnce();
    await client.entitlements.hasAccess({ customerId: 'b', featureId: 'api-calls' }); // store times out once
    client.entitlements.invalidate('a'); // e.g. a webhook said a's plan changed
    await sleep(30);
    assert.deepEqual(m.deletes.length, 1, 'the shared copy of a was not deleted');
  });

  it('invalidate() during a load that is reading the store is not undone by it', async () => {
    const m = memoryStore(30);
    const a = h.clientWith({ cache: { store: m.store, storeTimeout: 200 } });
    const b = h.clientWith({ cache: { store: m.store, storeTimeout: 200 } });
    h.emu.seed({ subscriptions: [{ customerId: 'x', planIdentifier: 'free' }] });
    assert.equal(await a.entitlements.hasAccess({ customerId: 'x', featureId: 'premium-reporting' }), false);
    await sleep(10);
    h.emu.seed({ subscriptions: [{ customerId: 'x', planIdentifier: 'plan-pro-monthly' }] });
    const inflight = b.entitlements.hasAccess({ customerId: 'x', featureId: 'premium-reporting' });
    await sleep(5);
    b.entitlements.invalidate('x'); // the purchase webhook arrives
    await inflight;
    const r = await b.entitlements.hasAccess({ customerId: 'x', featureId: 'premium-reporting' }).withResponse();
    assert.equal(r.data, true, `after invalidate: ${r.data} from ${r.response.source}`);
  });

  it('a refresh in flight does not undo the DELTA that exhausted a hard limit', async () => {
    // The network delivers the entitlements response late (computed before the DELTA landed).
    const slowEdge: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).includes('/entitlements')) return res;
      const body = await res.text();
      await sleep(80);
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const client = h.clientWith({ fetch: slowEdge, cache: { ttl: 300, deniedTtl: 300 } });
    h.emu.seed({
      subscriptions: [{ customerId: 'm2', planIdentifier: 'free' }],
      usage: [{ customerId: 'm2', featureId: 'api-calls', value: 999 }],
    });
    const check = () => client.entitlements.hasAccess({ customerId: 'm2', featureId: 'api-calls' });
    assert.equal(await check(), true);
    await sleep(320);
    assert.equal(await check(), true); // stale, starts a background refresh
    await sleep(10); // the refresh's answer (999 used) is computed, and on its way
    await client.reporting.reportUsage({ customerId: 'm2', featureId: 'api-calls', value: 1, behaviour: 'DELTA' });
    const r = await check().withResponse();
    assert.equal(r.data, false, `server has 1000/1000; answered ${r.data} from ${r.response.source}`);
    await sleep(100);
    assert.equal(await check(), false, 'and after the refresh landed');
  });

  it("a read that joins another's load keeps its own timeout", async () => {
    const client = h.clientWith({ edgeTimeout: 1500 });
    h.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    const first = client.entitlements.hasAccess({ customerId: 'h1', featureId: 'seats' }).catch(() => 'x');
    const started = Date.now();
    await client.entitlements
      .hasAccess({ customerId: 'h1', featureId: 'seats' }, { timeout: 100 })
      .catch(() => undefined);
    const took = Date.now() - started;
    await first;
    assert.ok(took < 400, `a read given timeout 100 took ${took} ms`);
  });
});

describe('entitlement cache: usage recorded and not yet delivered', () => {
  it('the record() that exhausts a hard limit keeps denying (default flushInterval)', async () => {
    const client = h.clientWith({ cache: { deniedTtl: 100 } });
    h.emu.seed({
      subscriptions: [{ customerId: 'r1', planIdentifier: 'free' }],
      usage: [{ customerId: 'r1', featureId: 'api-calls', value: 999 }],
    });
    const check = () => client.entitlements.hasAccess({ customerId: 'r1', featureId: 'api-calls' });
    assert.equal(await check(), true);
    await sleep(150); // the entry is 150 ms old, still fresh (ttl 60 s)
    client.reporting.record({ customerId: 'r1', featureId: 'api-calls', value: 1, behaviour: 'DELTA' });
    const r = await check().withResponse();
    assert.equal(r.data, false, `right after the exhausting record(): ${r.data} from ${r.response.source}`);
    await client.reporting.flush();
    const later = await check().withResponse();
    assert.equal(later.data, false, `after the flush delivered it: ${later.data} from ${later.response.source}`);
  });
});

describe('entitlement cache: usage delivered later', () => {
  it('after the flush, the grant fetched before delivery keeps answering from the cache', async () => {
    const client = h.clientWith({ cache: { deniedTtl: 100 } });
    h.emu.seed({
      subscriptions: [{ customerId: 'r1', planIdentifier: 'free' }],
      usage: [{ customerId: 'r1', featureId: 'api-calls', value: 999 }],
    });
    const check = () => client.entitlements.hasAccess({ customerId: 'r1', featureId: 'api-calls' });
    await check();
    await sleep(150);
    client.reporting.record({ customerId: 'r1', featureId: 'api-calls', value: 1, behaviour: 'DELTA' });
    await check();
    const res = await client.reporting.flush();
    assert.equal(res.delivered, 1);
    await sleep(300);
    const later = await check().withResponse();
    const server = await client.entitlements.hasAccess({ customerId: 'r1', featureId: 'api-calls' }, { fresh: true });
    assert.equal(
      later.data,
      server,
      `cache ${later.data} (${later.response.source}, age ${later.response.age}) vs server ${server}`,
    );
  });
});

describe('entitlement cache: every caller keeps its own budget', () => {
  it('a hot-path check that joins a prefetch keeps edgeTimeout (and its fallback)', async () => {
    const client = h.clientWith({ edgeTimeout: 200, fallback: { seats: false } });
    h.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    const warm = client.entitlements.prefetch(['p1'], { timeout: 1500 });
    const started = Date.now();
    const r = await client.entitlements
      .hasAccess({ customerId: 'p1', featureId: 'seats' })
      .withResponse()
      .catch((e) => e);
    const took = Date.now() - started;
    await warm;
    assert.ok(took < 500, `hasAccess with edgeTimeout 200 took ${took} ms (${r?.response?.source ?? r})`);
  });
});
