/**
 * The persistent outbox's contract and its journal format, shared by every outbox (the file
 * journal in journal.ts). Edge-safe: no I/O here.
 *
 * The journal is the reporter's history, one line per event, enough to rebuild its state after
 * the process died at any point:
 *
 * - `["R", customer, feature, resource|null, "D"|"S", value, reports]`: accepted report(s) for a
 *   key, combined into the key's waiting entry exactly as the buffer does;
 * - `["S", id, customer, feature, resource|null]`: the key's waiting entry left as request `id`;
 * - `["O", id, "d"|"k"|"x"]`: request `id` was delivered (`d`), put back for a later round (`k`,
 *   ahead of what waited since, as the buffer's putBack), or given up to onError (`x`).
 *
 * Replaying it gives what waits (to deliver) and what was in flight when the process ended: an
 * `S` with no `O`. Those have an unknown outcome: a SET is sent again (it lands on the same total),
 * a DELTA goes to onError with its exact amount and is never resent.
 */
import { type Behaviour, combine, UsageBuffer, type UsageEntry, type UsageReport, usageKey } from './buffer.js';

export type Outcome = 'delivered' | 'kept' | 'dropped';

/**
 * What the reporter tells its outbox. Each call makes its event durable before it returns, or
 * says it could not; an event that could not be written leaves nothing of itself behind.
 */
export interface Outbox {
  /** One report accepted by record(); throws when it cannot be written (record() then drops it). */
  append(report: UsageReport): void;
  /** The key's waiting entry leaves as request `id`; throws when it cannot be written (the request is then not sent). */
  sending(id: number, entry: UsageEntry): void;
  /**
   * Request `id` ended so. Should not throw: the outcome is known in memory whatever happens
   * here. An outbox that cannot write it keeps it and writes it before any later event, so the
   * journal is never ahead of it.
   */
  settled(id: number, outcome: Outcome): void;
  /** True when the outbox has grown past its bound and wants `compact()`. */
  readonly due: boolean;
  /**
   * Rewrites the outbox as exactly `state`. The reporter calls it only between its own steps,
   * when every event written so far is reflected in the state it passes. The first call (from
   * `adopt()`, at start) throws a ParityDealsError when it cannot, having closed the outbox: a
   * journal that does not match what the reporter adopted must not be built on. Later calls do
   * not throw: the outbox keeps what it has, whole, and asks again (`due`) after a back-off.
   */
  compact(state: OutboxState): void;
  /** Releases the outbox (file handle, lock); what it holds stays for the next start. */
  close(): void;
}

export interface OutboxState {
  waiting: UsageEntry[];
  inFlight: Array<{ id: number; entry: UsageEntry }>;
}

/** The state an earlier process left behind. */
export interface Recovered {
  /** Entries waiting to be sent, one per key. */
  waiting: UsageEntry[];
  /** Requests in flight when that process ended: outcome unknown. */
  inFlight: UsageEntry[];
  /** Lines that could not be read (a torn last write, corruption), skipped. */
  skipped: number;
  nextId: number;
}

const CODE: Record<Outcome, string> = { delivered: 'd', kept: 'k', dropped: 'x' };

export function recordLine(r: UsageReport | UsageEntry, reports = 1): string {
  const n = 'reports' in r ? r.reports : reports;
  return `${JSON.stringify(['R', r.customerId, r.featureId, r.resourceId ?? null, r.behaviour === 'SET' ? 'S' : 'D', r.value, n])}\n`;
}

export function sendingLine(id: number, e: UsageEntry): string {
  return `${JSON.stringify(['S', id, e.customerId, e.featureId, e.resourceId ?? null])}\n`;
}

export function settledLine(id: number, outcome: Outcome): string {
  return `["O",${id},"${CODE[outcome]}"]\n`;
}

/** The lines that rebuild `state`: in-flight entries first (each `R` then its `S`), then waiting ones. */
export function stateLines(state: OutboxState): string[] {
  const out: string[] = [];
  for (const { id, entry } of state.inFlight) out.push(recordLine(entry), sendingLine(id, entry));
  for (const entry of state.waiting) out.push(recordLine(entry));
  return out;
}

const isId = (x: unknown): x is string => typeof x === 'string' && x !== '';
const isOptional = (x: unknown): x is string | null => x === null || isId(x);

/** Rebuilds the state from journal lines (complete lines only; the caller drops a torn tail). */
export function replay(lines: Iterable<string>): Recovered {
  const waiting = new Map<string, UsageEntry>();
  const sends = new Map<number, UsageEntry>();
  let skipped = 0;
  let nextId = 1;
  for (const line of lines) {
    if (line === '') continue;
    let x: unknown[];
    try {
      x = JSON.parse(line);
      if (!Array.isArray(x)) throw new TypeError('not an array');
    } catch {
      skipped++;
      continue;
    }
    const [type] = x;
    if (type === 'R' && isId(x[1]) && isId(x[2]) && isOptional(x[3]) && (x[4] === 'D' || x[4] === 'S')) {
      const [, c, f, r, b, v, n] = x as [string, string, string, string | null, 'D' | 'S', number, number];
      if (!Number.isSafeInteger(v) || !Number.isSafeInteger(n) || n < 1) {
        skipped++;
        continue;
      }
      const behaviour: Behaviour = b === 'S' ? 'SET' : 'DELTA';
      const key = usageKey(c, f, r ?? undefined);
      const entry = waiting.get(key);
      if (entry) combine(entry, behaviour, v, n);
      else
        waiting.set(key, {
          key,
          customerId: c,
          featureId: f,
          resourceId: r ?? undefined,
          behaviour,
          value: v,
          reports: n,
        });
    } else if (type === 'S' && Number.isSafeInteger(x[1]) && isId(x[2]) && isId(x[3]) && isOptional(x[4])) {
      const id = x[1] as number;
      const key = usageKey(x[2], x[3], (x[4] as string | null) ?? undefined);
      const entry = waiting.get(key);
      if (!entry) {
        skipped++;
        continue;
      }
      waiting.delete(key);
      sends.set(id, entry);
      nextId = Math.max(nextId, id + 1);
    } else if (type === 'O' && Number.isSafeInteger(x[1]) && (x[2] === 'd' || x[2] === 'k' || x[2] === 'x')) {
      const entry = sends.get(x[1] as number);
      if (!entry) {
        skipped++;
        continue;
      }
      sends.delete(x[1] as number);
      if (x[2] === 'k') {
        const newer = waiting.get(entry.key);
        if (newer) combine(entry, newer.behaviour, newer.value, newer.reports);
        waiting.set(entry.key, entry);
      }
    } else skipped++;
  }
  return { waiting: [...waiting.values()], inFlight: [...sends.values()], skipped, nextId };
}

/**
 * What a recovered journal leaves to send: its waiting entries and its in-flight SETs (a SET
 * repeats safely; a DELTA in flight goes to onError instead), each SET with the newer waiting
 * reports of its key laid over it, in order (SET 5 in flight, then DELTA 2, is SET 7).
 */
export function resumable(recovered: Recovered): UsageEntry[] {
  const buffer = new UsageBuffer();
  for (const entry of recovered.waiting) buffer.putBack(entry);
  for (const entry of recovered.inFlight) if (entry.behaviour === 'SET') buffer.putBack(entry);
  return [...buffer.entries()];
}
