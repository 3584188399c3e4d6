/**
 * The entitlement cache, measured in one run against the emulator (in a child process, so the
 * server's work sits on the other core):
 *
 * 1. a cached `hasAccess` against an uncached one over loopback, for the async and the sync
 *    client (target: at least 1 000× faster);
 * 2. the requests 1 000 concurrent misses for one customer cost (target: 1);
 * 3. the memory 100 000 cached customers with 10 features each hold;
 * 4. a miss answered from Redis against a miss answered by the edge API (when redis-server is
 *    installed).
 *
 *   npx tsx --expose-gc bench/entitlements.ts
 */
import { Redis } from 'ioredis';
import { EntitlementCache } from '../src/entitlements/cache.js';
import { mergeEntitlements, type EntitlementDetail } from '../src/entitlements/access.js';
import { ParityDeals } from '../src/index.node.js';
import { LevelLogger } from '../src/internal/logger.js';
import { resolveCache } from '../src/options.js';
import { redisStore } from '../src/redis/index.js';
import { spawnEmulator } from '../src/testing/index.js';
import { redisMissing, startRedis } from '../test/redis/helpers.js';

const UNCACHED_CALLS = 2_000;
const CACHED_CALLS = 2_000_000;
const ROUNDS = 5;

const emu = await spawnEmulator();
await emu.seed({ subscriptions: [{ customerId: 'bench', planIdentifier: 'premium-plan' }] });
const options = { accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' } as const;
const check = { customerId: 'bench', featureId: 'premium-reporting' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

/** ns per call, `n` sequential awaited calls. */
async function awaited(fn: () => PromiseLike<unknown> | unknown, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - started) / n;
}
function blocking(fn: () => unknown, n: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - started) / n;
}

// ---- 1. cached vs uncached -------------------------------------------------------------------
const uncachedAsync = ParityDeals.createAsyncClient({ ...options, cache: false });
const cachedAsync = ParityDeals.createAsyncClient(options);
const uncachedSync = ParityDeals.createSyncClient({ ...options, cache: false });
const cachedSync = ParityDeals.createSyncClient(options);
for (let i = 0; i < 500; i++) {
  await uncachedAsync.entitlements.hasAccess(check);
  uncachedSync.entitlements.hasAccess(check);
}
await cachedAsync.entitlements.hasAccess(check);
cachedSync.entitlements.hasAccess(check);
await awaited(() => cachedAsync.entitlements.hasAccess(check), 200_000);
blocking(() => cachedSync.entitlements.hasAccess(check), 200_000);

const rows: Record<string, number[]> = { uncachedAsync: [], cachedAsync: [], uncachedSync: [], cachedSync: [] };
for (let r = 0; r < ROUNDS; r++) {
  rows.uncachedAsync!.push(await awaited(() => uncachedAsync.entitlements.hasAccess(check), UNCACHED_CALLS));
  rows.cachedAsync!.push(await awaited(() => cachedAsync.entitlements.hasAccess(check), CACHED_CALLS));
  rows.uncachedSync!.push(blocking(() => uncachedSync.entitlements.hasAccess(check), UNCACHED_CALLS));
  rows.cachedSync!.push(blocking(() => cachedSync.entitlements.hasAccess(check), CACHED_CALLS));
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])) as Record<string, number>;
console.log('1. hasAccess, median of %d rounds', ROUNDS);
console.log(
  `   async: uncached ${fmt(m.uncachedAsync!)}, cached ${fmt(m.cachedAsync!)} (awaited): ${(m.uncachedAsync! / m.cachedAsync!).toFixed(0)}× faster`,
);
console.log(
  `   sync:  uncached ${fmt(m.uncachedSync!)}, cached ${fmt(m.cachedSync!)}: ${(m.uncachedSync! / m.cachedSync!).toFixed(0)}× faster`,
);

