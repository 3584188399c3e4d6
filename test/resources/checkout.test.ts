import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChargePeriod, InvalidRequestError } from '../../src/index.js';
import { useEmulator } from '../support.js';

const h = useEmulator();

describe('checkout', () => {
  it('createSession sends every parameter in snake_case and returns the session', async () => {
    await h.client.customers.create({ customerId: 'cust_789' });
    const session = await h.client.checkout.createSession({
      planIdentifier: 'plan-pro-monthly',
      chargePeriod: ChargePeriod.MONTHLY,
      customerId: 'cust_789',
      successUrl: 'https://example.com/welcome',
      offeringId: '96d3a293-34ac-48a5-b73d-976b15781afd',
      pricingTableId: '6db2717a-4e43-4ae1-a293-6c0a775f6264',
      ruleId: 'f2ebc23f-3f79-4cf4-b17e-fe8e30a42ab2',
      features: [{ identifier: 'seats', quantity: 5 }],
      ipAddress: '103.154.35.20',
    });
    assert.equal(typeof session.checkoutSessionId, 'string');
    assert.ok(session.checkoutUrl.startsWith(`${h.emu.url}/checkout/`));
    const req = h.emu.requests()[1];
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, '/api/v1/checkout/');
    assert.deepEqual(req?.body, {
      plan_identifier: 'plan-pro-monthly',
      charge_period: 'MONTHLY',
      success_url: 'https://example.com/welcome',
      offering_id: '96d3a293-34ac-48a5-b73d-976b15781afd',
      pricing_table_id: '6db2717a-4e43-4ae1-a293-6c0a775f6264',
      rule_id: 'f2ebc23f-3f79-4cf4-b17e-fe8e30a42ab2',
      customer_id: 'cust_789',
      ip_address: '103.154.35.20',
      features: [{ identifier: 'seats', quantity: 5 }],
    });
  });

  it('completing the session subscribes the customer', async () => {
    await h.client.customers.create({ customerId: 'buyer' });
    const { checkoutSessionId } = await h.client.checkout.createSession({
      planIdentifier: 'premium-plan',
      chargePeriod: 'MONTHLY',
      customerId: 'buyer',
      successUrl: 'https://example.com/ok',
    });
    assert.equal(
      await h.client.entitlements.hasAccess({ customerId: 'buyer', featureId: 'advanced-analytics' }),
      false,
    );
    await h.emu.completeCheckout(checkoutSessionId);
    // What an app's success page does: the purchase happened outside the SDK, so it drops the
    // cached denial (else it stands for up to `cache.deniedTtl`).
    h.client.entitlements.invalidate('buyer');
    assert.equal(await h.client.entitlements.hasAccess({ customerId: 'buyer', featureId: 'advanced-analytics' }), true);
  });

  it('an unknown plan is the server’s 400', async () => {
    await assert.rejects(
      h.client.checkout.createSession({
        planIdentifier: 'no-such-plan',
        chargePeriod: 'MONTHLY',
        successUrl: 'https://x.example',
      }),
      (e: unknown) => e instanceof InvalidRequestError && e.status === 400 && /plan/i.test(e.message),
    );
  });
});
