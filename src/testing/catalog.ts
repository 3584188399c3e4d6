// The product catalog the emulator sells: features and plans. Entitlements are computed from
// it, so tests can describe exactly the plans their app checks for. DEFAULT_CATALOG covers the
// identifiers used in the ParityDeals docs (`plan-pro-monthly`, `premium-plan`, `seats`, ...).

import { readFile } from 'node:fs/promises';
// The API's enumerations have one definition, the SDK's: the emulator speaks the same API.
import { CHARGE_PERIODS, type ChargePeriod } from '../core/enums.js';

/** A catalog feature's kind. */
export type FeatureType = 'BOOLEAN' | 'METER' | 'CUSTOMIZABLE';

/** When a METER's usage goes back to 0. */
export type MeterReset =
  /** Every calendar month from the subscription start (the default). */
  | 'MONTHLY'
  /** At the end of each billing period of the subscription; never for ONE_TIME. */
  | 'BILLING_PERIOD'
  /** Never: usage only changes when reported (e.g. seats). */
  | 'NEVER';

/** A feature plans can grant. */
export interface Feature {
  /** The featureId the SDK passes, e.g. `api-calls`. */
  identifier: string;
  /** Shown on the checkout page. Default: the identifier. */
  name?: string;
  type: FeatureType;
  /** METER only. Default `'MONTHLY'`. */
  reset?: MeterReset;
  /** METER only: a checkout/update `features: [{identifier, quantity}]` entry sets the usage
   *  limit (e.g. seats bought). Default false. */
  quantityBased?: boolean;
}

/** What a plan grants for one feature, by the feature's type:
 *  BOOLEAN `true`/`false`; METER `{usageLimit, hardLimit}` (usageLimit null = unlimited);
 *  CUSTOMIZABLE `{value}` (a number, reported as the entitlement's usageLimit). */
export type PlanEntitlement = boolean | { usageLimit: number | null; hardLimit: boolean } | { value: number };

/** A plan on sale: its prices per charge period and what it grants. */
export interface Plan {
  /** The planIdentifier the SDK passes, e.g. `plan-pro-monthly`. */
  identifier: string;
  name: string;
  /** Charge periods a checkout or update may choose; any other is a 400. */
  chargePeriods: ChargePeriod[];
  /** Price per charge period, shown on the checkout page only. Default: none shown. */
  prices?: Partial<Record<ChargePeriod, number>>;
  /** Default `'USD'`. */
  currency?: string;
  /** Keyed by feature identifier. Features not listed are not granted. */
  entitlements: Record<string, PlanEntitlement>;
}

/** What the emulator sells: features and plans (`loadCatalog(file)` reads one from JSON). */
export interface Catalog {
  features: Feature[];
  plans: Plan[];
}

/**
 * The catalog used when startEmulator() gets none.
 *
 * | plan | periods | premium-reporting | advanced-analytics | api-calls (hard, monthly) | seats (soft, by quantity) | storage-gb |
 * |---|---|---|---|---|---|---|
 * | free | MONTHLY, YEARLY | - | - | 1 000 | 1 | 1 |
 * | plan-pro-monthly | MONTHLY, YEARLY | yes | - | 10 000 | 5 | 50 |
 * | premium-plan | MONTHLY, THREE_MONTHS, SIX_MONTHS, YEARLY | yes | yes | 100 000 | 20 | 200 |
 * | enterprise | MONTHLY, YEARLY | yes | yes | unlimited | 100 | 1 000 |
 * | api-calls-topup | ONE_TIME | - | - | 5 000 | - | - |
 */
