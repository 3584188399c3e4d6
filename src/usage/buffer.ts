/**
 * The combining buffer: one entry per (customer, feature, resource) key, so that sending each
 * entry once leaves the server where sending every report one by one, in order, would have.
 *
 * - DELTAs sum: DELTA a, DELTA b is DELTA a+b.
 * - A SET replaces what came before it: DELTA a, SET x is SET x.
 * - DELTAs after a SET add to it: SET x, DELTA d is SET x+d, floored at 0 because a meter is
 *   never negative and the API refuses a negative SET (which is what one by one would give:
 *   SET 3, DELTA -5 leaves the meter at 0).
 *
 * Memory is bounded by distinct keys, not by reports: a million reports for one key are one entry.
 * Synchronous and transport-free, so both clients run it on the calling thread.
 */

export type Behaviour = 'DELTA' | 'SET';

/** One report as `record()` accepted it (validated). */
export interface UsageReport {
  customerId: string;
  featureId: string;
  resourceId?: string | undefined;
  behaviour: Behaviour;
  value: number;
}

/** What the buffer holds for one key, and what one request sends. */
export interface UsageEntry {
  readonly key: string;
  readonly customerId: string;
  readonly featureId: string;
  readonly resourceId: string | undefined;
  behaviour: Behaviour;
  value: number;
  /** How many `record()` calls this entry combines. */
  reports: number;
}

/** The key's parts joined by a character no id contains in practice; `\u0001` marks "no resource". */
export function usageKey(customerId: string, featureId: string, resourceId: string | undefined): string {
  return `${customerId}\u0000${featureId}\u0000${resourceId ?? '\u0001'}`;
}

/** Folds `count` later reports (behaviour, value) into `entry`, as sending them after it one by one would. */
export function combine(entry: UsageEntry, behaviour: Behaviour, value: number, reports: number): void {
  if (behaviour === 'SET') {
    entry.behaviour = 'SET';
    entry.value = value;
  } else if (entry.behaviour === 'SET') {
    entry.value = Math.max(0, entry.value + value);
  } else {
    entry.value += value;
  }
  entry.reports += reports;
}

/** Whether adding `value` to the entry would leave the safe integers (a sum no request can carry). */
export function overflows(entry: UsageEntry | undefined, behaviour: Behaviour, value: number): boolean {
  return entry !== undefined && behaviour === 'DELTA' && !Number.isSafeInteger(entry.value + value);
}

export class UsageBuffer {
  #entries = new Map<string, UsageEntry>();

  /** Distinct keys waiting to be sent. */
  get size(): number {
    return this.#entries.size;
  }

  get(key: string): UsageEntry | undefined {
    return this.#entries.get(key);
  }

  /** Starts the entry of a key the buffer does not hold (the caller has looked it up). */
  insert(key: string, report: UsageReport): void {
    this.#entries.set(key, {
      key,
      customerId: report.customerId,
      featureId: report.featureId,
      resourceId: report.resourceId,
      behaviour: report.behaviour,
      value: report.value,
      reports: 1,
    });
  }

  /**
   * Puts back an entry that was taken and not applied (or is safe to send again), ahead of what
   * was recorded for its key since: the old entry comes first in the key's order.
   */
  putBack(entry: UsageEntry): void {
    const newer = this.#entries.get(entry.key);
    const merged: UsageEntry = { ...entry };
    if (newer) combine(merged, newer.behaviour, newer.value, newer.reports);
    this.#entries.set(entry.key, merged);
  }

  /** Removes and returns the key's entry (when its request is sent). */
  remove(key: string): UsageEntry | undefined {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    return entry;
  }

  /** Removes and returns everything (at the end: what could not be delivered). */
  drain(): UsageEntry[] {
    const out = [...this.#entries.values()];
    this.#entries = new Map();
    return out;
  }

  keys(): IterableIterator<string> {
    return this.#entries.keys();
  }

  entries(): IterableIterator<UsageEntry> {
    return this.#entries.values();
  }
}
