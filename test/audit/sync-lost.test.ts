// Audit: a usage request whose worker thread died with it out may have been sent; the failure
// the sync client's reporter hands to onError must say outcomeUnknown.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { WorkerChannel } from '../../src/sync/channel.js';
import type { PlainSpec, WorkerConfig } from '../../src/sync/protocol.js';
import { workerBootstrap } from '../../src/sync/worker-file.js';
import { type UsageFailure, UsageReporter } from '../../src/usage/flusher.js';
import { usageEntryRequest } from '../../src/resources/reporting.js';

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
const dying = workerBootstrap(fileURLToPath(new URL('./fixtures/dying-worker.ts', import.meta.url)));

it('a DELTA lost with the worker on the background channel is reported as outcome unknown', () => {
  const channel = new WorkerChannel(dying, config);
  const failures: UsageFailure[] = [];
  // The sync client's sender (src/sync/client.ts), without the cache.
  const reporter = new UsageReporter(
    {
      flushInterval: 60_000,
      maxBuffered: 100,
      concurrency: 4,
      onError: (f) => failures.push(f),
      onDrop: () => {},
      waitUntil: undefined,
    },
    {
      sender: (entry, done) => {
        const { transform: _, ...spec } = usageEntryRequest(entry);
        channel.send({ spec: spec as PlainSpec, options: undefined }, (reply) => {
          if ('lost' in reply) return done(reply.lost);
          done(reply.ok ? undefined : new Error('failed'));
        });
      },
      defer: (start) => start(),
      poll: () => channel.poll(),
    },
  );
  reporter.record({ customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA', value: 5 });
  const job = reporter.flush();
  for (let i = 0; i < 50 && !job.done; i++) channel.waitBackground(200);
  channel.close();
  assert.ok(job.done, 'the flush settled');
  assert.equal(failures.length, 1);
  const [f] = failures;
  assert.equal(f?.value, 5);
  assert.equal(f?.outcomeUnknown, true, `the worker had the request and may have sent it: ${f?.error.message}`);
});
