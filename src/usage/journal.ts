/**
 * Node, Bun and Deno only: the file journal, an outbox for one server (see outbox.ts for the
 * format and what replaying it means).
 *
 * - Every event is one `writeSync` of one line, done before the reporter goes on: once
 *   `record()` returns, the report is in the operating system's page cache, so a killed process
 *   (SIGKILL, OOM, crash) loses nothing. A machine crash or power loss can lose what the kernel had
 *   not written out yet (typically the last few seconds); `fsync: true` syncs each line to disk
 *   first, at a cost of a disk flush per event.
 * - One process per journal: `<file>.lock` holds the owner's pid; a lock whose process is gone
 *   is taken over, a live one makes the second client fail at once.
 * - Bounded: the journal is rewritten from the live state (at most `maxBuffered` keys, about
 *   100 bytes each) whenever it grows past twice its last rewritten size or 1 MB, whichever is
 *   more; the rewrite goes to a temporary file renamed over the journal, so a crash in the middle
 *   leaves the old or the new one, whole.
 * - A torn last line (a process killed mid-write) or an unreadable one is skipped with a warning.
 * - A write that fails (a full disk) leaves the journal as it was: `append` and `sending` throw a
 *   ParityDealsError (the report is refused, the request not sent); a "settled" line is kept and
 *   written ahead of the next line. A rewrite that fails keeps the old journal, warns, and is tried
 *   again after a back-off; only the first one, at start, throws (the client then does not start).
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import process from 'node:process';
import { ParityDealsError } from '../core/errors.js';
import { messageOf } from '../internal/message.js';
import type { FileOutboxOption } from '../options.js';
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

/** Below this a journal is never rewritten: rewriting small files often buys nothing. */
const MIN_COMPACT_BYTES = 1024 * 1024;
/** After a failed rewrite, the first retry waits this long: a full disk is rarely freed at once. */
const COMPACT_RETRY_MS = 1_000;
/** ...doubling up to this, which also bounds the warnings to about one a minute. */
const MAX_COMPACT_RETRY_MS = 60_000;

