/**
 * The usage reporter: `record()` into the combining buffer, and the flushing that delivers it.
 *
 * Contract:
 * - `record()` costs a map update on the calling thread and never waits. It returns false (and
 *   calls `onDrop`) only when the buffer is full, the reporter is closed, or the outbox cannot
 *   write the report; once the report is accepted it never throws (an outbox failing afterwards,
 *   in a rewrite, is the outbox's to report).
 * - One request per key per round, at most one request per key in flight: a key whose request
 *   is out keeps collecting in the buffer and goes in a later round, so its reports reach the
 *   server in order. At most `concurrency` requests are out at once.
 * - Every entry taken ends in exactly one of: delivered; put back for a later round (only when
 *   sending it again cannot count twice, see settle.ts, or when the outbox could not record
 *   that it was sent, so it was not); handed to `onError` with its amount.
 * - A round starts on the interval (a timer armed while something waits, never keeping the
 *   process alive), when half of `maxBuffered` keys wait, and on `flush()` / `close()`.
 *
 * It knows no transport: it is given a `Sender` that sends one entry and calls back. A callback
 * rather than a Promise so that the synchronous client, which collects its worker's replies
 * without the event loop, can settle entries (and free their keys) while its thread is busy.
 */
import { ParityDealsError, ValidationError } from '../core/errors.js';
import { unref } from '../internal/timers.js';
import { messageOf } from '../internal/message.js';
import { combine, overflows, UsageBuffer, type UsageEntry, type UsageReport, usageKey } from './buffer.js';
import { type Outbox, type OutboxState, type Outcome, type Recovered, resumable } from './outbox.js';
import { outcomeUnknown, verdict } from './settle.js';

/** A size flush starts when this share of `maxBuffered` keys waits; the rest absorbs new keys meanwhile. */
const FLUSH_AT_SHARE = 0.5;

/** An entry that was not delivered, with what is needed to reconcile it. */
export interface UsageFailure {
  customerId: string;
  featureId: string;
  resourceId: string | undefined;
  /** What the request carried: `SET` to `value`, or `DELTA` of `value`. */
  behaviour: 'DELTA' | 'SET';
  value: number;
  /** How many `record()` calls it combined. */
  reports: number;
  /** The last attempt's error (`APIError`, `APIConnectionError`, ...). */
  error: Error;
  /** True when the server may have applied it: check the meter before reporting the amount again. */
  outcomeUnknown: boolean;
  /**
   * True when it is still buffered and a later flush sends it again (it is certain not to count
   * twice); false when it was handed to `onError` and the SDK is done with it.
   */
  retrying: boolean;
}

/** What `flush()` resolves with: everything accepted before the call, delivered or failed. */
export interface FlushResult {
  /** Requests the server accepted (one per key per round). */
  delivered: number;
  /** The `record()` calls those requests combined. */
  reports: number;
  /** Entries not delivered, each with its amount, the error, and whether it is retried. */
  failed: UsageFailure[];
}

/** Why `record()` refused a report: the buffer is `full`, the client `closed`, or the `outbox` failed to keep it. */
export type DropReason = 'full' | 'closed' | 'outbox';

export interface ReporterConfig {
  flushInterval: number;
  maxBuffered: number;
  concurrency: number;
  onError: (failure: UsageFailure) => void;
  onDrop: (report: UsageReport, reason: DropReason) => void;
  waitUntil: ((promise: Promise<unknown>) => void) | undefined;
}

/** Sends one entry, then calls `done` once: with nothing when the server took it, else with the error. */
export type Sender = (entry: UsageEntry, done: (error?: unknown) => void) => void;

/** The report every accepted `record()` is shown (the entitlement cache's seam). */
export type UsageObserver = (report: {
  customerId: string;
  featureId: string;
  behaviour: 'DELTA' | 'SET';
  value: number;
}) => void;

