import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  ParityDeals,
  RateLimitError,
  ServerError,
} from '../../src/index.node.js';
import { rejected } from '../expect.js';
import { MAX_RESPONSE_BYTES } from '../../src/internal/transport.js';
import { rawServer, reply } from '../raw-server.js';
import { useEmulator } from '../support.js';

const h = useEmulator();

/** The idempotency key of the first request the emulator received. */
const sentKey = () => (h.emu.requests()[0]?.body as { idempotency_key: string } | undefined)?.idempotency_key;

const usage = (customerId: string, featureId = 'api-calls') =>
  h.emu.state().usage.find((u) => u.customerId === customerId && u.featureId === featureId)?.value;

describe('retries of repeatable operations', () => {
  it('a read recovers from 503s, marking each retry with its count', async () => {
    h.emu.seed({ customers: [{ customerId: 'c1', name: 'One' }] });
    h.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 5, times: 2 }]);
    const { data, response } = await h.client.customers.retrieve({ customerId: 'c1' }).withResponse();
    assert.equal(data.name, 'One');
    assert.equal(response.attempts, 3);
    assert.deepEqual(
      h.emu.requests().map((r) => r.headers['x-retry-count']),
      [undefined, '1', '2'],
    );
  });

  it('a read recovers from a connection reset', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'c2', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'reset', times: 1 }]);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c2', featureId: 'api-calls' }), true);
    assert.equal(h.emu.requests().length, 2);
  });

  it('honours Retry-After on a 429', async () => {
    h.emu.seed({ customers: [{ customerId: 'c3' }] });
    h.emu.setFaults([{ type: 'status', status: 429, retryAfter: 1, times: 1 }]);
    const started = Date.now();
    await h.client.customers.retrieve({ customerId: 'c3' });
    const took = Date.now() - started;
    assert.ok(took >= 950 && took < 5000, `waited ${took} ms for Retry-After: 1`);
  });

  it('caps a long Retry-After at maxRetryDelay', async () => {
    h.emu.seed({ customers: [{ customerId: 'c4' }] });
    h.emu.setFaults([{ type: 'status', status: 429, retryAfter: 3600, times: 1 }]);
    const client = h.clientWith({ maxRetryDelay: 100 });
    const started = Date.now();
    await client.customers.retrieve({ customerId: 'c4' });
    assert.ok(Date.now() - started < 2000);
  });

  it('gives up after maxRetries with the last error, per client and per request', async () => {
    h.emu.seed({ customers: [{ customerId: 'c5' }] });
    h.emu.setFaults([{ type: 'status', status: 502, retryAfterMs: 1 }]);
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'c5' }));
    assert.ok(e instanceof ServerError && e.status === 502);
    assert.equal(e.outcomeUnknown, false, 'a failed read has no effect to be unsure of');
    assert.match(e.message, /after 3 attempts/);
    assert.equal(h.emu.requests().length, 3);
    h.emu.clearRequests();
    await rejected(() => h.client.customers.retrieve({ customerId: 'c5' }, { maxRetries: 0 }));
    assert.equal(h.emu.requests().length, 1);
    h.emu.clearRequests();
    await rejected(() => h.clientWith({ maxRetries: 4 }).customers.retrieve({ customerId: 'c5' }));
    assert.equal(h.emu.requests().length, 5);
  });

  it('a SET whose answer was lost is sent again and lands on the same total', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'c6', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/usage/', times: 1 }]);
    const res = await h.client.reporting.reportUsage({
      value: 40,
      customerId: 'c6',
      featureId: 'api-calls',
      behaviour: 'SET',
    });
    assert.equal(res.value, 40);
    assert.equal(h.emu.requests().length, 2);
    assert.equal(usage('c6'), 40);
  });

  it('an event retried after a lost answer carries the same key and counts once', async () => {
    h.emu.seed({ customers: [{ customerId: 'c7' }] });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/event/', times: 1 }]);
    await h.client.reporting.reportEvent({ customerId: 'c7', eventName: 'export' });
    const keys = h.emu.requests().map((r) => (r.body as { idempotency_key: string }).idempotency_key);
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1]);
    assert.equal(h.emu.state().events.length, 1);
  });
});

