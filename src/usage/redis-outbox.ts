/**
 * The Redis outbox, for a fleet: each client instance keeps its journal (outbox.ts's format) in
 * a Redis list of its own, under a lease that it renews. An instance whose lease has expired
 * (it died) is adopted by another: that one takes the lease, replays the dead journal, and in one
 * script both appends the result to its own journal and deletes the dead one, so each report is
 * delivered by exactly one instance. No consensus of our own: Redis executes each script alone.
 *
 * Over the user's own client: ioredis (`call`) or node-redis (`sendCommand`). Runs wherever that
 * client runs; async client only (the sync client blocks the thread the Redis client needs).
 *
 * Durability: events are written in order, batched, by one script call at a time, starting when
 * the event loop turns: a report reaches Redis within a Redis round trip or two of `record()`
 * (a few milliseconds). A request is sent only after its "sending" line is in Redis, so a death
 * at any point leaves it either waiting (resent) or in flight (unknown, to onError), never both.
 *
 * A lost lease: the journal as it stood belongs to whoever adopts it, so this instance sends
 * nothing more and lets go of what it holds; the reports whose lines the lease refused are in
 * no journal, and go to onError (not sent). An adoption's entries become this instance's only
 * once its script has run; when its reply is lost, a mark the script leaves says whether it ran.
 */
import { APIConnectionError, ParityDealsError } from '../core/errors.js';
import { unref } from '../internal/timers.js';
import { messageOf } from '../internal/message.js';
import { uuid } from '../internal/uuid.js';
import { type RedisLike, redisCommand } from '../redis/command.js';
import { combine, type UsageEntry, type UsageReport, usageKey } from './buffer.js';
import {
  type Outbox,
  type OutboxState,
  type Outcome,
  type Recovered,
  recordLine,
  replay,
  resumable,
  sendingLine,
  settledLine,
  stateLines,
} from './outbox.js';

/** Below this many lines a journal is not rewritten. */
const MIN_COMPACT_LINES = 10_000;
/** The first wait before registering again when Redis cannot be reached at start-up. */
const REGISTER_RETRY_MS = 50;
/** How long an adoption's mark lasts: its adopter may need to read it after an outage of Redis. */
const ADOPTED_MARK_MS = 24 * 60 * 60 * 1000;

/** Where `usage.outbox` keeps a fleet's reports: your Redis client and the keys' prefix. */
export interface RedisOutboxOptions {
  /** Your connected ioredis or node-redis client. */
  redis: RedisLike;
  /**
   * Prefix of every key this outbox uses. Default: `'paritydeals:usage:<fingerprint>'`, the
   * fingerprint a hash of the API key, so apps with different keys sharing one Redis keep apart
   * (each delivers what it adopts with its own key). After rotating a fleet's key, pass the old
   * prefix to deliver what instances that died with the old key left.
   */
  prefix?: string | undefined;
  /**
   * Milliseconds an instance's lease lasts without renewal (renewed every third of it). An
   * instance that dies leaves its reports to the others this long after. Default: `10000`.
   */
  leaseMs?: number | undefined;
}

// KEYS[1] own lease, ARGV[1] own id; then the script's own keys and arguments.
const GUARD = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'LOST' end`;
/** Appends lines (ARGV[3..]) to the own journal (KEYS[2]); ARGV[2] = '1' rewrites it first. */
const APPEND = `${GUARD}
if ARGV[2] == '1' then redis.call('DEL', KEYS[2]) end
for i = 3, #ARGV, 4000 do redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 3999, #ARGV))) end
return 'OK'`;
/**
 * Appends the adopted state (ARGV[4..]) and deletes the dead journal (KEYS[3]), lease (KEYS[4]),
 * member (KEYS[5], ARGV[2]); marks the adoption as ours (KEYS[6], for ARGV[3] ms). 'TAKEN': our
 * claim on the dead lease expired, so another instance may be adopting it; our own lease is fine.
 */
const ADOPT = `${GUARD}
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 'TAKEN' end
for i = 4, #ARGV, 4000 do redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 3999, #ARGV))) end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('SREM', KEYS[5], ARGV[2])
redis.call('SET', KEYS[6], ARGV[1], 'PX', ARGV[3])
return 'OK'`;
const RENEW = `${GUARD}
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 'OK'`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 'OK'`;

