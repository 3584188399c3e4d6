// The Redis store against a real redis-server, with both Redis packages users have: a fleet
// shares one cache (one instance's miss answers another's check), and a Redis that is slow or
// gone never slows or breaks a check.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { type ClientOptions, ParityDeals } from '../../src/index.node.js';
import { redisStore } from '../../src/redis/index.js';
import { type Emulator, startEmulator } from '../../src/testing/index.js';
import { type RedisServer, redisMissing, startRedis } from './helpers.js';

const run = promisify(execFile);
const FILL = fileURLToPath(new URL('./fixtures/fill.ts', import.meta.url));

describe('redis store', { skip: redisMissing }, () => {
  let server: RedisServer;
  let emu: Emulator;
  let io: Redis;
  let node: ReturnType<typeof createClient>;
  const clients: ParityDeals[] = [];
  const client = (options: ClientOptions = {}) => {
    const c = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      ...options,
    });
    clients.push(c);
    return c;
  };
  const edge = () => emu.requests().filter((r) => r.host === 'edge').length;

  before(async () => {
    server = await startRedis();
    emu = await startEmulator();
    io = new Redis(server.url, { maxRetriesPerRequest: 1 });
    node = createClient({ url: server.url });
    await node.connect();
  });
  beforeEach(async () => {
    emu.reset();
    await io.flushall();
    emu.seed({ subscriptions: [{ customerId: 'c1', planIdentifier: 'plan-pro-monthly' }] });
  });
  after(async () => {
    for (const c of clients) c.close();
    io.disconnect();
    await node.quit().catch(() => {});
    await emu.close();
    await server.stop();
  });

  for (const [name, redis] of [
    ['ioredis', () => io],
    ['node-redis', () => node],
  ] as const) {
    it(`${name}: one instance's miss fills Redis; another answers from it with no edge request`, async () => {
      const store = redisStore(redis());
      const a = client({ cache: { store, storeTimeout: 200 } });
      const b = client({ cache: { store, storeTimeout: 200 } });
      assert.equal(await a.entitlements.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' }), true);
      await sleep(50); // the store write runs in the background
      const keys = await io.keys('paritydeals:entitlements:*');
      assert.equal(keys.length, 1);
      assert.match(keys[0]!, /^paritydeals:entitlements:[0-9a-f]{8}:c1$/);
      const ttl = await io.pttl(keys[0]!);
      assert.ok(ttl > 0 && ttl <= 60_000, `expires with the entry (${ttl} ms)`);
      const answer = await b.entitlements
        .hasAccess({ customerId: 'c1', featureId: 'premium-reporting' })
        .withResponse();
      assert.equal(answer.data, true);
      assert.equal(answer.response.source, 'cache');
      assert.equal(edge(), 1, 'b made no edge request');
    });
  }

  it('a second process answers from what the first process put in Redis', async () => {
    const args = [emu.url, emu.apiKey, server.url, 'c1'];
    const first = await run(process.execPath, ['--import', 'tsx', FILL, ...args]);
    assert.deepEqual(JSON.parse(first.stdout), { data: true, source: 'network' });
    const second = await run(process.execPath, ['--import', 'tsx', FILL, ...args]);
    assert.deepEqual(JSON.parse(second.stdout), { data: true, source: 'cache' });
    assert.equal(edge(), 1);
  });

  it('invalidate(customerId) drops the shared copy too, so the fleet refetches', async () => {
    const store = redisStore(io);
    const a = client({ cache: { store, storeTimeout: 200 } });
    await a.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' });
    await sleep(50);
    a.entitlements.invalidate('c1');
    await sleep(50);
    assert.deepEqual(await io.keys('paritydeals:entitlements:*'), []);
  });

  // A change the instance cannot pin on one customer drops or expires everything it holds; the
  // Redis copies of those customers, fetched before the change, must not bring it back.
  it('after invalidate(), the instance reads no Redis copy fetched before it', async () => {
    const store = redisStore(io);
    const a = client({ cache: { store, storeTimeout: 200 } });
    await a.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' });
    await sleep(50);
    a.entitlements.invalidate();
    const again = await a.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }).withResponse();
    assert.equal(again.response.source, 'network');
    assert.equal(edge(), 2);
    await sleep(50);
    // What it fetched after the call is shared again: a new instance answers from Redis.
    const b = client({ cache: { store, storeTimeout: 200 } });
    const shared = await b.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }).withResponse();
    assert.equal(shared.response.source, 'cache');
    assert.equal(edge(), 2);
  });

  it('a cancellation whose customer the instance cannot name: another instance’s Redis copy does not keep granting', async () => {
    const store = redisStore(io);
    const feature = { customerId: 'c1', featureId: 'premium-reporting' };
    const other = client({ cache: { store, storeTimeout: 200 } });
    assert.equal(await other.entitlements.hasAccess(feature), true);
    await sleep(50);
    assert.equal((await io.keys('paritydeals:entitlements:*')).length, 1, 'Redis holds the granting copy');
    const [subscription] = (await client({ cache: false }).subscriptions.list({ customerId: 'c1' })).results;
    assert.ok(subscription?.subscriptionId);
    // This instance never listed c1's subscriptions, so it cannot tell whose this one is.
    const a = client({ cache: { store, storeTimeout: 200 } });
    await a.subscriptions.cancel({ subscriptionId: subscription.subscriptionId, cancellationType: 'IMMEDIATE' });
    const after = await a.entitlements.hasAccess(feature).withResponse();
    assert.equal(after.data, false);
    assert.equal(after.response.source, 'network');
    assert.equal(edge(), 2);
  });

  it('API keys sharing one Redis never read each other’s entries', async () => {
    const store = redisStore(io);
    const live = client({ cache: { store, storeTimeout: 200 } });
    await live.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' });
    await sleep(50);
    const other = await startEmulator({ apiKeys: ['pd_other_key'] });
    try {
      const test = client({
        accessToken: 'pd_other_key',
        baseUrl: other.url,
        edgeApiUrl: other.edgeUrl,
        cache: { store, storeTimeout: 200 },
      });
      await assert.rejects(test.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }), {
        name: 'NotFoundError',
      });
      assert.equal((await io.keys('paritydeals:entitlements:*')).length, 1);
    } finally {
      await other.close();
    }
  });

  it('a slow Redis costs a miss at most storeTimeout, then the edge API answers', async () => {
    const store = redisStore(io);
    const a = client({ cache: { store, storeTimeout: 20 } });
    const slow = io.duplicate();
    const blocked = slow.call('DEBUG', 'SLEEP', '0.5');
    await sleep(20);
    const started = Date.now();
    assert.equal(await a.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }), true);
    const took = Date.now() - started;
    assert.ok(took < 250, `took ${took} ms while Redis slept 500 ms`);
    assert.equal(edge(), 1);
    await blocked;
    slow.disconnect();
  });

  it('Redis going down mid-test: checks keep answering, from memory and the edge API', async () => {
    const own = await startRedis();
    const redis = new Redis(own.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    redis.on('error', () => {});
    try {
      const a = client({ cache: { store: redisStore(redis), storeTimeout: 20 } });
      assert.equal(await a.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }), true);
      await own.stop();
      for (let i = 0; i < 50; i++) {
        assert.equal(await a.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }), true);
      }
      const started = Date.now();
      emu.seed({ subscriptions: [{ customerId: 'c2', planIdentifier: 'free' }] });
      assert.equal(await a.entitlements.hasAccess({ customerId: 'c2', featureId: 'seats' }), true);
      assert.ok(Date.now() - started < 250, 'a miss while Redis is down goes to the edge API');
      assert.equal(edge(), 2);
    } finally {
      redis.disconnect();
      await own.stop();
    }
  });

  it('refuses a client that is not a Redis client', () => {
    assert.throws(() => redisStore({} as never), /ioredis instance .* or a connected node-redis client/);
  });
});
