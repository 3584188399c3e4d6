/**
 * The buffered usage reporter's three figures, measured in one run:
 *
 * 1. `record()` calls per second, async and sync client, beside the floor of a bare `Map` update
 *    with the same key building (what combining cannot go below).
 * 2. HTTP requests per flush against distinct keys (target: equal), counted by the emulator.
 * 3. Memory at a full buffer (`maxBuffered` distinct keys), from the heap after a GC.
 * 4. `record()` calls per second with each outbox (file journal, with and without fsync, and
 *    Redis on a local redis-server started here) beside the in-memory buffer.
 *
 *   node --expose-gc --import tsx bench/usage.ts [records per round, default 2000000] [rounds, default 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ParityDeals } from '../src/index.node.js';
import { spawnEmulator } from '../src/testing/index.js';
import { freePort, redisMissing, startRedis } from '../test/redis/helpers.js';

const PER_ROUND = Number(process.argv[2] ?? 2_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const KEYS = 100;

const emu = await spawnEmulator({ maxRecordedRequests: 10_000 });
const base = { accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' } as const;
// A long interval and room for every key: this part measures record(), not flushing.
const quiet = { ...base, usage: { flushInterval: 3_600_000 } };
const asyncClient = ParityDeals.createAsyncClient(quiet);
const syncClient = ParityDeals.createSyncClient(quiet);
const customers = Array.from({ length: KEYS }, (_, i) => `cust-${i}`);

function recordRound(client: { reporting: { record(p: unknown): boolean } }, n: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    client.reporting.record({ value: 1, customerId: customers[i % KEYS], featureId: 'api-calls', behaviour: 'DELTA' });
  }
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** The floor: building the same key and bumping a number in a Map. */
function floorRound(n: number): number {
  const map = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const key = `${customers[i % KEYS]}\u0000api-calls\u0000\u0001`;
    map.set(key, (map.get(key) ?? 0) + 1);
  }
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

const contenders: Array<[string, (n: number) => number]> = [
  ['Map update (floor)', floorRound],
  ['async client record()', (n) => recordRound(asyncClient as never, n)],
  ['sync client record()', (n) => recordRound(syncClient as never, n)],
];
for (const [, run] of contenders) run(200_000);
const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
for (let r = 0; r < ROUNDS; r++) for (const [name, run] of contenders) samples.get(name)?.push(run(PER_ROUND));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const floor = median(samples.get('Map update (floor)') ?? []);
console.log(
  `record(): ${ROUNDS} rounds × ${PER_ROUND} DELTAs over ${KEYS} keys, median calls/s (Node ${process.versions.node})`,
);
for (const [name] of contenders) {
  const m = median(samples.get(name) ?? []);
  console.log(`  ${name.padEnd(24)} ${(m / 1e6).toFixed(2).padStart(6)} M/s   ${(m / floor).toFixed(2)}× the floor`);
}
// Drop what those rounds buffered, untimed.
await asyncClient.reporting.flush();
syncClient.reporting.flush();

console.log('\nrequests per flush against distinct keys (100 000 reports each, SET and DELTA mixed)');
for (const keys of [1, 10, 100, 1_000, 5_000]) {
  await emu.reset();
  await emu.seed({ customers: Array.from({ length: keys }, (_, i) => ({ customerId: `k${i}` })) });
  const client = ParityDeals.createAsyncClient({ ...base, usage: { flushInterval: 3_600_000, maxBuffered: 20_000 } });
  for (let i = 0; i < 100_000; i++) {
    client.reporting.record({
      value: 1 + (i % 3),
      customerId: `k${i % keys}`,
      featureId: 'api-calls',
      behaviour: i % 10 === 0 ? 'SET' : 'DELTA',
    });
  }
  const result = await client.reporting.flush();
  // Counted where they arrive, not where they leave.
  const requests = (await emu.requests()).length;
  const usage = (await emu.state()).usage.length;
  console.log(
    `  ${String(keys).padStart(5)} keys → ${String(requests).padStart(5)} requests (${(requests / keys).toFixed(2)} per key), ${usage} meters moved, ${result.failed.length} failed`,
  );
  await client.close();
}

const gc = (globalThis as { gc?: () => void }).gc;
console.log('\nmemory at a full buffer (default maxBuffered: 10 000 distinct keys)');
if (!gc) console.log('  (run with node --expose-gc for this figure)');
else {
  const client = ParityDeals.createAsyncClient({ ...base, usage: { flushInterval: 3_600_000 } });
  gc();
  const before = process.memoryUsage().heapUsed;
  let accepted = 0;
  for (let i = 0; i < 10_000; i++) {
    if (
      client.reporting.record({
        value: 1,
        customerId: `customer-${String(i).padStart(8, '0')}`,
        featureId: 'api-calls',
        behaviour: 'DELTA',
      })
    )
      accepted++;
  }
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  const dropped = client.reporting.record({
    value: 1,
    customerId: 'one-more',
    featureId: 'api-calls',
    behaviour: 'DELTA',
  });
  console.log(
    `  ${accepted} keys held: ${(bytes / 1024 / 1024).toFixed(2)} MB of heap, ${Math.round(bytes / accepted)} bytes per key; the next new key is ${dropped ? 'taken' : 'dropped to onDrop'}`,
  );
}

console.log('\nrecord() with an outbox (async client, 100 keys, the API down so nothing is sent meanwhile)');
const dir = mkdtempSync(join(tmpdir(), 'pd-bench-'));
if (redisMissing) console.log('  (redis-server is not installed: the Redis outbox is not measured)');
const redisServer = redisMissing ? undefined : await startRedis();
const redis = redisServer ? new Redis(redisServer.url) : undefined;
const down = { ...base, baseUrl: `http://127.0.0.1:${await freePort()}`, maxRetries: 0 };
const outboxes: Array<[string, () => ParityDeals, number]> = [
  ['in memory', () => ParityDeals.createAsyncClient({ ...down, usage: { flushInterval: 3_600_000 } }), 1_000_000],
  [
    'file journal',
    () =>
      ParityDeals.createAsyncClient({ ...down, usage: { flushInterval: 3_600_000, outbox: { file: join(dir, 'a') } } }),
    300_000,
  ],
  [
    'file journal, fsync',
    () =>
      ParityDeals.createAsyncClient({
        ...down,
        usage: { flushInterval: 3_600_000, outbox: { file: join(dir, 'b'), fsync: true } },
      }),
    2_000,
  ],
];
if (redis)
  outboxes.push([
    'Redis (local server)',
    () => ParityDeals.createAsyncClient({ ...down, usage: { flushInterval: 3_600_000, outbox: { redis } } }),
    300_000,
  ]);
let memoryRate = 0;
for (const [name, make, n] of outboxes) {
  const client = make();
  if (redis) await new Promise((r) => setTimeout(r, 50)); // registration
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++)
    client.reporting.record({
      value: 1,
      customerId: customers[i % KEYS] as string,
      featureId: 'api-calls',
      behaviour: 'DELTA',
    });
  const rate = n / (Number(process.hrtime.bigint() - started) / 1e9);
  memoryRate ||= rate;
  await client.close();
  console.log(
    `  ${name.padEnd(22)} ${(rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M/s` : `${Math.round(rate / 1000)} k/s`).padStart(10)}   ${(rate / memoryRate).toPrecision(2)}× in memory`,
  );
}
await redis?.quit();
await redisServer?.stop();
rmSync(dir, { recursive: true, force: true });

asyncClient.close();
syncClient.close();
await emu.close();
process.exit(0);
