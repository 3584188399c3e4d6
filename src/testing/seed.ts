// emu.seed(): data put in directly, checked whole before anything changes, so a bad seed
// leaves the store as it was.

import type { ChargePeriod } from '../core/enums.js';
import type { Plan } from './catalog.js';
import { ErrorAnswer } from './error-answer.js';
import type { SeedResult, SeedState } from './records.js';
import type { Store } from './store.js';

/** Every problem with the seed input, checked against the store without changing it. */
export function checkSeed(store: Store, state: SeedState): string[] {
  const problems: string[] = [];
  for (const c of state.customers ?? []) {
    if (typeof c?.customerId !== 'string' || !c.customerId)
      problems.push('customers[].customerId must be a non-empty string');
  }
  for (const s of state.subscriptions ?? []) {
    const plan = typeof s?.planIdentifier === 'string' ? store.plans.get(s.planIdentifier) : undefined;
    if (typeof s?.customerId !== 'string' || !s.customerId)
      problems.push('subscriptions[].customerId must be a non-empty string');
    if (!plan) problems.push(`subscriptions[]: unknown planIdentifier "${String(s?.planIdentifier)}"`);
    else if (s.chargePeriod !== undefined && !plan.chargePeriods.includes(s.chargePeriod)) {
      problems.push(`subscriptions[]: "${String(s.chargePeriod)}" is not a charge period of plan "${plan.identifier}"`);
    }
    if (s?.id !== undefined && (typeof s.id !== 'string' || !s.id || store.subscriptions.has(s.id))) {
      problems.push(`subscriptions[]: id "${String(s.id)}" is invalid or already exists`);
    }
    if (s?.startedAt !== undefined && !Number.isFinite(new Date(s.startedAt).getTime()))
      problems.push('subscriptions[].startedAt is not a date');
    for (const f of s?.features ?? []) {
      if (!store.features.has(f?.identifier) || !Number.isSafeInteger(f?.quantity))
        problems.push(`subscriptions[].features: bad entry ${JSON.stringify(f)}`);
    }
  }
  for (const u of state.usage ?? []) {
    if (
      typeof u?.customerId !== 'string' ||
      store.features.get(u?.featureId)?.type !== 'METER' ||
      !Number.isSafeInteger(u?.value) ||
      u.value < 0
    ) {
      problems.push(
        `usage: bad entry ${JSON.stringify(u)} (needs customerId, a METER featureId and an integer value >= 0)`,
      );
    }
  }
  return problems;
}

/** Puts the seed into the store; throws ErrorAnswer(400), changing nothing, when checkSeed finds a problem. */
export function applySeed(store: Store, state: SeedState): SeedResult {
  const problems = checkSeed(store, state);
  if (problems.length) throw new ErrorAnswer(400, { detail: `Invalid seed: ${problems.join('; ')}` });

  const result: SeedResult = { customers: [], subscriptions: [] };
  const ensureCustomer = (customerId: string) =>
    store.customers.get(customerId) ?? store.createCustomer({ customerId });
  for (const c of state.customers ?? []) {
    const existing = store.customers.get(c.customerId);
    const customer = existing ? store.updateCustomer(existing, c) : store.createCustomer(c);
    result.customers.push(structuredClone(customer));
  }
  for (const s of state.subscriptions ?? []) {
    const plan = store.plans.get(s.planIdentifier) as Plan;
    ensureCustomer(s.customerId);
    const sub = store.subscribe({
      customerId: s.customerId,
      planIdentifier: s.planIdentifier,
      chargePeriod: s.chargePeriod ?? (plan.chargePeriods[0] as ChargePeriod),
      features: s.features ?? [],
      ...(s.id !== undefined ? { id: s.id } : {}),
      ...(s.startedAt !== undefined ? { startMs: new Date(s.startedAt).getTime() } : {}),
    });
    result.subscriptions.push(store.view(sub));
  }
  for (const u of state.usage ?? []) store.reportUsage(u.customerId, u.featureId, 'SET', u.value);
  return result;
}