export const DEFAULT_CATALOG: Catalog = {
  features: [
    { identifier: 'premium-reporting', name: 'Premium reporting', type: 'BOOLEAN' },
    { identifier: 'advanced-analytics', name: 'Advanced analytics', type: 'BOOLEAN' },
    { identifier: 'api-calls', name: 'API calls', type: 'METER', reset: 'MONTHLY' },
    { identifier: 'seats', name: 'Seats', type: 'METER', reset: 'NEVER', quantityBased: true },
    { identifier: 'storage-gb', name: 'Storage (GB)', type: 'CUSTOMIZABLE' },
  ],
  plans: [
    {
      identifier: 'free',
      name: 'Free',
      chargePeriods: ['MONTHLY', 'YEARLY'],
      prices: { MONTHLY: 0, YEARLY: 0 },
      entitlements: {
        'api-calls': { usageLimit: 1000, hardLimit: true },
        seats: { usageLimit: 1, hardLimit: false },
        'storage-gb': { value: 1 },
      },
    },
    {
      identifier: 'plan-pro-monthly',
      name: 'Pro',
      chargePeriods: ['MONTHLY', 'YEARLY'],
      prices: { MONTHLY: 29, YEARLY: 290 },
      entitlements: {
        'premium-reporting': true,
        'api-calls': { usageLimit: 10_000, hardLimit: true },
        seats: { usageLimit: 5, hardLimit: false },
        'storage-gb': { value: 50 },
      },
    },
    {
      identifier: 'premium-plan',
      name: 'Premium',
      chargePeriods: ['MONTHLY', 'THREE_MONTHS', 'SIX_MONTHS', 'YEARLY'],
      prices: { MONTHLY: 99, THREE_MONTHS: 279, SIX_MONTHS: 549, YEARLY: 990 },
      entitlements: {
        'premium-reporting': true,
        'advanced-analytics': true,
        'api-calls': { usageLimit: 100_000, hardLimit: true },
        seats: { usageLimit: 20, hardLimit: false },
        'storage-gb': { value: 200 },
      },
    },
    {
      identifier: 'enterprise',
      name: 'Enterprise',
      chargePeriods: ['MONTHLY', 'YEARLY'],
      prices: { MONTHLY: 499, YEARLY: 4990 },
      entitlements: {
        'premium-reporting': true,
        'advanced-analytics': true,
        'api-calls': { usageLimit: null, hardLimit: false },
        seats: { usageLimit: 100, hardLimit: false },
        'storage-gb': { value: 1000 },
      },
    },
    {
      identifier: 'api-calls-topup',
      name: 'API calls top-up',
      chargePeriods: ['ONE_TIME'],
      prices: { ONE_TIME: 19 },
      entitlements: { 'api-calls': { usageLimit: 5000, hardLimit: true } },
    },
  ],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Checks a catalog's shape and cross-references; throws an Error naming the first problem.
 *  Returns a deep copy, so later edits to the argument do not reach a running emulator. */
export function validateCatalog(input: unknown): Catalog {
  const fail: (where: string, what: string) => never = (where, what) => {
    throw new Error(`Invalid emulator catalog: ${where}: ${what}`);
  };
  if (!isObject(input)) fail('catalog', 'expected an object {features, plans}');
  const raw = input as Record<string, unknown>;
  if (!Array.isArray(raw.features)) fail('features', 'expected an array');
  if (!Array.isArray(raw.plans)) fail('plans', 'expected an array');
  const features = new Map<string, Feature>();
  (raw.features as unknown[]).forEach((f, i) => {
    const at = `features[${i}]`;
    if (!isObject(f)) fail(at, 'expected an object');
    if (typeof f.identifier !== 'string' || !f.identifier) fail(`${at}.identifier`, 'expected a non-empty string');
    const id = f.identifier as string;
    if (features.has(id)) fail(`${at}.identifier`, `duplicate feature "${id}"`);
    if (f.type !== 'BOOLEAN' && f.type !== 'METER' && f.type !== 'CUSTOMIZABLE') {
      fail(`${at}.type`, 'expected BOOLEAN, METER or CUSTOMIZABLE');
    }
    if (f.name !== undefined && typeof f.name !== 'string') fail(`${at}.name`, 'expected a string');
    if (f.reset !== undefined && f.reset !== 'MONTHLY' && f.reset !== 'BILLING_PERIOD' && f.reset !== 'NEVER') {
      fail(`${at}.reset`, 'expected MONTHLY, BILLING_PERIOD or NEVER');
    }
    if (f.quantityBased !== undefined && typeof f.quantityBased !== 'boolean')
      fail(`${at}.quantityBased`, 'expected a boolean');
    features.set(id, f as unknown as Feature);
  });
  const planIds = new Set<string>();
  (raw.plans as unknown[]).forEach((p, i) => {
    const at = `plans[${i}]`;
    if (!isObject(p)) fail(at, 'expected an object');
    if (typeof p.identifier !== 'string' || !p.identifier) fail(`${at}.identifier`, 'expected a non-empty string');
    if (planIds.has(p.identifier as string)) fail(`${at}.identifier`, `duplicate plan "${String(p.identifier)}"`);
    planIds.add(p.identifier as string);
    if (typeof p.name !== 'string') fail(`${at}.name`, 'expected a string');
    if (!Array.isArray(p.chargePeriods) || p.chargePeriods.length === 0)
      fail(`${at}.chargePeriods`, 'expected a non-empty array');
    for (const cp of p.chargePeriods as unknown[]) {
      if (!(CHARGE_PERIODS as readonly unknown[]).includes(cp))
        fail(`${at}.chargePeriods`, `"${String(cp)}" is not a charge period`);
    }
    if (p.prices !== undefined && !isObject(p.prices)) fail(`${at}.prices`, 'expected an object');
    if (p.currency !== undefined && typeof p.currency !== 'string') fail(`${at}.currency`, 'expected a string');
    if (!isObject(p.entitlements)) fail(`${at}.entitlements`, 'expected an object keyed by feature identifier');
    for (const [fid, ent] of Object.entries(p.entitlements)) {
      const where = `${at}.entitlements["${fid}"]`;
      const feature = features.get(fid);
      if (!feature) fail(where, 'unknown feature');
      if (feature.type === 'BOOLEAN' && typeof ent !== 'boolean')
        fail(where, 'expected true or false for a BOOLEAN feature');
      if (feature.type === 'METER') {
        if (
          !isObject(ent) ||
          !(ent.usageLimit === null || isCount(ent.usageLimit)) ||
          typeof ent.hardLimit !== 'boolean'
        ) {
          fail(where, 'expected {usageLimit: integer >= 0 or null, hardLimit: boolean} for a METER feature');
        }
      }
      if (
        feature.type === 'CUSTOMIZABLE' &&
        (!isObject(ent) || typeof ent.value !== 'number' || !Number.isFinite(ent.value))
      ) {
        fail(where, 'expected {value: number} for a CUSTOMIZABLE feature');
      }
    }
  });
  return structuredClone(input) as unknown as Catalog;
}

/** Reads a catalog JSON file (same shape as DEFAULT_CATALOG) and validates it. */
export async function loadCatalog(path: string): Promise<Catalog> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`Invalid emulator catalog ${path}: not JSON (${(err as Error).message})`);
  }
  return validateCatalog(parsed);
}
