// Audit: adopting a dead instance's journal merges its reports into memory before the script
// that moves them (and deletes the dead journal) has run. When that script fails, the dead
// journal stays, is adopted again, and its reports are delivered twice.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { ParityDeals } from '../../src/index.node.js';
import { type Emulator, startEmulator } from '../../src/testing/index.js';
import { recordLine } from '../../src/usage/outbox.js';
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

describe('Redis outbox adoption', { skip }, () => {
  it('an adoption whose script fails (connection lost) does not deliver the dead journal twice', async () => {
    const admin = new Redis(redisUrl);
    const real = new Redis(redisUrl);
    quit.push(
      () => admin.quit(),
      () => real.quit(),
    );
    // A dead instance's journal, as it left it: one waiting DELTA of 7, no lease.
    await admin.sadd('paritydeals:usage:instances', 'dead');
    await admin.rpush(
      'paritydeals:usage:log:dead',
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
    assert.equal(meter(), 7, 'the dead instance reported 7');
  });
});
