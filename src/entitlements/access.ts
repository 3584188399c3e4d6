import type { FeatureType } from '../core/enums.js';

/** One entitlement as the API sends it. */
export interface EntitlementDetail {
  featureId: string;
  featureType: FeatureType | (string & {});
  /** The server's verdict for this one entry. */
  hasAccess: boolean;
  /** When the meter resets, `YYYY-MM-DD HH:MM:SS` (UTC), or null. */
  resetAt?: string | null | undefined;
  hardLimit?: boolean | null | undefined;
  usageLimit?: number | null | undefined;
  currentUsage?: number | null | undefined;
  remaining?: number | null | undefined;
  [field: string]: unknown;
}

/**
 * One feature's entitlement after merging the entries that share its `featureId` (a customer
 * holding a base plan and a top-up gets one entry from each). `entries` keeps them as sent.
 */
export interface MergedEntitlement extends EntitlementDetail {
  entries: EntitlementDetail[];
}

export interface CheckEntitlementsResponse {
  customerId: string;
  /** One merged entry per feature, in the order the features first appear. */
  entitlements: MergedEntitlement[];
}

/** Both spellings of a metered feature: `LIMIT` is what older data calls a meter. */
export function isMeter(type: unknown): boolean {
  return type === 'METER' || type === 'LIMIT';
}

/**
 * Merges entries that share a `featureId`. For meters, `usageLimit` and `currentUsage` are the
 * sums of the entries that have them and `remaining` their difference (null if either is null);
 * `hasAccess` and `hardLimit` hold if any entry's does. `resetAt` is the soonest reset.
 */
export function mergeEntitlements(entries: readonly EntitlementDetail[]): MergedEntitlement[] {
  const byFeature = new Map<string, EntitlementDetail[]>();
  for (const entry of entries) {
    const group = byFeature.get(entry.featureId);
    if (group) group.push(entry);
    else byFeature.set(entry.featureId, [entry]);
  }
  const merged: MergedEntitlement[] = [];
  for (const group of byFeature.values()) merged.push(mergeGroup(group));
  return merged;
}

function mergeGroup(group: EntitlementDetail[]): MergedEntitlement {
  const first = group[0] as EntitlementDetail;
  if (group.length === 1) return { ...first, entries: group };
  const merged: MergedEntitlement = {
    ...first,
    hasAccess: group.some((e) => e.hasAccess === true),
    hardLimit: group.some((e) => e.hardLimit === true),
    resetAt: soonest(group.map((e) => e.resetAt)),
    entries: group,
  };
  if (isMeter(first.featureType)) {
    const usageLimit = sum(group.map((e) => e.usageLimit));
    const currentUsage = sum(group.map((e) => e.currentUsage));
    merged.usageLimit = usageLimit;
    merged.currentUsage = currentUsage;
    merged.remaining = usageLimit === null || currentUsage === null ? null : usageLimit - currentUsage;
  }
  return merged;
}

function sum(values: (number | null | undefined)[]): number | null {
  let total: number | null = null;
  for (const v of values) if (typeof v === 'number') total = (total ?? 0) + v;
  return total;
}

function soonest(values: (string | null | undefined)[]): string | null {
  let best: string | null = null;
  // `YYYY-MM-DD HH:MM:SS` sorts as text in time order.
  for (const v of values) if (typeof v === 'string' && (best === null || v < best)) best = v;
  return best;
}

/**
 * The access rule, computed on the client like the official SDKs do:
 * absent → false; a meter → false only when it has a hard limit and nothing remains (a soft
 * limit keeps access after the quota is used up); anything else → the server's `hasAccess`.
 */
export function hasAccess(entitlement: EntitlementDetail | undefined): boolean {
  if (!entitlement) return false;
  if (isMeter(entitlement.featureType)) {
    if (entitlement.hardLimit !== true) return true;
    return typeof entitlement.remaining === 'number' && entitlement.remaining > 0;
  }
  return entitlement.hasAccess === true;
}
