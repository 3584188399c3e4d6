// The reporter as users drive it, over HTTP to the emulator: what record() takes, when rounds
// go out, what a full buffer and a closed client do, where failures go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParityDealsError, ValidationError } from '../../src/index.node.js';
import { ParityDeals as EdgeClient } from '../../src/index.js';
import type { UsageReport } from '../../src/usage/buffer.js';
import { type Sender, type UsageFailure, UsageReporter, jobPromise } from '../../src/usage/flusher.js';
import { useEmulator } from '../support.js';
import { reporterConfig } from './helpers.js';

const h = useEmulator();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const usage = (customerId: string, value = 1, behaviour: 'DELTA' | 'SET' = 'DELTA') => ({
  value,
  customerId,
  featureId: 'api-calls',
  behaviour,
});
const usagePosts = () => h.emu.requests().filter((r) => r.path === '/api/v1/report/usage/');
const meter = (customerId: string) => h.emu.state().usage.find((u) => u.customerId === customerId)?.value;
const seed = (n: number) => h.emu.seed({ customers: Array.from({ length: n }, (_, i) => ({ customerId: `c${i}` })) });

describe('reporting.record', () => {
  it('validates like reportUsage: bad input throws and buffers nothing', async () => {
    const client = h.clientWith({ usage: { flushInterval: 10 } });
    const bad: unknown[] = [
      { ...usage('c0'), value: 1.5 },
      { ...usage('c0'), behaviour: 'ADD' },
      { ...usage('c0'), value: -1, behaviour: 'SET' },
      { ...usage('c0'), customerId: '' },
      { ...usage('c0'), resourceId: '' },
      null,
    ];
    for (const params of bad) {
      assert.throws(
        () => client.reporting.record(params as never),
        (e: unknown) => {
          assert.ok(e instanceof ValidationError);
          assert.match(e.message, /^reporting\.record: /);
          return true;
        },
      );
    }
    const result = await client.reporting.flush();
    assert.deepEqual(result, { delivered: 0, reports: 0, failed: [] });
    assert.equal(usagePosts().length, 0);
  });

  it('combines per key: one request per distinct key per flush, totals as one by one', async () => {
    seed(10);
    const client = h.clientWith({ usage: { flushInterval: 60_000 } });
    const want = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const c = `c${i % 10}`;
      const set = i % 997 === 0;
      client.reporting.record(usage(c, 3, set ? 'SET' : 'DELTA'));
      want.set(c, set ? 3 : (want.get(c) ?? 0) + 3);
    }
    client.reporting.record({ ...usage('c0'), resourceId: 'r1' });
    const result = await client.reporting.flush();
    assert.equal(result.delivered, 11);
    assert.equal(result.reports, 10_001);
    assert.equal(usagePosts().length, 11, 'one request per (customer, feature, resource)');
    for (const [c, total] of want) assert.equal(meter(c), total + (c === 'c0' ? 1 : 0));
    const withResource = usagePosts().find((r) => (r.body as { resource_id?: string }).resource_id === 'r1');
    assert.deepEqual(withResource?.body, {
      value: 1,
      customer_id: 'c0',
      feature_id: 'api-calls',
      behaviour: 'DELTA',
      resource_id: 'r1',
    });
  });

  it('keeps one request per key in flight; what comes meanwhile goes after it, in order', async () => {
    seed(1);
    h.emu.setFaults([{ type: 'latency', ms: 150, path: '/report/usage/', times: 1 }]);
    const client = h.clientWith({ usage: { flushInterval: 5 } });
    client.reporting.record(usage('c0', 5, 'SET'));
    await sleep(40); // the SET is out, held by the latency
    client.reporting.record(usage('c0', 2));
    client.reporting.record(usage('c0', 9, 'SET'));
    client.reporting.record(usage('c0', 1));
    await sleep(40); // interval rounds came and went; the key was busy
    assert.equal(usagePosts().length, 1);
    const result = await client.reporting.flush();
    assert.equal(result.delivered, 2, 'the flush waited for the SET in flight, then sent the rest');
    assert.deepEqual(
      usagePosts().map((r) => (r.body as { behaviour: string; value: number }).value),
      [5, 10],
    );
    assert.equal(meter('c0'), 10);
  });

  it('flushes on the interval without being asked', async () => {
    seed(1);
    const client = h.clientWith({ usage: { flushInterval: 20 } });
    client.reporting.record(usage('c0', 4));
    assert.equal(usagePosts().length, 0);
    for (let i = 0; i < 50 && meter('c0') !== 4; i++) await sleep(10);
    assert.equal(meter('c0'), 4);
  });

  it('flushes when half of maxBuffered keys wait, before the interval', async () => {
    seed(10);
    const client = h.clientWith({ usage: { flushInterval: 60_000, maxBuffered: 10 } });
    for (let i = 0; i < 4; i++) client.reporting.record(usage(`c${i}`));
    await sleep(30);
    assert.equal(usagePosts().length, 0, 'below the size: nothing yet');
    client.reporting.record(usage('c4'));
    for (let i = 0; i < 50 && usagePosts().length < 5; i++) await sleep(10);
    assert.equal(usagePosts().length, 5);
  });

  it('a full buffer drops new keys to onDrop and returns false; known keys still combine', async () => {
    seed(5);
    const dropped: Array<[UsageReport, string]> = [];
    const client = h.clientWith({
      usage: { flushInterval: 60_000, maxBuffered: 2, onDrop: (r, why) => dropped.push([r, why]) },
    });
    // maxBuffered 2 starts a round at 1 key; hold requests so the keys stay held.
    h.emu.setFaults([{ type: 'latency', ms: 100, path: '/report/usage/' }]);
    assert.equal(client.reporting.record(usage('c0')), true);
    assert.equal(client.reporting.record(usage('c1')), true);
    assert.equal(client.reporting.record(usage('c2', 7)), false);
    assert.equal(client.reporting.record(usage('c0', 2)), true, 'a held key takes more');
    assert.deepEqual(dropped, [
      [{ customerId: 'c2', featureId: 'api-calls', resourceId: undefined, behaviour: 'DELTA', value: 7 }, 'full'],
    ]);
    await client.reporting.flush();
    assert.equal(meter('c0'), 3);
    assert.equal(meter('c2'), undefined);
  });

  it('hands what the server refuses to onError, certain it was not applied', async () => {
    const failures: UsageFailure[] = [];
    const client = h.clientWith({ usage: { onError: (f) => failures.push(f) } });
    client.reporting.record(usage('nobody', 3));
    client.reporting.record(usage('nobody', 4));
    const result = await client.reporting.flush();
    assert.equal(result.delivered, 0);
    assert.equal(failures.length, 1);
    const [f] = failures;
    assert.equal(f?.value, 7);
    assert.equal(f?.reports, 2);
    assert.equal(f?.outcomeUnknown, false);
    assert.equal(f?.retrying, false);
    assert.equal((f!.error as { status?: number }).status, 400);
    assert.deepEqual(result.failed, failures);
  });

  it('keeps a SET that failed for the next flush and says so', async () => {
    seed(1);
    const failures: UsageFailure[] = [];
    const client = h.clientWith({ maxRetries: 0, usage: { flushInterval: 60_000, onError: (f) => failures.push(f) } });
    h.emu.setFaults([{ type: 'status', status: 503, path: '/report/usage/', times: 1 }]);
    client.reporting.record(usage('c0', 8, 'SET'));
    const first = await client.reporting.flush();
    assert.equal(first.failed.length, 1);
    assert.equal(first.failed[0]?.retrying, true);
    assert.equal(first.failed[0]?.outcomeUnknown, true);
    client.reporting.record(usage('c0', 2));
    const second = await client.reporting.flush();
    assert.deepEqual([second.delivered, second.reports, second.failed.length], [1, 2, 0]);
    assert.equal(meter('c0'), 10, 'SET 8 then DELTA 2');
    assert.equal(failures.length, 0);
  });

  it('close() flushes, then drops what comes after it; calling it twice is one close', async () => {
    seed(1);
    const dropped: string[] = [];
    const client = h.clientWith({ usage: { flushInterval: 60_000, onDrop: (_r, why) => dropped.push(why) } });
    client.reporting.record(usage('c0', 6));
    const closing = client.close();
    assert.equal(client.close(), closing);
    assert.equal(client.reporting.record(usage('c0', 1)), false);
    await closing;
    assert.equal(meter('c0'), 6);
    assert.deepEqual(dropped, ['closed']);
  });

  it('close() gives up at the end on what it could not deliver, to onError', async () => {
    seed(1);
    const failures: UsageFailure[] = [];
    const client = h.clientWith({ maxRetries: 0, usage: { onError: (f) => failures.push(f) } });
    h.emu.setFaults([{ type: 'status', status: 429, path: '/report/usage/' }]);
    client.reporting.record(usage('c0', 6));
    await client.close();
    assert.equal(failures.length, 1);
    assert.deepEqual([failures[0]?.value, failures[0]?.outcomeUnknown, failures[0]?.retrying], [6, false, false]);
  });

  it('hands waitUntil a promise that settles once the reports are delivered', async () => {
    seed(1);
    const handed: Promise<unknown>[] = [];
    const client = h.clientWith({ usage: { flushInterval: 10, waitUntil: (p) => handed.push(p) } });
    client.reporting.record(usage('c0', 2));
    client.reporting.record(usage('c0', 3));
    assert.equal(handed.length, 1, 'one promise per armed flush, not per record');
    await handed[0];
    assert.equal(meter('c0'), 5);
  });

  it('the edge entry refuses exitHooks, pointing at waitUntil', () => {
    assert.throws(
      () => new EdgeClient({ accessToken: 'k', usage: { exitHooks: true } }),
      (e: unknown) => e instanceof ParityDealsError && /usage\.exitHooks.*usage\.waitUntil/.test(e.message),
    );
  });

  it('refuses bad usage options, naming them', () => {
    for (const [usage, name] of [
      [{ flushInterval: 0 }, 'usage.flushInterval'],
      [{ maxBuffered: 1.5 }, 'usage.maxBuffered'],
      [{ concurrency: 0 }, 'usage.concurrency'],
      [{ onError: 'log' }, 'usage.onError'],
      [{ exitHooks: { signals: ['TERM'] } }, 'usage.exitHooks.signals'],
    ] as const) {
      assert.throws(() => h.clientWith({ usage: usage as never }), new RegExp(name.replace('.', '\\.')));
    }
  });
});

describe('UsageReporter', () => {
  it('shows the observer every report record() accepts, and none it drops', async () => {
    const seen: unknown[] = [];
    const sent: number[] = [];
    const sender: Sender = (entry, done) => {
      sent.push(entry.value);
      done();
    };
    const reporter = new UsageReporter(reporterConfig({ maxBuffered: 1, concurrency: 1 }), {
      sender,
      observer: (r) => seen.push(r),
      defer: () => {},
    });
    const a = { customerId: 'a', featureId: 'f', behaviour: 'DELTA' as const, value: 2 };
    assert.equal(reporter.record(a), true);
    assert.equal(reporter.record({ ...a, customerId: 'b' }), false);
    assert.equal(reporter.record({ ...a, behaviour: 'SET', value: 9 }), true);
    assert.deepEqual(seen, [a, { ...a, behaviour: 'SET', value: 9 }]);
    const result = await jobPromise(reporter.flush());
    assert.deepEqual(sent, [9]);
    assert.deepEqual(result, { delivered: 1, reports: 2, failed: [] });
  });
});
