// The hosted checkout page a checkoutUrl points at: what the customer is buying and a Pay
// button. Paying (a POST of the page's form) subscribes the customer and redirects to the
// session's successUrl, as the real hosted checkout does after a successful payment.

import type { Catalog } from './catalog.js';
import type { CheckoutSession } from './records.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const PERIOD_LABEL: Record<string, string> = {
  ONE_TIME: 'one time',
  MONTHLY: 'per month',
  YEARLY: 'per year',
  WEEKLY: 'per week',
  DAILY: 'per day',
  THREE_MONTHS: 'every 3 months',
  SIX_MONTHS: 'every 6 months',
};

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
  main { max-width: 28rem; margin: 4rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  .price { font-size: 2rem; font-weight: 600; margin: 1rem 0; }
  .muted { color: #667085; font-size: .9rem; }
  ul { padding-left: 1.2rem; }
  button { width: 100%; padding: .8rem; font-size: 1rem; border: 0; border-radius: 8px; background: #3b5bdb; color: #fff; cursor: pointer; }
  .badge { display: inline-block; background: #fff3bf; border-radius: 4px; padding: 0 .4rem; font-size: .8rem; }
</style>
</head>
<body><main>${body}</main></body>
</html>
`;
}

export function renderCheckoutPage(session: CheckoutSession, catalog: Catalog): string {
  const plan = catalog.plans.find((p) => p.identifier === session.planIdentifier);
  const planName = plan?.name ?? session.planIdentifier;
  const price = plan?.prices?.[session.chargePeriod];
  const currency = plan?.currency ?? 'USD';
  const priceText = price === undefined ? '' : `${price.toFixed(2)} ${escapeHtml(currency)}`;
  const features = Object.keys(plan?.entitlements ?? {}).map((id) => {
    const name = catalog.features.find((f) => f.identifier === id)?.name ?? id;
    const quantity = session.features.find((f) => f.identifier === id)?.quantity;
    return `<li>${escapeHtml(name)}${quantity === undefined ? '' : ` &times; ${quantity}`}</li>`;
  });
  const action = `/checkout/${encodeURIComponent(session.id)}`;
  const done = session.status === 'complete';
  return layout(
    `Checkout: ${planName}`,
    `<span class="badge">ParityDeals emulator: test mode</span>
<h1 id="plan-name">${escapeHtml(planName)}</h1>
<div class="muted">${escapeHtml(session.planIdentifier)} &middot; ${escapeHtml(PERIOD_LABEL[session.chargePeriod] ?? session.chargePeriod)}</div>
${priceText ? `<div class="price" id="price">${priceText} <span class="muted">${escapeHtml(PERIOD_LABEL[session.chargePeriod] ?? '')}</span></div>` : ''}
<ul id="features">${features.join('')}</ul>
${session.customerId ? `<p class="muted">Customer: ${escapeHtml(session.customerId)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
  <button id="pay" type="submit">${done ? 'Paid: continue' : 'Pay'}</button>
</form>`,
  );
}

export function renderNotFoundPage(): string {
  return layout(
    'Checkout not found',
    '<h1>Checkout session not found</h1><p class="muted">This link is unknown to the emulator (was it reset?).</p>',
  );
}

/** successUrl plus `checkout_session_id`, keeping the URL's own query and fragment. */
export function successRedirect(successUrl: string, sessionId: string): string {
  const url = new URL(successUrl);
  url.searchParams.set('checkout_session_id', sessionId);
  return url.toString();
}
