// Hostile and odd input: the emulator answers every one with a non-5xx JSON error or success,
// and keeps serving.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { camelizeBody } from '../../src/testing/fields.js';
import { mulberry32 } from '../../src/testing/prng.js';
import { startEmulator, type Emulator } from '../../src/testing/index.js';
import { call, rawRequest } from './helpers.js';

const ROUTES: Array<[string, string]> = [
  ['POST', '/customers/'],
  ['PATCH', '/customers/c1/'],
  ['POST', '/checkout/'],
  ['POST', '/report/usage/'],
  ['POST', '/report/event/'],
  ['POST', '/subscriptions/s1/update/'],
  ['POST', '/subscriptions/s1/cancel/'],
];

const NASTY: unknown[] = [
  null,
  0,
  -1,
  1e308,
  'str',
  [],
  [null],
  true,
  {},
  { customerId: null, planIdentifier: 7, chargePeriod: ['MONTHLY'], value: 1e300, behaviour: {}, features: 'seats' },
  {
    features: [null, 1, 'x', { identifier: 5 }, { identifier: 'seats', quantity: '3' }],
    customerId: 'c1',
    planIdentifier: 'free',
    chargePeriod: 'MONTHLY',
    successUrl: 'javascript:alert(1)',
  },
  { metadata: { __proto__: { polluted: true } }, customerId: '\u0000\uffff😀', email: 'a@b.c', name: 'x'.repeat(300) },
  { cancellationType: 'SPECIFIC_DATE', cancellationDate: 20250101 },
  { value: '99999999999999999999', customerId: 'c1', featureId: 'api-calls', behaviour: 'SET' },
  { timestamp: 42, idempotencyKey: {}, eventName: [], customerId: 1, properties: [] },
];

describe('robustness', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.seed({ subscriptions: [{ id: 's1', customerId: 'c1', planIdentifier: 'free' }] });
  });
  after(() => emu.close());

  it('never answers 5xx to odd bodies on any route', async () => {
    for (const [method, path] of ROUTES) {
      for (const body of NASTY) {
        const r = await call(emu, method, path, body);
        assert.ok(r.status < 500, `${method} ${path} ${JSON.stringify(body)} -> ${r.status} ${r.text}`);
        assert.equal(r.headers.get('content-type'), 'application/json');
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('survives random bytes as bodies and random paths', async () => {
    const random = mulberry32(99);
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
      const [method, path] = ROUTES[i % ROUTES.length] as [string, string];
      const r = await call(emu, method, path, undefined, { raw: bytes.toString('latin1') });
      assert.ok(r.status === 400 || r.status === 201 || r.status === 200, `${r.status} ${r.text}`);
      const target = `/api/v1/${Array.from({ length: 3 }, () => encodeURIComponent(String.fromCharCode(Math.floor(random() * 0x7f)))).join('/')}/`;
      const g = await rawRequest(emu.port, 'GET', target, { headers: { authorization: `Bearer ${emu.apiKey}` } });
      assert.ok(g.status < 500, `${target} -> ${g.status}`);
    }
  });

  it('ignores garbage on the socket and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const s = connect(emu.port, '127.0.0.1', () => s.end('NOT HTTP AT ALL\r\n\r\n'));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    const aborted = connect(emu.port, '127.0.0.1', () => {
      aborted.write('POST /api/v1/customers/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"cust');
      aborted.destroy();
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await call(emu, 'GET', '/customers/c1/')).status, 200);
  });

  it('camelizes only top-level and features keys', () => {
    const out = camelizeBody(
      JSON.parse(
        '{"customer_id":"c","metadata":{"a_b":1},"properties":{"c_d":2},"features":[{"feature_identifier":"x"}],"__proto__":{"x":1}}',
      ),
    );
    assert.deepEqual(Object.keys(out), ['customerId', 'metadata', 'properties', 'features', '__proto__']);
    assert.deepEqual(out.metadata, { a_b: 1 });
    assert.deepEqual(out.properties, { c_d: 2 });
    assert.deepEqual(out.features, [{ featureIdentifier: 'x' }]);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});