describe('operations that must not be repeated', () => {
  it('a DELTA whose answer was lost is counted once and says the outcome is unknown', async () => {
    h.emu.seed({
      subscriptions: [{ customerId: 'd1', planIdentifier: 'free' }],
      usage: [{ customerId: 'd1', featureId: 'api-calls', value: 10 }],
    });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/usage/', times: 1 }]);
    const e = await rejected(() =>
      h.client.reporting.reportUsage({ value: 5, customerId: 'd1', featureId: 'api-calls', behaviour: 'DELTA' }),
    );
    assert.ok(e instanceof APIConnectionError);
    assert.equal(e.outcomeUnknown, true);
    assert.match(e.message, /outcome is unknown/);
    assert.match(e.message, /not retried because repeating it could apply it twice/);
    assert.equal(h.emu.requests().length, 1, 'the DELTA was sent once');
    assert.equal(usage('d1'), 15, 'and counted once');
  });

  it('a DELTA answered with a 5xx is not retried', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'd2', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'status', status: 503, path: '/report/usage/', times: 1 }]);
    const e = await rejected(() =>
      h.client.reporting.reportUsage({ value: 5, customerId: 'd2', featureId: 'api-calls', behaviour: 'DELTA' }),
    );
    assert.ok(e instanceof ServerError && e.outcomeUnknown);
    assert.equal(h.emu.requests().length, 1);
  });

  it('a DELTA refused with 429 is retried: the server did not act', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'd3', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'status', status: 429, retryAfterMs: 5, path: '/report/usage/', times: 2 }]);
    await h.client.reporting.reportUsage({ value: 7, customerId: 'd3', featureId: 'api-calls', behaviour: 'DELTA' });
    assert.equal(h.emu.requests().length, 3);
    assert.equal(usage('d3'), 7);
  });

  it('a 429 that outlasts the retries is a RateLimitError with retryAfter', async () => {
    h.emu.setFaults([{ type: 'status', status: 429, retryAfter: 0 }]);
    const e = await rejected(() => h.client.customers.create({ customerId: 'r1' }, { maxRetries: 1 }));
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.retryAfter, 0);
    assert.equal(e.outcomeUnknown, false);
  });

  it('customers.create after a reset is not retried', async () => {
    h.emu.setFaults([{ type: 'reset', path: '/customers/', times: 1 }]);
    const e = await rejected(() => h.client.customers.create({ customerId: 'x1' }));
    assert.ok(e instanceof APIConnectionError && e.outcomeUnknown);
    assert.equal(h.emu.requests().length, 1);
    assert.equal(h.emu.state().customers.length, 0);
  });

  it('subscriptions.update and cancel are not retried after a lost answer', async () => {
    const { subscriptions } = h.emu.seed({ subscriptions: [{ customerId: 's1', planIdentifier: 'free' }] });
    const id = subscriptions[0]?.id as string;
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/subscriptions/' }]);
    const e1 = await rejected(() =>
      h.client.subscriptions.update({ subscriptionId: id, planIdentifier: 'premium-plan', chargePeriod: 'MONTHLY' }),
    );
    const e2 = await rejected(() =>
      h.client.subscriptions.cancel({ subscriptionId: id, cancellationType: 'IMMEDIATE' }),
    );
    assert.ok(e1 instanceof APIConnectionError && e1.outcomeUnknown);
    assert.ok(e2 instanceof APIConnectionError && e2.outcomeUnknown);
    assert.equal(h.emu.requests().length, 2);
  });

  it('a DELTA is retried when the connection was certainly never made', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'd4', planIdentifier: 'free' }] });
    let calls = 0;
    // A refused connection cannot be staged by a server that is listening, so fetch is scripted.
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1)
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        });
      return fetch(input, init);
    };
    await h
      .clientWith({ fetch: flaky })
      .reporting.reportUsage({ value: 3, customerId: 'd4', featureId: 'api-calls', behaviour: 'DELTA' });
    assert.equal(calls, 2);
    assert.equal(h.emu.requests().length, 1);
    assert.equal(usage('d4'), 3);
  });

  it('a refused connection that never comes back is an APIConnectionError whose outcome is known', async () => {
    const client = new ParityDeals({
      accessToken: 'k',
      baseUrl: 'http://127.0.0.1:1',
      edgeApiUrl: 'http://127.0.0.1:1',
      maxRetries: 1,
      maxRetryDelay: 10,
    });
    const e = await rejected(() =>
      client.reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
    );
    assert.ok(e instanceof APIConnectionError && !(e instanceof APIConnectionTimeoutError));
    assert.equal(e.outcomeUnknown, false);
    assert.match(e.message, /ECONNREFUSED/);
    client.close();
  });
});

