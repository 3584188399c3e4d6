// The records the emulator keeps, and the public JSON shapes of its state snapshot and seed
// input. Stored records hold epoch milliseconds; views turn them into wire timestamps.

import type { CancellationType, ChargePeriod } from '../core/enums.js';

export type { CancellationType };

/** A quantity bought of a feature (seats, say). */
export interface FeatureQuantity {
  identifier: string;
  quantity: number;
}

/** A customer exactly as the API returns it. */
export interface Customer {
  id: string;
  customerId: string;
  name: string | null;
  email: string | null;
  details: Record<string, unknown>;
  metadata: Record<string, unknown>;
  createdOn: string;
  modifiedOn: string;
}

export interface SubscriptionRecord {
  id: string;
  customerId: string;
  planIdentifier: string;
  chargePeriod: ChargePeriod;
  features: FeatureQuantity[];
  status: 'active' | 'cancelled';
  /** Billing periods (and MONTHLY meter resets) count from here; a change of charge period moves it. */
  periodAnchorMs: number;
  cancelAtMs: number | null;
  cancellationType: CancellationType | null;
  endedAtMs: number | null;
  offeringId: string | null;
  pricingTableId: string | null;
  ruleId: string | null;
  createdMs: number;
  modifiedMs: number;
}

/** A subscription as GET /subscriptions/ returns it (also in state()). */
export interface Subscription {
  id: string;
  /** Same as id; the update/cancel answers call it subscriptionId. */
  subscriptionId: string;
  customerId: string;
  planIdentifier: string;
  planName: string;
  chargePeriod: ChargePeriod;
  /** `active` until it ends; a scheduled cancellation keeps it active with cancelAt set. */
  status: 'active' | 'cancelled';
  features: FeatureQuantity[];
  currentPeriodStart: string;
  /** null for ONE_TIME. */
  currentPeriodEnd: string | null;
  cancelAt: string | null;
  cancellationType: CancellationType | null;
  endedAt: string | null;
  offeringId: string | null;
  pricingTableId: string | null;
  ruleId: string | null;
  createdOn: string;
  modifiedOn: string;
}

/** A checkout session in the emulator, as `state()` shows it. */
export interface CheckoutSession {
  id: string;
  planIdentifier: string;
  chargePeriod: ChargePeriod;
  successUrl: string;
  /** As given at creation; null means "create a customer on completion". */
  customerId: string | null;
  features: FeatureQuantity[];
  offeringId: string | null;
  pricingTableId: string | null;
  ruleId: string | null;
  ipAddress: string | null;
  status: 'open' | 'complete';
  createdOn: string;
  completedOn: string | null;
  /** Set on completion. */
  result: { customerId: string; subscriptionId: string } | null;
}

export interface UsageRecord {
  customerId: string;
  featureId: string;
  value: number;
  /** When this usage started counting (first report or last reset). */
  sinceMs: number;
}

/** A raw event as stored and echoed by POST /report/event/. */
export interface UsageEvent {
  customerId: string;
  eventName: string;
  idempotencyKey: string;
  timestamp: string;
  resourceId: string | null;
  properties: Record<string, unknown>;
}

/** One entitlement as the emulator's edge API answers it. */
export interface EntitlementDetail {
  featureId: string;
  featureType: 'BOOLEAN' | 'METER' | 'CUSTOMIZABLE';
  hasAccess: boolean;
  resetAt: string | null;
  hardLimit: boolean | null;
  usageLimit: number | null;
  currentUsage: number | null;
  remaining: number | null;
}

/** A plain-JSON snapshot of everything the emulator holds (see Emulator.state()). */
export interface EmulatorState {
  now: string;
  customers: Customer[];
  /** Customers removed with `DELETE /customers/{id}/` (customers.archive); their ids stay taken. */
  archivedCustomers: Customer[];
  subscriptions: Subscription[];
  usage: Array<{ customerId: string; featureId: string; value: number }>;
  events: UsageEvent[];
  checkoutSessions: CheckoutSession[];
}

/** Data to put in directly (see Emulator.seed()). Every part is optional. */
export interface SeedState {
  /** Created, or updated (given fields only) when the customerId exists. */
  customers?: Array<{
    customerId: string;
    name?: string | null | undefined;
    email?: string | null | undefined;
    metadata?: Record<string, unknown> | undefined;
  }>;
  /** Active subscriptions; their customer is created if missing. */
  subscriptions?: Array<{
    /** Default: a generated UUID. */
    id?: string | undefined;
    customerId: string;
    planIdentifier: string;
    /** Default: the plan's first charge period. */
    chargePeriod?: ChargePeriod | undefined;
    features?: FeatureQuantity[] | undefined;
    /** Default: now. A start in the past puts the subscription mid-period. */
    startedAt?: Date | number | string | undefined;
  }>;
  /** Current meter usage per customer and feature (like a SET report). */
  usage?: Array<{ customerId: string; featureId: string; value: number }> | undefined;
}

/** What `seed()` created, with the ids the emulator gave. */
export interface SeedResult {
  customers: Customer[];
  subscriptions: Subscription[];
}
