// Everything the emulator remembers, and the domain rules that change it: customers,
// checkout sessions, subscriptions and their billing periods, meter usage, raw events.
// HTTP knows nothing here; handlers validate input, then call these methods. What a customer
// is entitled to is computed from this in entitlements.ts; seed input is checked in seed.ts.
//
// Time-driven changes (period ends, meter resets, scheduled cancellations) are applied
// lazily by tick(), which runs before every request and snapshot, so no timers are needed
// and advancing the clock by a year is as cheap as advancing it by a second.

import type { Catalog, Feature, Plan } from './catalog.js';
import type { ChargePeriod } from '../core/enums.js';
import { boundary, intervalOf, isoMicros, periodIndexAt, spaceSeconds, type Clock, type Interval } from './clock.js';
import { randomHex, randomUuid, type Random } from './prng.js';
import type {
  CancellationType,
  CheckoutSession,
  Customer,
  EmulatorState,
  FeatureQuantity,
  Subscription,
  SubscriptionRecord,
  UsageEvent,
  UsageRecord,
} from './records.js';
import { ErrorAnswer } from './error-answer.js';

/** Raw events kept for dedupe and state(); the oldest go first beyond this, so an endless
 *  stream of unique events cannot grow memory without bound. */
export const MAX_EVENTS = 100_000;

const usageKey = (customerId: string, featureId: string) => `${customerId}\u0000${featureId}`;

export class Store {
  readonly customers = new Map<string, Customer>();
  /** Archived customers: gone from the API, their ids still taken. */
  readonly archivedCustomers = new Map<string, Customer>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly sessions = new Map<string, CheckoutSession>();
  readonly usage = new Map<string, UsageRecord>();
  readonly events = new Map<string, UsageEvent>();
  readonly plans: Map<string, Plan>;
  readonly features: Map<string, Feature>;

  constructor(
    readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    this.plans = new Map(catalog.plans.map((p) => [p.identifier, p]));
    this.features = new Map(catalog.features.map((f) => [f.identifier, f]));
  }

  plan(identifier: string): Plan | undefined {
    return this.plans.get(identifier);
  }

