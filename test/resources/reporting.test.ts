import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMULATOR_ORG_ID } from '../../src/testing/index.js';
import { useEmulator } from '../support.js';

const h = useEmulator();

describe('reporting', () => {
  it('reportUsage SET and DELTA move the meter and return the server record', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'c1', planIdentifier: 'free' }] });
    const set = await h.client.reporting.reportUsage({
      value: 150,
      customerId: 'c1',
      featureId: 'api-calls',
      behaviour: 'SET',
    });
    assert.equal(set.value, 150);
    assert.equal(set.behaviour, 'SET');
    assert.equal(set.eventName, 'aggregated.usage');
    assert.match(set.idempotencyKey, /^[0-9a-f]{32}$/);
    assert.match(set.timestamp, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    await h.client.reporting.reportUsage({
      value: 75,
      customerId: 'c1',
      featureId: 'api-calls',
      behaviour: 'DELTA',
      resourceId: 'r1',
    });
    const { entitlements } = await h.client.entitlements.getEntitlement({ customerId: 'c1', featureId: 'api-calls' });
    assert.equal(entitlements[0]?.currentUsage, 225);
    assert.equal(entitlements[0]?.remaining, 775);
    const [first, second] = h.emu.requests();
    assert.equal(first?.path, '/api/v1/report/usage/');
    assert.deepEqual(first?.body, { value: 150, customer_id: 'c1', feature_id: 'api-calls', behaviour: 'SET' });
    assert.deepEqual(second?.body, {
      value: 75,
      customer_id: 'c1',
      feature_id: 'api-calls',
      behaviour: 'DELTA',
      resource_id: 'r1',
    });
  });

  it('reportEvent fills in a UUID key and a UTC timestamp, leaves properties as given', async () => {
    h.emu.seed({ customers: [{ customerId: 'c2' }] });
    const before = Date.now();
    const echo = await h.client.reporting.reportEvent({
      customerId: 'c2',
      eventName: 'report.generated',
      properties: { pageCount: 3, nested_key: { innerKey: 1 } },
    });
    const body = h.emu.requests()[0]?.body as Record<string, unknown>;
    assert.match(String(body.idempotency_key), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(String(body.timestamp), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    const sent = Date.parse(`${String(body.timestamp).replace(' ', 'T').slice(0, 23)}Z`);
    assert.ok(sent >= before - 1000 && sent <= Date.now() + 1000, 'timestamp is now, in UTC');
    assert.deepEqual(body.properties, { pageCount: 3, nested_key: { innerKey: 1 } });
    assert.equal(body.event_name, 'report.generated');
    assert.equal(echo.idempotencyKey, body.idempotency_key);
    assert.equal(echo.orgId, EMULATOR_ORG_ID, 'the answer carries orgId, as both official SDKs type it');
  });

  it('reportEvent keeps a given key and formats a given Date', async () => {
    h.emu.seed({ customers: [{ customerId: 'c3' }] });
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 67));
    await h.client.reporting.reportEvent({
      customerId: 'c3',
      eventName: 'e',
      idempotencyKey: 'key-1',
      timestamp: at,
      resourceId: 'res',
    });
    await h.client.reporting.reportEvent({
      customerId: 'c3',
      eventName: 'e',
      idempotencyKey: 'key-1',
      timestamp: '2026-01-02 03:04:05',
    });
    const [a, b] = h.emu.requests().map((r) => r.body as Record<string, unknown>);
    assert.equal(a?.timestamp, '2026-01-02 03:04:05.067000');
    assert.equal(a?.resource_id, 'res');
    assert.equal(a?.idempotency_key, 'key-1');
    assert.equal(b?.timestamp, '2026-01-02 03:04:05.000000');
    assert.equal(h.emu.state().events.length, 1, 'the server counted the key once');
  });
});
