import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/testing/index.js';
import { call, DAY, subscribed } from './helpers.js';

const START = Date.UTC(2025, 0, 31, 9, 0, 0); // Jan 31: month ends clamp to Feb 28

describe('subscriptions', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ now: START });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  const featureIds = async (customerId: string) =>
    (
      (await call(emu, 'GET', `/entitlements?customer_id=${customerId}`, undefined, { edge: true })).body
        .entitlements as Array<{ featureId: string }>
    ).map((e) => e.featureId);
  const sub = (id: string) => emu.state().subscriptions.find((s) => s.id === id);

  it('lists subscriptions with period fields, filtered by customer_id and paged', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1', 'plan-pro-monthly');
    for (let i = 0; i < 11; i++) await subscribed(emu, 'c2', 'api-calls-topup', 'ONE_TIME');
    const r = await call(emu, 'GET', '/subscriptions/?customer_id=c1');
    assert.equal(r.status, 200);
    assert.equal(r.body.count, 1);
    const s = r.body.results[0];
    assert.equal(s.id, subscriptionId);
    assert.equal(s.subscriptionId, subscriptionId);
    assert.deepEqual(
      [s.customerId, s.planIdentifier, s.planName, s.chargePeriod, s.status, s.cancelAt],
      ['c1', 'plan-pro-monthly', 'Pro', 'MONTHLY', 'active', null],
    );
    assert.match(s.currentPeriodStart, /^2025-01-31T09:00:00\.\d{6}Z$/);
    assert.match(s.currentPeriodEnd, /^2025-02-28T09:00:00\.\d{6}Z$/);
    const c2 = await call(emu, 'GET', '/subscriptions/?customer_id=c2&page=2');
    assert.equal(c2.body.count, 11);
    assert.equal(c2.body.results.length, 1);
    assert.equal(c2.body.results[0].currentPeriodEnd, null, 'ONE_TIME has no period end');
    assert.equal(c2.body.previous, `${emu.url}/api/v1/subscriptions/?customer_id=c2`);
    assert.equal((await call(emu, 'GET', '/subscriptions/')).body.count, 12);
    assert.equal((await call(emu, 'GET', '/subscriptions/?customer_id=nobody')).body.count, 0);
  });

  it('update swaps plan, period and quantities, and the entitlements follow', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1', 'plan-pro-monthly', 'MONTHLY', [
      { identifier: 'seats', quantity: 3 },
    ]);
    assert.deepEqual(await featureIds('c1'), ['premium-reporting', 'api-calls', 'seats', 'storage-gb']);
    const r = await call(emu, 'POST', `/subscriptions/${subscriptionId}/update/`, {
      plan_identifier: 'premium-plan',
      charge_period: 'MONTHLY',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { subscriptionId });
    assert.deepEqual(await featureIds('c1'), [
      'premium-reporting',
      'advanced-analytics',
      'api-calls',
      'seats',
      'storage-gb',
    ]);
    assert.deepEqual(sub(subscriptionId)?.features, [{ identifier: 'seats', quantity: 3 }], 'quantities carry over');
    assert.equal(sub(subscriptionId)?.currentPeriodEnd?.slice(0, 10), '2025-02-28', 'same period keeps the cycle');

    emu.advanceClock(DAY);
    await call(emu, 'POST', `/subscriptions/${subscriptionId}/update/`, {
      planIdentifier: 'premium-plan',
      chargePeriod: 'YEARLY',
      features: [{ identifier: 'seats', quantity: 9 }],
    });
    const yearly = sub(subscriptionId);
    assert.equal(yearly?.chargePeriod, 'YEARLY');
    assert.equal(yearly?.currentPeriodStart.slice(0, 10), '2025-02-01', 'a new charge period starts a new cycle');
    assert.equal(yearly?.currentPeriodEnd?.slice(0, 10), '2026-02-01');
    assert.deepEqual(yearly?.features, [{ identifier: 'seats', quantity: 9 }]);
  });

  it('validates updates and 404s unknown subscriptions', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1');
    assert.deepEqual((await call(emu, 'POST', `/subscriptions/${subscriptionId}/update/`, {})).body, {
      planIdentifier: ['This field is required.'],
      chargePeriod: ['This field is required.'],
    });
    assert.deepEqual(
      (
        await call(emu, 'POST', `/subscriptions/${subscriptionId}/update/`, {
          planIdentifier: 'free',
          chargePeriod: 'FORTNIGHTLY',
        })
      ).body,
      {
        chargePeriod: ['"FORTNIGHTLY" is not a valid choice.'],
      },
    );
    assert.equal(
      (await call(emu, 'POST', '/subscriptions/nope/update/', { planIdentifier: 'free', chargePeriod: 'MONTHLY' }))
        .status,
      404,
    );
    assert.equal((await call(emu, 'GET', `/subscriptions/${subscriptionId}/update/`)).status, 405);
  });

  it('IMMEDIATE cancellation ends it now: entitlements gone, updates refused', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1');
    const r = await call(emu, 'POST', `/subscriptions/${subscriptionId}/cancel/`, { cancellation_type: 'IMMEDIATE' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { message: 'Subscription cancelled successfully.' });
    assert.deepEqual(await featureIds('c1'), []);
    const s = sub(subscriptionId);
    assert.deepEqual([s?.status, s?.cancellationType], ['cancelled', 'IMMEDIATE']);
    assert.equal(s?.endedAt, s?.cancelAt);
    assert.deepEqual(
      (await call(emu, 'POST', `/subscriptions/${subscriptionId}/cancel/`, { cancellationType: 'IMMEDIATE' })).body,
      {
        detail: 'Subscription is already cancelled.',
      },
    );
    assert.deepEqual(
      (
        await call(emu, 'POST', `/subscriptions/${subscriptionId}/update/`, {
          planIdentifier: 'free',
          chargePeriod: 'MONTHLY',
        })
      ).body,
      {
        detail: 'Cannot update a cancelled subscription.',
      },
    );
  });

  it('CURRENT_PERIOD_ENDS keeps access until the period end, then ends', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1');
    const r = await call(emu, 'POST', `/subscriptions/${subscriptionId}/cancel/`, {
      cancellationType: 'CURRENT_PERIOD_ENDS',
    });
    assert.deepEqual(r.body, { message: 'Subscription will be cancelled on 2025-02-28.' });
    const s = sub(subscriptionId);
    assert.equal(s?.status, 'active');
    assert.equal(s?.cancelAt, s?.currentPeriodEnd);
    emu.advanceClock(27 * DAY);
    assert.equal((await featureIds('c1')).length, 4, 'still active on Feb 27');
    emu.advanceClock(1 * DAY + 1000);
    assert.deepEqual(await featureIds('c1'), []);
    assert.equal(sub(subscriptionId)?.status, 'cancelled');
    assert.equal(sub(subscriptionId)?.endedAt?.slice(0, 10), '2025-02-28');
    assert.equal(sub(subscriptionId)?.currentPeriodEnd?.slice(0, 10), '2025-02-28', 'the period freezes at the end');
  });

  it('SPECIFIC_DATE needs a real, non-past date and ends the subscription that day', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1');
    const cancel = (body: unknown) => call(emu, 'POST', `/subscriptions/${subscriptionId}/cancel/`, body);
    assert.deepEqual((await cancel({ cancellationType: 'SPECIFIC_DATE' })).body, {
      cancellationDate: ['This field is required.'],
    });
    assert.deepEqual((await cancel({ cancellationType: 'SPECIFIC_DATE', cancellationDate: '2025-02-30' })).body, {
      cancellationDate: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    });
    assert.deepEqual((await cancel({ cancellationType: 'SPECIFIC_DATE', cancellationDate: '31/03/2025' })).status, 400);
    assert.deepEqual((await cancel({ cancellationType: 'SPECIFIC_DATE', cancellationDate: '2025-01-30' })).body, {
      cancellationDate: ['The cancellation date cannot be in the past.'],
    });
    assert.deepEqual((await cancel({ cancellationType: 'IMMEDIATE', cancellationDate: '2025-03-01' })).body, {
      cancellationDate: ['Only allowed when cancellationType is SPECIFIC_DATE.'],
    });
    assert.deepEqual((await cancel({ cancellationType: 'LATER' })).body, {
      cancellationType: ['"LATER" is not a valid choice.'],
    });
    assert.deepEqual((await cancel({})).body, { cancellationType: ['This field is required.'] });
    assert.equal(sub(subscriptionId)?.cancelAt, null, 'failed requests change nothing');

    const ok = await cancel({ cancellationType: 'SPECIFIC_DATE', cancellationDate: '2025-03-10' });
    assert.deepEqual(ok.body, { message: 'Subscription will be cancelled on 2025-03-10.' });
    assert.equal(sub(subscriptionId)?.cancelAt, '2025-03-10T00:00:00.000000Z');
    emu.advanceClock(37 * DAY); // Mar 9, 09:00
    assert.equal(sub(subscriptionId)?.status, 'active');
    emu.advanceClock(DAY); // Mar 10, 09:00
    assert.equal(sub(subscriptionId)?.status, 'cancelled');
    assert.equal(sub(subscriptionId)?.endedAt, '2025-03-10T00:00:00.000000Z');
  });

  it('SPECIFIC_DATE today ends it at once; CURRENT_PERIOD_ENDS is refused for ONE_TIME', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1');
    const r = await call(emu, 'POST', `/subscriptions/${subscriptionId}/cancel/`, {
      cancellationType: 'SPECIFIC_DATE',
      cancellationDate: '2025-01-31',
    });
    assert.deepEqual(r.body, { message: 'Subscription cancelled successfully.' });
    const topup = await subscribed(emu, 'c1', 'api-calls-topup', 'ONE_TIME');
    const refused = await call(emu, 'POST', `/subscriptions/${topup.subscriptionId}/cancel/`, {
      cancellationType: 'CURRENT_PERIOD_ENDS',
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body.cancellationType[0], /ONE_TIME/);
  });
});