describe('timeouts and cancellation', () => {
  it('an attempt that hangs ends at its timeout with APIConnectionTimeoutError', async () => {
    h.emu.seed({ customers: [{ customerId: 't1' }] });
    h.emu.setFaults([{ type: 'hang' }]);
    const started = Date.now();
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 't1' }, { timeout: 150, maxRetries: 0 }));
    const took = Date.now() - started;
    assert.ok(e instanceof APIConnectionTimeoutError, String(e));
    assert.ok(took >= 140 && took < 1500, `took ${took} ms`);
  });

  it('entitlement reads use the shorter edgeTimeout, other calls the main timeout', async () => {
    h.emu.seed({ customers: [{ customerId: 't2' }] });
    h.emu.setFaults([{ type: 'hang' }]);
    const client = h.clientWith({ timeout: 700, edgeTimeout: 100, maxRetries: 0 });
    let started = Date.now();
    await rejected(() => client.entitlements.hasAccess({ customerId: 't2', featureId: 'f' }));
    const edge = Date.now() - started;
    started = Date.now();
    await rejected(() => client.customers.retrieve({ customerId: 't2' }));
    const main = Date.now() - started;
    assert.ok(edge >= 90 && edge < 600, `edge took ${edge} ms`);
    assert.ok(main >= 650 && main < 2500, `main took ${main} ms`);
  });

  it('a timed-out DELTA is not retried and its outcome is unknown', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 't3', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'hang', path: '/report/usage/' }]);
    const e = await rejected(() =>
      h.client.reporting.reportUsage(
        { value: 1, customerId: 't3', featureId: 'api-calls', behaviour: 'DELTA' },
        { timeout: 100 },
      ),
    );
    assert.ok(e instanceof APIConnectionTimeoutError && e.outcomeUnknown);
    assert.equal(h.emu.requests().length, 1);
  });

  it('retries of a hanging read stay bounded by the timeouts and backoff', async () => {
    h.emu.setFaults([{ type: 'hang' }]);
    const started = Date.now();
    await rejected(() => h.client.customers.retrieve({ customerId: 'x' }, { timeout: 100, maxRetries: 2 }));
    const took = Date.now() - started;
    assert.equal(h.emu.requests().length, 3);
    assert.ok(took < 300 + 1500 + 1500, `took ${took} ms`);
  });

  it('an abort ends a request in flight at once', async () => {
    h.emu.setFaults([{ type: 'hang' }]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'x' }, { signal: controller.signal }));
    assert.ok(e instanceof APIUserAbortError, String(e));
    assert.ok(!(e instanceof APIConnectionTimeoutError));
    assert.ok(Date.now() - started < 1000);
  });

  it('an abort ends the wait between retries at once', async () => {
    h.emu.setFaults([{ type: 'status', status: 503, retryAfter: 30 }]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'x' }, { signal: controller.signal }));
    assert.ok(e instanceof APIUserAbortError);
    assert.ok(Date.now() - started < 1500);
    assert.equal(h.emu.requests().length, 1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'x' }, { signal: AbortSignal.abort() }));
    assert.ok(e instanceof APIUserAbortError);
    assert.equal(h.emu.requests().length, 0);
  });
});

