// A stale entry's background refresh needs the event loop; a caller that never yields must still
// see changes: once the refresh is overdue, the check loads itself (blocking on the worker).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ParityDeals } from '../../src/index.node.js';
import { useRig } from './helpers.js';

describe('sync client: a caller that never yields', () => {
  const r = useRig({ edgeTimeout: 300 });
  it('a sync caller that does not yield sees a change made elsewhere within ttl (plus a request)', async () => {
    await r.emu.seed({
      subscriptions: [{ customerId: 's1', planIdentifier: 'free' }],
      usage: [{ customerId: 's1', featureId: 'api-calls', value: 995 }],
    });
    const client = ParityDeals.createSyncClient({ ...r.options, cache: { ttl: 100 } });
    try {
      const check = () => client.withResponse.entitlements.hasAccess({ customerId: 's1', featureId: 'api-calls' });
      assert.equal(check().data, true);
      await r.async.reporting.reportUsage({ customerId: 's1', featureId: 'api-calls', value: 5, behaviour: 'DELTA' }); // another process
      await sleep(150);
      // A synchronous job: checks in a loop, never yielding, for 1.5 s (15 TTLs).
      const end = Date.now() + 1500;
      let last = check();
      while (Date.now() < end) last = check();
      assert.equal(
        last.data,
        false,
        `after 15 TTLs: ${last.data} from ${last.response.source}, age ${last.response.age} ms`,
      );
    } finally {
      client.close();
    }
  });
});
