// Errors from the sync client: the same classes, with the same fields, as the async client's;
// validation failures before anything is sent; timeouts within bounds; the token never shown.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  ParityDeals,
  ParityDealsError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../../src/index.node.js';
import { thrown, rejected } from '../expect.js';
import { errorFields, useRig } from './helpers.js';

describe('sync client: errors', () => {
  const r = useRig();
  beforeEach(async () => {
    await r.emu.reset();
    await r.emu.seed({ customers: [{ customerId: 'exists', email: 'e@example.com' }] });
  });

  it('401 with a wrong key: AuthenticationError, same fields as async, token nowhere', async () => {
    const token = 'pd_live_SECRET_should_never_show_1234';
    const options = { ...r.options, accessToken: token };
    const sync = ParityDeals.createSyncClient(options);
    const async = ParityDeals.createAsyncClient(options);
    try {
      const error = thrown(() => sync.customers.retrieve({ customerId: 'exists' }));
      assert.ok(error instanceof AuthenticationError);
      assert.ok(error instanceof APIError);
      assert.ok(error instanceof ParityDealsError);
      assert.equal(error.status, 401);
      assert.equal(error.method, 'GET');
      assert.equal(error.url, `${r.emu.url}/api/v1/customers/exists/`);
      assert.equal(typeof error.headers, 'object');
      assert.deepEqual(
        errorFields(error),
        errorFields(await rejected(async.customers.retrieve({ customerId: 'exists' }))),
      );
      for (const text of [
        error.message,
        error.stack ?? '',
        inspect(error),
        JSON.stringify(error),
        inspect(sync, { depth: 10, showHidden: true }),
        JSON.stringify(sync),
      ]) {
        assert.ok(!text.includes(token), `token leaked into: ${text.slice(0, 200)}`);
      }
    } finally {
      sync.close();
      async.close();
    }
  });

  it('404: NotFoundError with status, body, method, url; same as async', async () => {
    const error = thrown(() => r.sync.customers.retrieve({ customerId: 'nobody' }));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.status, 404);
    assert.ok(error.body && typeof error.body === 'object');
    assert.equal(error.outcomeUnknown, false);
    assert.equal(error.requestId, error.headers['x-request-id']);
    assert.deepEqual(
      errorFields(error),
      errorFields(await rejected(r.async.customers.retrieve({ customerId: 'nobody' }))),
    );
    assert.ok(!inspect(error).includes(r.emu.apiKey));
  });

  it('400 from the server (duplicate customer): InvalidRequestError, not a ValidationError', async () => {
    const error = thrown(() => r.sync.customers.create({ customerId: 'exists' }));
    assert.ok(error instanceof InvalidRequestError);
    assert.ok(!(error instanceof ValidationError));
    assert.equal(error.status, 400);
    assert.deepEqual(
      errorFields(error),
      errorFields(await rejected(r.async.customers.create({ customerId: 'exists' }))),
    );
  });

  it('429 via a fault: RateLimitError with retryAfter', async () => {
    await r.emu.setFaults([{ type: 'status', status: 429, retryAfter: 7, path: '/customers/' }]);
    const error = thrown(() => r.sync.customers.retrieve({ customerId: 'exists' }, { maxRetries: 0 }));
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.status, 429);
    assert.equal(error.retryAfter, 7);
    assert.deepEqual(
      errorFields(error),
      errorFields(await rejected(r.async.customers.retrieve({ customerId: 'exists' }, { maxRetries: 0 }))),
    );
  });

  it('5xx: ServerError after the retries; retried in the worker, attempts counted', async () => {
    await r.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 10, path: '/customers/' }]);
    const error = thrown(() => r.sync.customers.retrieve({ customerId: 'exists' }, { maxRetries: 1 }));
    assert.ok(error instanceof ServerError);
    assert.equal(error.status, 503);
    assert.equal(error.outcomeUnknown, false, 'a GET changes nothing');
    assert.match(error.message, /after 2 attempts/);

    await r.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 10, times: 1 }]);
    await r.emu.clearRequests();
    const { data, response } = r.sync.withResponse.customers.retrieve({ customerId: 'exists' });
    assert.equal(data.customerId, 'exists');
    assert.equal(response.attempts, 2);
    const sent = await r.emu.requests();
    assert.deepEqual(
      sent.map((s) => s.headers['x-retry-count']),
      [undefined, '1'],
    );
  });

  it('a lost answer to a create: APIConnectionError with outcomeUnknown, not retried', async () => {
    await r.emu.setFaults([{ type: 'drop-after-handle', path: '/customers/', times: 1 }]);
    await r.emu.clearRequests();
    const error = thrown(() => r.sync.customers.create({ customerId: 'dropped' }));
    assert.ok(error instanceof APIConnectionError);
    assert.equal(error.outcomeUnknown, true);
    assert.equal(error.method, 'POST');
    assert.equal((await r.emu.requests()).length, 1);
    assert.ok(
      (await r.emu.state()).customers.some((c) => c.customerId === 'dropped'),
      'the server did apply it',
    );
  });

  it('timeout: a hanging server with timeout 300 ms → APIConnectionTimeoutError within bounds', async () => {
    await r.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    const started = performance.now();
    const error = thrown(() =>
      r.sync.entitlements.hasAccess({ customerId: 'exists', featureId: 'seats' }, { timeout: 300, maxRetries: 0 }),
    );
    const took = performance.now() - started;
    assert.ok(error instanceof APIConnectionTimeoutError);
    assert.ok(error instanceof APIConnectionError);
    assert.match(error.message, /timed out/);
    assert.ok(took >= 290 && took < 2_000, `took ${took} ms`);
    await r.emu.clearFaults();
    // The worker is fine afterwards.
    assert.equal(r.sync.customers.retrieve({ customerId: 'exists' }).customerId, 'exists');
  });

  it('the client-level timeout and retries apply too', async () => {
    await r.emu.setFaults([{ type: 'hang', path: '/customers/' }]);
    const sync = ParityDeals.createSyncClient({ ...r.options, timeout: 200, maxRetries: 1 });
    try {
      await r.emu.clearRequests();
      const started = performance.now();
      const error = thrown(() => sync.customers.retrieve({ customerId: 'exists' }));
      const took = performance.now() - started;
      assert.ok(error instanceof APIConnectionTimeoutError);
      assert.ok(took >= 390 && took < 3_000, `two attempts of 200 ms and a backoff, took ${took} ms`);
      assert.equal((await r.emu.requests()).length, 2);
    } finally {
      sync.close();
    }
  });

  it('validation errors are thrown before anything is sent, in every module', async () => {
    await r.emu.clearRequests();
    const bad: Array<[() => unknown, string]> = [
      [() => r.sync.customers.create({ customerId: 'x', email: 'not-an-email' }), 'email'],
      [() => r.sync.customers.update({ customerId: 'x' }), 'email, name or metadata'],
      [() => r.sync.customers.retrieve({ customerId: '' }), 'customerId'],
      [() => r.sync.customers.list({ pageSize: 0 }), 'pageSize'],
      [
        () =>
          r.sync.checkout.createSession({
            planIdentifier: 'p',
            chargePeriod: 'HOURLY' as never,
            successUrl: 'https://x',
          }),
        'chargePeriod',
      ],
      [() => r.sync.entitlements.hasAccess({ customerId: 'x' } as never), 'featureId'],
      [() => r.sync.entitlements.getEntitlement({ customerId: 'x', featureId: 7 as never }), 'featureId'],
      [() => r.sync.entitlements.getAllEntitlements(null as never), 'params'],
      // An unknown key is refused on the calling thread too, with the key meant.
      [() => r.sync.customers.create({ customerId: 'x', customer_name: 'X' } as never), 'customer_name'],
      [() => r.sync.reporting.reportUsage({ value: 1.5, customerId: 'x', featureId: 'f', behaviour: 'SET' }), 'value'],
      [
        () => r.sync.reporting.reportEvent({ customerId: 'x', eventName: 'e', timestamp: '2025-01-01T00:00:00Z' }),
        'timestamp',
      ],
      [
        () =>
          r.sync.subscriptions.update({
            subscriptionId: 's',
            planIdentifier: 'p',
            chargePeriod: 'MONTHLY',
            features: [{ identifier: 'seats', quantity: -1 }],
          }),
        'features[0].quantity',
      ],
      [
        () => r.sync.subscriptions.cancel({ subscriptionId: 's', cancellationType: 'SPECIFIC_DATE' }),
        'cancellationDate',
      ],
      [() => r.sync.subscriptions.list({ page: -1 }), 'page'],
    ];
    for (const [call, param] of bad) {
      const error = thrown(call);
      assert.ok(error instanceof ValidationError, String(error));
      assert.ok(!(error instanceof InvalidRequestError), 'nothing was sent: not an API answer');
      assert.equal(error.param, param);
    }
    assert.deepEqual(await r.emu.requests(), []);
  });
});

