import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/testing/index.js';
import { call, DAY } from './helpers.js';

describe('admin API', () => {
  let emu: Emulator;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.url}/__emulator${path}`, {
      method,
      ...(body !== undefined
        ? {
            body: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          }
        : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  before(async () => {
    emu = await startEmulator({ now: Date.UTC(2025, 0, 1) });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  it('health tells where everything is', async () => {
    assert.deepEqual((await admin('GET', '/health')).body, {
      ok: true,
      url: emu.url,
      edgeUrl: emu.edgeUrl,
      apiKey: emu.apiKey,
      port: emu.port,
    });
  });

  it('requests: lists what the API received (not admin calls), and clears', async () => {
    await call(emu, 'POST', '/customers/?x=1', { customerId: 'c1' }, { headers: { 'x-trace': 'abc' } });
    await admin('GET', '/health');
    const r = await admin('GET', '/requests');
    assert.equal(r.body.length, 1);
    const [req] = r.body;
    assert.deepEqual(
      [req.method, req.host, req.path, req.query, req.body, req.rawBody],
      ['POST', 'main', '/api/v1/customers/', { x: '1' }, { customerId: 'c1' }, '{"customerId":"c1"}'],
    );
    assert.equal(req.headers['x-trace'], 'abc');
    assert.match(req.requestId, /^req_[0-9a-f]{24}$/);
    assert.match(req.receivedAt, /^2025-01-01T00:00:0\d\.\d{6}Z$/);
    assert.equal((await admin('DELETE', '/requests')).status, 204);
    assert.deepEqual((await admin('GET', '/requests')).body, []);
  });

  it('faults: put, get (with times left), delete; a bad list is a 400 and changes nothing', async () => {
    const put = await admin('PUT', '/faults', { faults: [{ type: 'status', status: 503, times: 2 }] });
    assert.deepEqual(put.body, { faults: [{ type: 'status', status: 503, times: 2 }] });
    assert.equal((await call(emu, 'GET', '/customers/')).status, 503);
    assert.deepEqual((await admin('GET', '/faults')).body, { faults: [{ type: 'status', status: 503, times: 1 }] });
    const bad = await admin('PUT', '/faults', { faults: [{ type: 'nope' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /Invalid fault \[0\]/);
    assert.equal((await admin('PUT', '/faults', { faults: 'x' })).status, 400);
    assert.equal((await admin('PUT', '/faults', '{oops')).status, 400);
    assert.equal((await admin('GET', '/faults')).body.faults.length, 1);
    assert.equal((await admin('DELETE', '/faults')).status, 204);
    assert.equal((await call(emu, 'GET', '/customers/')).status, 200);
  });

  it('clock: read and advance', async () => {
    assert.match((await admin('GET', '/clock')).body.now, /^2025-01-01T00:00:0/);
    const moved = await admin('POST', '/clock', { advanceMs: 2 * DAY });
    assert.match(moved.body.now, /^2025-01-03T00:00:0/);
    assert.equal((await admin('POST', '/clock', { advanceMs: -1 })).status, 400);
    assert.equal((await admin('POST', '/clock', {})).status, 400);
  });

  it('clock: a step past the year 9999 is refused and changes nothing', async () => {
    const before = (await admin('GET', '/clock')).body.now;
    const refused = await admin('POST', '/clock', { advanceMs: 1e300 });
    assert.equal(refused.status, 400);
    assert.match(refused.body.detail, /past 9999-12-31.*unchanged/);
    const after = (await admin('GET', '/clock')).body.now;
    assert.equal(after.slice(0, 16), before.slice(0, 16), 'the clock did not move');
    assert.equal((await call(emu, 'POST', '/customers/', { customerId: 'still-works' })).status, 201);
    assert.equal((await admin('GET', '/state')).status, 200);
  });

  it('requests: a rejected key is recorded masked; an accepted one as sent', async () => {
    await call(emu, 'GET', '/customers/', undefined, { key: 'pd_live_REAL_SECRET_KEY_9876' });
    await call(emu, 'GET', '/customers/', undefined, { key: 'short' });
    await call(emu, 'GET', '/customers/', undefined, { headers: { authorization: 'Basic dXNlcjpwYXNz' }, key: null });
    await call(emu, 'GET', '/customers/');
    const recorded = (await admin('GET', '/requests')).body as Array<{ headers: Record<string, string> }>;
    assert.deepEqual(
      recorded.map((r) => r.headers.authorization),
      ['Bearer [rejected key …9876]', 'Bearer [rejected key]', 'Basic [rejected key]', `Bearer ${emu.apiKey}`],
    );
    assert.ok(!JSON.stringify(recorded).includes('REAL_SECRET'));
    assert.ok(!JSON.stringify(emu.requests()).includes('dXNlcjpwYXNz'));
  });

  it('seed, state, checkout completion and reset', async () => {
    const seeded = await admin('POST', '/seed', {
      customers: [{ customerId: 'c1', email: 'c1@x.co' }],
      subscriptions: [{ id: 'sub-1', customerId: 'c1', planIdentifier: 'premium-plan', chargePeriod: 'YEARLY' }],
      usage: [{ customerId: 'c1', featureId: 'seats', value: 2 }],
    });
    assert.equal(seeded.status, 200);
    assert.equal(seeded.body.customers[0].email, 'c1@x.co');
    assert.equal(seeded.body.subscriptions[0].id, 'sub-1');
    const bad = await admin('POST', '/seed', { subscriptions: [{ customerId: 'c1', planIdentifier: 'nope' }] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /unknown planIdentifier "nope"/);
    assert.equal(
      (await admin('POST', '/seed', { subscriptions: [{ id: 'sub-1', customerId: 'c1', planIdentifier: 'free' }] }))
        .status,
      400,
    );

    const co = await call(emu, 'POST', '/checkout/', {
      planIdentifier: 'free',
      chargePeriod: 'MONTHLY',
      successUrl: 'https://a.test/',
      customerId: 'c1',
    });
    const done = await admin('POST', `/checkout/${co.body.checkoutSessionId}/complete`);
    assert.equal(done.body.customerId, 'c1');
    const state = (await admin('GET', '/state')).body;
    assert.deepEqual(Object.keys(state).sort(), [
      'archivedCustomers',
      'checkoutSessions',
      'customers',
      'events',
      'now',
      'subscriptions',
      'usage',
    ]);
    assert.deepEqual(
      state.subscriptions.map((s: { planIdentifier: string }) => s.planIdentifier),
      ['premium-plan', 'free'],
    );
    assert.deepEqual(state.usage, [{ customerId: 'c1', featureId: 'seats', value: 2 }]);

    assert.equal((await admin('POST', '/reset')).status, 204);
    const empty = (await admin('GET', '/state')).body;
    assert.deepEqual(
      [empty.customers, empty.subscriptions, empty.usage, empty.events, empty.checkoutSessions],
      [[], [], [], [], []],
    );
  });

  it('unknown admin routes 404, wrong methods 405, admin needs no key', async () => {
    assert.equal((await admin('GET', '/nope')).status, 404);
    const wrong = await admin('POST', '/health');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    assert.equal((await admin('GET', '/state/')).status, 200, 'a trailing slash is fine');
  });

  it('reset() forgets everything and ids start over', async () => {
    const first = await call(emu, 'POST', '/customers/', { customerId: 'c1' });
    emu.reset();
    assert.deepEqual(emu.requests(), []);
    const again = await call(emu, 'POST', '/customers/', { customerId: 'c1' });
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
  });
});
