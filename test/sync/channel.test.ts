// The blocking channel when the worker misbehaves: every failure wakes the caller with a clear
// ParityDealsError instead of hanging it, and the next call gets a fresh worker.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { APIConnectionError, ParityDealsError } from '../../src/index.node.js';
import { type BackgroundCallback, WorkerChannel } from '../../src/sync/channel.js';
import { usageEntryRequest } from '../../src/resources/reporting.js';
import { type UsageFailure, UsageReporter } from '../../src/usage/flusher.js';
import { reporterConfig } from '../usage/helpers.js';
import type { PlainSpec, WorkerConfig } from '../../src/sync/protocol.js';
import { workerBootstrap, workerFile } from '../../src/sync/worker-file.js';

const config: WorkerConfig = {
  accessToken: 'k',
  baseUrl: 'http://127.0.0.1:9',
  edgeApiUrl: 'http://127.0.0.1:9',
  apiVersion: 'v1',
  timeout: 1000,
  connectTimeout: 3000,
  edgeTimeout: 1000,
  maxRetries: 0,
  maxRetryDelay: 0,
  defaultHeaders: {},
  userAgent: undefined,
  logLevel: 'off',
};
const spec = (operation: string): PlainSpec => ({
  operation,
  method: 'GET',
  host: 'main',
  path: '/x/',
  repeatable: true,
});
const broken = workerBootstrap(fileURLToPath(new URL('./fixtures/broken-worker.ts', import.meta.url)));

