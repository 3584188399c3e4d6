// The Redis outbox against a real redis-server (started here on a free port, no persistence):
// a fleet instance killed with its reports undelivered is adopted by another, which delivers
// each report once; node-redis works as well as ioredis.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { ParityDeals } from '../../src/index.node.js';
import { usagePrefix } from '../../src/options.js';
import { type Emulator, startEmulator } from '../../src/testing/index.js';
import type { UsageFailure } from '../../src/usage/flusher.js';
import { recordLine, sendingLine } from '../../src/usage/outbox.js';
import { freePort, type RedisServer, redisMissing, startRedis } from '../redis/helpers.js';
import { deadHosts, deadUrl, meters } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'outbox-child.ts');

const skip = redisMissing;

/** Where the emulator key's fleet keeps its journals (the default prefix, per API key). */
let PREFIX = '';

let server: RedisServer | undefined;
let redisUrl = '';
let emu: Emulator;
const clients: Array<{ quit(): Promise<unknown> }> = [];

before(async () => {
  emu = await startEmulator();
  PREFIX = usagePrefix(emu.apiKey);
  if (skip) return;
  server = await startRedis();
  redisUrl = server.url;
});
beforeEach(async () => {
  emu.reset();
  emu.seed({ customers: Array.from({ length: 100 }, (_, i) => ({ customerId: `c${i}` })) });
  if (!skip) {
    const r = new Redis(redisUrl);
    await r.flushall();
    await r.quit();
  }
});
after(async () => {
  for (const c of clients) await c.quit().catch(() => {});
  await server?.stop();
  await emu.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An ioredis client of its own, quit after the tests. */
function connect(): Redis {
  const redis = new Redis(redisUrl);
  clients.push(redis);
  return redis;
}

/** Waits until some instance's journal holds a line: what was recorded is in Redis. */
async function journaled(redis: Redis): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const logs = await redis.keys(`${PREFIX}:log:*`);
    if (logs.length && (await redis.llen(logs[0] as string)) > 0) return;
    await sleep(10);
  }
  throw new Error('nothing reached the journal');
}

