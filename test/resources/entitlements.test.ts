import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../src/index.js';
import { useEmulator } from '../support.js';

const h = useEmulator();

describe('entitlements', () => {
  it('hasAccess asks the edge host with snake_case query parameters, once for every feature', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'c1', planIdentifier: 'plan-pro-monthly' }] });
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' }), true);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c1', featureId: 'advanced-analytics' }), false);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c1', featureId: 'not-a-feature' }), false);
    const [req, ...more] = h.emu.requests();
    assert.equal(more.length, 0, 'one request answered all three checks');
    assert.equal(req?.host, 'edge');
    assert.equal(req?.method, 'GET');
    assert.equal(req?.path, '/api/v1/entitlements');
    // The whole set (no feature_id), which the cache keeps.
    assert.deepEqual(req?.query, { customer_id: 'c1' });
    assert.equal(req?.headers['content-type'], undefined);
  });

  it('a hard-limited meter denies access once used up; a soft limit keeps it', async () => {
    h.emu.seed({
      subscriptions: [{ customerId: 'c2', planIdentifier: 'free' }],
      usage: [
        { customerId: 'c2', featureId: 'api-calls', value: 1000 },
        { customerId: 'c2', featureId: 'seats', value: 3 },
      ],
    });
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c2', featureId: 'api-calls' }), false);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c2', featureId: 'seats' }), true);
  });

  it('merges a base plan and a top-up into one entry, keeping the raw entries', async () => {
    h.emu.seed({
      subscriptions: [
        { customerId: 'c3', planIdentifier: 'free' },
        { customerId: 'c3', planIdentifier: 'api-calls-topup', chargePeriod: 'ONE_TIME' },
      ],
      usage: [{ customerId: 'c3', featureId: 'api-calls', value: 1500 }],
    });
    const { customerId, entitlements, entitlement } = await h.client.entitlements.getEntitlement({
      customerId: 'c3',
      featureId: 'api-calls',
    });
    assert.equal(customerId, 'c3');
    assert.equal(entitlements.length, 1);
    assert.equal(entitlement, entitlements[0], 'the accessor is the one entry of the list');
    // Narrowed by featureType, a meter's fields are numbers, no `?.` or `??` needed.
    assert.ok(entitlement?.featureType === 'METER');
    assert.equal(entitlement.usageLimit, 6000);
    assert.equal(entitlement.entries.length, 2);
    assert.equal(entitlement.remaining, 6000 - entitlement.currentUsage);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c3', featureId: 'api-calls' }), true);
    assert.deepEqual(
      h.emu.requests().map((r) => r.query),
      [{ customer_id: 'c3' }],
    );
  });

  it('getEntitlement for a feature the customer lacks: entitlement null, entitlements empty', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'c5', planIdentifier: 'free' }] });
    const lacking = await h.client.entitlements.getEntitlement({ customerId: 'c5', featureId: 'premium-reporting' });
    assert.deepEqual(lacking, { customerId: 'c5', entitlements: [], entitlement: null });
    const { entitlement: storage } = await h.client.entitlements.getEntitlement({
      customerId: 'c5',
      featureId: 'storage-gb',
    });
    assert.ok(storage?.featureType === 'CUSTOMIZABLE');
    assert.equal(storage.usageLimit, 1);
  });

  it('getAllEntitlements returns one merged entry per feature', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'c4', planIdentifier: 'premium-plan' }] });
    const all = await h.client.entitlements.getAllEntitlements({ customerId: 'c4' });
    const ids = all.entitlements.map((e) => e.featureId);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.includes('advanced-analytics') && ids.includes('api-calls'));
    assert.deepEqual(h.emu.requests()[0]?.query, { customer_id: 'c4' });
  });

  it('an unknown customer is a NotFoundError', async () => {
    await assert.rejects(h.client.entitlements.hasAccess({ customerId: 'ghost', featureId: 'x' }), NotFoundError);
  });
});
