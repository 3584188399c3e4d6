// Audit: an instance that lost its Redis lease must not deliver entries another instance adopted.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ParityDeals } from '../../src/index.node.js';
import { type Emulator, startEmulator } from '../../src/testing/index.js';
import type { UsageFailure } from '../../src/usage/flusher.js';
import { type RedisServer, redisMissing, startRedis } from '../redis/helpers.js';

const skip = redisMissing;
let server: RedisServer | undefined;
let redisUrl = '';
let emu: Emulator;
const quit: Array<() => Promise<unknown>> = [];

before(async () => {
  emu = await startEmulator();
  if (skip) return;
  server = await startRedis();
  redisUrl = server.url;
});
beforeEach(async () => {
  emu.reset();
  emu.seed({ customers: [{ customerId: 'c0' }] });
  const r = new Redis(redisUrl);
  await r.flushall();
  await r.quit();
});
after(async () => {
  for (const q of quit) await q().catch(() => {});
  await server?.stop();
  await emu.close();
});

const meter = () => emu.state().usage.find((u) => u.customerId === 'c0')?.value ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis outbox lease loss', { skip }, () => {
  it('a report buffered before the lease was lost is delivered once, by the adopter only', async () => {
    const ra = new Redis(redisUrl);
    const rb = new Redis(redisUrl);
    const admin = new Redis(redisUrl);
    quit.push(
      () => ra.quit(),
      () => rb.quit(),
      () => admin.quit(),
    );
    const base = { accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' as const };
    const failuresA: UsageFailure[] = [];
    const a = new ParityDeals({
      ...base,
      usage: { flushInterval: 60_000, outbox: { redis: ra, leaseMs: 300 }, onError: (f) => failuresA.push(f) },
    });
    a.reporting.record({ value: 7, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' });
    // The report is in A's journal in Redis.
    for (let i = 0; i < 50; i++) {
      const logs = await admin.keys('paritydeals:usage:log:*');
      if (logs.length && (await admin.llen(logs[0] as string)) > 0) break;
      await sleep(10);
    }
    // A's lease expires (A stalled, or was cut off from Redis, longer than leaseMs).
    const [lease] = await admin.keys('paritydeals:usage:lease:*');
    await admin.del(lease as string);
    await sleep(250); // A's renewal finds the lease gone: A knows it lost it.

    // B adopts A's journal and delivers its report.
    const b = new ParityDeals({ ...base, usage: { flushInterval: 20, outbox: { redis: rb, leaseMs: 300 } } });
    for (let i = 0; i < 100 && meter() === 0; i++) await sleep(20);
    assert.equal(meter(), 7, 'B delivered the adopted report');

    // A, which knows it lost its lease, flushes what it still holds.
    const result = await a.reporting.flush();
    await b.close();
    await a.close();
    assert.equal(meter(), 7, `the report was applied twice (A's flush: ${JSON.stringify(result)})`);
  });
});