describe('responses', () => {
  it('withResponse gives status, headers and the request id', async () => {
    const { data, response } = await h.client.customers.create({ customerId: 'w1' }).withResponse();
    assert.equal(data.customerId, 'w1');
    assert.equal(response.status, 201);
    assert.equal(response.method, 'POST');
    assert.equal(response.url, `${h.emu.url}/api/v1/customers/`);
    assert.equal(response.headers['content-type']?.startsWith('application/json'), true);
    assert.equal(typeof response.requestId, 'string');
    assert.equal(response.requestId, response.headers['x-request-id']);
  });

  it('errors carry the request id, status, body, method and URL', async () => {
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'ghost' }));
    assert.ok(e instanceof ServerError === false);
    const err = e as import('../../src/index.js').APIError;
    assert.equal(err.status, 404);
    assert.equal(typeof err.requestId, 'string');
    assert.deepEqual(err.body, { detail: 'Not found.' });
    assert.equal(err.url, `${h.emu.url}/api/v1/customers/ghost/`);
    assert.equal(err.method, 'GET');
  });

  it('per-request headers are sent and override the defaults', async () => {
    const client = h.clientWith({ defaultHeaders: { 'X-Team': 'billing', 'X-Trace': 'default' } });
    await client.customers.create({ customerId: 'hdr' }, { headers: { 'x-trace': 'abc' } });
    const req = h.emu.requests()[0];
    assert.equal(req?.headers['x-team'], 'billing');
    assert.equal(req?.headers['x-trace'], 'abc');
  });
});

// Each of these runs once per transport: the node:http one (the default on Node) and fetch.
const transports = [
  ['node:http', {}],
  ['fetch', { fetch: globalThis.fetch }],
] as const;

describe('an event whose outcome is unknown', () => {
  it('carries its idempotency key, and resending with it counts the event once', async () => {
    h.emu.seed({ customers: [{ customerId: 'e1' }] });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/event/' }]);
    const e = await rejected(() =>
      h
        .clientWith({ maxRetries: 1, maxRetryDelay: 1 })
        .reporting.reportEvent({ customerId: 'e1', eventName: 'export' }),
    );
    assert.ok(e instanceof APIConnectionError && e.outcomeUnknown);
    const sent = sentKey() as string;
    assert.equal(e.idempotencyKey, sent, 'the key the SDK made is on the error');
    assert.match(e.message, new RegExp(`same idempotencyKey, "${sent}"`));
    assert.equal(JSON.parse(JSON.stringify(e)).idempotencyKey, sent);
    h.emu.clearFaults();
    const again = await h.client.reporting.reportEvent({
      customerId: 'e1',
      eventName: 'export',
      idempotencyKey: e.idempotencyKey,
    });
    assert.equal(again.idempotencyKey, sent, 'and on the result');
    assert.equal(h.emu.state().events.length, 1, 'stored once, though three requests carried it');
  });

  it('a success carries the key the SDK made', async () => {
    h.emu.seed({ customers: [{ customerId: 'e2' }] });
    const res = await h.client.reporting.reportEvent({ customerId: 'e2', eventName: 'export' });
    assert.equal(res.idempotencyKey, sentKey());
  });

  it('errors of other operations have no idempotencyKey field', async () => {
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'none' }));
    assert.equal(Object.hasOwn(e as object, 'idempotencyKey'), false);
  });
});

