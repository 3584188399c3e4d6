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
 */
import { APIConnectionError, ParityDealsError } from '../core/errors.js';
import { type RedisLike, redisCommand } from '../redis/command.js';
import type { UsageReport } from './buffer.js';
import {
  type Outbox,
  type OutboxState,
  type Outcome,
  type Recovered,
  recordLine,
  replay,
  sendingLine,
  settledLine,
  stateLines,
} from './outbox.js';

/** Below this many lines a journal is not rewritten. */
const MIN_COMPACT_LINES = 10_000;

/** Where `usage.outbox` keeps a fleet's reports: your Redis client and the keys' prefix. */
export interface RedisOutboxOptions {
  /** Your connected ioredis or node-redis client. */
  redis: RedisLike;
  /** Prefix of every key this outbox uses. Default: `'paritydeals:usage'`. */
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
/** Appends the adopted state (ARGV[3..]) and deletes the dead journal (KEYS[3]), lease (KEYS[4]), member (KEYS[5], ARGV[2]). */
const ADOPT = `${GUARD}
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 'LOST' end
for i = 3, #ARGV, 4000 do redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 3999, #ARGV))) end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('SREM', KEYS[5], ARGV[2])
return 'OK'`;
const RENEW = `${GUARD}
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 'OK'`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 'OK'`;

type Op = { lines: string[]; rewrite: boolean } | { adopt: string; lines: string[]; done: (ok: boolean) => void };

/** What adopting a dead instance's journal does to this instance's reporter. */
export interface Adopter {
  /** Merges the dead instance's waiting entries into this buffer, now, as if just recorded. */
  absorb(recovered: Recovered): void;
  /** Once the adoption is in Redis: reports its in-flight DELTAs (unknown outcome) to onError. */
  settleUnknown(recovered: Recovered): void;
}

export interface RedisOutbox extends Outbox {
  /** Resolves once every event so far is in Redis; rejects (not sent) when that failed. */
  written(): Promise<void>;
  /** Registers with the fleet, then adopts dead instances' journals now and every half lease. */
  start(adopter: Adopter): void;
  /** Writes what is pending, gives up the lease (so others adopt at once what is left), stops timers. */
  closeAsync(): Promise<void>;
}

export function redisOutbox(options: RedisOutboxOptions, warn: (message: string) => void): RedisOutbox {
  const run = redisCommand(options.redis, 'usage.outbox.redis must be an ioredis or node-redis client.');
  const prefix = options.prefix ?? 'paritydeals:usage';
  const leaseMs = options.leaseMs ?? 10_000;
  const id = randomId();
  const key = {
    lease: (who: string) => `${prefix}:lease:${who}`,
    log: (who: string) => `${prefix}:log:${who}`,
    members: `${prefix}:instances`,
  };
  const evalScript = (script: string, keys: string[], args: (string | number)[]) =>
    run(['EVAL', script, String(keys.length), ...keys, ...args.map(String)]);

  let pending: string[] = [];
  let ops: Op[] = [];
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

  const loseLease = (): void => {
    if (lost) return;
    lost = true;
    warn(
      `usage outbox ${prefix}: this instance's lease expired and another took over its journal; it stopped delivering usage (the other instance does).`,
    );
  };

  const flush = (): Promise<void> => {
    if (pending.length) {
      ops.push({ lines: pending, rewrite: false });
      pending = [];
    }
    const batch = ops;
    ops = [];
    const done = writing.then(async () => {
      let failed: unknown;
      for (const op of batch) {
        // After a failure the rest of the batch is not written either (its order would break),
        // and an adoption in it does not happen.
        if (failed !== undefined) {
          if ('adopt' in op) op.done(false);
          continue;
        }
        try {
          if (lost) throw new ParityDealsError('this instance lost its lease');
          const answer =
            'adopt' in op
              ? await evalScript(
                  ADOPT,
                  [key.lease(id), key.log(id), key.log(op.adopt), key.lease(op.adopt), key.members],
                  [id, op.adopt, ...op.lines],
                )
              : await evalScript(APPEND, [key.lease(id), key.log(id)], [id, op.rewrite ? '1' : '0', ...op.lines]);
          if (answer === 'LOST') {
            loseLease();
            throw new ParityDealsError('this instance lost its lease');
          }
          if ('adopt' in op) op.done(true);
        } catch (error) {
          failed = error;
          if ('adopt' in op) op.done(false);
        }
      }
      if (failed !== undefined) {
        // Lines are missing from the journal now: rewrite it from memory at the next chance.
        linesSinceCompact = Number.POSITIVE_INFINITY;
        warn(`usage outbox ${prefix}: a write failed: ${(failed as Error).message ?? String(failed)}`);
        throw failed;
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

  const adoptOne = async (dead: string, adopter: Adopter): Promise<void> => {
    // The dead lease, taken: no other instance adopts this journal while we do.
    const claimed = await run(['SET', key.lease(dead), id, 'NX', 'PX', String(leaseMs)]);
    if (claimed === null || claimed === undefined) return;
    const lines = ((await run(['LRANGE', key.log(dead), '0', '-1'])) as string[] | null) ?? [];
    const recovered = replay(lines);
    if (recovered.skipped) warn(`usage outbox ${prefix}: skipped ${recovered.skipped} unreadable lines of ${dead}`);
    const waiting = [...recovered.waiting, ...recovered.inFlight.filter((e) => e.behaviour === 'SET')];
    const adopted: Recovered = { ...recovered, waiting };
    // In memory and in the journal at the same point of this instance's order: merged now,
    // and written as the next op, with the dead journal's deletion in the same script.
    if (pending.length) {
      ops.push({ lines: pending, rewrite: false });
      pending = [];
    }
    adopter.absorb(adopted);
    const ok = await new Promise<boolean>((resolve) => {
      ops.push({ adopt: dead, lines: stateLines({ waiting, inFlight: [] }), done: resolve });
      void flush().catch(() => {});
    });
    if (ok) adopter.settleUnknown(adopted);
  };

  const scan = async (adopter: Adopter): Promise<void> => {
    const members = ((await run(['SMEMBERS', key.members])) as string[] | null) ?? [];
    for (const other of members) {
      if (other === id || lost) continue;
      if ((await run(['EXISTS', key.lease(other)])) === 1) continue;
      await adoptOne(other, adopter);
    }
  };

  return {
    append: (report: UsageReport) => push(recordLine(report)),
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
      // Everything pending is reflected in `state`, which replaces the journal.
      pending = [];
      ops.push({ lines: stateLines(state), rewrite: true });
      linesSinceCompact = 0;
      compactAt = Math.max(MIN_COMPACT_LINES, 2 * (state.waiting.length + 2 * state.inFlight.length));
      schedule();
    },
    async written() {
      // The batch that carries every line pushed so far (the caller's "sending" line among
      // them): the first one covering `target`, once it has been taken.
      const target = seq;
      try {
        if (scheduledBatch) await scheduledBatch.catch(() => {});
        const batch = batches.find((b) => b.upTo >= target);
        if (batch) await batch.done;
        else if (pending.length || ops.length) await flush();
        else await writing;
      } catch (error) {
        // Never connected counts as certainly not sent: the reporter keeps the entry.
        throw new APIConnectionError(
          `reporting.record: the usage outbox could not be written (${(error as Error).message}); the request was not sent.`,
        );
      }
    },
    start(adopter) {
      // Every write waits for the registration: the scripts check this lease.
      writing = writing.then(async () => {
        await run(['SET', key.lease(id), id, 'PX', String(leaseMs)]);
        await run(['SADD', key.members, id]);
      });
      batches.push({ upTo: seq, done: writing as Promise<void> });
      writing = writing.catch((error: unknown) => warn(`usage outbox ${prefix}: cannot register: ${String(error)}`));
      void writing.then(() => scan(adopter)).catch(() => {});
      const renew = setInterval(() => {
        void evalScript(RENEW, [key.lease(id)], [id, leaseMs]).then(
          (answer) => answer === 'LOST' && loseLease(),
          () => {},
        );
      }, leaseMs / 3);
      const rescan = setInterval(() => void scan(adopter).catch(() => {}), leaseMs / 2);
      for (const t of [renew, rescan]) {
        (t as { unref?: () => void }).unref?.();
        timers.push(t);
      }
    },
    close() {
      void this.closeAsync();
    },
    async closeAsync() {
      for (const t of timers.splice(0)) clearInterval(t);
      await flush().catch(() => {});
      await writing;
      await evalScript(RELEASE, [key.lease(id)], [id]).catch(() => {});
    },
  };
}

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return crypto?.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
