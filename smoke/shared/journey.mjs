// The calls every smoke project makes, against the emulator the smoke run started: a customer
// signs up, checks out, pays (through the emulator's admin API, as the hosted page would),
// gains access, and reports usage that the next read shows. Works with both clients: `await`
// takes the async client's Promises and the sync client's values alike.

/**
 * @param {object} client a ParityDeals client (async or sync)
 * @param {string} admin the emulator's origin, for its admin API (/__emulator/...)
 * @param {string} customerId unique per project and client, since projects share one emulator
 * @returns {Promise<string>} a one-line summary; throws on any wrong answer
 */
export async function journey(client, admin, customerId) {
  const customer = await client.customers.create({ customerId, email: `${customerId}@example.com` });
  expect(customer.customerId === customerId, `customers.create returned ${JSON.stringify(customer)}`);
  expect(
    (await client.entitlements.hasAccess({ customerId, featureId: 'api-calls' })) === false,
    'access before paying',
  );

  const session = await client.checkout.createSession({
    planIdentifier: 'plan-pro-monthly',
    chargePeriod: 'MONTHLY',
    customerId,
    successUrl: 'https://example.com/welcome',
  });
  const paid = await fetch(`${admin}/__emulator/checkout/${encodeURIComponent(session.checkoutSessionId)}/complete`, {
    method: 'POST',
  });
  expect(paid.ok, `paying checkout ${session.checkoutSessionId}: HTTP ${paid.status}`);

  expect((await client.entitlements.hasAccess({ customerId, featureId: 'api-calls' })) === true, 'access after paying');
  await client.reporting.reportUsage({ value: 7, customerId, featureId: 'api-calls', behaviour: 'DELTA' });
  const { entitlements } = await client.entitlements.getEntitlement({ customerId, featureId: 'api-calls' });
  expect(entitlements[0]?.currentUsage === 7, `usage after reporting 7: ${JSON.stringify(entitlements)}`);
  return `${customerId}: created, paid, access, usage ${entitlements[0].currentUsage}/${entitlements[0].usageLimit}`;
}

function expect(ok, what) {
  if (!ok) throw new Error(`smoke: wrong answer: ${what}`);
}