  feature(identifier: string): Feature | undefined {
    return this.features.get(identifier);
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  uuid(): string {
    return randomUuid(this.random);
  }

  hex(bytes: number): string {
    return randomHex(this.random, bytes);
  }

  // ---- customers -----------------------------------------------------------------------

  createCustomer(input: {
    customerId: string;
    name?: string | null | undefined;
    email?: string | null | undefined;
    metadata?: Record<string, unknown> | undefined;
  }): Customer {
    if (this.customerIdTaken(input.customerId)) {
      throw new ErrorAnswer(400, { customerId: ['customer with this customer id already exists.'] });
    }
    const now = isoMicros(this.clock.nowMs());
    const customer: Customer = {
      id: this.uuid(),
      customerId: input.customerId,
      name: input.name ?? null,
      email: input.email ?? null,
      details: {},
      metadata: input.metadata ?? {},
      createdOn: now,
      modifiedOn: now,
    };
    this.customers.set(customer.customerId, customer);
    return customer;
  }

  /** Whether a customer, live or archived, has this id. */
  customerIdTaken(customerId: string): boolean {
    return this.customers.has(customerId) || this.archivedCustomers.has(customerId);
  }

  archiveCustomer(customer: Customer): void {
    this.customers.delete(customer.customerId);
    customer.modifiedOn = isoMicros(this.clock.nowMs());
    this.archivedCustomers.set(customer.customerId, customer);
  }

  updateCustomer(
    customer: Customer,
    changes: {
      name?: string | null | undefined;
      email?: string | null | undefined;
      metadata?: Record<string, unknown> | undefined;
    },
  ): Customer {
    if (changes.name !== undefined) customer.name = changes.name;
    if (changes.email !== undefined) customer.email = changes.email;
    if (changes.metadata !== undefined) customer.metadata = changes.metadata;
    customer.modifiedOn = isoMicros(this.clock.nowMs());
    return customer;
  }

  // ---- checkout ------------------------------------------------------------------------

  createSession(
    input: Omit<CheckoutSession, 'id' | 'status' | 'createdOn' | 'completedOn' | 'result'>,
  ): CheckoutSession {
    const session: CheckoutSession = {
      ...input,
      id: this.uuid(),
      status: 'open',
      createdOn: isoMicros(this.clock.nowMs()),
      completedOn: null,
      result: null,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** "Pay": subscribes the session's customer (creating it if needed). A second call returns
   *  the first result and changes nothing. */
  completeSession(id: string): { customerId: string; subscriptionId: string } {
    this.tick();
    const session = this.sessions.get(id);
    if (!session) throw new ErrorAnswer(404, { detail: `Checkout session "${id}" not found.` });
    if (session.result) return { ...session.result };
    const customerId = session.customerId ?? `cus_${this.hex(12)}`;
    if (!this.customers.has(customerId)) this.createCustomer({ customerId });
    const sub = this.subscribe({
      customerId,
      planIdentifier: session.planIdentifier,
      chargePeriod: session.chargePeriod,
      features: session.features,
      offeringId: session.offeringId,
      pricingTableId: session.pricingTableId,
      ruleId: session.ruleId,
    });
    session.status = 'complete';
    session.completedOn = isoMicros(this.clock.nowMs());
    session.result = { customerId, subscriptionId: sub.id };
    return { ...session.result };
  }

  // ---- subscriptions -------------------------------------------------------------------

  subscribe(input: {
    id?: string;
    customerId: string;
    planIdentifier: string;
    chargePeriod: ChargePeriod;
    features: FeatureQuantity[];
    offeringId?: string | null;
    pricingTableId?: string | null;
    ruleId?: string | null;
    startMs?: number;
  }): SubscriptionRecord {
    const now = this.clock.nowMs();
    const start = input.startMs ?? now;
    const sub: SubscriptionRecord = {
      id: input.id ?? this.uuid(),
      customerId: input.customerId,
      planIdentifier: input.planIdentifier,
      chargePeriod: input.chargePeriod,
      features: input.features.map((f) => ({ ...f })),
      status: 'active',
      periodAnchorMs: start,
      cancelAtMs: null,
      cancellationType: null,
      endedAtMs: null,
      offeringId: input.offeringId ?? null,
      pricingTableId: input.pricingTableId ?? null,
      ruleId: input.ruleId ?? null,
      createdMs: start,
      modifiedMs: now,
    };
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  /** Plan change. Keeps the billing cycle when the charge period stays; a new charge period
   *  starts a new cycle now. Quantities not given carry over for features the new plan has. */
  changePlan(
    sub: SubscriptionRecord,
    change: {
      planIdentifier: string;
      chargePeriod: ChargePeriod;
      features?: FeatureQuantity[];
      offeringId?: string | null;
      pricingTableId?: string | null;
      ruleId?: string | null;
    },
  ): void {
    const plan = this.plans.get(change.planIdentifier);
    const now = this.clock.nowMs();
    if (change.chargePeriod !== sub.chargePeriod) sub.periodAnchorMs = now;
    sub.features = change.features
      ? change.features.map((f) => ({ ...f }))
      : sub.features.filter((f) => plan && f.identifier in plan.entitlements);
    sub.planIdentifier = change.planIdentifier;
    sub.chargePeriod = change.chargePeriod;
    if (change.offeringId !== undefined) sub.offeringId = change.offeringId;
    if (change.pricingTableId !== undefined) sub.pricingTableId = change.pricingTableId;
    if (change.ruleId !== undefined) sub.ruleId = change.ruleId;
    sub.modifiedMs = now;
  }

  /** Returns the confirmation message. `atMs` is only read for SPECIFIC_DATE. */
  cancel(sub: SubscriptionRecord, type: CancellationType, atMs?: number): string {
    const now = this.clock.nowMs();
    sub.cancellationType = type;
    sub.modifiedMs = now;
    if (type === 'IMMEDIATE') {
      sub.cancelAtMs = now;
    } else if (type === 'CURRENT_PERIOD_ENDS') {
      sub.cancelAtMs = this.period(sub).endMs;
    } else {
      sub.cancelAtMs = atMs ?? now;
    }
    this.tick();
    const when = sub.cancelAtMs ?? now;
    return sub.status === 'cancelled'
      ? 'Subscription cancelled successfully.'
      : `Subscription will be cancelled on ${spaceSeconds(when).slice(0, 10)}.`;
  }

  /** The billing period the subscription is in (or ended in). endMs null for ONE_TIME. */
  period(sub: SubscriptionRecord): { startMs: number; endMs: number | null } {
    const interval = intervalOf(sub.chargePeriod);
    if (!interval) return { startMs: sub.periodAnchorMs, endMs: null };
    const k = periodIndexAt(sub.periodAnchorMs, interval, this.effectiveTime(sub));
    return { startMs: boundary(sub.periodAnchorMs, interval, k), endMs: boundary(sub.periodAnchorMs, interval, k + 1) };
  }

  /** Active subscriptions live "now"; ended ones are frozen just before their end. */
  effectiveTime(sub: SubscriptionRecord): number {
    if (sub.endedAtMs === null) return this.clock.nowMs();
    return Math.max(sub.periodAnchorMs, sub.endedAtMs - 0.001);
  }

  /** How a METER of this subscription resets: its period grid, or null for never. */
  meterInterval(sub: SubscriptionRecord, feature: Feature): Interval | null {
    const reset = feature.reset ?? 'MONTHLY';
    if (reset === 'NEVER') return null;
    if (reset === 'MONTHLY') return { months: 1 };
    return intervalOf(sub.chargePeriod);
  }

  /** Applies what became due since the last call: cancellations first, then meter resets
   *  for every period boundary a subscription crossed while it was alive. */
  tick(): void {
    const now = this.clock.nowMs();
    for (const sub of this.subscriptions.values()) {
      if (sub.status === 'active' && sub.cancelAtMs !== null && sub.cancelAtMs <= now) {
        sub.status = 'cancelled';
        sub.endedAtMs = sub.cancelAtMs;
      }
    }
    for (const sub of this.subscriptions.values()) {
      const plan = this.plans.get(sub.planIdentifier);
      if (!plan) continue;
      for (const featureId of Object.keys(plan.entitlements)) {
        const feature = this.features.get(featureId);
        if (feature?.type !== 'METER') continue;
        const usage = this.usage.get(usageKey(sub.customerId, featureId));
        if (!usage || usage.value === 0) continue;
        const interval = this.meterInterval(sub, feature);
        if (!interval) continue;
        const k = periodIndexAt(sub.periodAnchorMs, interval, this.effectiveTime(sub));
        if (k < 1) continue;
        const last = boundary(sub.periodAnchorMs, interval, k);
        if (usage.sinceMs < last) {
          usage.value = 0;
          usage.sinceMs = last;
        }
      }
    }
  }

  view(sub: SubscriptionRecord): Subscription {
    const { startMs, endMs } = this.period(sub);
    return {
      id: sub.id,
      subscriptionId: sub.id,
      customerId: sub.customerId,
      planIdentifier: sub.planIdentifier,
      planName: this.plans.get(sub.planIdentifier)?.name ?? sub.planIdentifier,
      chargePeriod: sub.chargePeriod,
      status: sub.status,
      features: sub.features.map((f) => ({ ...f })),
      currentPeriodStart: isoMicros(startMs),
      currentPeriodEnd: endMs === null ? null : isoMicros(endMs),
      cancelAt: sub.cancelAtMs === null ? null : isoMicros(sub.cancelAtMs),
      cancellationType: sub.cancellationType,
      endedAt: sub.endedAtMs === null ? null : isoMicros(sub.endedAtMs),
      offeringId: sub.offeringId,
      pricingTableId: sub.pricingTableId,
      ruleId: sub.ruleId,
      createdOn: isoMicros(sub.createdMs),
      modifiedOn: isoMicros(sub.modifiedMs),
    };
  }

  // ---- usage and events ----------------------------------------------------------------

  reportUsage(customerId: string, featureId: string, behaviour: 'SET' | 'DELTA', value: number): number {
    this.tick();
    const key = usageKey(customerId, featureId);
    let usage = this.usage.get(key);
    if (!usage) {
      usage = { customerId, featureId, value: 0, sinceMs: this.clock.nowMs() };
      this.usage.set(key, usage);
    }
    // Usage never goes below zero: a DELTA of -5 on 3 leaves 0, as a meter cannot be negative.
    usage.value = Math.max(0, behaviour === 'SET' ? value : usage.value + value);
    return usage.value;
  }

  currentUsage(customerId: string, featureId: string): number {
    return this.usage.get(usageKey(customerId, featureId))?.value ?? 0;
  }

  /** Stores an event unless its idempotencyKey was seen; returns the stored one either way. */
  recordEvent(event: UsageEvent): UsageEvent {
    const seen = this.events.get(event.idempotencyKey);
    if (seen) return seen;
    this.events.set(event.idempotencyKey, event);
    if (this.events.size > MAX_EVENTS) {
      const oldest = this.events.keys().next().value;
      if (oldest !== undefined) this.events.delete(oldest);
    }
    return event;
  }

  // ---- snapshot ----------------------------------------------------------------------

  snapshot(): EmulatorState {
    this.tick();
    return structuredClone({
      now: isoMicros(this.clock.nowMs()),
      customers: [...this.customers.values()],
      archivedCustomers: [...this.archivedCustomers.values()],
      subscriptions: [...this.subscriptions.values()].map((s) => this.view(s)),
      usage: [...this.usage.values()].map(({ customerId, featureId, value }) => ({ customerId, featureId, value })),
      events: [...this.events.values()],
      checkoutSessions: [...this.sessions.values()],
    });
  }
}
