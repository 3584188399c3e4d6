// What a customer is entitled to, computed from the store the way the edge API answers
// GET /entitlements: one entry per feature per active subscription.

import { boundary, periodIndexAt, spaceSeconds } from './clock.js';
import type { Feature } from './catalog.js';
import type { EntitlementDetail, SubscriptionRecord } from './records.js';
import type { Store } from './store.js';

/**
 * One entry per feature per active subscription, in subscription order, so a base plan and
 * a top-up both show up. A customer's meter usage is shared out across the entries of that
 * feature (each filled up to its limit, the last or an unlimited one takes the rest), so a
 * client that sums usageLimit and currentUsage over entries gets the true totals.
 */
export function entitlementsOf(store: Store, customerId: string, featureId?: string): EntitlementDetail[] {
  store.tick();
  const out: EntitlementDetail[] = [];
  const meters = new Map<string, EntitlementDetail[]>();
  for (const sub of store.subscriptions.values()) {
    if (sub.customerId !== customerId || sub.status !== 'active') continue;
    const plan = store.plans.get(sub.planIdentifier);
    if (!plan) continue;
    for (const [fid, grant] of Object.entries(plan.entitlements)) {
      if (featureId !== undefined && fid !== featureId) continue;
      const feature = store.features.get(fid);
      if (!feature) continue;
      const detail: EntitlementDetail = {
        featureId: fid,
        featureType: feature.type,
        hasAccess: true,
        resetAt: null,
        hardLimit: null,
        usageLimit: null,
        currentUsage: null,
        remaining: null,
      };
      if (feature.type === 'BOOLEAN') {
        detail.hasAccess = grant === true;
      } else if (feature.type === 'CUSTOMIZABLE') {
        detail.usageLimit = typeof grant === 'object' && 'value' in grant ? grant.value : null;
      } else if (typeof grant === 'object' && 'usageLimit' in grant) {
        const quantity = feature.quantityBased ? sub.features.find((f) => f.identifier === fid)?.quantity : undefined;
        detail.usageLimit = quantity ?? grant.usageLimit;
        detail.hardLimit = grant.hardLimit;
        detail.resetAt = resetAt(store, sub, feature);
        const list = meters.get(fid) ?? [];
        list.push(detail);
        meters.set(fid, list);
      }
      out.push(detail);
    }
  }
  for (const [fid, list] of meters) {
    let left = store.currentUsage(customerId, fid);
    list.forEach((d, i) => {
      const share = d.usageLimit === null || i === list.length - 1 ? left : Math.min(left, d.usageLimit);
      left -= share;
      d.currentUsage = share;
      d.remaining = d.usageLimit === null ? null : Math.max(0, d.usageLimit - share);
      d.hasAccess = d.remaining === null || d.remaining > 0 || !d.hardLimit;
    });
  }
  return out;
}

function resetAt(store: Store, sub: SubscriptionRecord, feature: Feature): string | null {
  const interval = store.meterInterval(sub, feature);
  if (!interval) return null;
  const k = periodIndexAt(sub.periodAnchorMs, interval, store.nowMs());
  return spaceSeconds(boundary(sub.periodAnchorMs, interval, k + 1));
}
