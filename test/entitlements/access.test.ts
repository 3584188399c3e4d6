import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EntitlementDetail, hasAccess, mergeEntitlements } from '../../src/entitlements/access.js';

const meter = (over: Partial<EntitlementDetail>): EntitlementDetail => ({
  featureId: 'api-calls',
  featureType: 'METER',
  hasAccess: true,
  resetAt: '2026-12-01 00:00:00',
  hardLimit: true,
  usageLimit: 100,
  currentUsage: 0,
  remaining: 100,
  ...over,
});

describe('hasAccess rule', () => {
  it('is false for an absent feature', () => {
    assert.equal(hasAccess(undefined), false);
  });

  it('keeps access on a soft-limited meter past its quota', () => {
    assert.equal(hasAccess(meter({ hardLimit: false, currentUsage: 150, remaining: -50, hasAccess: false })), true);
  });

  it('ends access on a hard-limited meter with nothing remaining, or remaining unknown', () => {
    assert.equal(hasAccess(meter({ currentUsage: 100, remaining: 0 })), false);
    assert.equal(hasAccess(meter({ remaining: -1 })), false);
    assert.equal(hasAccess(meter({ remaining: null })), false);
    assert.equal(hasAccess(meter({ remaining: 1 })), true);
  });

  it('treats the legacy LIMIT type as a meter', () => {
    assert.equal(hasAccess(meter({ featureType: 'LIMIT', hardLimit: false, remaining: 0, hasAccess: false })), true);
  });

  it("follows the server's hasAccess for other types", () => {
    assert.equal(hasAccess({ featureId: 'f', featureType: 'BOOLEAN', hasAccess: true }), true);
    assert.equal(hasAccess({ featureId: 'f', featureType: 'BOOLEAN', hasAccess: false }), false);
    assert.equal(hasAccess({ featureId: 'f', featureType: 'CUSTOMIZABLE', hasAccess: false, hardLimit: false }), false);
  });
});

describe('merged entries typed by featureType', () => {
  it('a meter always has its usage fields: absent or null ones become 0 / null / false', () => {
    const [sparse] = mergeEntitlements([{ featureId: 'api-calls', featureType: 'METER', hasAccess: true }]);
    assert.ok(sparse?.featureType === 'METER');
    const usage: number = sparse.currentUsage; // a number, no `?? 0` needed
    assert.deepEqual(
      {
        usage,
        hardLimit: sparse.hardLimit,
        usageLimit: sparse.usageLimit,
        remaining: sparse.remaining,
        resetAt: sparse.resetAt,
      },
      { usage: 0, hardLimit: false, usageLimit: null, remaining: null, resetAt: null },
    );
    assert.equal(hasAccess(sparse), true, 'a soft (unknown) limit keeps access, as before');
  });

  it('a customizable feature has its value; a boolean only its verdict', () => {
    const [value, flag] = mergeEntitlements([
      { featureId: 'storage-gb', featureType: 'CUSTOMIZABLE', hasAccess: true },
      { featureId: 'sso', featureType: 'BOOLEAN', hasAccess: true },
    ]);
    assert.ok(value?.featureType === 'CUSTOMIZABLE');
    assert.equal(value.usageLimit, null);
    assert.ok(flag?.featureType === 'BOOLEAN' && flag.hasAccess);
    assert.equal('usageLimit' in flag, false);
  });
});

describe('mergeEntitlements', () => {
  it('sums meters across subscriptions and recomputes remaining', () => {
    const base = meter({
      usageLimit: 100,
      currentUsage: 100,
      remaining: 0,
      hasAccess: false,
      resetAt: '2026-12-01 00:00:00',
    });
    const topUp = meter({
      usageLimit: 50,
      currentUsage: 10,
      remaining: 40,
      hardLimit: false,
      resetAt: '2026-11-28 00:00:00',
    });
    const [merged, ...rest] = mergeEntitlements([base, topUp]);
    assert.equal(rest.length, 0);
    assert.ok(merged);
    assert.equal(merged.usageLimit, 150);
    assert.equal(merged.currentUsage, 110);
    assert.equal(merged.remaining, 40);
    assert.equal(merged.hasAccess, true);
    assert.equal(merged.hardLimit, true);
    assert.equal(merged.resetAt, '2026-11-28 00:00:00');
    assert.deepEqual(merged.entries, [base, topUp]);
    assert.equal(hasAccess(merged), true);
  });

  it('gives null remaining when a limit or usage is missing everywhere', () => {
    const [merged] = mergeEntitlements([
      meter({ usageLimit: null, currentUsage: 3 }),
      meter({ usageLimit: null, currentUsage: 4 }),
    ]);
    assert.equal(merged?.usageLimit, null);
    assert.equal(merged?.currentUsage, 7);
    assert.equal(merged?.remaining, null);
    assert.equal(hasAccess(merged), false);
  });

  it('sums only the entries that carry a value', () => {
    const [merged] = mergeEntitlements([
      meter({ usageLimit: 10, currentUsage: 2 }),
      meter({ usageLimit: undefined, currentUsage: null }),
    ]);
    assert.equal(merged?.usageLimit, 10);
    assert.equal(merged?.currentUsage, 2);
    assert.equal(merged?.remaining, 8);
  });

  it('keeps one entry per feature in first-seen order, single entries untouched', () => {
    const flag = { featureId: 'reports', featureType: 'BOOLEAN', hasAccess: false };
    const flag2 = { featureId: 'reports', featureType: 'BOOLEAN', hasAccess: true };
    const single = meter({ featureId: 'seats', remaining: 3 });
    const merged = mergeEntitlements([flag, single, flag2]);
    assert.deepEqual(
      merged.map((e) => e.featureId),
      ['reports', 'seats'],
    );
    assert.equal(merged[0]?.hasAccess, true);
    assert.deepEqual(merged[1], { ...single, entries: [single] });
  });
});