export function openJournal(
  options: FileOutboxOption,
  warn: (message: string) => void,
): { outbox: Outbox; recovered: Recovered } {
  const file = options.file;
  const sync = options.fsync === true;
  const releaseLock = lock(`${file}.lock`);
  let fd: number;
  /** Bytes of whole lines in the journal: where the next line goes. */
  let size: number;
  let recovered: Recovered;
  try {
    let data = Buffer.alloc(0);
    try {
      data = fs.readFileSync(file);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
    // Whole lines only: a torn last one (a process killed mid-write) is skipped, and gone from
    // the file once the reporter's start has rewritten it.
    size = data.lastIndexOf(0x0a) + 1;
    const lines = data.subarray(0, size).toString('utf8').split('\n');
    lines.pop();
    recovered = replay(lines);
    if (size < data.length) recovered.skipped++;
    // Not O_APPEND: lines are written at `size`, so a failed write is overwritten by the next one.
    fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
  } catch (error) {
    releaseLock();
    throw new ParityDealsError(
      `The usage journal ${file} cannot be opened: ${messageOf(error)}. Check that its directory exists and this process may read and write there.`,
      { cause: error },
    );
  }
  if (recovered.skipped > 0)
    warn(
      `usage journal ${file}: skipped ${recovered.skipped} unreadable line${recovered.skipped === 1 ? '' : 's'} (a write cut short when a process was killed, or corruption)`,
    );

  let compactAt = MIN_COMPACT_BYTES;
  /** Rewrites so far; the first is the reporter's start, which must not fail silently. */
  let rewrites = 0;
  let failedRewrites = 0;
  let retryAt = 0;
  /**
   * "settled" lines that could not be written: they go ahead of the next line, so the journal
   * never holds an event after one it lacks, and replaying it stays a replay of a prefix of
   * what happened (what a killed process leaves).
   */
  let unwritten = '';

  /** Writes `line` (after what is unwritten) whole, or throws and leaves the journal as it was. */
  const write = (line: string): void => {
    const text = unwritten + line;
    const bytes = Buffer.byteLength(text);
    try {
      const written = fs.writeSync(fd, text, size);
      if (written !== bytes) throw new Error(`wrote ${written} of ${bytes} bytes (is the disk full?)`);
      if (sync) fs.fdatasyncSync(fd);
    } catch (error) {
      try {
        fs.ftruncateSync(fd, size);
      } catch {
        // The next write goes at `size` anyway, over what this one left.
      }
      throw new ParityDealsError(`The usage journal ${file} cannot be written: ${messageOf(error)}.`, { cause: error });
    }
    size += bytes;
    unwritten = '';
  };

  /** Rewrites the journal as exactly `s`: temp file, fsync, rename over; that file is then the journal. */
  const rewrite = (s: OutboxState): void => {
    const tmp = `${file}.tmp`;
    const body = stateLines(s).join('');
    let tfd: number | undefined;
    try {
      tfd = fs.openSync(tmp, 'w');
      fs.writeFileSync(tfd, body);
      fs.fsyncSync(tfd);
      fs.renameSync(tmp, file);
      // The rename lives in the directory: unsynced, a power loss can bring the old journal
      // back and lose the lines written to the new one since.
      if (sync) syncDirectory(dirname(file));
    } catch (error) {
      // The journal itself was not touched: it stays whole and takes the next lines as before.
      if (tfd !== undefined) {
        closeQuietly(tfd);
        try {
          fs.unlinkSync(tmp);
        } catch {
          // Left for the next rewrite, which truncates it.
        }
      }
      throw error;
    }
    // The renamed file keeps its descriptor: no reopen that could fail after the rename.
    closeQuietly(fd);
    fd = tfd;
    size = Buffer.byteLength(body);
    unwritten = '';
    compactAt = Math.max(MIN_COMPACT_BYTES, 2 * size);
  };

  let closed = false;
  const outbox: Outbox = {
    append: (report: UsageReport) => write(recordLine(report)),
    sending: (id, entry) => write(sendingLine(id, entry)),
    settled: (id: number, outcome: Outcome) => {
      const line = settledLine(id, outcome);
      try {
        write(line);
      } catch (error) {
        // Kept for the next line; until then the journal reads as if the process had died
        // before the outcome came, which a restart handles safely (outbox.ts). One warning
        // per run of failures.
        if (unwritten === '')
          warn(`${messageOf(error)} Request outcomes are kept and written ahead of the journal's next line.`);
        unwritten += line;
      }
    },
    get due() {
      return size > compactAt && (failedRewrites === 0 || Date.now() >= retryAt);
    },
    compact(s: OutboxState) {
      try {
        rewrite(s);
        rewrites++;
        failedRewrites = 0;
      } catch (error) {
        // At start nothing was recorded yet: better a client that does not start than a journal
        // that does not match what it adopted.
        if (rewrites === 0) {
          closeQuietly(fd);
          releaseLock();
          closed = true;
          throw new ParityDealsError(
            `The usage journal ${file} cannot be rewritten at start (through ${file}.tmp): ${messageOf(error)}. Free disk space, or let this process write in that directory (and remove ${file}.tmp if it is not a file).`,
            { cause: error },
          );
        }
        const wait = Math.min(MAX_COMPACT_RETRY_MS, COMPACT_RETRY_MS * 2 ** failedRewrites);
        failedRewrites++;
        retryAt = Date.now() + wait;
        warn(
          `usage journal ${file} could not be rewritten (through ${file}.tmp): ${messageOf(error)}. It stays whole and keeps growing; trying again in ${wait / 1000} s. Free disk space, or fix that directory's permissions.`,
        );
      }
    },
    close() {
      if (closed) return;
      closed = true;
      if (unwritten !== '') {
        try {
          write('');
        } catch {
          // The next start reads those requests as in flight: outcome unknown, handled safely.
        }
      }
      closeQuietly(fd);
      releaseLock();
    },
  };
  return { outbox, recovered };
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Every write through it was synchronous: nothing waits in it to be lost.
  }
}

/** Takes `<file>.lock` for this process; returns what releases it. */
function lock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(path, 'utf8') === String(process.pid)) fs.unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST')
        throw new ParityDealsError(
          `The usage journal lock ${path} cannot be taken: ${messageOf(error)}. Check that its directory exists and this process may write there.`,
          { cause: error },
        );
      let owner: number;
      try {
        owner = Number(fs.readFileSync(path, 'utf8'));
      } catch {
        continue; // Released meanwhile: try again.
      }
      if (Number.isSafeInteger(owner) && owner > 0 && alive(owner)) {
        throw new ParityDealsError(
          `The usage journal ${path.slice(0, -'.lock'.length)} is in use by process ${owner}${owner === process.pid ? ' (this one: another client holds it)' : ''}; a journal serves one client. Give each its own file, or use a Redis outbox for several.`,
        );
      }
      // Its owner is gone (killed): the lock is stale.
      try {
        fs.unlinkSync(path);
      } catch {
        // Taken over by another process meanwhile: the next attempt says by whom.
      }
    }
  }
  throw new ParityDealsError(`The usage journal lock ${path} could not be taken.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Syncs a directory's entries, where the platform lets a directory be opened (Windows does not). */
function syncDirectory(dir: string): void {
  let dfd: number | undefined;
  try {
    dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
  } catch {
    // Nothing more to do here: the file itself is synced.
  } finally {
    if (dfd !== undefined) closeQuietly(dfd);
  }
}