for (const [name, options] of transports) {
  describe(`an abort after the request left (${name})`, () => {
    it('leaves a DELTA unknown: the server applies it all the same', async () => {
      h.emu.seed({ subscriptions: [{ customerId: 'a1', planIdentifier: 'free' }] });
      h.emu.setFaults([{ type: 'latency', ms: 150, path: '/report/usage/' }]);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 40);
      const e = await rejected(() =>
        h
          .clientWith(options)
          .reporting.reportUsage(
            { value: 5, customerId: 'a1', featureId: 'api-calls', behaviour: 'DELTA' },
            { signal: controller.signal },
          ),
      );
      assert.ok(e instanceof APIUserAbortError);
      assert.equal(e.outcomeUnknown, true);
      assert.match(e.message, /outcome is unknown/);
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(usage('a1'), 5, 'the aborted DELTA was counted');
      assert.equal(h.emu.requests().length, 1, 'and not sent again');
    });

    it('leaves a read known', async () => {
      h.emu.setFaults([{ type: 'hang' }]);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 40);
      const e = await rejected(() =>
        h.clientWith(options).customers.retrieve({ customerId: 'x' }, { signal: controller.signal }),
      );
      assert.ok(e instanceof APIUserAbortError && !e.outcomeUnknown);
    });

    it('a signal aborted before the call leaves a DELTA known', async () => {
      const e = await rejected(() =>
        h
          .clientWith(options)
          .reporting.reportUsage(
            { value: 1, customerId: 'a2', featureId: 'api-calls', behaviour: 'DELTA' },
            { signal: AbortSignal.abort() },
          ),
      );
      assert.ok(e instanceof APIUserAbortError && !e.outcomeUnknown);
      assert.equal(h.emu.requests().length, 0);
    });
  });

  describe(`answers that are not success (${name})`, () => {
    it('an answer cut short after its headers leaves a DELTA unknown', async () => {
      const raw = await rawServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"value":');
        setTimeout(() => res.destroy(), 20);
      });
      const client = h.clientWith({ ...options, baseUrl: raw.url });
      const e = await rejected(() =>
        client.reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
      );
      assert.ok(e instanceof APIConnectionError && e.outcomeUnknown, String(e));
      assert.equal(raw.received.length, 1);
      await raw.close();
    });

    it('a redirect is an error naming the new place, not followed, the write known', async () => {
      const raw = await rawServer((req, res) =>
        req.url.startsWith('/elsewhere')
          ? reply(res, 200, { value: 1 })
          : reply(res, 301, '', { location: `${raw.url}/elsewhere` }),
      );
      const client = h.clientWith({ ...options, baseUrl: raw.url });
      const e = await rejected(() =>
        client.reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
      );
      assert.ok(e instanceof APIError && e.status === 301, String(e));
      assert.equal(e.outcomeUnknown, false, 'a 301 means it was not handled');
      assert.match(
        e.message,
        /answered 301 Moved Permanently to http:\/\/127\.0\.0\.1:\d+\/elsewhere instead of handling it/,
      );
      assert.match(e.message, /use https:\/\//);
      assert.deepEqual(
        raw.received.map((r) => r.method),
        ['POST'],
        'the redirect was not followed (fetch would have sent a GET there)',
      );
      await raw.close();
    });

    it('a 303 to a write leaves it unknown: it may have been handled', async () => {
      const raw = await rawServer((_req, res) => reply(res, 303, '', { location: '/done' }));
      const client = h.clientWith({ ...options, baseUrl: raw.url });
      const e = await rejected(() =>
        client.reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
      );
      assert.ok(e instanceof APIError && e.status === 303 && e.outcomeUnknown);
      await raw.close();
    });

    it('an empty 200 fails a DELTA as unknown, and a read as known', async () => {
      const raw = await rawServer((_req, res) => reply(res, 200, ''));
      const client = h.clientWith({ ...options, baseUrl: raw.url, edgeApiUrl: raw.url });
      const delta = await rejected(() =>
        client.reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
      );
      assert.ok(delta instanceof APIError && delta.status === 200, String(delta));
      assert.equal(delta.outcomeUnknown, true);
      assert.match(delta.message, /answered 200 with an empty body, not what this operation returns/);
      const read = await rejected(() => client.entitlements.hasAccess({ customerId: 'c', featureId: 'f' }));
      assert.ok(read instanceof APIError && !read.outcomeUnknown, 'hasAccess does not resolve false');
      await raw.close();
    });

    it('a 304 or a body of the wrong shape fails entitlement reads instead of denying access', async () => {
      const answers: [number, string][] = [
        [304, ''],
        [200, '{}'],
        [200, '{"customerId":"c","entitlements":"none"}'],
        [200, '[]'],
        [200, '<html>captive portal</html>'],
      ];
      let next = 0;
      const raw = await rawServer((_req, res) => {
        const [status, body] = answers[next++ % answers.length] as [number, string];
        if (status === 304) {
          res.writeHead(304);
          res.end();
        } else reply(res, status, body);
      });
      const client = h.clientWith({ ...options, edgeApiUrl: raw.url, maxRetries: 0 });
      for (const [status, body] of answers) {
        const e = await rejected(() => client.entitlements.getAllEntitlements({ customerId: 'c' }));
        assert.ok(e instanceof APIError && e.status === status, `${status} ${body}: ${String(e)}`);
        assert.equal(e.outcomeUnknown, false);
      }
      await raw.close();
    });
  });
}