// ---- 2. concurrent misses --------------------------------------------------------------------
await emu.seed({ subscriptions: [{ customerId: 'herd', planIdentifier: 'free' }] });
await emu.clearRequests();
const herd = ParityDeals.createAsyncClient(options);
await Promise.all(
  Array.from({ length: 1000 }, () => herd.entitlements.hasAccess({ customerId: 'herd', featureId: 'api-calls' })),
);
const herdRequests = (await emu.requests()).filter((r) => r.host === 'edge').length;
console.log(`2. 1000 concurrent misses for one customer: ${herdRequests} edge request(s) (target 1)`);

// ---- 3. memory -------------------------------------------------------------------------------
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const features: EntitlementDetail[] = Array.from({ length: 10 }, (_, i) => ({
    featureId: `feature-${i}`,
    featureType: i % 3 === 0 ? 'BOOLEAN' : 'METER',
    hasAccess: true,
    resetAt: '2026-01-01 00:00:00',
    hardLimit: i % 2 === 0,
    usageLimit: 1000,
    currentUsage: 10,
    remaining: 990,
  }));
  const config = resolveCache(
    { cache: { maxCustomers: 100_000 } },
    { accessToken: 'k', edgeApiUrl: 'http://x', edgeTimeout: 3000 },
  );
  const cache = new EntitlementCache(
    config,
    () => Promise.reject(new Error('unused')),
    new LevelLogger(console, 'off'),
  );
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 100_000; i++) {
    const customerId = `customer-${i}`;
    const data = { customerId, entitlements: mergeEntitlements(features.map((f) => ({ ...f }))) };
    cache.fill(customerId, data, {
      status: 200,
      headers: {},
      requestId: `req_${i}`,
      attempts: 1,
      method: 'GET',
      url: `http://x/api/v1/entitlements?customer_id=${customerId}`,
      source: 'network',
    });
  }
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  console.log(
    `3. 100 000 customers × 10 features cached: ${(bytes / 2 ** 20).toFixed(0)} MB (${(bytes / 100_000 / 1024).toFixed(1)} KB per customer; ${cache.size} held)`,
  );
} else {
  console.log('3. memory: run with --expose-gc (npx tsx --expose-gc bench/entitlements.ts)');
}

// ---- 4. Redis-backed miss vs edge miss -------------------------------------------------------
if (!redisMissing) {
  const server = await startRedis();
  const redis = new Redis(server.url);
  const store = redisStore(redis);
  const N = 500;
  await emu.seed({
    subscriptions: Array.from({ length: N }, (_, i) => ({ customerId: `r${i}`, planIdentifier: 'free' })),
  });
  // Fill Redis through one client, then time misses on fresh clients: from Redis, and from the edge.
  const filler = ParityDeals.createAsyncClient({ ...options, cache: { store, storeTimeout: 100 } });
  for (let i = 0; i < N; i++) await filler.entitlements.hasAccess({ customerId: `r${i}`, featureId: 'api-calls' });
  await new Promise((r) => setTimeout(r, 200));
  const timeMisses = async (client: ParityDeals) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await client.entitlements.hasAccess({ customerId: `r${i}`, featureId: 'api-calls' });
    return Number(process.hrtime.bigint() - started) / N;
  };
  await emu.clearRequests();
  const fromRedis = await timeMisses(
    ParityDeals.createAsyncClient({ ...options, cache: { store, storeTimeout: 100 } }),
  );
  const redisEdge = (await emu.requests()).filter((r) => r.host === 'edge').length;
  const fromEdge = await timeMisses(ParityDeals.createAsyncClient(options));
  console.log(
    `4. a miss from Redis ${fmt(fromRedis)} (${redisEdge} edge requests for ${N} misses), from the edge API ${fmt(fromEdge)}: ${(fromEdge / fromRedis).toFixed(1)}× faster on loopback`,
  );
  redis.disconnect();
  await server.stop();
} else {
  console.log('4. Redis: redis-server is not installed; skipped');
}

uncachedSync.close();
cachedSync.close();
await emu.close();
process.exit(0);
