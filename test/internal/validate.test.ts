import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/index.js';
import { rejected } from '../expect.js';
import { useEmulator } from '../support.js';

const h = useEmulator();

type Call = () => PromiseLike<unknown>;

/** Each row: a call with bad input, the parameter it must name, and words the message must hold. */
function cases(): [string, Call, string, RegExp][] {
  const c = h.client;
  const any = (x: unknown) => x as never;
  return [
    ['no params object', () => c.customers.create(any(undefined)), 'params', /expected one object/],
    [
      'missing customerId',
      () => c.customers.create(any({ email: 'a@b.co' })),
      'customerId',
      /customerId must be given/,
    ],
    ['blank customerId', () => c.customers.create({ customerId: '  ' }), 'customerId', /non-empty string, got " {2}"/],
    ['numeric customerId', () => c.customers.create(any({ customerId: 42 })), 'customerId', /non-empty string, got 42/],
    [
      'malformed email',
      () => c.customers.create({ customerId: 'c', email: 'not-an-email' }),
      'email',
      /well-formed email address, got "not-an-email"/,
    ],
    [
      'metadata value not a string',
      () => c.customers.create(any({ customerId: 'c', metadata: { n: 1 } })),
      'metadata.n',
      /a string, got 1/,
    ],
    [
      'metadata not an object',
      () => c.customers.create(any({ customerId: 'c', metadata: ['x'] })),
      'metadata',
      /object of string values/,
    ],
    [
      'update with nothing to change',
      () => c.customers.update({ customerId: 'c' }),
      'email, name or metadata',
      /needs something to change/,
    ],
    ['retrieve without id', () => c.customers.retrieve(any({})), 'customerId', /required/],
    ['list page zero', () => c.customers.list({ page: 0 }), 'page', /positive integer, got 0/],
    [
      'bad charge period',
      () => c.checkout.createSession(any({ planIdentifier: 'p', chargePeriod: 'monthly', successUrl: 'https://x' })),
      'chargePeriod',
      /one of "ONE_TIME", "MONTHLY".*got "monthly"/,
    ],
    [
      'missing successUrl',
      () => c.checkout.createSession(any({ planIdentifier: 'p', chargePeriod: 'MONTHLY' })),
      'successUrl',
      /required/,
    ],
    [
      'fractional quantity',
      () =>
        c.checkout.createSession({
          planIdentifier: 'p',
          chargePeriod: 'MONTHLY',
          successUrl: 'https://x',
          features: [{ identifier: 'seats', quantity: 1.5 }],
        }),
      'features[0].quantity',
      /non-negative integer, got 1.5/,
    ],
    [
      'feature without identifier',
      () =>
        c.checkout.createSession(
          any({ planIdentifier: 'p', chargePeriod: 'MONTHLY', successUrl: 'https://x', features: [{ quantity: 1 }] }),
        ),
      'features[0].identifier',
      /non-empty string/,
    ],
    ['hasAccess without featureId', () => c.entitlements.hasAccess(any({ customerId: 'c' })), 'featureId', /required/],
    [
      'getAllEntitlements without customerId',
      () => c.entitlements.getAllEntitlements(any({})),
      'customerId',
      /required/,
    ],
    [
      'fractional usage value',
      () => c.reporting.reportUsage({ value: 2.5, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
      'value',
      /an integer, got 2.5/,
    ],
    [
      'usage value as a string',
      () => c.reporting.reportUsage(any({ value: '3', customerId: 'c', featureId: 'f', behaviour: 'SET' })),
      'value',
      /an integer, got "3"/,
    ],
    [
      'negative SET',
      () => c.reporting.reportUsage({ value: -1, customerId: 'c', featureId: 'f', behaviour: 'SET' }),
      'value',
      /non-negative integer for SET/,
    ],
    [
      'bad behaviour',
      () => c.reporting.reportUsage(any({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'ADD' })),
      'behaviour',
      /"SET", "DELTA", got "ADD"/,
    ],
    [
      'event timestamp in ISO',
      () => c.reporting.reportEvent({ customerId: 'c', eventName: 'e', timestamp: '2026-01-02T03:04:05Z' }),
      'timestamp',
      /YYYY-MM-DD HH:MM:SS/,
    ],
    [
      'event properties not an object',
      () => c.reporting.reportEvent(any({ customerId: 'c', eventName: 'e', properties: 'x' })),
      'properties',
      /an object/,
    ],
    [
      'update without plan',
      () => c.subscriptions.update(any({ subscriptionId: 's', chargePeriod: 'MONTHLY' })),
      'planIdentifier',
      /required/,
    ],
    [
      'cancel bad type',
      () => c.subscriptions.cancel(any({ subscriptionId: 's', cancellationType: 'NOW' })),
      'cancellationType',
      /"IMMEDIATE", "CURRENT_PERIOD_ENDS", "SPECIFIC_DATE"/,
    ],
    [
      'SPECIFIC_DATE without date',
      () => c.subscriptions.cancel({ subscriptionId: 's', cancellationType: 'SPECIFIC_DATE' }),
      'cancellationDate',
      /required/,
    ],
    [
      'impossible date',
      () =>
        c.subscriptions.cancel({
          subscriptionId: 's',
          cancellationType: 'SPECIFIC_DATE',
          cancellationDate: '2025-02-30',
        }),
      'cancellationDate',
      /real calendar date/,
    ],
    [
      'date in the wrong format',
      () =>
        c.subscriptions.cancel({
          subscriptionId: 's',
          cancellationType: 'SPECIFIC_DATE',
          cancellationDate: '31/12/2025',
        }),
      'cancellationDate',
      /YYYY-MM-DD/,
    ],
    [
      'date with another type',
      () =>
        c.subscriptions.cancel({ subscriptionId: 's', cancellationType: 'IMMEDIATE', cancellationDate: '2025-12-31' }),
      'cancellationDate',
      /absent unless cancellationType is "SPECIFIC_DATE"/,
    ],
    [
      'snake_case keys in a checkout',
      () =>
        c.checkout.createSession(
          any({ planIdentifier: 'p', chargePeriod: 'MONTHLY', successUrl: 'https://x', customer_id: 'c1' }),
        ),
      'customer_id',
      /unknown parameter customer_id; did you mean customerId\?/,
    ],
    [
      'snake_case ip_address',
      () =>
        c.checkout.createSession(
          any({ planIdentifier: 'p', chargePeriod: 'MONTHLY', successUrl: 'https://x', ip_address: '1.2.3.4' }),
        ),
      'ip_address',
      /did you mean ipAddress\?/,
    ],
    [
      'a prefixed key',
      () => c.customers.create(any({ customerId: 'c', customer_name: 'X' })),
      'customer_name',
      /did you mean name\?/,
    ],
    [
      'American spelling',
      () => c.reporting.reportUsage(any({ value: 1, customerId: 'c', featureId: 'f', behavior: 'DELTA' })),
      'behavior',
      /did you mean behaviour\? \(behaviour was not given\)/,
    ],
    [
      'the required key missing, its near miss given',
      () => c.customers.create(any({ customer_id: 'c1', email: 'a@b.co' })),
      'customer_id',
      /customer_id; did you mean customerId\? \(customerId was not given\)/,
    ],
    [
      'a swapped letter',
      () => c.customers.update(any({ customerId: 'c', emial: 'a@b.co' })),
      'emial',
      /did you mean email\?/,
    ],
    [
      'a key nothing resembles',
      () => c.entitlements.hasAccess(any({ customerId: 'c', featureId: 'f', colour: 'red' })),
      'colour',
      /unknown parameter colour \(known: customerId, featureId\)/,
    ],
    [
      'an unknown key inside features',
      () =>
        c.checkout.createSession(
          any({
            planIdentifier: 'p',
            chargePeriod: 'MONTHLY',
            successUrl: 'https://x',
            features: [{ identifier: 's', quanity: 1 }],
          }),
        ),
      'features[0].quanity',
      /did you mean features\[0\]\.quantity\?/,
    ],
    [
      'an unknown key given as undefined',
      () => c.subscriptions.list(any({ customer_id: undefined })),
      'customer_id',
      /did you mean customerId\?/,
    ],
    ['subscriptions list page size', () => c.subscriptions.list({ pageSize: -3 }), 'pageSize', /positive integer/],
  ];
}

describe('validation before sending', () => {
  it('rejects each bad input with a ValidationError naming the parameter, and sends nothing', async () => {
    for (const [name, call, param, message] of cases()) {
      await assert.rejects(
        Promise.resolve().then(call),
        (e: unknown) => {
          assert.ok(e instanceof ValidationError, `${name}: ${String(e)}`);
          assert.equal(e.param, param, name);
          assert.match(e.message, message, name);
          assert.match(e.message, /^[a-z]+\.[a-zA-Z]+: /, `${name}: the message starts with the operation`);
          return true;
        },
        name,
      );
    }
    assert.deepEqual(h.emu.requests(), []);
  });

  it('accepts the boundary cases it should', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'ok', planIdentifier: 'free' }] });
    await h.client.reporting.reportUsage({ value: -5, customerId: 'ok', featureId: 'api-calls', behaviour: 'DELTA' });
    await h.client.reporting.reportUsage({ value: 0, customerId: 'ok', featureId: 'api-calls', behaviour: 'SET' });
    await h.client.customers.update({ customerId: 'ok', metadata: {} });
    assert.equal(h.emu.requests().length, 3);
  });
});