/** What adopting a dead instance's journal, or losing this one's, does to this instance's reporter. */
export interface Adopter {
  /** Once the adoption is in Redis: merges the dead instance's waiting entries into this buffer, as if just recorded. */
  absorb(recovered: Recovered): void;
  /** Once the adoption is in Redis: reports its in-flight DELTAs (unknown outcome) to onError. */
  settleUnknown(recovered: Recovered): void;
  /** The lease is lost: drops everything held (the adopter owns it); `unwritten` goes to onError, not sent. */
  handOver(unwritten: UsageEntry[], error: Error): void;
}

export interface RedisOutbox extends Outbox {
  /** Resolves once every event so far is in Redis; rejects (not sent) when that failed. */
  written(): Promise<void>;
  /** Registers with the fleet, then adopts dead instances' journals now and every half lease. */
  start(adopter: Adopter): void;
  /** Writes what is pending, gives up the lease (so others adopt at once what is left), stops timers. */
  closeAsync(): Promise<void>;
}

/** `RedisOutboxOptions` as the client resolved them (options.ts): every default filled in. */
export interface ResolvedRedisOutbox {
  redis: RedisLike;
  prefix: string;
  leaseMs: number;
}

export function redisOutbox(options: ResolvedRedisOutbox, warn: (message: string) => void): RedisOutbox {
  const run = redisCommand(options.redis, 'usage.outbox.redis must be an ioredis or node-redis client.');
  const { prefix, leaseMs } = options;
  const id = uuid();
  const key = {
    lease: (who: string) => `${prefix}:lease:${who}`,
    log: (who: string) => `${prefix}:log:${who}`,
    adopted: (who: string) => `${prefix}:adopted:${who}`,
    members: `${prefix}:instances`,
  };
  const evalScript = (script: string, keys: string[], args: (string | number)[]) =>
    run(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);

  /** Lines not yet taken by a write, and whether they replace the journal (a compaction's state). */
  let pending: string[] = [];
  let rewrite = false;
  /** The reports appended into `pending`, combined per key: what a refused write leaves unwritten. */
  let pendingReports = new Map<string, UsageEntry>();
  /** Reports whose write a lost lease refused: they are in no journal. */
  const refused = new Map<string, UsageEntry>();
  /** Counts compact() calls, so an adoption knows whether a rewrite without its entries follows it. */
  let compactions = 0;
  /** An adoption whose reply was lost: nothing is written until its mark says whether it ran. */
  let unclear: { dead: string; adopted: Recovered; compactionsBefore: number } | undefined;
  let adopter: Adopter | undefined;
  /** The chain of writes, one script call at a time, in order; never rejects. */
  let writing: Promise<unknown> = Promise.resolve();
  /** Lines pushed so far; each batch covers every line pushed before it was taken. */
  let seq = 0;
  /** Recent batches in order, each with the last line it covers and its own outcome. */
  const batches: Array<{ upTo: number; done: Promise<void> }> = [];
  let scheduledBatch: Promise<void> | undefined;
  let lost = false;
  let linesSinceCompact = 0;
  let compactAt = MIN_COMPACT_LINES;
  const timers: Array<ReturnType<typeof setInterval>> = [];

  const lostError = () => new ParityDealsError('this instance lost its lease');

  const loseLease = (): void => {
    if (lost) return;
    lost = true;
    warn(
      `usage outbox ${prefix}: this instance's lease expired and another took over its journal; it stopped delivering usage (the other instance does).`,
    );
    // After the writes already chained (each is refused now), so that what they carried counts.
    writing = writing.then(() => {
      mergeReports(refused, pendingReports);
      pendingReports = new Map();
      pending = [];
      const unwritten = [...refused.values()];
      refused.clear();
      adopter?.handOver(
        unwritten,
        new ParityDealsError(
          'reporting.record: this instance lost its usage outbox lease before the report reached Redis; it was not sent.',
        ),
      );
    });
  };

  /** Writes what is pending as one script call: it lands whole or not at all. */
  const flush = (): Promise<void> => {
    const lines = pending;
    const replace = rewrite;
    const reports = pendingReports;
    pending = [];
    rewrite = false;
    pendingReports = new Map();
    const done = writing.then(async () => {
      let refusedByLease = lost;
      try {
        if (lost) throw lostError();
        if (lines.length === 0 && !replace) return;
        await settleUnclear();
        const answer = await evalScript(APPEND, [key.lease(id), key.log(id)], [id, replace ? '1' : '0', ...lines]);
        if (answer === 'LOST') {
          refusedByLease = true;
          loseLease();
          throw lostError();
        }
      } catch (error) {
        if (refusedByLease) {
          mergeReports(refused, reports);
          throw error;
        }
        // Lines are missing from the journal now: rewrite it from memory at the next chance.
        linesSinceCompact = Number.POSITIVE_INFINITY;
        warn(`usage outbox ${prefix}: a write failed: ${messageOf(error)}`);
        throw error;
      }
    });
    writing = done.catch(() => {});
    batches.push({ upTo: seq, done });
    done.catch(() => {});
    // Only the batches a pending written() may still look for are kept.
    if (batches.length > 64) batches.splice(0, batches.length - 64);
    return done;
  };

  /** Flushes at the next turn, so the events of one turn go in one script call. */
  const schedule = (): void => {
    if (scheduledBatch) return;
    scheduledBatch = new Promise<void>((resolve, reject) =>
      queueMicrotask(() => {
        scheduledBatch = undefined;
        flush().then(resolve, reject);
      }),
    );
    scheduledBatch.catch(() => {});
  };

  const push = (line: string): void => {
    if (lost) throw new ParityDealsError('usage outbox: this instance lost its lease');
    pending.push(line);
    seq++;
    linesSinceCompact++;
    schedule();
  };

  /** The adoption ran: its entries are this instance's now, in memory as in the journal. */
  const took = (adopted: Recovered, compactionsBefore: number): void => {
    adopter?.absorb(adopted);
    adopter?.settleUnknown(adopted);
    // A compaction since the adoption was chained rewrites the journal after the adoption's
    // script, from a state without these entries: they are written again after it.
    if (compactions === compactionsBefore || lost) return;
    for (const entry of adopted.waiting) {
      push(recordLine(entry));
      mergeReports(pendingReports, new Map([[entry.key, { ...entry }]]));
    }
  };

  /** Reads the mark of an adoption whose reply was lost; throws (Redis still unreachable) to fail the caller's write. */
  const settleUnclear = async (): Promise<void> => {
    if (!unclear) return;
    const { dead, adopted, compactionsBefore } = unclear;
    const mark = await run(['GET', key.adopted(dead)]);
    unclear = undefined;
    if (mark === id) took(adopted, compactionsBefore);
  };

  const adoptOne = async (dead: string): Promise<void> => {
    // The dead lease, taken: no other instance adopts this journal while we do.
    const claimed = await run(['SET', key.lease(dead), id, 'NX', 'PX', String(leaseMs)]);
    if (claimed === null || claimed === undefined) return;
    const lines = ((await run(['LRANGE', key.log(dead), '0', '-1'])) as string[] | null) ?? [];
    const recovered = replay(lines);
    if (recovered.skipped) warn(`usage outbox ${prefix}: skipped ${recovered.skipped} unreadable lines of ${dead}`);
    const waiting = resumable(recovered);
    const adopted: Recovered = { ...recovered, waiting };
    // What was recorded before goes first; then the adoption alone, so that nothing else in its
    // script call can fail it, and only its own outcome says whether the entries are ours.
    if (pending.length || rewrite) void flush().catch(() => {});
    const compactionsBefore = compactions;
    const step = writing.then(async () => {
      if (lost) return;
      await settleUnclear();
      let answer: unknown;
      try {
        answer = await evalScript(
          ADOPT,
          [key.lease(id), key.log(id), key.log(dead), key.lease(dead), key.members, key.adopted(dead)],
          [id, dead, ADOPTED_MARK_MS, ...stateLines({ waiting, inFlight: [] })],
        );
      } catch (error) {
        // The script may have run with its reply lost: its mark says, before anything else is written.
        warn(`usage outbox ${prefix}: adopting ${dead} failed: ${messageOf(error)}`);
        unclear = { dead, adopted, compactionsBefore };
        await settleUnclear();
        return;
      }
      if (answer === 'LOST') loseLease();
      else if (answer === 'OK') took(adopted, compactionsBefore);
    });
    writing = step.catch(() => {});
    await step;
  };

  const scan = async (): Promise<void> => {
    if (unclear) {
      const step = writing.then(settleUnclear);
      writing = step.catch(() => {});
      await step;
    }
    const members = ((await run(['SMEMBERS', key.members])) as string[] | null) ?? [];
    for (const other of members) {
      if (other === id || lost) continue;
      if ((await run(['EXISTS', key.lease(other)])) === 1) continue;
      await adoptOne(other);
    }
  };

  /** Set once this instance's lease and membership are in Redis. */
  let registered = false;
  /** Set by closeAsync: a registration still waiting for Redis gives up. */
  let stopping = false;
  /** Takes the lease and joins the fleet, trying again (backing off to a third of the lease) while Redis cannot be reached. */
  const register = async (): Promise<void> => {
    for (let attempt = 1, wait = REGISTER_RETRY_MS; ; attempt++, wait = Math.min(wait * 2, leaseMs / 3)) {
      try {
        await run(['SET', key.lease(id), id, 'PX', String(leaseMs)]);
        await run(['SADD', key.members, id]);
        registered = true;
        if (attempt > 1) warn(`usage outbox ${prefix}: registered after ${attempt} attempts; delivering again.`);
        return;
      } catch (error) {
        if (stopping) throw error;
        if (attempt === 1)
          warn(
            `usage outbox ${prefix}: cannot register yet (${messageOf(error)}); reports wait in memory and are retried.`,
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          unref(timer);
        });
      }
    }
  };

  return {
    append: (report: UsageReport) => {
      push(recordLine(report));
      addReport(pendingReports, report);
    },
    // Never throws: once the lease is lost, written() refuses the send instead.
    sending: (n, entry) => {
      if (!lost) push(sendingLine(n, entry));
    },
    settled: (n: number, outcome: Outcome) => {
      if (!lost) push(settledLine(n, outcome));
    },
    get due() {
      return linesSinceCompact > compactAt;
    },
    compact(state: OutboxState) {
      if (lost) return;
      // Everything pending is reflected in `state`, which replaces the journal (its reports
      // stay in pendingReports: they are written, or refused, with it).
      pending = stateLines(state);
      rewrite = true;
      compactions++;
      linesSinceCompact = 0;
      compactAt = Math.max(MIN_COMPACT_LINES, 2 * (state.waiting.length + 2 * state.inFlight.length));
      schedule();
    },
    async written() {
      // The batch that carries every line pushed so far (the caller's "sending" line among
      // them): the first one covering `target`, once it has been taken.
      const target = seq;
      try {
        // Whoever adopts the journal sends its entries now: sending them here would count twice.
        if (lost) throw lostError();
        if (scheduledBatch) await scheduledBatch.catch(() => {});
        const batch = batches.find((b) => b.upTo >= target);
        if (batch) await batch.done;
        else if (pending.length || rewrite) await flush();
        else await writing;
      } catch (error) {
        // Never connected counts as certainly not sent: the reporter keeps the entry.
        throw new APIConnectionError(
          `reporting.record: the usage outbox could not be written (${(error as Error).message}); the request was not sent.`,
        );
      }
    },
    start(reporter) {
      adopter = reporter;
      // Every write waits for the registration: the scripts check this lease. A Redis that is
      // down at start-up (a fleet restarting with it) is waited for, as a write would be, rather
      // than leaving this instance without a lease, and so without an outbox, until it restarts.
      writing = writing.then(register);
      batches.push({ upTo: seq, done: writing as Promise<void> });
      writing = writing.catch((error: unknown) => warn(`usage outbox ${prefix}: cannot register: ${String(error)}`));
      void writing.then(scan).catch(() => {});
      const renew = setInterval(() => {
        // Before the lease exists there is nothing to renew (and RENEW would call it lost).
        if (!registered) return;
        void evalScript(RENEW, [key.lease(id)], [id, leaseMs]).then(
          (answer) => answer === 'LOST' && loseLease(),
          () => {},
        );
      }, leaseMs / 3);
      const rescan = setInterval(() => void scan().catch(() => {}), leaseMs / 2);
      for (const t of [renew, rescan]) {
        unref(t);
        timers.push(t);
      }
    },
    close() {
      void this.closeAsync();
    },
    async closeAsync() {
      stopping = true;
      for (const t of timers.splice(0)) clearInterval(t);
      await flush().catch(() => {});
      await writing;
      await evalScript(RELEASE, [key.lease(id)], [id]).catch(() => {});
    },
  };
}

/** Adds one report to a per-key combination, as the buffer would. */
function addReport(into: Map<string, UsageEntry>, r: UsageReport): void {
  const key = usageKey(r.customerId, r.featureId, r.resourceId);
  const held = into.get(key);
  if (held) combine(held, r.behaviour, r.value, 1);
  else
    into.set(key, {
      key,
      customerId: r.customerId,
      featureId: r.featureId,
      resourceId: r.resourceId,
      behaviour: r.behaviour,
      value: r.value,
      reports: 1,
    });
}

/** Folds `from`'s entries (later) into `into`'s. */
function mergeReports(into: Map<string, UsageEntry>, from: Map<string, UsageEntry>): void {
  for (const [key, e] of from) {
    const held = into.get(key);
    if (held) combine(held, e.behaviour, e.value, e.reports);
    else into.set(key, e);
  }
}