describe('sync client: answers it cannot use', () => {
  let child: ChildProcess;
  let base = '';
  before(async () => {
    child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/raw-answers.mjs', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<string>((resolve) =>
      child.stdout?.once('data', (d: Buffer) => resolve(String(d).trim())),
    );
    base = `http://127.0.0.1:${port}`;
  });
  after(() => {
    child.kill();
  });
  const client = (prefix: string) =>
    ParityDeals.createSyncClient({
      accessToken: 'k',
      baseUrl: `${base}/${prefix}`,
      edgeApiUrl: `${base}/${prefix}/edge`,
      logLevel: 'off',
      maxRetries: 0,
    });
  const delta = { value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' } as const;

  it('an answer above MAX_RESPONSE_BYTES fails a DELTA as unknown, and the worker lives on', () => {
    const sync = client('huge');
    try {
      const e = thrown(() => sync.reporting.reportUsage(delta));
      assert.ok(e instanceof APIConnectionError, String(e));
      assert.equal(e.outcomeUnknown, true);
      assert.match(e.message, /MAX_RESPONSE_BYTES/);
      const again = thrown(() => sync.reporting.reportUsage(delta));
      assert.ok(again instanceof APIConnectionError && again.outcomeUnknown, 'the same worker answered again');
    } finally {
      sync.close();
    }
  });

  it('a token echoed in a success answer’s headers is cut from withResponse info', () => {
    const token = 'sk_live_TOPSECRET_4242';
    const sync = ParityDeals.createSyncClient({
      accessToken: token,
      baseUrl: `${base}/echo`,
      edgeApiUrl: `${base}/echo/edge`,
      logLevel: 'off',
    });
    try {
      const { response } = sync.withResponse.customers.retrieve({ customerId: 'c' });
      for (const text of [JSON.stringify(response), inspect(response, { depth: 10 })])
        assert.ok(!text.includes(token), text);
      assert.equal(response.headers['x-echo'], 'Bearer [redacted]');
    } finally {
      sync.close();
    }
  });

  it('an answer cut after its headers leaves a DELTA unknown', () => {
    const sync = client('partial');
    try {
      const e = thrown(() => sync.reporting.reportUsage(delta));
      assert.ok(e instanceof APIConnectionError && e.outcomeUnknown, String(e));
    } finally {
      sync.close();
    }
  });
});
