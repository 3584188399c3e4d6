import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Faults } from '../../src/testing/faults.js';
import { mulberry32 } from '../../src/testing/prng.js';
import { startEmulator, type Emulator, type Fault } from '../../src/testing/index.js';
import { call, rawRequest } from './helpers.js';

const auth = (emu: Emulator) => ({ authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' });

describe('faults', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  it('status: answers without handling, for `times` requests, then expires', async () => {
    emu.setFaults([{ type: 'status', status: 503, times: 2, path: '/customers/' }]);
    const a = await call(emu, 'POST', '/customers/', { customerId: 'c1' });
    assert.equal(a.status, 503);
    assert.deepEqual(a.body, { detail: 'Emulated fault: HTTP 503.' });
    assert.equal((await call(emu, 'POST', '/customers/', { customerId: 'c1' })).status, 503);
    assert.equal(emu.state().customers.length, 0, 'a status fault does not handle the request');
    assert.equal((await call(emu, 'POST', '/customers/', { customerId: 'c1' })).status, 201);
    assert.equal(emu.requests().length, 3, 'faulted requests are recorded too');
    assert.match(a.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{24}$/, 'faulted answers carry a request id too');
    assert.equal(a.headers.get('x-request-id'), emu.requests()[0]?.requestId);
  });

  it('status 429 sends Retry-After and retry-after-ms', async () => {
    emu.setFaults([{ type: 'status', status: 429, retryAfter: 2, retryAfterMs: 1500 }]);
    const r = await call(emu, 'GET', '/customers/');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '2');
    assert.equal(r.headers.get('retry-after-ms'), '1500');
    assert.deepEqual(r.body, { detail: 'Request was throttled. Expected available in 2 seconds.' });
    emu.setFaults([{ type: 'status', status: 429, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' }]);
    assert.equal((await call(emu, 'GET', '/customers/')).headers.get('retry-after'), 'Wed, 21 Oct 2015 07:28:00 GMT');
  });

  it('latency: waits, then handles normally', async () => {
    emu.setFaults([{ type: 'latency', ms: 150, method: 'post' }]);
    const t0 = performance.now();
    assert.equal((await call(emu, 'GET', '/customers/')).status, 200);
    const fast = performance.now() - t0;
    const t1 = performance.now();
    assert.equal((await call(emu, 'POST', '/customers/', { customerId: 'slow' })).status, 201);
    const slow = performance.now() - t1;
    assert.ok(fast < 120, `GET was not delayed (${fast} ms)`);
    assert.ok(slow >= 145, `POST was delayed (${slow} ms)`);
  });

  it('reset: the connection dies before handling; nothing changes', async () => {
    emu.setFaults([{ type: 'reset', times: 1 }]);
    await assert.rejects(
      rawRequest(emu.port, 'POST', '/api/v1/customers/', {
        headers: auth(emu),
        body: JSON.stringify({ customerId: 'r1' }),
      }),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET',
    );
    assert.deepEqual(emu.state().customers, []);
    assert.equal(emu.requests()[0]?.rawBody, '{"customerId":"r1"}');
    assert.equal((await call(emu, 'GET', '/customers/')).status, 200, 'expired after one');
  });

  it('drop-after-handle: the change happens, the answer never arrives', async () => {
    emu.setFaults([{ type: 'drop-after-handle', times: 1, path: '/customers/' }]);
    await assert.rejects(
      rawRequest(emu.port, 'POST', '/api/v1/customers/', {
        headers: auth(emu),
        body: JSON.stringify({ customerId: 'd1' }),
      }),
    );
    assert.deepEqual(
      emu.state().customers.map((c) => c.customerId),
      ['d1'],
    );
    // The naive retry now trips over its own first attempt.
    assert.equal((await call(emu, 'POST', '/customers/', { customerId: 'd1' })).status, 400);
  });

  it('hang: never answers; the client times out and close() still returns promptly', async () => {
    const local = await startEmulator();
    local.setFaults([{ type: 'hang' }]);
    await assert.rejects(
      fetch(`${local.url}/api/v1/customers/`, { signal: AbortSignal.timeout(200) }),
      (err: Error) => err.name === 'TimeoutError',
    );
    const hung = rawRequest(local.port, 'GET', '/api/v1/customers/').catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await local.close();
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(await hung, 'ECONNRESET');
    await local.close(); // idempotent
  });

  it('matches method and path substrings; admin and checkout page are never faulted', async () => {
    emu.setFaults([{ type: 'status', status: 500, method: 'POST', path: '/report/usage/' }]);
    await call(emu, 'POST', '/customers/', { customerId: 'c1' });
    assert.equal(
      (
        await call(emu, 'POST', '/report/usage/', {
          customerId: 'c1',
          featureId: 'api-calls',
          value: 1,
          behaviour: 'SET',
        })
      ).status,
      500,
    );
    assert.equal(
      (
        await call(emu, 'POST', '/report/event/', {
          customerId: 'c1',
          eventName: 'e',
          idempotencyKey: 'k',
          timestamp: '2025-01-01 00:00:00',
        })
      ).status,
      201,
    );
    emu.setFaults([{ type: 'status', status: 500 }]);
    assert.equal((await call(emu, 'GET', '/entitlements?customer_id=c1', undefined, { edge: true })).status, 500);
    assert.equal((await fetch(`${emu.url}/__emulator/health`)).status, 200);
    const session = emu.state().checkoutSessions[0];
    assert.equal(session, undefined);
    assert.equal((await fetch(`${emu.url}/checkout/unknown`)).status, 404, 'the page answers (404), not 500');
  });

  it('probability is drawn from the seeded PRNG: same seed, same pattern', async () => {
    const pattern = async (seed: number) => {
      const e = await startEmulator({ seed });
      e.setFaults([{ type: 'status', status: 502, probability: 0.5 }]);
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await call(e, 'GET', '/customers/')).status);
      await e.close();
      return out.map((s) => (s === 502 ? 'x' : '.')).join('');
    };
    const a = await pattern(7);
    assert.equal(await pattern(7), a);
    assert.notEqual(await pattern(8), a);
    const hits = a.split('').filter((c) => c === 'x').length;
    assert.ok(hits > 8 && hits < 32, `about half fault (${a})`);
    // After reset() the stream starts over too.
    const e = await startEmulator({ seed: 7 });
    e.setFaults([{ type: 'status', status: 502, probability: 0.5 }]);
    for (let i = 0; i < 5; i++) await call(e, 'GET', '/customers/');
    e.reset();
    e.setFaults([{ type: 'status', status: 502, probability: 0.5 }]);
    const again: string[] = [];
    for (let i = 0; i < 40; i++) again.push((await call(e, 'GET', '/customers/')).status === 502 ? 'x' : '.');
    await e.close();
    assert.equal(again.join(''), a);
  });

  it('generated ids do not depend on fault draws', async () => {
    const ids = async (withFaults: boolean) => {
      const e = await startEmulator({ seed: 3 });
      if (withFaults) e.setFaults([{ type: 'latency', ms: 0, probability: 0.5 }]);
      const out: string[] = [];
      for (let i = 0; i < 3; i++) out.push((await call(e, 'POST', '/customers/', { customerId: `c${i}` })).body.id);
      await e.close();
      return out;
    };
    assert.deepEqual(await ids(true), await ids(false));
  });

  it('validates faults; setFaults replaces, clearFaults empties', async () => {
    assert.throws(() => emu.setFaults([{ type: 'explode' } as unknown as Fault]), /Invalid fault \[0\]: type must be/);
    assert.throws(() => emu.setFaults([{ type: 'latency' }]), /latency needs ms/);
    assert.throws(() => emu.setFaults([{ type: 'status', probability: 2 }]), /probability/);
    assert.throws(() => emu.setFaults([{ type: 'status', status: 99 }]), /status/);
    emu.setFaults([{ type: 'status', status: 500 }]);
    emu.setFaults([{ type: 'status', status: 418 }]);
    assert.equal((await call(emu, 'GET', '/customers/')).status, 418);
    emu.clearFaults();
    assert.equal((await call(emu, 'GET', '/customers/')).status, 200);
  });

  it('the first matching fault in list order wins', () => {
    const f = new Faults(mulberry32(1));
    f.set([
      { type: 'status', status: 500, path: '/a/', times: 1 },
      { type: 'status', status: 502 },
    ]);
    assert.equal(f.pick('GET', '/x/a/')?.status, 500);
    assert.equal(f.pick('GET', '/x/a/')?.status, 502);
    assert.deepEqual(f.list(), [
      { type: 'status', status: 500, path: '/a/', times: 0 },
      { type: 'status', status: 502 },
    ]);
  });
});