function timed(fn: () => unknown): { error: unknown; ms: number } {
  const started = performance.now();
  try {
    fn();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  assert.fail('expected a throw');
}

it('the real worker file is found next to the sources', () => {
  assert.match(workerFile(), /src\/sync\/worker\.ts$/);
});

it('a worker module that fails to load is reported at once, with the reason', () => {
  const channel = new WorkerChannel(workerBootstrap('/nonexistent/worker.js'), config);
  const { error, ms } = timed(() => channel.call({ spec: spec('x'), options: undefined }, 5_000));
  assert.ok(error instanceof ParityDealsError);
  assert.match(error.message, /failed to start: .*Cannot find module/s);
  assert.ok(ms < 5_000, `took ${ms} ms`);
});

it('a worker that dies mid-call wakes the caller; the next call starts a fresh worker', () => {
  const channel = new WorkerChannel(broken, config);
  const { error, ms } = timed(() => channel.call({ spec: spec('die'), options: undefined }, 10_000));
  assert.ok(error instanceof ParityDealsError);
  assert.match(error.message, /stopped unexpectedly.*next call starts a new one/);
  assert.ok(ms < 5_000, `took ${ms} ms`);
  const again = timed(() => channel.call({ spec: spec('die'), options: undefined }, 10_000));
  assert.match((again.error as Error).message, /stopped unexpectedly/, 'a new worker ran the second call');
  channel.close();
});

it('a worker that never answers is given up at the watchdog', () => {
  const channel = new WorkerChannel(broken, config);
  const { error, ms } = timed(() => channel.call({ spec: spec('silent'), options: undefined }, 300));
  assert.ok(error instanceof ParityDealsError);
  assert.match(error.message, /gave no answer within 300 ms/);
  assert.ok(ms >= 290 && ms < 3_000, `took ${ms} ms`);
  channel.close();
  channel.close();
});

it('a worker that died while idle is replaced before the next call, which goes through', () => {
  const channel = new WorkerChannel(broken, config);
  const first = channel.call({ spec: spec('echo-then-exit'), options: undefined }, 10_000);
  assert.ok(first.ok);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // let it exit
  const second = channel.call({ spec: spec('echo'), options: undefined }, 10_000);
  assert.ok(second.ok);
  assert.notEqual(second.data, first.data, 'answered by a new thread');
  channel.close();
});

it('a worker lost during a write reports the outcome as unknown, with the event key', () => {
  const channel = new WorkerChannel(broken, config);
  const write: PlainSpec = { ...spec('die'), method: 'POST', idempotencyKey: 'key-1' };
  const { error } = timed(() => channel.call({ spec: write, options: undefined }, 10_000));
  assert.ok(error instanceof APIConnectionError, String(error));
  assert.equal(error.outcomeUnknown, true, 'the worker may have sent it');
  assert.equal(error.idempotencyKey, 'key-1');
  assert.match(error.message, /die: .*stopped unexpectedly.*outcome is unknown.*"key-1"/s);
  const read = timed(() => channel.call({ spec: spec('die'), options: undefined }, 10_000));
  assert.ok(read.error instanceof APIConnectionError && !read.error.outcomeUnknown, 'a read is never unknown');
  channel.close();
});

it('close() is final: a call afterwards throws and starts no worker', () => {
  const channel = new WorkerChannel(broken, config);
  channel.close();
  channel.start();
  const { error } = timed(() => channel.call({ spec: spec('echo'), options: undefined }, 10_000));
  assert.ok(error instanceof ParityDealsError);
  assert.match(error.message, /was closed/);
});

/** Sleeps on the background channel until `done()` or 5 s. */
function waitFor(channel: WorkerChannel, done: () => boolean): void {
  const deadline = Date.now() + 5_000;
  while (!done() && Date.now() < deadline) channel.waitBackground(200);
}

it('background calls lost with their worker: writes are outcome unknown with their key, reads are not', () => {
  const channel = new WorkerChannel(broken, config);
  const replies: Parameters<BackgroundCallback>[0][] = [];
  channel.send({ spec: spec('silent'), options: undefined }, (reply) => replies.push(reply));
  const write: PlainSpec = { ...spec('die'), method: 'POST', idempotencyKey: 'key-2' };
  channel.send({ spec: write, options: undefined }, (reply) => replies.push(reply));
  waitFor(channel, () => replies.length === 2);
  channel.close();
  const [read, lost] = replies.map((r) => (r as { lost?: unknown }).lost);
  assert.ok(read instanceof APIConnectionError && read.outcomeUnknown === false, String(read));
  assert.ok(lost instanceof APIConnectionError, String(lost));
  assert.equal(lost.outcomeUnknown, true, 'the worker may have sent it');
  assert.equal(lost.idempotencyKey, 'key-2');
  assert.match(lost.message, /die: .*stopped before answering.*outcome is unknown.*"key-2"/s);
});

it('a worker that dies on a background call is replaced: the next blocking call goes through', () => {
  const channel = new WorkerChannel(broken, config);
  let lost: unknown;
  channel.send({ spec: spec('die'), options: undefined }, (reply) => {
    lost = (reply as { lost?: unknown }).lost;
  });
  waitFor(channel, () => lost !== undefined);
  assert.ok(lost instanceof APIConnectionError, String(lost));
  const next = channel.call({ spec: spec('echo'), options: undefined }, 10_000);
  assert.ok(next.ok, 'answered by a new worker, not refused as closed');
  channel.close();
});

it('a usage flush lost with its worker reaches onError as outcome unknown, not as unsent', () => {
  const channel = new WorkerChannel(broken, config);
  const failures: UsageFailure[] = [];
  // The sync client's sender (src/sync/client.ts), its operation renamed so the worker dies on it.
  const reporter = new UsageReporter(reporterConfig({ onError: (f) => failures.push(f) }), {
    sender: (entry, done) => {
      const { transform: _, ...request } = usageEntryRequest(entry);
      channel.send({ spec: { ...request, operation: 'die' }, options: undefined }, (reply) => {
        if ('lost' in reply) return done(reply.lost);
        done(reply.ok ? undefined : new Error('failed'));
      });
    },
    defer: (start) => start(),
    poll: () => channel.poll(),
  });
  reporter.record({ customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA', value: 5 });
  const job = reporter.flush();
  waitFor(channel, () => job.done);
  channel.close();
  assert.ok(job.done, 'the flush settled');
  assert.equal(failures.length, 1);
  assert.equal(failures[0]?.value, 5);
  assert.equal(failures[0]?.outcomeUnknown, true, failures[0]?.error.message);
});
