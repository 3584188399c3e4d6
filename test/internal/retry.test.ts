import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outcomeUnknown, retryDelay, shouldRetry, sleep } from '../../src/internal/retry.js';

describe('shouldRetry', () => {
  it('retries repeatable operations after passing failures', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504])
      assert.equal(shouldRetry(true, { status }), true, `status ${status}`);
    for (const transport of ['connect', 'network', 'timeout'] as const)
      assert.equal(shouldRetry(true, { transport }), true, transport);
  });

  it('never retries client errors or aborts', () => {
    for (const status of [400, 401, 403, 404, 422])
      assert.equal(shouldRetry(true, { status }), false, `status ${status}`);
    assert.equal(shouldRetry(true, { transport: 'abort' }), false);
  });

  it('retries a non-repeatable operation only when the server certainly did not act', () => {
    assert.equal(shouldRetry(false, { transport: 'connect' }), true);
    assert.equal(shouldRetry(false, { status: 429 }), true);
    for (const status of [408, 409, 500, 502, 503])
      assert.equal(shouldRetry(false, { status }), false, `status ${status}`);
    assert.equal(shouldRetry(false, { transport: 'network' }), false);
    assert.equal(shouldRetry(false, { transport: 'timeout' }), false);
    assert.equal(shouldRetry(false, { transport: 'timeout', sent: false }), true, 'it never left');
    assert.equal(shouldRetry(true, { transport: 'abort', sent: false }), false, 'an abort is never retried');
    assert.equal(shouldRetry(true, { transport: 'too-large' }), false);
  });
});

describe('outcomeUnknown', () => {
  it('is true when the request may have been applied', () => {
    assert.equal(outcomeUnknown({ transport: 'network' }), true);
    assert.equal(outcomeUnknown({ transport: 'abort', sent: true }), true, 'an abort after the request left');
    assert.equal(outcomeUnknown({ transport: 'too-large' }), true);
    assert.equal(outcomeUnknown({ transport: 'timeout' }), true);
    assert.equal(outcomeUnknown({ status: 500 }), true);
    assert.equal(outcomeUnknown({ status: 408 }), true);
  });
  it('is false when the server certainly did not act', () => {
    assert.equal(outcomeUnknown({ transport: 'connect' }), false);
    assert.equal(outcomeUnknown({ transport: 'abort', sent: false }), false);
    assert.equal(outcomeUnknown({ transport: 'timeout', sent: false }), false);
    assert.equal(outcomeUnknown({ status: 429 }), false);
    assert.equal(outcomeUnknown({ status: 400 }), false);
  });
});

describe('retryDelay', () => {
  it('backs off exponentially with at most 25% jitter', () => {
    for (let i = 0; i < 50; i++) {
      const first = retryDelay(1, undefined, 60_000);
      const third = retryDelay(3, undefined, 60_000);
      assert.ok(first > 375 - 1e-9 && first <= 500, `first ${first}`);
      assert.ok(third > 1500 - 1e-9 && third <= 2000, `third ${third}`);
    }
    assert.ok(retryDelay(20, undefined, 60_000) <= 8000);
  });

  it('honours Retry-After in seconds and as an HTTP date, and retry-after-ms', () => {
    assert.equal(retryDelay(1, { 'retry-after': '2' }, 60_000), 2000);
    assert.equal(retryDelay(1, { 'retry-after-ms': '150' }, 60_000), 150);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    const d = retryDelay(1, { 'retry-after': inFive }, 60_000);
    assert.ok(d > 3000 && d <= 5000, `date delay ${d}`);
  });

  it('caps what the server asks for', () => {
    assert.equal(retryDelay(1, { 'retry-after': '3600' }, 60_000), 60_000);
    assert.equal(retryDelay(1, { 'retry-after': '3600' }, 1000), 1000);
    assert.equal(retryDelay(1, { 'retry-after': '-5' }, 1000) >= 0, true);
  });

  it('falls back to backoff on an unreadable Retry-After', () => {
    const d = retryDelay(1, { 'retry-after': 'soon' }, 60_000);
    assert.ok(d > 370 && d <= 500);
  });
});

describe('sleep', () => {
  it('ends at once when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(
      sleep(10_000, controller.signal, () => new Error('aborted')),
      /aborted/,
    );
    assert.ok(Date.now() - started < 1000);
  });
});
