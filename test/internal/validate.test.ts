import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/index.js';
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
