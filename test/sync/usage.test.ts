// The sync client's buffered usage: record() on the calling thread, flush() blocking on the
// worker's background replies, interval flushes that need no blocking, close() that flushes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ParityDeals } from '../../src/index.node.js';
import type { SyncClientOptions, SyncParityDeals } from '../../src/sync/index.js';
import type { UsageOptions } from '../../src/options.js';
import { type RemoteEmulator, spawnEmulator } from '../../src/testing/index.js';
import type { UsageFailure } from '../../src/usage/flusher.js';

let emu: RemoteEmulator;
before(async () => {
  emu = await spawnEmulator();
});
after(() => emu.close());

const clients: SyncParityDeals[] = [];
after(() => {
  for (const c of clients) c.close();
});
function client(usage: UsageOptions = {}, extra: SyncClientOptions = {}): SyncParityDeals {
  const c = ParityDeals.createSyncClient({
    accessToken: emu.apiKey,
    baseUrl: emu.url,
    edgeApiUrl: emu.edgeUrl,
    logLevel: 'off',
    ...extra,
    usage,
  });
  clients.push(c);
  return c;
}
async function fresh(customers: number): Promise<void> {
  await emu.reset();
  await emu.seed({ customers: Array.from({ length: customers }, (_, i) => ({ customerId: `c${i}` })) });
}
async function meters(): Promise<Record<string, number>> {
  return Object.fromEntries((await emu.state()).usage.map((u) => [u.customerId, u.value]));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sync client: reporting.record', () => {
  it('record() buffers on the calling thread; flush() delivers one request per key and returns the counts', async () => {
    await fresh(3);
    const sync = client({ flushInterval: 60_000 });
    for (let i = 0; i < 3000; i++) {
      assert.equal(
        sync.reporting.record({ value: 2, customerId: `c${i % 3}`, featureId: 'api-calls', behaviour: 'DELTA' }),
        true,
      );
    }
    assert.equal((await emu.requests()).length, 0, 'record() sent nothing');
    const result = sync.reporting.flush();
    assert.deepEqual(result, { delivered: 3, reports: 3000, failed: [] });
    assert.deepEqual(await meters(), { c0: 2000, c1: 2000, c2: 2000 });
    assert.equal((await emu.requests()).length, 3);
  });

  it('record() never waits for the worker, even while every request hangs', async () => {
    await fresh(1);
    await emu.setFaults([{ type: 'hang', path: '/report/usage/' }]);
    const failures: UsageFailure[] = [];
    const sync = client({ flushInterval: 1, onError: (f) => failures.push(f) }, { timeout: 1000, maxRetries: 0 });
    const started = Date.now();
    for (let i = 0; i < 1000; i++) {
      sync.reporting.record({ value: 1, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' });
      if (i % 100 === 0) await sleep(2); // interval rounds go out meanwhile and hang
    }
    assert.ok(Date.now() - started < 1000, 'the records did not wait for a hung request (1000 ms each)');
    const result = sync.reporting.flush();
    assert.equal(result.delivered, 0);
    const unknown = result.failed.reduce((sum, f) => sum + f.value, 0);
    assert.equal(unknown, 1000, 'every amount is in the result, as unknown');
    assert.ok(result.failed.every((f) => f.outcomeUnknown && !f.retrying));
    assert.deepEqual(failures, result.failed);
    await emu.setFaults([]);
  });

  it('interval flushes go out through the worker without blocking the thread', async () => {
    await fresh(1);
    const sync = client({ flushInterval: 10 });
    sync.reporting.record({ value: 5, customerId: 'c0', featureId: 'api-calls', behaviour: 'SET' });
    sync.reporting.record({ value: 1, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' });
    let got: Record<string, number> = {};
    for (let i = 0; i < 100 && got.c0 !== 6; i++) {
      await sleep(10);
      got = await meters();
    }
    assert.deepEqual(got, { c0: 6 });
  });

  it('close() flushes; record() afterwards drops', async () => {
    await fresh(1);
    const drops: string[] = [];
    const sync = client({ flushInterval: 60_000, onDrop: (_r, why) => drops.push(why) });
    sync.reporting.record({ value: 4, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' });
    sync.close();
    assert.equal(
      sync.reporting.record({ value: 1, customerId: 'c0', featureId: 'api-calls', behaviour: 'DELTA' }),
      false,
    );
    assert.deepEqual(drops, ['closed']);
    assert.deepEqual(await meters(), { c0: 4 });
  });

  for (const [name, fault, applied] of [
    ['status 500', { type: 'status', status: 500 }, false],
    ['drop-after-handle', { type: 'drop-after-handle' }, true],
  ] as const) {
    it(`under 20% ${name}: 20 000 reports over 100 pairs end at the one-by-one sum less exactly the unknown amounts`, async () => {
      await fresh(100);
      await emu.setFaults([{ ...fault, path: '/report/usage/', probability: 0.2 }]);
      const failures: UsageFailure[] = [];
      const sync = client(
        { flushInterval: 5, concurrency: 16, onError: (f) => failures.push(f) },
        { maxRetryDelay: 5 },
      );
      const want = new Array<number>(100).fill(0);
      for (let i = 0; i < 20_000; i++) {
        const pair = (i * 37) % 100;
        const value = 1 + (i % 7);
        want[pair] = (want[pair] as number) + value;
        sync.reporting.record({ value, customerId: `c${pair}`, featureId: 'api-calls', behaviour: 'DELTA' });
        if (i % 500 === 0) await sleep(2);
      }
      for (let i = 0; i < 50 && sync.reporting.flush().failed.some((f) => f.retrying); i++) {}
      await emu.setFaults([]);
      const got = await meters();
      const unknown = new Array<number>(100).fill(0);
      for (const f of failures) {
        assert.ok(f.outcomeUnknown && f.behaviour === 'DELTA');
        const pair = Number(f.customerId.slice(1));
        unknown[pair] = (unknown[pair] as number) + f.value;
      }
      assert.ok(failures.length > 0);
      for (let pair = 0; pair < 100; pair++) {
        const total = got[`c${pair}`] ?? 0;
        assert.equal(applied ? total : total + (unknown[pair] as number), want[pair], `c${pair}`);
      }
    });
  }
});
