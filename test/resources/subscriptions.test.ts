import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../src/index.js';
import { useEmulator } from '../support.js';

// These tests move the emulator's clock, which the entitlement cache (on real time) cannot see.
const h = useEmulator({ cache: false });

function subscribe(customerId: string, planIdentifier = 'free'): string {
  const { subscriptions } = h.emu.seed({ subscriptions: [{ customerId, planIdentifier }] });
  return subscriptions[0]?.id as string;
}

describe('subscriptions', () => {
  it('update changes the plan, and entitlements follow', async () => {
    const id = subscribe('c1');
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' }), false);
    const res = await h.client.subscriptions.update({
      subscriptionId: id,
      planIdentifier: 'premium-plan',
      chargePeriod: 'YEARLY',
      features: [{ identifier: 'seats', quantity: 10 }],
      ipAddress: '103.154.35.20',
    });
    assert.equal(res.subscriptionId, id);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c1', featureId: 'premium-reporting' }), true);
    const req = h.emu.requests()[1];
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, `/api/v1/subscriptions/${id}/update/`);
    assert.deepEqual(req?.body, {
      plan_identifier: 'premium-plan',
      charge_period: 'YEARLY',
      ip_address: '103.154.35.20',
      features: [{ identifier: 'seats', quantity: 10 }],
    });
  });

  it('cancel IMMEDIATE ends access now', async () => {
    const id = subscribe('c2', 'plan-pro-monthly');
    const res = await h.client.subscriptions.cancel({ subscriptionId: id, cancellationType: 'IMMEDIATE' });
    assert.equal(typeof res.message, 'string');
    assert.deepEqual(h.emu.requests()[0]?.body, { cancellation_type: 'IMMEDIATE' });
    assert.equal(h.emu.requests()[0]?.path, `/api/v1/subscriptions/${id}/cancel/`);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c2', featureId: 'premium-reporting' }), false);
  });

  it('cancel SPECIFIC_DATE sends the date and keeps access until then', async () => {
    const id = subscribe('c3', 'plan-pro-monthly');
    const date = new Date(h.emu.now().getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    await h.client.subscriptions.cancel({
      subscriptionId: id,
      cancellationType: 'SPECIFIC_DATE',
      cancellationDate: date,
    });
    assert.deepEqual(h.emu.requests()[0]?.body, { cancellation_type: 'SPECIFIC_DATE', cancellation_date: date });
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c3', featureId: 'premium-reporting' }), true);
    h.emu.advanceClock(12 * 86_400_000);
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'c3', featureId: 'premium-reporting' }), false);
  });

  it('an unknown subscription is a NotFoundError', async () => {
    await assert.rejects(
      h.client.subscriptions.cancel({ subscriptionId: 'nope', cancellationType: 'IMMEDIATE' }),
      NotFoundError,
    );
  });

  it('list filters by customer and pages with for await', async () => {
    for (let i = 0; i < 12; i++) subscribe('many');
    subscribe('other');
    const seen: string[] = [];
    for await (const sub of h.client.subscriptions.list({ customerId: 'many', pageSize: 5 }))
      seen.push(String(sub.customerId));
    assert.equal(seen.length, 12);
    assert.ok(seen.every((c) => c === 'many'));
    assert.deepEqual(h.emu.requests()[0]?.query, { customer_id: 'many', page_size: '5' });
    assert.equal(h.emu.requests().length, 3);
  });
});
