import type { FeatureType } from '../core/enums.js';

/** One entitlement as the API sends it: any field but the first three may be null or absent. */
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

/** What every merged entitlement has, whatever its type. */
interface EntitlementFields {
  featureId: string;
  /** The server's verdict (any entry's, when merged). For meters, `hasAccess()` applies the limit rule instead. */
  hasAccess: boolean;
  /** The entries merged into this one, as the API sent them (more than one: a plan and a top-up). */
  entries: EntitlementDetail[];
  /** Fields the API sends beyond these, kept as sent. */
  [field: string]: unknown;
}

/** An on/off feature (`FLAG` is older data's name for it). */
export interface BooleanEntitlement extends EntitlementFields {
  featureType: 'BOOLEAN' | 'FLAG';
}

/** A metered feature (`LIMIT` is older data's name for it): usage counted against a limit. */
export interface MeterEntitlement extends EntitlementFields {
  featureType: 'METER' | 'LIMIT';
  /** True: access ends when nothing remains. False (or not sent): usage may pass the limit. */
  hardLimit: boolean;
  /** The limit (summed over entries), or null when unlimited. */
  usageLimit: number | null;
  /** Usage in the current period (summed over entries); 0 when the API sent none. */
  currentUsage: number;
  /** `usageLimit - currentUsage`, or null when unlimited. */
  remaining: number | null;
  /** When the usage next resets, `YYYY-MM-DD HH:MM:SS` (UTC), or null when it never does. */
  resetAt: string | null;
}

/** A feature with a value per plan (e.g. storage-gb), given as `usageLimit`. */
export interface CustomizableEntitlement extends EntitlementFields {
  featureType: 'CUSTOMIZABLE';
  /** The feature's value for this customer, or null when the plan sets none. */
  usageLimit: number | null;
}

/**
 * One feature's entitlement after merging the entries that share its `featureId` (a customer
 * holding a base plan and a top-up gets one entry from each), typed by `featureType`:
 * `if (e.featureType === 'METER') e.currentUsage` is a number. `entries` keeps them as sent.
 * (A featureType this SDK does not know yet, one the API adds later, passes through as sent.)
 */
export type MergedEntitlement = BooleanEntitlement | MeterEntitlement | CustomizableEntitlement;

/** `getAllEntitlements`' answer: the customer's merged entitlements. */
export interface CheckEntitlementsResponse {
  customerId: string;
  /** One merged entry per feature, in the order the features first appear. */
  entitlements: MergedEntitlement[];
}

/** `getEntitlement`'s answer: the API's shape, plus the one entry asked for. */
export interface GetEntitlementResponse extends CheckEntitlementsResponse {
  /** The merged entry of the feature asked for, or null when the customer does not hold it. */
  entitlement: MergedEntitlement | null;
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

/** The fields the edge API sends, in its order. An entry with exactly these is copied by `standard`. */
const STANDARD_FIELDS = [
  'featureId',
  'featureType',
  'hasAccess',
  'resetAt',
  'hardLimit',
  'usageLimit',
  'currentUsage',
  'remaining',
] as const;

/**
 * A copy of an entry with the API's usual fields as one object literal: V8 gives it a compact
 * fixed shape, where a spread copy takes over twice the memory, and the entitlement cache keeps
 * one per feature per customer. Undefined when the entry has other fields (spread them instead).
 */
function standard(entry: EntitlementDetail): Record<string, unknown> | undefined {
  let keys = 0;
  for (const key in entry) {
    if (!(STANDARD_FIELDS as readonly string[]).includes(key)) return undefined;
    keys++;
  }
  if (keys !== STANDARD_FIELDS.length) return undefined;
  return {
    featureId: entry.featureId,
    featureType: entry.featureType,
    hasAccess: entry.hasAccess,
    resetAt: entry.resetAt,
    hardLimit: entry.hardLimit,
    usageLimit: entry.usageLimit,
    currentUsage: entry.currentUsage,
    remaining: entry.remaining,
    entries: undefined,
  };
}

function mergeGroup(group: EntitlementDetail[]): MergedEntitlement {
  const first = group[0] as EntitlementDetail;
  const merged: Record<string, unknown> = standard(first) ?? { ...first };
  merged.hasAccess = group.some((e) => e.hasAccess === true);
  merged.entries = group;
  if (isMeter(first.featureType)) {
    const usageLimit = sum(group.map((e) => e.usageLimit));
    const currentUsage = sum(group.map((e) => e.currentUsage));
    merged.hardLimit = group.some((e) => e.hardLimit === true);
    merged.usageLimit = usageLimit;
    merged.currentUsage = currentUsage ?? 0;
    // One entry's remaining is the server's, null included (a hard limit with nothing known to
    // remain ends access); several are recomputed from the sums.
    merged.remaining =
      group.length === 1
        ? (first.remaining ?? null)
        : usageLimit === null || currentUsage === null
          ? null
          : usageLimit - currentUsage;
    merged.resetAt = soonest(group.map((e) => e.resetAt));
  } else {
    if (group.length > 1) {
      merged.hardLimit = group.some((e) => e.hardLimit === true);
      merged.resetAt = soonest(group.map((e) => e.resetAt));
    }
    if (first.featureType === 'CUSTOMIZABLE') merged.usageLimit = first.usageLimit ?? null;
  }
  return merged as MergedEntitlement;
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
export function hasAccess(entitlement: EntitlementDetail | MergedEntitlement | undefined | null): boolean {
  if (!entitlement) return false;
  if (isMeter(entitlement.featureType)) {
    if (entitlement.hardLimit !== true) return true;
    return typeof entitlement.remaining === 'number' && entitlement.remaining > 0;
  }
  return entitlement.hasAccess === true;
}
