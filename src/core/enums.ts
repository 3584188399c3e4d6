/**
 * The API's enumerations, each as a constant object (`ChargePeriod.MONTHLY`) and a union type
 * of its values, so plain strings (`'MONTHLY'`) type-check too.
 */

/** Billing cycle of a checkout or subscription. */
export const ChargePeriod = {
  ONE_TIME: 'ONE_TIME',
  MONTHLY: 'MONTHLY',
  YEARLY: 'YEARLY',
  WEEKLY: 'WEEKLY',
  DAILY: 'DAILY',
  THREE_MONTHS: 'THREE_MONTHS',
  SIX_MONTHS: 'SIX_MONTHS',
} as const;
export type ChargePeriod = (typeof ChargePeriod)[keyof typeof ChargePeriod];

/** How `reportUsage` moves a meter: `SET` replaces the usage, `DELTA` adds to it. */
export const UsageBehaviour = { SET: 'SET', DELTA: 'DELTA' } as const;
export type UsageBehaviour = (typeof UsageBehaviour)[keyof typeof UsageBehaviour];

/** When `subscriptions.cancel` ends the subscription. */
export const CancellationType = {
  IMMEDIATE: 'IMMEDIATE',
  CURRENT_PERIOD_ENDS: 'CURRENT_PERIOD_ENDS',
  SPECIFIC_DATE: 'SPECIFIC_DATE',
} as const;
export type CancellationType = (typeof CancellationType)[keyof typeof CancellationType];

/** Kinds of feature. Older data may say `LIMIT` (a meter) or `FLAG` (a boolean). */
export const FeatureType = {
  METER: 'METER',
  BOOLEAN: 'BOOLEAN',
  CUSTOMIZABLE: 'CUSTOMIZABLE',
  LIMIT: 'LIMIT',
  FLAG: 'FLAG',
} as const;
export type FeatureType = (typeof FeatureType)[keyof typeof FeatureType];

/** Every `ChargePeriod`, in order. */
export const CHARGE_PERIODS = Object.values(ChargePeriod);
export const USAGE_BEHAVIOURS = Object.values(UsageBehaviour);
export const CANCELLATION_TYPES = Object.values(CancellationType);