describe('usage.outbox: Redis', { skip }, () => {
  it('two instances on one Redis, one killed with 25 000 reports undelivered: the other delivers them, once', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, REDIS_URL: redisUrl, PD_URL: await deadUrl(), REPORTS: '25000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise((r) => child.on('exit', (_c, signal) => r(signal)));
    for (let i = 0; i < 400 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
    const killed = JSON.parse(out.split('\n')[0] as string).totals as Record<string, number>;

    // The survivor runs meanwhile against the API, recording its own reports on the same keys.
    const failures: UsageFailure[] = [];
    const redis = new Redis(redisUrl);
    clients.push(redis);
    const survivor = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis, leaseMs: 1000 }, onError: (f) => failures.push(f) },
    });
    const own: Record<string, number> = {};
    for (let i = 0; i < 25_000; i++) {
      const customerId = `c${i % 90}`;
      survivor.reporting.record({ value: 2, customerId, featureId: 'api-calls', behaviour: 'DELTA' });
      own[customerId] = (own[customerId] ?? 0) + 2;
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    // Within a lease and a scan, the survivor adopts the dead journal and delivers it.
    const want: Record<string, number> = { ...killed };
    for (const [c, v] of Object.entries(own)) want[c] = (want[c] ?? 0) + v;
    const explained = () => {
      const got = meters(emu);
      const unknown: Record<string, number> = {};
      for (const f of failures) unknown[f.customerId] = (unknown[f.customerId] ?? 0) + f.value;
      return Object.entries(want).every(([c, v]) => (got[c] ?? 0) + (unknown[c] ?? 0) === v);
    };
    for (let i = 0; i < 100 && !explained(); i++) {
      await survivor.reporting.flush();
      await new Promise((r) => setTimeout(r, 100));
    }
    await survivor.close();
    for (const f of failures) assert.deepEqual([f.behaviour, f.outcomeUnknown], ['DELTA', true]);
    const got = meters(emu);
    for (const [c, v] of Object.entries(want)) {
      const unknown = failures.filter((f) => f.customerId === c).reduce((s, f) => s + f.value, 0);
      assert.equal((got[c] ?? 0) + unknown, v, c);
    }
    const logs = await redis.keys(`${PREFIX}:log:*`);
    const left = logs.length ? await Promise.all(logs.map((k) => redis.llen(k))) : [];
    assert.ok(
      left.every((n) => n === 0 || logs.length === 1),
      `the dead journal was deleted once adopted: ${JSON.stringify(logs)}`,
    );
  });

  it('an instance whose lease another took stops delivering: record() drops with reason outbox', async () => {
    const redis = new Redis(redisUrl);
    clients.push(redis);
    const drops: string[] = [];
    const client = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 10, outbox: { redis, leaseMs: 300 }, onDrop: (_r, why) => drops.push(why) },
    });
    client.reporting.record({ value: 1, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' });
    for (let i = 0; i < 50 && meters(emu).c0 !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(meters(emu).c0, 1);
    const [lease] = await redis.keys(`${PREFIX}:lease:*`);
    await redis.set(lease as string, 'another-instance', 'PX', 10_000);
    await new Promise((r) => setTimeout(r, 250)); // a renewal finds the lease gone
    assert.equal(
      client.reporting.record({ value: 5, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' }),
      false,
    );
    assert.deepEqual(drops, ['outbox']);
    await client.close();
    assert.equal(meters(emu).c0, 1);
  });

  it('apps with different API keys on one Redis never adopt each other’s journals', async () => {
    const down = new ParityDeals({
      accessToken: emu.apiKey,
      ...(await deadHosts()),
      logLevel: 'off',
      maxRetries: 0,
      usage: { flushInterval: 60_000, outbox: { redis: connect(), leaseMs: 300 } },
    });
    for (let i = 0; i < 10; i++)
      down.reporting.record({ value: 1, customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA' });
    await down.close(); // refused: left in Redis, lease given up
    // Another app (its own key: another account) shares the Redis, long past the dead lease.
    const failures: UsageFailure[] = [];
    const other = new ParityDeals({
      accessToken: 'pd_other_account_key',
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis: connect(), leaseMs: 300 }, onError: (f) => failures.push(f) },
    });
    await sleep(800);
    await other.close();
    assert.deepEqual(failures, []);
    assert.equal(
      emu.requests().filter((r) => r.path.includes('/report/usage')).length,
      0,
      'nothing sent with the other key',
    );
    // The first app's next instance delivers its own journal.
    const up = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis: connect(), leaseMs: 300 } },
    });
    for (let i = 0; i < 50 && meters(emu).c1 !== 10; i++) await sleep(50);
    await up.close();
    assert.equal(meters(emu).c1, 10);
  });

  it('after a key rotation, an instance given the old prefix delivers the old key’s journal with the new key', async () => {
    const rotated = await startEmulator({ apiKeys: ['pd_old_key', 'pd_new_key'] });
    try {
      rotated.seed({ customers: [{ customerId: 'c1' }] });
      const old = new ParityDeals({
        accessToken: 'pd_old_key',
        ...(await deadHosts()),
        logLevel: 'off',
        maxRetries: 0,
        usage: { flushInterval: 60_000, outbox: { redis: connect(), leaseMs: 300 } },
      });
      for (let i = 0; i < 4; i++)
        old.reporting.record({ value: 1, customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA' });
      await old.close();
      const renewed = new ParityDeals({
        accessToken: 'pd_new_key',
        baseUrl: rotated.url,
        edgeApiUrl: rotated.edgeUrl,
        logLevel: 'off',
        usage: { flushInterval: 20, outbox: { redis: connect(), leaseMs: 300, prefix: usagePrefix('pd_old_key') } },
      });
      const delivered = () => rotated.state().usage.find((u) => u.customerId === 'c1')?.value;
      for (let i = 0; i < 50 && delivered() !== 4; i++) await sleep(50);
      await renewed.close();
      assert.equal(delivered(), 4);
      assert.ok(rotated.requests().every((r) => r.headers.authorization !== 'Bearer pd_old_key'));
    } finally {
      await rotated.close();
    }
  });

  it('a Redis down when the client starts is waited for: the instance registers once it is up, and delivers', async () => {
    const port = await freePort();
    const redis = new Redis({
      port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 50,
    });
    redis.on('error', () => {});
    clients.push({ quit: async () => redis.disconnect() });
    const failures: UsageFailure[] = [];
    const client = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis, leaseMs: 600 }, onError: (f) => failures.push(f) },
    });
    for (let i = 0; i < 5; i++)
      client.reporting.record({ value: 1, customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA' });
    await sleep(400); // past a renewal, with no Redis to take the lease from
    assert.equal(meters(emu).c1, undefined, 'nothing is sent before Redis has it');
    const late = await startRedis(port);
    try {
      for (let i = 0; i < 60 && meters(emu).c1 !== 5; i++) await sleep(50);
      assert.equal(meters(emu).c1, 5);
      assert.deepEqual(failures, []);
      await client.close();
    } finally {
      await late.stop();
    }
  });

  it('works over node-redis too: recorded while the API is down, delivered by the next instance', async () => {
    const a = createClient({ url: redisUrl });
    await a.connect();
    clients.push({ quit: () => a.quit() });
    const down = new ParityDeals({
      accessToken: emu.apiKey,
      ...(await deadHosts()),
      logLevel: 'off',
      maxRetries: 0,
      usage: { flushInterval: 60_000, outbox: { redis: a, leaseMs: 500 } },
    });
    for (let i = 0; i < 1000; i++)
      down.reporting.record({ value: 1, customerId: `c${i % 10}`, featureId: 'api-calls', behaviour: 'DELTA' });
    await down.close(); // refused: left in Redis, lease given up

    const b = createClient({ url: redisUrl });
    await b.connect();
    clients.push({ quit: () => b.quit() });
    const up = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis: b, leaseMs: 500 } },
    });
    for (let i = 0; i < 50 && Object.keys(meters(emu)).length < 10; i++) await new Promise((r) => setTimeout(r, 50));
    await up.close();
    assert.deepEqual(meters(emu), Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, 100])));
  });
  it('an instance that knows it lost its lease sends nothing it held: the adopter delivers it, once', async () => {
    const admin = connect();
    const base = { accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' as const };
    const failuresA: UsageFailure[] = [];
    const dropsA: string[] = [];
    const a = new ParityDeals({
      ...base,
      usage: {
        flushInterval: 60_000,
        outbox: { redis: connect(), leaseMs: 300 },
        onError: (f) => failuresA.push(f),
        onDrop: (_r, why) => dropsA.push(why),
      },
    });
    a.reporting.record({ value: 7, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' });
    await journaled(admin);
    // A's lease expires (A stalled, or was cut off from Redis, longer than leaseMs).
    const [lease] = await admin.keys(`${PREFIX}:lease:*`);
    await admin.del(lease as string);
    await sleep(250); // A's renewal finds the lease gone: A knows it lost it.

    // B adopts A's journal and delivers its report.
    const b = new ParityDeals({ ...base, usage: { flushInterval: 20, outbox: { redis: connect(), leaseMs: 300 } } });
    for (let i = 0; i < 100 && meters(emu).c0 !== 7; i++) await sleep(20);
    assert.equal(meters(emu).c0, 7, 'B delivered the adopted report');

    // A flushes what it still holds: nothing, it was handed over.
    const result = await a.reporting.flush();
    await b.close();
    await a.close();
    assert.equal(meters(emu).c0, 7, `the report was applied twice (A's flush: ${JSON.stringify(result)})`);
    assert.deepEqual(result, { delivered: 0, reports: 0, failed: [] });
    assert.deepEqual([failuresA, dropsA], [[], []], 'handed over, not given up');
  });

  it('an adopted SET that was in flight is resent with the newer reports of its key over it', async () => {
    const admin = connect();
    const set = { customerId: 'c2', featureId: 'api-calls', resourceId: undefined, behaviour: 'SET' as const };
    // The dead instance sent SET 5 (its outcome unknown), then recorded DELTA 2 for the same key.
    await admin.sadd(`${PREFIX}:instances`, 'dead');
    await admin.rpush(
      `${PREFIX}:log:dead`,
      recordLine({ ...set, value: 5 }).trimEnd(),
      sendingLine(1, { ...set, key: 'c2', value: 5, reports: 1 }).trimEnd(),
      recordLine({ ...set, behaviour: 'DELTA', value: 2 }).trimEnd(),
    );
    const b = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis: connect(), leaseMs: 300 } },
    });
    for (let i = 0; i < 60 && meters(emu).c2 === undefined; i++) await sleep(25);
    await sleep(100);
    await b.close();
    assert.equal(meters(emu).c2, 7, 'SET 5 then DELTA 2, not the SET laid over the DELTA');
  });

  it('an adoption whose script fails (connection lost) delivers the dead journal once', async () => {
    const admin = connect();
    const real = connect();
    // A dead instance's journal, as it left it: one waiting DELTA of 7, no lease.
    await admin.sadd(`${PREFIX}:instances`, 'dead');
    await admin.rpush(
      `${PREFIX}:log:dead`,
      recordLine({ customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA', value: 7 }).trimEnd(),
    );
    // The survivor's Redis connection drops once, on the adoption script.
    let failed = 0;
    const flaky = {
      call(command: string, ...args: string[]) {
        if (command === 'EVAL' && args[0]?.includes("'SREM'") && failed === 0) {
          failed++;
          return Promise.reject(new Error('Connection is closed.'));
        }
        return real.call(command, ...args);
      },
    };
    const b = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis: flaky, leaseMs: 300 } },
    });
    // Long enough for the claimed dead lease to expire and a rescan to run.
    for (let i = 0; i < 60; i++) {
      await sleep(25);
      await b.reporting.flush();
    }
    await b.close();
    assert.equal(failed, 1, 'the adoption script failed once');
    assert.equal(meters(emu).c0, 7, 'the dead instance reported 7');
  });
  it('a report the lost lease kept out of Redis goes to onError, not sent; what Redis has stays for the adopter', async () => {
    const admin = connect();
    const failures: UsageFailure[] = [];
    // A long lease: the renewal does not notice the loss before the next write does.
    const a = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 60_000, outbox: { redis: connect(), leaseMs: 5000 }, onError: (f) => failures.push(f) },
    });
    a.reporting.record({ value: 7, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' });
    await journaled(admin);
    const [lease] = await admin.keys(`${PREFIX}:lease:*`);
    await admin.del(lease as string);
    // Accepted before this instance knows: its line is refused with the lease.
    assert.equal(a.reporting.record({ value: 5, customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA' }), true);
    for (let i = 0; i < 50 && failures.length === 0; i++) await sleep(10);
    const result = await a.reporting.flush();
    await a.close();
    assert.deepEqual(
      failures.map((f) => [f.customerId, f.value, f.outcomeUnknown, f.retrying]),
      [['c1', 5, false, false]],
    );
    assert.deepEqual([result.delivered, meters(emu)], [0, {}], 'nothing sent after the loss');
    const [log] = await admin.keys(`${PREFIX}:log:*`);
    assert.deepEqual(await admin.lrange(log as string, 0, -1), [
      recordLine({ customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA', value: 7 }),
    ]);
  });

  it('an adoption whose reply is lost after it ran: delivered once, its in-flight DELTA to onError once', async () => {
    const admin = connect();
    const real = connect();
    const c1 = { customerId: 'c1', featureId: 'api-calls', resourceId: undefined, behaviour: 'DELTA' as const };
    await admin.sadd(`${PREFIX}:instances`, 'dead');
    await admin.rpush(
      `${PREFIX}:log:dead`,
      recordLine({ customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA', value: 7 }).trimEnd(),
      recordLine({ ...c1, value: 3 }).trimEnd(),
      sendingLine(1, { ...c1, key: 'c1', value: 3, reports: 1 }).trimEnd(),
    );
    // The adoption script runs, then the connection drops before its reply.
    let lostReplies = 0;
    const flaky = {
      async call(command: string, ...args: string[]) {
        const answer = await real.call(command, ...args);
        if (command === 'EVAL' && args[0]?.includes("'SREM'") && lostReplies === 0) {
          lostReplies++;
          throw new Error('Connection is closed.');
        }
        return answer;
      },
    };
    const failures: UsageFailure[] = [];
    const b = new ParityDeals({
      accessToken: emu.apiKey,
      baseUrl: emu.url,
      edgeApiUrl: emu.edgeUrl,
      logLevel: 'off',
      usage: { flushInterval: 20, outbox: { redis: flaky, leaseMs: 300 }, onError: (f) => failures.push(f) },
    });
    for (let i = 0; i < 40; i++) {
      await sleep(25);
      await b.reporting.flush();
    }
    await b.close();
    assert.equal(lostReplies, 1);
    assert.deepEqual(meters(emu), { c0: 7 });
    assert.deepEqual(
      failures.map((f) => [f.customerId, f.value, f.outcomeUnknown]),
      [['c1', 3, true]],
    );
    assert.equal(await admin.exists(`${PREFIX}:log:dead`), 0);
  });
});
