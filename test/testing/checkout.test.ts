import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../../src/testing/index.js';
import { call } from './helpers.js';

describe('checkout', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  const session = (body: Record<string, unknown> = {}) =>
    call(emu, 'POST', '/checkout/', {
      planIdentifier: 'plan-pro-monthly',
      chargePeriod: 'MONTHLY',
      successUrl: 'https://app.test/done?x=1',
      ...body,
    });

  it('creates a session (201) whose checkoutUrl is a page on the emulator', async () => {
    const r = await session({ customerId: 'c1' });
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.body).sort(), ['checkoutSessionId', 'checkoutUrl']);
    assert.equal(r.body.checkoutUrl, `${emu.url}/checkout/${r.body.checkoutSessionId}`);
    const page = await fetch(r.body.checkoutUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.match(html, /<h1 id="plan-name">Pro<\/h1>/);
    assert.match(html, /29\.00 USD/);
    assert.match(html, /<button id="pay" type="submit">Pay<\/button>/);
    assert.match(html, new RegExp(`<form method="post" action="/checkout/${r.body.checkoutSessionId}">`));
    assert.equal(emu.requests().length, 1, 'the page itself is not an API request');
  });

  it('validates plan, charge period, successUrl and features (DRF style)', async () => {
    const missing = await call(emu, 'POST', '/checkout/', {});
    assert.deepEqual(missing.body, {
      planIdentifier: ['This field is required.'],
      chargePeriod: ['This field is required.'],
      successUrl: ['This field is required.'],
    });
    const bad = await session({ planIdentifier: 'nope', chargePeriod: 'HOURLY', successUrl: 'not a url' });
    assert.deepEqual(bad.body, {
      planIdentifier: ['Plan with identifier "nope" does not exist.'],
      chargePeriod: ['"HOURLY" is not a valid choice.'],
      successUrl: ['Enter a valid URL.'],
    });
    const period = await session({ chargePeriod: 'WEEKLY' });
    assert.equal(period.status, 400);
    assert.match(
      period.body.chargePeriod[0],
      /"WEEKLY" is not available for plan "plan-pro-monthly"; choose one of: MONTHLY, YEARLY\./,
    );
    const features = await session({
      features: [
        { identifier: 'ghost', quantity: 1 },
        { identifier: 'seats', quantity: 1.5 },
        { identifier: 'advanced-analytics', quantity: 1 },
      ],
    });
    assert.deepEqual(features.body, {
      features: [
        'Feature with identifier "ghost" does not exist.',
        'Quantity of "seats" must be an integer >= 0.',
        'Feature "advanced-analytics" is not part of plan "plan-pro-monthly".',
      ],
    });
    const snake = await call(emu, 'POST', '/checkout/', {
      plan_identifier: 'free',
      charge_period: 'YEARLY',
      success_url: 'http://localhost/x',
    });
    assert.equal(snake.status, 201);
    assert.equal(emu.state().checkoutSessions.length, 1);
  });

  it('POSTing the page subscribes the customer and 303s to successUrl with the session id', async () => {
    await call(emu, 'POST', '/customers/', { customerId: 'buyer' });
    const r = await session({ customerId: 'buyer', features: [{ identifier: 'seats', quantity: 8 }] });
    const id = r.body.checkoutSessionId as string;
    const before = await call(emu, 'GET', '/entitlements?customer_id=buyer', undefined, { edge: true });
    assert.deepEqual(before.body, { customerId: 'buyer', entitlements: [] });

    const pay = await fetch(r.body.checkoutUrl, { method: 'POST', redirect: 'manual' });
    assert.equal(pay.status, 303);
    assert.equal(pay.headers.get('location'), `https://app.test/done?x=1&checkout_session_id=${id}`);

    const ents = await call(emu, 'GET', '/entitlements?customer_id=buyer', undefined, { edge: true });
    assert.deepEqual(
      ents.body.entitlements.map((e: { featureId: string; usageLimit: number | null }) => [e.featureId, e.usageLimit]),
      [
        ['premium-reporting', null],
        ['api-calls', 10000],
        ['seats', 8],
        ['storage-gb', 50],
      ],
    );
    const state = emu.state();
    assert.equal(state.subscriptions.length, 1);
    assert.equal(state.checkoutSessions[0]?.status, 'complete');
    assert.deepEqual(state.checkoutSessions[0]?.result, {
      customerId: 'buyer',
      subscriptionId: state.subscriptions[0]?.id,
    });

    // A second completion changes nothing and answers the same.
    const again = await fetch(r.body.checkoutUrl, { method: 'POST', redirect: 'manual' });
    assert.equal(again.status, 303);
    assert.deepEqual(await emu.completeCheckout(id), {
      customerId: 'buyer',
      subscriptionId: state.subscriptions[0]?.id,
    });
    assert.equal(emu.state().subscriptions.length, 1);
    assert.match(await (await fetch(r.body.checkoutUrl)).text(), /Paid: continue/);
  });

  it('creates the customer on completion when the session has none (or an unknown one)', async () => {
    const anon = await session();
    const result = await emu.completeCheckout(anon.body.checkoutSessionId);
    assert.match(result.customerId, /^cus_[0-9a-f]{24}$/);
    const customer = await call(emu, 'GET', `/customers/${result.customerId}/`);
    assert.equal(customer.status, 200);
    const named = await session({ customerId: 'new-one' });
    assert.equal((await emu.completeCheckout(named.body.checkoutSessionId)).customerId, 'new-one');
    assert.equal((await call(emu, 'GET', '/customers/new-one/')).status, 200);
  });

  it('404s an unknown session on the page, completeCheckout and the admin route', async () => {
    const page = await fetch(`${emu.url}/checkout/does-not-exist`);
    assert.equal(page.status, 404);
    assert.match(await page.text(), /Checkout session not found/);
    await assert.rejects(emu.completeCheckout('does-not-exist'), /Checkout session "does-not-exist" not found/);
    const admin = await fetch(`${emu.url}/__emulator/checkout/does-not-exist/complete`, { method: 'POST' });
    assert.equal(admin.status, 404);
  });

  it('escapes what it prints on the page', async () => {
    const r = await session({ customerId: '<script>alert(1)</script>' });
    const html = await (await fetch(r.body.checkoutUrl)).text();
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});
