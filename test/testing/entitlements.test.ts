import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { EMULATOR_ORG_ID, startEmulator, type Emulator } from '../../src/testing/index.js';
import { call, subscribed } from './helpers.js';

describe('entitlements', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ now: Date.UTC(2025, 0, 15, 12, 0, 0) });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  const ents = async (customerId: string, featureId?: string) => {
    const q = `customer_id=${encodeURIComponent(customerId)}${featureId ? `&feature_id=${encodeURIComponent(featureId)}` : ''}`;
    const r = await call(emu, 'GET', `/entitlements?${q}`, undefined, { edge: true });
    assert.equal(r.status, 200, r.text);
    return r.body.entitlements as Array<Record<string, unknown>>;
  };
  const usage = (customerId: string, featureId: string, value: number, behaviour = 'DELTA') =>
    call(emu, 'POST', '/report/usage/', { customerId, featureId, value, behaviour });

  it('computes every field of each feature of the plan', async () => {
    await subscribed(emu, 'c1', 'premium-plan');
    assert.deepEqual(await ents('c1'), [
      {
        featureId: 'premium-reporting',
        featureType: 'BOOLEAN',
        hasAccess: true,
        resetAt: null,
        hardLimit: null,
        usageLimit: null,
        currentUsage: null,
        remaining: null,
      },
      {
        featureId: 'advanced-analytics',
        featureType: 'BOOLEAN',
        hasAccess: true,
        resetAt: null,
        hardLimit: null,
        usageLimit: null,
        currentUsage: null,
        remaining: null,
      },
      {
        featureId: 'api-calls',
        featureType: 'METER',
        hasAccess: true,
        resetAt: '2025-02-15 12:00:00',
        hardLimit: true,
        usageLimit: 100000,
        currentUsage: 0,
        remaining: 100000,
      },
      {
        featureId: 'seats',
        featureType: 'METER',
        hasAccess: true,
        resetAt: null,
        hardLimit: false,
        usageLimit: 20,
        currentUsage: 0,
        remaining: 20,
      },
      {
        featureId: 'storage-gb',
        featureType: 'CUSTOMIZABLE',
        hasAccess: true,
        resetAt: null,
        hardLimit: null,
        usageLimit: 200,
        currentUsage: null,
        remaining: null,
      },
    ]);
  });

  it('filters by feature_id; an unknown or ungranted feature is an empty list', async () => {
    await subscribed(emu, 'c1', 'plan-pro-monthly');
    assert.deepEqual(
      (await ents('c1', 'storage-gb')).map((e) => e.usageLimit),
      [50],
    );
    assert.deepEqual(await ents('c1', 'advanced-analytics'), []);
    assert.deepEqual(await ents('c1', 'no-such-feature'), []);
  });

  it('404s an unknown customer and 400s a missing customer_id', async () => {
    const r = await call(emu, 'GET', '/entitlements?customer_id=ghost', undefined, { edge: true });
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { detail: 'Not found.' });
    const none = await call(emu, 'GET', '/entitlements', undefined, { edge: true });
    assert.deepEqual(none.body, { customerId: ['This field is required.'] });
  });

  it('is served on the edge prefix and on the main host, recorded with its host', async () => {
    await call(emu, 'POST', '/customers/', { customerId: 'c1' });
    emu.clearRequests();
    await call(emu, 'GET', '/entitlements?customer_id=c1', undefined, { edge: true });
    await call(emu, 'GET', '/entitlements/?customer_id=c1');
    const [edge, main] = emu.requests();
    assert.deepEqual([edge?.host, edge?.path, edge?.query], ['edge', '/api/v1/entitlements', { customer_id: 'c1' }]);
    assert.deepEqual([main?.host, main?.path], ['main', '/api/v1/entitlements/']);
    assert.equal(edge?.headers.authorization, `Bearer ${emu.apiKey}`);
  });

  it('a hard meter loses access at its limit; a soft one keeps it', async () => {
    await subscribed(emu, 'c1', 'free');
    assert.equal((await usage('c1', 'api-calls', 999)).status, 200);
    assert.deepEqual((await ents('c1', 'api-calls'))[0], {
      featureId: 'api-calls',
      featureType: 'METER',
      hasAccess: true,
      resetAt: '2025-02-15 12:00:00',
      hardLimit: true,
      usageLimit: 1000,
      currentUsage: 999,
      remaining: 1,
    });
    await usage('c1', 'api-calls', 1);
    const [hard] = await ents('c1', 'api-calls');
    assert.deepEqual([hard?.hasAccess, hard?.currentUsage, hard?.remaining], [false, 1000, 0]);
    await usage('c1', 'seats', 3, 'SET');
    const [soft] = await ents('c1', 'seats');
    assert.deepEqual([soft?.hasAccess, soft?.usageLimit, soft?.currentUsage, soft?.remaining], [true, 1, 3, 0]);
  });

  it('lists a feature once per subscription and shares usage across them (base plan + top-up)', async () => {
    await subscribed(emu, 'c1', 'free');
    await subscribed(emu, 'c1', 'api-calls-topup', 'ONE_TIME');
    await usage('c1', 'api-calls', 1500, 'SET');
    const list = await ents('c1', 'api-calls');
    assert.equal(list.length, 2);
    assert.deepEqual(
      list.map((e) => [e.usageLimit, e.currentUsage, e.remaining, e.hasAccess]),
      [
        [1000, 1000, 0, false],
        [5000, 500, 4500, true],
      ],
    );
    // Overflow past every limit lands on the last entry.
    await usage('c1', 'api-calls', 7000, 'SET');
    assert.deepEqual(
      (await ents('c1', 'api-calls')).map((e) => e.currentUsage),
      [1000, 6000],
    );
  });

  it('an unlimited meter has null limit and remaining, and access', async () => {
    await subscribed(emu, 'c1', 'enterprise');
    await usage('c1', 'api-calls', 10_000_000, 'SET');
    const [e] = await ents('c1', 'api-calls');
    assert.deepEqual(
      [e?.usageLimit, e?.remaining, e?.hasAccess, e?.hardLimit, e?.currentUsage],
      [null, null, true, false, 10_000_000],
    );
  });
});

