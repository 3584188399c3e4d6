import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/testing/index.js';
import { call, rawRequest } from './helpers.js';

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('customers', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ now: Date.UTC(2025, 5, 4, 6, 3, 30) });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  it('creates a customer (201) with the server fields', async () => {
    const r = await call(emu, 'POST', '/customers/', {
      customerId: 'c1',
      email: 'a@b.co',
      name: 'Ann',
      metadata: { plan: 'x' },
    });
    assert.equal(r.status, 201);
    assert.match(r.body.id, UUID);
    assert.match(r.body.createdOn, ISO_MICROS);
    assert.ok(r.body.createdOn.startsWith('2025-06-04T06:03:3'));
    assert.deepEqual(
      { ...r.body, id: undefined, createdOn: undefined, modifiedOn: undefined },
      {
        id: undefined,
        customerId: 'c1',
        name: 'Ann',
        email: 'a@b.co',
        details: {},
        metadata: { plan: 'x' },
        createdOn: undefined,
        modifiedOn: undefined,
      },
    );
    assert.equal(r.body.createdOn, r.body.modifiedOn);
  });

  it('accepts snake_case keys, answers camelCase, and never rewrites metadata keys', async () => {
    const r = await call(emu, 'POST', '/customers/', {
      customer_id: 'snake',
      metadata: { some_key: 'v', otherKey: 'w' },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.customerId, 'snake');
    assert.deepEqual(r.body.metadata, { some_key: 'v', otherKey: 'w' });
    assert.ok(!('customer_id' in r.body));
  });

  it('refuses a duplicate customerId the DRF way', async () => {
    await call(emu, 'POST', '/customers/', { customerId: 'dup' });
    const r = await call(emu, 'POST', '/customers/', { customerId: 'dup' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { customerId: ['customer with this customer id already exists.'] });
  });

  it('validates fields and reports all errors at once', async () => {
    const r = await call(emu, 'POST', '/customers/', { email: 'not-an-email', metadata: [1], name: 5 });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, {
      customerId: ['This field is required.'],
      name: ['Not a valid string.'],
      email: ['Enter a valid email address.'],
      metadata: ['Expected a dictionary of items but got type "list".'],
    });
    const blank = await call(emu, 'POST', '/customers/', { customerId: '  ' });
    assert.deepEqual(blank.body, { customerId: ['This field may not be blank.'] });
  });

  it('answers 400 on invalid JSON, a non-object body, 415 on a non-JSON content type, 413 on huge bodies', async () => {
    const bad = await call(emu, 'POST', '/customers/', undefined, { raw: '{"customerId": ' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.detail, /^JSON parse error - /);
    const list = await call(emu, 'POST', '/customers/', [1, 2]);
    assert.deepEqual(list.body, { nonFieldErrors: ['Invalid data. Expected a dictionary, but got list.'] });
    const text = await call(emu, 'POST', '/customers/', undefined, {
      raw: 'customerId=x',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    const huge = await call(emu, 'POST', '/customers/', { customerId: 'x', name: 'a'.repeat(1_100_000) });
    assert.equal(huge.status, 413);
    assert.equal(emu.state().customers.length, 0);
  });

  it('retrieves and partially updates by customerId', async () => {
    const created = await call(emu, 'POST', '/customers/', { customerId: 'c2', email: 'a@b.co', name: 'A' });
    emu.advanceClock(1000);
    const patched = await call(emu, 'PATCH', '/customers/c2/', { name: 'B', metadata: { k_1: 'v' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'B');
    assert.equal(patched.body.email, 'a@b.co');
    assert.deepEqual(patched.body.metadata, { k_1: 'v' });
    assert.equal(patched.body.createdOn, created.body.createdOn);
    assert.ok(patched.body.modifiedOn > created.body.modifiedOn);
    const got = await call(emu, 'GET', '/customers/c2/');
    assert.deepEqual(got.body, patched.body);
    const invalid = await call(emu, 'PATCH', '/customers/c2/', { email: 'nope' });
    assert.deepEqual(invalid.body, { email: ['Enter a valid email address.'] });
  });

  it('answers every API request with a distinct x-request-id, the one recorded', async () => {
    const a = await call(emu, 'POST', '/customers/', { customerId: 'rid' });
    const b = await call(emu, 'GET', '/nothing/', undefined, { key: null });
    const ids = [a.headers.get('x-request-id'), b.headers.get('x-request-id')];
    assert.deepEqual(
      ids,
      emu.requests().map((r) => r.requestId),
    );
    assert.notEqual(ids[0], ids[1]);
    emu.reset();
    const again = await call(emu, 'POST', '/customers/', { customerId: 'rid' });
    assert.equal(again.headers.get('x-request-id'), ids[0], 'reproducible from the seed');
  });

  it('404s an unknown customer, an unknown route, and 405s a wrong method with Allow', async () => {
    assert.deepEqual((await call(emu, 'GET', '/customers/missing/')).body, { detail: 'Not found.' });
    const route = await call(emu, 'GET', '/nothing-here/');
    assert.equal(route.status, 404);
    assert.deepEqual(route.body, { detail: 'Not found.' });
    assert.equal((await call(emu, 'GET', '/customers')).status, 404, 'the trailing slash is part of the route');
    const wrong = await call(emu, 'PUT', '/customers/x/');
    assert.equal(wrong.status, 405);
    assert.deepEqual(wrong.body, { detail: 'Method "PUT" not allowed.' });
    assert.equal(wrong.headers.get('allow'), 'GET, PATCH, DELETE');
  });

  it('archives with DELETE: 204 and no body, then 404; the id stays taken', async () => {
    await call(emu, 'POST', '/customers/', { customerId: 'arch' });
    const gone = await call(emu, 'DELETE', '/customers/arch/');
    assert.equal(gone.status, 204);
    assert.equal(gone.body, undefined);
    assert.equal((await call(emu, 'GET', '/customers/arch/')).status, 404);
    assert.equal((await call(emu, 'DELETE', '/customers/arch/')).status, 404);
    assert.equal((await call(emu, 'GET', '/customers/')).body.count, 0);
    assert.equal((await call(emu, 'POST', '/customers/', { customerId: 'arch' })).status, 400);
    assert.deepEqual(
      emu.state().archivedCustomers.map((c) => c.customerId),
      ['arch'],
    );
  });

  it('treats a percent-encoded id as one segment, decoded once', async () => {
    const ids = ['a/b?c#d e', '..', '.', '%41', 'ünï/çødé', 'x%2Fy'];
    for (const customerId of ids) {
      const c = await call(emu, 'POST', '/customers/', { customerId });
      assert.equal(c.status, 201, customerId);
      const target = `/api/v1/customers/${encodeURIComponent(customerId)}/`;
      const raw = await rawRequest(emu.port, 'GET', target, { headers: { authorization: `Bearer ${emu.apiKey}` } });
      assert.equal(raw.status, 200, `GET ${target}`);
      assert.equal(raw.body.customerId, customerId);
    }
    // `..` spelled %2E%2E is still the customer named "..", not a step up.
    const dots = await rawRequest(emu.port, 'GET', '/api/v1/customers/%2E%2E/', {
      headers: { authorization: `Bearer ${emu.apiKey}` },
    });
    assert.equal(dots.body.customerId, '..');
    // Decoded once only: %2541 is the id "%41", not "A".
    const once = await rawRequest(emu.port, 'GET', '/api/v1/customers/%2541/', {
      headers: { authorization: `Bearer ${emu.apiKey}` },
    });
    assert.equal(once.body.customerId, '%41');
    const malformed = await rawRequest(emu.port, 'GET', '/api/v1/customers/%E0%A4%A/', {
      headers: { authorization: `Bearer ${emu.apiKey}` },
    });
    assert.equal(malformed.status, 404);
    const recorded = emu.requests().find((r) => r.path.includes('%2E%2E'));
    assert.equal(recorded?.path, '/api/v1/customers/%2E%2E/');
  });

  it('pages customers DRF style with absolute next/previous links', async () => {
    for (let i = 1; i <= 25; i++)
      await call(emu, 'POST', '/customers/', { customerId: `p${String(i).padStart(2, '0')}` });
    const first = await call(emu, 'GET', '/customers/');
    assert.equal(first.body.count, 25);
    assert.equal(first.body.results.length, 10);
    assert.equal(first.body.previous, null);
    assert.equal(first.body.next, `${emu.url}/api/v1/customers/?page=2`);
    const third = await call(emu, 'GET', '/customers/?page=3&page_size=10');
    assert.deepEqual(
      third.body.results.map((c: { customerId: string }) => c.customerId),
      ['p21', 'p22', 'p23', 'p24', 'p25'],
    );
    assert.equal(third.body.next, null);
    assert.equal(third.body.previous, `${emu.url}/api/v1/customers/?page=2&page_size=10`);
    const second = await call(emu, 'GET', '/customers/?page=2&page_size=10');
    assert.equal(second.body.previous, `${emu.url}/api/v1/customers/?page_size=10`);
    const big = await call(emu, 'GET', '/customers/?page_size=1000');
    assert.equal(big.body.results.length, 25);
    assert.deepEqual((await call(emu, 'GET', '/customers/?page=4')).body, { detail: 'Invalid page.' });
    assert.equal((await call(emu, 'GET', '/customers/?page=0')).status, 404);
    assert.equal((await call(emu, 'GET', '/customers/?page=abc')).status, 404);
    const viaEdge = await call(emu, 'GET', '/customers/', undefined, { edge: true });
    assert.equal(viaEdge.body.next, `${emu.edgeUrl}/api/v1/customers/?page=2`);
  });

  it('pages at most 100 per page', async () => {
    emu.seed({ customers: Array.from({ length: 150 }, (_, i) => ({ customerId: `s${i}` })) });
    const r = await call(emu, 'GET', '/customers/?page_size=500');
    assert.equal(r.body.results.length, 100);
    assert.equal(r.body.count, 150);
  });
});

describe('auth', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ apiKeys: ['key-one', 'key-two'] });
  });
  after(() => emu.close());

  it('accepts every configured key and exposes the first', async () => {
    assert.equal(emu.apiKey, 'key-one');
    assert.equal((await call(emu, 'GET', '/customers/', undefined, { key: 'key-two' })).status, 200);
    assert.equal(
      (await call(emu, 'GET', '/customers/', undefined, { headers: { authorization: 'bearer key-one' }, key: null }))
        .status,
      200,
    );
  });

  it('401s a missing, malformed or unknown key, before 405 and body checks', async () => {
    const missing = await call(emu, 'GET', '/customers/', undefined, { key: null });
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.body, { detail: 'Authentication credentials were not provided.' });
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.deepEqual((await call(emu, 'GET', '/customers/', undefined, { key: 'nope' })).body, {
      detail: 'Invalid token.',
    });
    assert.deepEqual(
      (await call(emu, 'GET', '/customers/', undefined, { key: null, headers: { authorization: 'Bearer' } })).body,
      {
        detail: 'Invalid token header. No credentials provided.',
      },
    );
    assert.equal(
      (await call(emu, 'GET', '/customers/', undefined, { key: null, headers: { authorization: 'Token key-one' } }))
        .status,
      401,
    );
    assert.equal((await call(emu, 'DELETE', '/customers/', undefined, { key: 'nope' })).status, 401);
    assert.equal((await call(emu, 'POST', '/customers/', undefined, { key: 'nope', raw: '{' })).status, 401);
  });

  it('rejects bad options early', async () => {
    await assert.rejects(startEmulator({ apiKeys: [] }), TypeError);
    await assert.rejects(startEmulator({ apiKeys: ['has space'] }), TypeError);
    await assert.rejects(startEmulator({ seed: 1.5 }), TypeError);
  });
});
