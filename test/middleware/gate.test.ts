// The gate without a framework: what the adapters share, driven through makeGate directly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GateClient, makeGate } from '../../src/middleware/gate.js';
import { ParityDealsError } from '../../src/index.node.js';
import { createSyncClient } from '../../src/sync/index.js';
import { useEmulator } from '../support.js';

describe('makeGate', () => {
  const h = useEmulator();

  it('asks a client that is not a ParityDeals one (a test double) hasAccess, then getEntitlement', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
    const asked: string[] = [];
    const real = h.client.entitlements;
    const double: GateClient = {
      entitlements: {
        hasAccess(params, options) {
          asked.push('hasAccess');
          return real.hasAccess(params, options);
        },
        getEntitlement(params) {
          asked.push('getEntitlement');
          return real.getEntitlement(params);
        },
      },
      reporting: { record: () => true },
    };
    const gate = makeGate('premium-reporting', { client: double, customerId: () => 'pro' });
    const decision = await gate.decide(undefined);
    assert.ok(decision.granted);
    assert.equal(decision.grant.entitlement?.featureId, 'premium-reporting');
    assert.deepEqual(asked, ['hasAccess', 'getEntitlement']);
  });

  it('refuses a synchronous client when the gate is made, naming the option', () => {
    const sync = createSyncClient({
      accessToken: 'pd_key',
      baseUrl: 'http://127.0.0.1:9',
      edgeApiUrl: 'http://127.0.0.1:9',
    });
    try {
      assert.throws(
        () => makeGate('premium-reporting', { client: sync as never, customerId: () => 'pro' }),
        (e: unknown) => e instanceof ParityDealsError && /client must be an async ParityDeals client/.test(e.message),
      );
    } finally {
      sync.close();
    }
  });
});