describe('reporting', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ now: Date.UTC(2025, 4, 22, 8, 27, 45) });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  it('SET replaces, DELTA adds, and the answer has the server fields', async () => {
    await call(emu, 'POST', '/customers/', { customerId: 'c1' });
    const set = await call(emu, 'POST', '/report/usage/', {
      value: 150,
      customer_id: 'c1',
      feature_id: 'api-calls',
      behaviour: 'SET',
    });
    assert.equal(set.status, 200);
    assert.match(set.body.idempotencyKey, /^[0-9a-f]{32}$/);
    assert.match(set.body.timestamp, /^2025-05-22 08:27:45\.\d{6}$/);
    assert.deepEqual(
      { ...set.body, idempotencyKey: '', timestamp: '' },
      {
        value: 150,
        customerId: 'c1',
        featureId: 'api-calls',
        behaviour: 'SET',
        orgId: 'org_emulator',
        eventName: 'aggregated.usage',
        idempotencyKey: '',
        timestamp: '',
      },
    );
    await call(emu, 'POST', '/report/usage/', {
      value: 75,
      customerId: 'c1',
      featureId: 'api-calls',
      behaviour: 'DELTA',
    });
    await call(emu, 'POST', '/report/usage/', {
      value: '5',
      customerId: 'c1',
      featureId: 'api-calls',
      behaviour: 'DELTA',
    });
    assert.deepEqual(emu.state().usage, [{ customerId: 'c1', featureId: 'api-calls', value: 230 }]);
    await call(emu, 'POST', '/report/usage/', {
      value: -1000,
      customerId: 'c1',
      featureId: 'api-calls',
      behaviour: 'DELTA',
    });
    assert.equal(emu.state().usage[0]?.value, 0, 'usage never goes negative');
    const again = await call(emu, 'POST', '/report/usage/', {
      value: 1,
      customerId: 'c1',
      featureId: 'api-calls',
      behaviour: 'SET',
    });
    assert.notEqual(again.body.idempotencyKey, set.body.idempotencyKey);
  });

  it('validates usage reports', async () => {
    await call(emu, 'POST', '/customers/', { customerId: 'c1' });
    assert.deepEqual((await call(emu, 'POST', '/report/usage/', {})).body, {
      value: ['This field is required.'],
      customerId: ['This field is required.'],
      featureId: ['This field is required.'],
      behaviour: ['This field is required.'],
    });
    assert.deepEqual(
      (
        await call(emu, 'POST', '/report/usage/', {
          value: 1.5,
          customerId: 'ghost',
          featureId: 'nope',
          behaviour: 'ADD',
        })
      ).body,
      {
        value: ['A valid integer is required.'],
        behaviour: ['"ADD" is not a valid choice.'],
        customerId: ['Customer with customerId "ghost" does not exist.'],
        featureId: ['Feature with identifier "nope" does not exist.'],
      },
    );
    const flag = await call(emu, 'POST', '/report/usage/', {
      value: 1,
      customerId: 'c1',
      featureId: 'premium-reporting',
      behaviour: 'SET',
    });
    assert.equal(flag.status, 400);
    assert.match(flag.body.featureId[0], /BOOLEAN feature/);
    const negative = await call(emu, 'POST', '/report/usage/', {
      value: -1,
      customerId: 'c1',
      featureId: 'api-calls',
      behaviour: 'SET',
    });
    assert.deepEqual(negative.body, { value: ['Ensure this value is greater than or equal to 0.'] });
    assert.deepEqual(emu.state().usage, []);
  });

  it('stores events, echoes them (201), keeps properties keys, and dedupes on idempotencyKey', async () => {
    const event = {
      customer_id: 'anyone',
      event_name: 'api.call',
      idempotency_key: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
      timestamp: '2025-05-22 08:27:45.430732',
      properties: { snake_case: 1, camelCase: 2 },
    };
    const first = await call(emu, 'POST', '/report/event/', event);
    assert.equal(first.status, 201);
    assert.deepEqual(first.body, {
      customerId: 'anyone',
      eventName: 'api.call',
      idempotencyKey: event.idempotency_key,
      timestamp: event.timestamp,
      resourceId: null,
      properties: { snake_case: 1, camelCase: 2 },
      orgId: EMULATOR_ORG_ID,
    });
    const second = await call(emu, 'POST', '/report/event/', { ...event, properties: { other: true } });
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal(emu.state().events.length, 1);
    await call(emu, 'POST', '/report/event/', { ...event, idempotency_key: 'another' });
    assert.equal(emu.state().events.length, 2);
  });

  it('validates events', async () => {
    assert.deepEqual((await call(emu, 'POST', '/report/event/', {})).body, {
      customerId: ['This field is required.'],
      eventName: ['This field is required.'],
      idempotencyKey: ['This field is required.'],
      timestamp: ['This field is required.'],
    });
    const bad = await call(emu, 'POST', '/report/event/', {
      customerId: 'c',
      eventName: 'e',
      idempotencyKey: 'k',
      timestamp: '2025-02-30 00:00:00',
      properties: 'x',
    });
    assert.deepEqual(bad.body, {
      timestamp: ['Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD HH:MM:SS.ffffff.'],
      properties: ['Expected a dictionary of items but got type "string".'],
    });
    const iso = await call(emu, 'POST', '/report/event/', {
      customerId: 'c',
      eventName: 'e',
      idempotencyKey: 'k2',
      timestamp: '2025-05-22T08:27:45Z',
    });
    assert.equal(iso.status, 201);
  });
});
