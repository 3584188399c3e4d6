import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_CATALOG, loadCatalog, startEmulator, validateCatalog, type Catalog } from '../../src/testing/index.js';
import { call } from './helpers.js';

describe('catalog', () => {
  it('the default catalog is valid and has the documented plans and features', () => {
    const c = validateCatalog(DEFAULT_CATALOG);
    assert.deepEqual(
      c.plans.map((p) => p.identifier),
      ['free', 'plan-pro-monthly', 'premium-plan', 'enterprise', 'api-calls-topup'],
    );
    assert.deepEqual(
      c.features.map((f) => `${f.identifier}:${f.type}`),
      [
        'premium-reporting:BOOLEAN',
        'advanced-analytics:BOOLEAN',
        'api-calls:METER',
        'seats:METER',
        'storage-gb:CUSTOMIZABLE',
      ],
    );
    assert.notEqual(c, DEFAULT_CATALOG, 'validation returns a copy');
  });

  it('names the first problem it finds', () => {
    const bad = (mutate: (c: Catalog) => void) => {
      const c = structuredClone(DEFAULT_CATALOG);
      mutate(c);
      return () => validateCatalog(c);
    };
    assert.throws(() => validateCatalog(null), /catalog: expected an object/);
    assert.throws(
      bad((c) => c.features.push({ identifier: 'seats', type: 'BOOLEAN' })),
      /features\[5\]\.identifier: duplicate feature "seats"/,
    );
    assert.throws(
      bad((c) => ((c.features[0] as { type: string }).type = 'FLAG')),
      /features\[0\]\.type/,
    );
    assert.throws(
      bad((c) => ((c.plans[0] as { chargePeriods: string[] }).chargePeriods = ['HOURLY'])),
      /"HOURLY" is not a charge period/,
    );
    assert.throws(
      bad((c) => (c.plans[0]!.entitlements.ghost = true)),
      /plans\[0\]\.entitlements\["ghost"\]: unknown feature/,
    );
    assert.throws(
      bad((c) => (c.plans[0]!.entitlements['api-calls'] = true)),
      /METER feature/,
    );
    assert.throws(
      bad((c) => (c.plans[0]!.entitlements['api-calls'] = { usageLimit: -1, hardLimit: true })),
      /METER feature/,
    );
    assert.throws(
      bad((c) => (c.plans[0]!.entitlements['premium-reporting'] = { value: 1 })),
      /BOOLEAN feature/,
    );
    assert.throws(
      bad((c) => (c.plans[0]!.entitlements['storage-gb'] = true)),
      /CUSTOMIZABLE feature/,
    );
    assert.throws(
      bad((c) => c.plans.push({ ...c.plans[0]! })),
      /duplicate plan "free"/,
    );
  });

  it('loadCatalog reads and validates a JSON file; startEmulator uses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-cat-'));
    const good = join(dir, 'good.json');
    const catalog: Catalog = {
      features: [{ identifier: 'exports', type: 'METER', reset: 'BILLING_PERIOD' }],
      plans: [
        {
          identifier: 'solo',
          name: 'Solo',
          chargePeriods: ['WEEKLY'],
          entitlements: { exports: { usageLimit: 3, hardLimit: true } },
        },
      ],
    };
    await writeFile(good, JSON.stringify(catalog));
    assert.deepEqual(await loadCatalog(good), catalog);
    await writeFile(join(dir, 'broken.json'), '{"features": [');
    await assert.rejects(loadCatalog(join(dir, 'broken.json')), /not JSON/);
    await writeFile(join(dir, 'wrong.json'), '{"features": {}}');
    await assert.rejects(loadCatalog(join(dir, 'wrong.json')), /features: expected an array/);

    const emu = await startEmulator({ catalog: await loadCatalog(good), now: Date.UTC(2025, 0, 1) });
    try {
      emu.seed({ subscriptions: [{ customerId: 'c1', planIdentifier: 'solo' }] });
      const r = await call(emu, 'GET', '/entitlements?customer_id=c1', undefined, { edge: true });
      assert.equal(
        r.body.entitlements[0].resetAt,
        '2025-01-08 00:00:00',
        'BILLING_PERIOD meters reset with the weekly period',
      );
      const wrong = await call(emu, 'POST', '/checkout/', {
        planIdentifier: 'free',
        chargePeriod: 'MONTHLY',
        successUrl: 'https://a.test/',
      });
      assert.equal(wrong.status, 400);
    } finally {
      await emu.close();
    }
    await assert.rejects(
      startEmulator({ catalog: { features: [], plans: 'x' } as unknown as Catalog }),
      /plans: expected an array/,
    );
  });
});