export interface ReporterWiring {
  sender: Sender;
  observer?: UsageObserver | undefined;
  /** Runs a size-triggered round: the async client defers it to a microtask, the sync client starts it at once. */
  defer: (start: () => void) => void;
  /** Collects replies that came in without the event loop (sync client); tried before dropping for a full buffer. */
  poll?: (() => void) | undefined;
  /**
   * Where every event is made durable (issue 10's outbox). With one, nothing is given up for
   * lack of time: what a final flush or an exit deadline leaves stays in it for the next start.
   */
  outbox?: Outbox | undefined;
}

interface Round {
  pending: number;
  result: FlushResult;
  listeners: Array<() => void>;
}

/**
 * One request of a round, for one key. Queued, it holds only the key: its entry stays in the
 * buffer, still combining, and is taken when the request is sent. So what a restart finds in
 * the outbox as "in flight" was really sent.
 */
interface Slot {
  /** Set when sent (the outbox's request id). */
  id: number;
  key: string;
  /** Set when sent: what the request carries. */
  entry: UsageEntry | undefined;
  round: Round;
  state: 'queued' | 'sent' | 'over';
}

/** A `flush()` or `close()` in progress; `done` turns true (and `result` is set) when it has settled. */
export interface FlushJob {
  done: boolean;
  result: FlushResult;
  /** Keys that waited when the flush began, behind a request of theirs still in flight. */
  wanted: Set<string>;
  rounds: Set<Round>;
  listeners: Array<(result: FlushResult) => void>;
}

export class UsageReporter {
  readonly #buffer = new UsageBuffer();
  readonly #config: ReporterConfig;
  readonly #wiring: ReporterWiring;
  readonly #flushAt: number;
  /** Keys with a request queued or out, and what it carries. */
  readonly #inFlight = new Map<string, Slot>();
  /** Buffered keys that also have a request in flight: they wait for it. */
  #blocked = 0;
  #queue: Slot[] = [];
  #next = 0;
  #active = 0;
  #pumping = false;
  readonly #rounds = new Set<Round>();
  readonly #jobs = new Set<FlushJob>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Resolves the promise handed to `waitUntil` for the armed timer's flush. */
  #timerDone: (() => void) | undefined;
  #sizeRoundQueued = false;
  #closed = false;
  /** Set for final flushes (close, process exit): nothing is kept for later, as there is no later. */
  #final = false;
  #nextId = 1;
  readonly #outbox: Outbox | undefined;
  /** Set by handOver(): another instance owns what this one held. */
  #handedOver = false;

  constructor(config: ReporterConfig, wiring: ReporterWiring) {
    this.#config = config;
    this.#wiring = wiring;
    this.#flushAt = Math.max(1, Math.floor(config.maxBuffered * FLUSH_AT_SHARE));
    this.#outbox = wiring.outbox;
  }

