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

describe('bounded under abuse', () => {
  it('recorded requests are capped by bytes too, and the admin API still serves them', async () => {
    const emu = await startEmulator({ maxRecordedBytes: 4 * 1024 * 1024 });
    try {
      const big = 'x'.repeat(900 * 1024);
      for (let i = 0; i < 20; i++) await call(emu, 'POST', '/customers/', { customerId: `big${i}`, name: big });
      const kept = emu.requests();
      assert.ok(kept.length >= 1 && kept.length <= 3, `kept ${kept.length}`);
      assert.equal((kept.at(-1)?.body as { customerId?: string } | undefined)?.customerId, 'big19', 'the newest stays');
      const res = await fetch(`${emu.url}/__emulator/requests`);
      assert.equal(res.status, 200);
      assert.ok((await res.text()).length < 4 * 1024 * 1024);
    } finally {
      await emu.close();
    }
  });

  it('a connection that never sends a byte is closed; one that sent a request is kept', async () => {
    const emu = await startEmulator({ firstByteTimeout: 150 });
    try {
      const silent = connect(emu.port, '127.0.0.1');
      const talking = connect(emu.port, '127.0.0.1', () =>
        talking.write(`GET /api/v1/customers/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${emu.apiKey}\r\n\r\n`),
      );
      talking.resume();
      let talkingClosed = false;
      talking.on('close', () => {
        talkingClosed = true;
      });
      const started = Date.now();
      await new Promise<void>((resolve) => silent.on('close', () => resolve()));
      const took = Date.now() - started;
      assert.ok(took >= 100 && took < 3000, `closed after ${took} ms`);
      assert.equal(talkingClosed, false, 'a connection in use is left alone');
      talking.destroy();
    } finally {
      await emu.close();
    }
  });

  it('connections beyond maxConnections are closed as they arrive, and the emulator keeps serving', async () => {
    const emu = await startEmulator({ maxConnections: 3, firstByteTimeout: 60_000 });
    const sockets = Array.from({ length: 8 }, () => connect(emu.port, '127.0.0.1'));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open' && !s.readableEnded);
      assert.equal(open.length, 3);
      for (const s of sockets) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await call(emu, 'GET', '/customers/')).status, 200);
    } finally {
      for (const s of sockets) s.destroy();
      await emu.close();
    }
  });

  it('refuses nonsense limits', async () => {
    await assert.rejects(startEmulator({ maxConnections: 0 }), /maxConnections must be an integer >= 1/);
    await assert.rejects(startEmulator({ firstByteTimeout: Number.NaN }), /firstByteTimeout must be/);
    await assert.rejects(startEmulator({ maxRecordedBytes: -1 }), /maxRecordedBytes must be/);
  });
});