describe('every failure a caller can cause is a ValidationError, thrown before sending', () => {
  const delta = { value: 5, customerId: 'v1', featureId: 'api-calls', behaviour: 'DELTA' } as const;
  const any = (x: unknown) => x as never;

  it('an id with a lone surrogate names the parameter (it was a URIError)', async () => {
    const e = await rejected(() => h.client.customers.retrieve({ customerId: 'ab\uD800' }));
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.param, 'customerId');
    assert.match(e.message, /lone UTF-16 surrogate/);
    const q = await rejected(() => h.client.entitlements.hasAccess({ customerId: 'c', featureId: '\uDC00x' }));
    assert.ok(q instanceof ValidationError && q.param === 'featureId');
    assert.deepEqual(h.emu.requests(), []);
  });

  it('properties JSON cannot encode name the parameter (it was a TypeError)', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const properties of [cyclic, { n: 10n }]) {
      const e = await rejected(() => h.client.reporting.reportEvent({ customerId: 'c', eventName: 'e', properties }));
      assert.ok(e instanceof ValidationError && e.param === 'properties', String(e));
    }
    assert.deepEqual(h.emu.requests(), []);
  });

  it('per-request options are checked: a bad timeout no longer sends the DELTA and then reports a timeout', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'v1', planIdentifier: 'free' }] });
    const bad: [unknown, string, RegExp][] = [
      [{ timeout: 0 }, 'options.timeout', /above 0/],
      [{ timeout: -5 }, 'options.timeout', /got -5/],
      [{ timeout: Number.NaN }, 'options.timeout', /got NaN/],
      [{ timeout: 1e10 }, 'options.timeout', /at most 2147483647/],
      [{ timeout: '100' }, 'options.timeout', /got "100"/],
      [{ maxRetries: Number.POSITIVE_INFINITY }, 'options.maxRetries', /from 0 to 10, got Infinity/],
      [{ maxRetries: 1.5 }, 'options.maxRetries', /integer/],
      [{ maxRetries: 11 }, 'options.maxRetries', /from 0 to 10/],
      [{ signal: {} }, 'options.signal', /an AbortSignal/],
      [{ headers: { 'x-a': 'ok\r\nx-injected: 1' } }, 'options.headers.x-a', /without CR, LF/],
      [{ headers: { 'x a': 'v' } }, 'options.headers["x a"]', /header named/],
      [{ headers: 'x-a: 1' }, 'options.headers', /an object of header names/],
      ['fast', 'options', /an object/],
    ];
    for (const [options, param, message] of bad) {
      const e = await rejected(() => h.client.reporting.reportUsage(delta, any(options)));
      assert.ok(e instanceof ValidationError, `${JSON.stringify(options)}: ${String(e)}`);
      assert.equal(e.param, param);
      assert.match(e.message, message);
      assert.match(e.message, /^reporting\.reportUsage: /);
    }
    assert.deepEqual(h.emu.requests(), [], 'nothing was sent');
    assert.equal(h.emu.state().usage.find((u) => u.customerId === 'v1')?.value ?? 0, 0, 'no DELTA landed');
  });

  it('an unknown per-request option is refused, naming it and the one meant, not ignored', async () => {
    h.emu.seed({ customers: [{ customerId: 'x' }], subscriptions: [{ customerId: 'v1', planIdentifier: 'free' }] });
    const c = h.client;
    const cases: [string, () => PromiseLike<unknown>, string, RegExp][] = [
      [
        'timout',
        () => c.customers.retrieve({ customerId: 'x' }, any({ timout: 5 })),
        'options.timout',
        /^customers\.retrieve: unknown option options\.timout; did you mean options\.timeout\? \(options\.timeout was not given\)$/,
      ],
      [
        'max_retries on a DELTA',
        () => c.reporting.reportUsage(delta, any({ max_retries: 0 })),
        'options.max_retries',
        /^reporting\.reportUsage: unknown option options\.max_retries; did you mean options\.maxRetries\?/,
      ],
      // The entitlement reads' own options mean nothing elsewhere: refused, not ignored.
      [
        'fresh off an entitlement read',
        () => c.customers.retrieve({ customerId: 'x' }, any({ fresh: true })),
        'options.fresh',
        /^customers\.retrieve: unknown option options\.fresh \(known: signal, timeout, maxRetries, headers\)$/,
      ],
      [
        'undefined value',
        () => c.customers.list({}, any({ header: undefined })),
        'options.header',
        /did you mean options\.headers\?/,
      ],
      [
        'frsh on a read',
        () => c.entitlements.getAllEntitlements({ customerId: 'x' }, any({ frsh: true })),
        'options.frsh',
        /^entitlements\.getAllEntitlements: unknown option options\.frsh; did you mean options\.fresh\?/,
      ],
      [
        'fallbak on hasAccess',
        () => c.entitlements.hasAccess({ customerId: 'x', featureId: 'f' }, any({ fallbak: true })),
        'options.fallbak',
        /did you mean options\.fallback\?/,
      ],
    ];
    for (const [name, call, param, message] of cases) {
      const e = await rejected(call);
      assert.ok(e instanceof ValidationError, `${name}: ${String(e)}`);
      assert.equal(e.param, param, name);
      assert.match(e.message, message, name);
    }
    assert.deepEqual(h.emu.requests(), [], 'nothing was sent');
    assert.equal(h.emu.state().usage.find((u) => u.customerId === 'v1')?.value ?? 0, 0, 'no DELTA landed');
    // The reads' own options are still taken where they belong.
    await c.entitlements.getAllEntitlements({ customerId: 'v1' }, { fresh: true, timeout: 1000 });
    await c.entitlements.hasAccess({ customerId: 'v1', featureId: 'f' }, { fallback: false });
    // v1 is cached now: a hit refuses what a miss refuses.
    const sent = h.emu.requests().length;
    const hit = await rejected(() =>
      c.entitlements.hasAccess({ customerId: 'v1', featureId: 'f' }, any({ fersh: true })),
    );
    assert.ok(hit instanceof ValidationError && hit.param === 'options.fersh', String(hit));
    assert.equal(h.emu.requests().length, sent);
  });

  it('maxRetries at its cap is still bounded', async () => {
    h.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 1 }]);
    const started = Date.now();
    await rejected(() =>
      h.clientWith({ maxRetryDelay: 1 }).customers.retrieve({ customerId: 'x' }, { maxRetries: 10 }),
    );
    assert.equal(h.emu.requests().length, 11);
    assert.ok(Date.now() - started < 3000);
  });
});