  /**
   * Takes over what an earlier process left in the outbox: waiting entries are sent like any
   * others; a request that was in flight when it ended has an unknown outcome, so a SET is sent
   * again and a DELTA goes to onError with its amount, never resent. Then the outbox starts
   * from this state.
   */
  adopt(recovered: Recovered): void {
    this.#nextId = Math.max(this.#nextId, recovered.nextId);
    for (const entry of resumable(recovered)) this.#buffer.putBack(entry);
    this.settleUnknown(recovered);
    // The next journal starts as just this state. Unguarded: an outbox that cannot take it
    // throws (closed), and the client does not start on a journal that disagrees with it.
    this.#outbox?.compact(this.#snapshot());
    if (this.#buffer.size > 0) this.#arm();
  }

  /**
   * Merges another instance's waiting entries (a Redis outbox adopting a dead instance's
   * journal) after what this one holds, as if just recorded; the outbox has written them.
   */
  absorb(recovered: Recovered): void {
    for (const entry of recovered.waiting) {
      const held = this.#buffer.get(entry.key);
      if (held) combine(held, entry.behaviour, entry.value, entry.reports);
      else {
        this.#buffer.putBack(entry);
        if (this.#inFlight.has(entry.key)) this.#blocked++;
      }
    }
    if (this.#buffer.size > 0 && this.#timer === undefined) this.#arm();
  }

  /** Hands the DELTAs that were in flight when an earlier process ended to onError: unknown, never resent. */
  settleUnknown(recovered: Recovered): void {
    for (const entry of recovered.inFlight) {
      if (entry.behaviour === 'SET') continue;
      this.#report(
        toFailure(
          entry,
          new ParityDealsError(
            'reporting.record: this DELTA was in flight when an earlier process ended; the server may have applied it.',
          ),
          true,
          false,
        ),
      );
    }
  }

  /**
   * Lets go of everything held, for an outbox whose journal another instance took over (a Redis
   * lease lost): that instance delivers what the journal holds, so sending it from here would
   * count it twice. `unwritten` never reached the journal: it goes to onError, not sent. A
   * request already out settles as usual, but is never put back.
   */
  handOver(unwritten: UsageEntry[], error: Error): void {
    this.#handedOver = true;
    for (const slot of this.#inFlight.values()) {
      if (slot.state !== 'queued') continue;
      slot.state = 'over';
      this.#inFlight.delete(slot.key);
      slot.round.pending--;
      if (slot.round.pending === 0) this.#finishRound(slot.round);
    }
    this.#buffer.drain();
    this.#blocked = 0;
    for (const job of this.#jobs) job.wanted.clear();
    for (const entry of unwritten) this.#report(toFailure(entry, error, false, false));
    this.#checkJobs();
  }

  #snapshot(): OutboxState {
    const inFlight: OutboxState['inFlight'] = [];
    for (const slot of this.#inFlight.values()) if (slot.entry) inFlight.push({ id: slot.id, entry: slot.entry });
    return { waiting: [...this.#buffer.entries()], inFlight };
  }

  /**
   * What is accepted and not yet settled for one customer, in flight first, then waiting: the
   * entitlement cache lays it over answers it fetches meanwhile, which the server computed
   * before these reports reached it.
   */
  pending(customerId: string): UsageEntry[] {
    const out: UsageEntry[] = [];
    for (const slot of this.#inFlight.values()) if (slot.entry?.customerId === customerId) out.push(slot.entry);
    for (const entry of this.#buffer.entries()) if (entry.customerId === customerId) out.push(entry);
    return out;
  }

  /** Keys buffered (waiting) plus keys in flight: what `maxBuffered` bounds. */
  get held(): number {
    return this.#buffer.size + this.#inFlight.size;
  }

  /** Takes one validated report. False when it was dropped (and `onDrop` was called). */
  record(report: UsageReport): boolean {
    if (this.#closed) return this.#drop(report, 'closed');
    const key = usageKey(report.customerId, report.featureId, report.resourceId);
    const buffer = this.#buffer;
    const entry = buffer.get(key);
    if (entry === undefined) {
      if (this.held >= this.#config.maxBuffered && !this.#makeRoom()) return this.#drop(report, 'full');
    } else if (overflows(entry, report.behaviour, report.value)) {
      throw new ValidationError(
        `reporting.record: value ${report.value} would take the buffered DELTA for this customer and feature past Number.MAX_SAFE_INTEGER; flush() first.`,
        'value',
      );
    }
    if (this.#outbox) {
      try {
        this.#outbox.append(report);
      } catch {
        return this.#drop(report, 'outbox');
      }
    }
    if (entry === undefined) {
      buffer.insert(key, report);
      if (this.#inFlight.has(key)) this.#blocked++;
    } else combine(entry, report.behaviour, report.value, 1);
    if (this.#outbox?.due) this.#compact();
    this.#wiring.observer?.(report);
    if (this.#timer === undefined) this.#arm();
    if (buffer.size - this.#blocked >= this.#flushAt && !this.#sizeRoundQueued) {
      this.#sizeRoundQueued = true;
      this.#wiring.defer(() => {
        this.#sizeRoundQueued = false;
        const round = this.#startRound();
        if (round && this.#config.waitUntil) this.#config.waitUntil(roundPromise(round));
      });
    }
    return true;
  }

  /** Starts a flush of everything accepted so far (buffered and in flight). */
  flush(): FlushJob {
    // A key queued in a running round is covered by it (its entry is taken when sent); a key
    // whose request is out waits for it, then goes in another round.
    const wanted = new Set<string>();
    for (const key of this.#buffer.keys()) if (this.#inFlight.get(key)?.state !== 'queued') wanted.add(key);
    const job: FlushJob = { done: false, result: emptyResult(), wanted, rounds: new Set(this.#rounds), listeners: [] };
    this.#jobs.add(job);
    this.#startRound();
    this.#checkJobs();
    return job;
  }

  /**
   * A flush after which nothing is kept for later: what still fails goes to `onError`. For the
   * end of the process (`beforeExit`), when the app may still go on recording afterwards.
   */
  finalFlush(): FlushJob {
    this.#final = true;
    const job = this.flush();
    onJobDone(job, () => {
      if (!this.#closed) this.#final = false;
    });
    return job;
  }

  /** Stops accepting (`record()` drops with reason `closed`), stops the timer, and flushes for the last time. */
  close(): FlushJob {
    this.#closed = true;
    this.#final = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const job = this.flush();
    const timerDone = this.#timerDone;
    this.#timerDone = undefined;
    if (timerDone) onJobDone(job, timerDone);
    return job;
  }

  /**
   * Gives up on everything still held (a process-exit deadline passed): each entry goes to
   * `onError`, those with a request out as outcome unknown, the rest as not sent. Answers that
   * come later are ignored: their entries were already reported. With an outbox, nothing is
   * given up: the flushes waiting are let go, and the outbox keeps everything.
   */
  abandon(why: string): void {
    const gone = (sent: boolean) =>
      new ParityDealsError(
        sent
          ? `reporting.record: no answer came before ${why}; the server may have applied it.`
          : `reporting.record: not sent before ${why}.`,
      );
    // With an outbox, everything stays in it (and in memory, in case the process goes on) for
    // the next start, which settles what was in flight as unknown: only the waiting flushes
    // are let go. Without one, this is the last chance to say what was not delivered.
    if (this.#outbox) {
      for (const job of this.#jobs) {
        job.wanted.clear();
        job.rounds.clear();
      }
      this.#checkJobs();
      return;
    }
    for (const slot of this.#inFlight.values()) {
      const sent = slot.state === 'sent';
      slot.state = 'over';
      const entry = slot.entry ?? this.#buffer.remove(slot.key);
      if (entry) {
        const failure = toFailure(entry, gone(sent), sent, false);
        slot.round.result.failed.push(failure);
        this.#report(failure);
      }
      slot.round.pending--;
      if (slot.round.pending === 0) this.#finishRound(slot.round);
    }
    this.#inFlight.clear();
    this.#queue = [];
    this.#next = 0;
    this.#active = 0;
    this.#blocked = 0;
    for (const entry of this.#buffer.drain()) this.#report(toFailure(entry, gone(false), false, false));
    for (const job of this.#jobs) job.wanted.clear();
    this.#checkJobs();
  }

  /** Queues one request for every buffered key that has none in flight. */
  #startRound(): Round | undefined {
    const keys: string[] = [];
    for (const key of this.#buffer.keys()) if (!this.#inFlight.has(key)) keys.push(key);
    if (keys.length === 0) return undefined;
    const round: Round = { pending: keys.length, result: emptyResult(), listeners: [] };
    this.#rounds.add(round);
    for (const key of keys) {
      const slot: Slot = { id: 0, key, entry: undefined, round, state: 'queued' };
      this.#inFlight.set(key, slot);
      this.#blocked++;
      this.#queue.push(slot);
      for (const job of this.#jobs) if (job.wanted.delete(key)) job.rounds.add(round);
    }
    this.#pump();
    return round;
  }

  /** Starts queued requests while fewer than `concurrency` are out. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    let unsent = false;
    try {
      while (this.#active < this.#config.concurrency && this.#next < this.#queue.length) {
        const slot = this.#queue[this.#next++] as Slot;
        if (slot.state !== 'queued') continue;
        // Taken now, not when queued: what came while it waited goes with it.
        const entry = this.#buffer.remove(slot.key) as UsageEntry;
        this.#blocked--;
        slot.entry = entry;
        slot.id = this.#nextId++;
        slot.state = 'sent';
        try {
          this.#outbox?.sending(slot.id, entry);
        } catch (error) {
          this.#unsent(slot, error);
          unsent = true;
          continue;
        }
        this.#active++;
        let called = false;
        const done = (error?: unknown): void => {
          if (called) return;
          called = true;
          this.#settle(slot, error);
        };
        try {
          this.#wiring.sender(entry, done);
        } catch (error) {
          done(error);
        }
      }
      if (this.#next === this.#queue.length) {
        this.#queue = [];
        this.#next = 0;
      }
    } finally {
      this.#pumping = false;
    }
    // A round that ended unsent may be the last a flush waited for.
    if (unsent) this.#checkJobs();
  }

  /**
   * The outbox could not write that `slot` leaves (a full disk): it is not sent, as a restart
   * would read the entry as still waiting and send it again. The entry waits again, as the
   * outbox still has it, and the flush reports it as kept.
   */
  #unsent(slot: Slot, error: unknown): void {
    const entry = slot.entry as UsageEntry;
    slot.state = 'over';
    this.#inFlight.delete(slot.key);
    this.#buffer.putBack(entry);
    const why = new ParityDealsError(
      `reporting.record: not sent, as the outbox could not record the request (${messageOf(error)}); it stays in the outbox and a later flush sends it.`,
      { cause: error },
    );
    slot.round.result.failed.push(toFailure(entry, why, false, true));
    slot.round.pending--;
    if (slot.round.pending === 0) this.#finishRound(slot.round);
    if (this.#timer === undefined) this.#arm();
  }

  /** The outbox says what it could not write (outbox.ts); a settle must go on whatever it does. */
  #settled(id: number, outcome: Outcome): void {
    try {
      this.#outbox?.settled(id, outcome);
    } catch {
      // The outcome holds in memory; the next rewrite of the outbox carries it.
    }
  }

  /** A rewrite after the start: an outbox that cannot keeps its journal and warns, and record() must not throw for it. */
  #compact(): void {
    try {
      this.#outbox?.compact(this.#snapshot());
    } catch {
      // Kept whole; the outbox asks again (`due`) later.
    }
  }

  #settle(slot: Slot, error: unknown): void {
    if (slot.state === 'over') return;
    slot.state = 'over';
    const { round } = slot;
    const entry = slot.entry as UsageEntry;
    this.#active--;
    this.#inFlight.delete(entry.key);
    const newer = this.#buffer.get(entry.key) !== undefined;
    if (newer) this.#blocked--;
    if (error === undefined) {
      this.#settled(slot.id, 'delivered');
      round.result.delivered++;
      round.result.reports += entry.reports;
    } else {
      // A final flush gives up on what it could retry, as there is no later; with an outbox
      // there is: the next start sends it.
      const retry = (!this.#final || this.#outbox !== undefined) && verdict(entry.behaviour, error) === 'retry';
      this.#settled(slot.id, retry ? 'kept' : 'dropped');
      const failure = toFailure(entry, error, outcomeUnknown(error), retry);
      round.result.failed.push(failure);
      // Handed over, the journal's copy is sent by the instance that took it.
      if (retry) {
        if (!this.#handedOver) this.#buffer.putBack(entry);
      } else this.#report(failure);
    }
    round.pending--;
    if (round.pending === 0) this.#finishRound(round);
    // The key is free: a flush that was waiting for it sends what it collected meanwhile.
    if (newer) for (const job of this.#jobs) if (job.wanted.has(entry.key)) this.#startRound();
    this.#pump();
    if (this.#outbox?.due) this.#compact();
    if (this.#buffer.size > 0 && this.#timer === undefined) this.#arm();
    this.#checkJobs();
  }

  #finishRound(round: Round): void {
    this.#rounds.delete(round);
    for (const listener of round.listeners) listener();
    round.listeners = [];
  }

  #checkJobs(): void {
    for (const job of this.#jobs) {
      if (job.wanted.size > 0) continue;
      let settled = true;
      for (const round of job.rounds) if (round.pending > 0) settled = false;
      if (!settled) continue;
      this.#jobs.delete(job);
      for (const round of job.rounds) {
        job.result.delivered += round.result.delivered;
        job.result.reports += round.result.reports;
        job.result.failed.push(...round.result.failed);
      }
      job.done = true;
      for (const listener of job.listeners) listener(job.result);
      job.listeners = [];
    }
  }

  /** The interval timer, armed while something waits; it never keeps the process alive. */
  #arm(): void {
    if (this.#closed) return;
    // The platform is handed a promise that settles when this timer's flush has, so a
    // serverless invocation lives until the reports it made are delivered.
    if (this.#config.waitUntil) this.#config.waitUntil(new Promise<void>((r) => (this.#timerDone = r)));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const job = this.flush();
      const timerDone = this.#timerDone;
      this.#timerDone = undefined;
      if (timerDone) onJobDone(job, timerDone);
    }, this.#config.flushInterval);
    unref(this.#timer);
  }

  #makeRoom(): boolean {
    this.#wiring.poll?.();
    return this.held < this.#config.maxBuffered;
  }

  #drop(report: UsageReport, reason: DropReason): false {
    try {
      this.#config.onDrop(report, reason);
    } catch {
      // A throwing onDrop must not turn record() into a throwing call on the app's hot path.
    }
    return false;
  }

  #report(failure: UsageFailure): void {
    try {
      this.#config.onError(failure);
    } catch {
      // The reporter's state must stay whole whatever the app's callback does.
    }
  }
}

/** Calls `fn` once the job has settled (at once when it has). */
export function onJobDone(job: FlushJob, fn: (result: FlushResult) => void): void {
  if (job.done) fn(job.result);
  else job.listeners.push(fn);
}

export function jobPromise(job: FlushJob): Promise<FlushResult> {
  return new Promise((resolve) => onJobDone(job, resolve));
}

function roundPromise(round: Round): Promise<void> {
  return new Promise((resolve) => {
    if (round.pending === 0) resolve();
    else round.listeners.push(resolve);
  });
}

function emptyResult(): FlushResult {
  return { delivered: 0, reports: 0, failed: [] };
}

function toFailure(entry: UsageEntry, error: unknown, unknown: boolean, retrying: boolean): UsageFailure {
  return {
    customerId: entry.customerId,
    featureId: entry.featureId,
    resourceId: entry.resourceId,
    behaviour: entry.behaviour,
    value: entry.value,
    reports: entry.reports,
    error: error instanceof Error ? error : new ParityDealsError(String(error)),
    outcomeUnknown: unknown,
    retrying,
  };
}

/** Node's and Bun's timers have `unref`; Deno's are numbers, unref'd through `Deno.unrefTimer`. */
/** What the exit hooks drive: a final flush bounded in time (`closing`: and stop the client). */
export interface ExitTarget {
  drain(closing: boolean, timeoutMs: number): Promise<void>;
}

/**
 * Resolves when the job has settled, or after `ms` having abandoned what is left (to `onError`).
 * The deadline timer is not unref'd: at exit it is what must end a flush stuck on a hung request.
 */
export function settleWithin(reporter: UsageReporter, job: FlushJob, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      reporter.abandon(`the exit deadline of ${ms} ms`);
      resolve();
    }, ms);
    onJobDone(job, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