describe('an outcome that may have been applied stays unknown', () => {
  it('a SET dropped after the server stored it, then 429 twice, says so', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'u1', planIdentifier: 'free' }] });
    h.emu.setFaults([
      { type: 'drop-after-handle', path: '/report/usage/', times: 1 },
      { type: 'status', status: 429, retryAfterMs: 1, path: '/report/usage/' },
    ]);
    const e = await rejected(() =>
      h.client.reporting.reportUsage({ value: 40, customerId: 'u1', featureId: 'api-calls', behaviour: 'SET' }),
    );
    assert.ok(e instanceof RateLimitError, String(e));
    assert.equal(e.outcomeUnknown, true, 'the first attempt landed');
    assert.match(e.message, /outcome is unknown after 3 attempts/);
    assert.equal(usage('u1'), 40);
  });

  it('a read never is', async () => {
    h.emu.setFaults([
      { type: 'drop-after-handle', times: 1 },
      { type: 'status', status: 404 },
    ]);
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'x' }));
    assert.ok(e instanceof APIError && e.status === 404 && !e.outcomeUnknown);
  });
});

for (const [name, options] of transports) {
  describe(`an answer larger than MAX_RESPONSE_BYTES (${name})`, () => {
    const size = MAX_RESPONSE_BYTES + 1024 * 1024;

    it('streamed without a length: a DELTA fails as unknown with a clear error, not a crash', async () => {
      const raw = await rawServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(256 * 1024, 'a');
        let written = 0;
        const pump = (): void => {
          while (written < size && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      });
      const e = await rejected(() =>
        h
          .clientWith({ ...options, baseUrl: raw.url })
          .reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
      );
      assert.ok(e instanceof APIConnectionError, String(e));
      assert.equal(e.outcomeUnknown, true, 'the server answered 200: it may well have counted it');
      assert.match(e.message, /answered 200 with a body longer than 16777216 bytes \(MAX_RESPONSE_BYTES/);
      assert.equal(raw.received.length, 1, 'not retried');
      await raw.close();
    });

    it('declared in Content-Length: a read fails at once without reading it', async () => {
      const raw = await rawServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
        res.write('{');
      });
      const started = Date.now();
      const e = await rejected(() =>
        h.clientWith({ ...options, baseUrl: raw.url }).customers.retrieve({ customerId: 'c' }),
      );
      assert.ok(e instanceof APIConnectionError && !e.outcomeUnknown, String(e));
      assert.match(e.message, /declared 1073741824 bytes/);
      assert.ok(Date.now() - started < 2000);
      await raw.close();
    });
  });
}

for (const [name, options] of transports) {
  describe(`one AbortSignal shared by many calls (${name})`, () => {
    it('prints no MaxListenersExceededWarning, and aborts every call', async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error): void => {
        warnings.push(w);
      };
      process.on('warning', onWarning);
      try {
        h.emu.seed({ customers: [{ customerId: 'm1' }] });
        const client = h.clientWith(options);
        const shared = new AbortController();
        // Thirty that finish, then thirty in flight when it fires, then thirty waiting to retry.
        await Promise.all(
          Array.from({ length: 30 }, () => client.customers.retrieve({ customerId: 'm1' }, { signal: shared.signal })),
        );
        h.emu.setFaults([
          { type: 'hang', path: '/customers/hang' },
          { type: 'status', status: 503, retryAfter: 30 },
        ]);
        const calls = [
          ...Array.from({ length: 30 }, () =>
            rejected(() => client.customers.retrieve({ customerId: 'hang' }, { signal: shared.signal })),
          ),
          ...Array.from({ length: 30 }, () =>
            rejected(() => client.customers.retrieve({ customerId: 'm1' }, { signal: shared.signal })),
          ),
        ];
        await new Promise((r) => setTimeout(r, 100));
        shared.abort();
        const errors = await Promise.all(calls);
        assert.ok(errors.every((e) => e instanceof APIUserAbortError));
        await new Promise((r) => setImmediate(r));
        assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map(String), []);
      } finally {
        process.off('warning', onWarning);
      }
    });
  });
}
