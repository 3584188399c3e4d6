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
 */
import * as fs from 'node:fs';
import process from 'node:process';
import { ParityDealsError } from '../core/errors.js';
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

export interface JournalOptions {
  /** The journal's path; its directory must exist. */
  file: string;
  /** Sync every line to disk before going on (survives power loss; costs a disk flush each). Default: `false`. */
  fsync?: boolean | undefined;
}

export function openJournal(
  options: JournalOptions,
  warn: (message: string) => void,
): { outbox: Outbox; recovered: Recovered } {
  const file = options.file;
  const sync = options.fsync === true;
  const releaseLock = lock(`${file}.lock`);
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') {
      releaseLock();
      throw new ParityDealsError(`The usage journal ${file} cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  const recovered = replay(lines);
  if (torn !== '') recovered.skipped++;
  if (recovered.skipped > 0)
    warn(
      `usage journal ${file}: skipped ${recovered.skipped} unreadable line${recovered.skipped === 1 ? '' : 's'} (a write cut short when a process was killed, or corruption)`,
    );

  let fd = fs.openSync(file, 'a');
  let bytes = Buffer.byteLength(text);
  let compactAt = MIN_COMPACT_BYTES;

  const write = (line: string): void => {
    fs.writeSync(fd, line);
    if (sync) fs.fdatasyncSync(fd);
    bytes += line.length;
  };

  /** Rewrites the journal as exactly `s`: temp file, fsync, rename over, reopen. */
  const compact = (s: OutboxState): void => {
    const tmp = `${file}.tmp`;
    const body = stateLines(s).join('');
    fs.writeFileSync(tmp, body);
    const tfd = fs.openSync(tmp, 'r+');
    fs.fsyncSync(tfd);
    fs.closeSync(tfd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
    fd = fs.openSync(file, 'a');
    bytes = Buffer.byteLength(body);
    compactAt = Math.max(MIN_COMPACT_BYTES, 2 * bytes);
  };

  let closed = false;
  const outbox: Outbox = {
    append: (report: UsageReport) => write(recordLine(report)),
    sending: (id, entry) => write(sendingLine(id, entry)),
    settled: (id: number, outcome: Outcome) => write(settledLine(id, outcome)),
    get due() {
      return bytes > compactAt;
    },
    compact,
    close() {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
      releaseLock();
    },
  };
  return { outbox, recovered };
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
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(path, 'utf8'));
      if (Number.isSafeInteger(owner) && owner > 0 && alive(owner)) {
        throw new ParityDealsError(
          `The usage journal ${path.slice(0, -'.lock'.length)} is in use by process ${owner}${owner === process.pid ? ' (this one: another client holds it)' : ''}; a journal serves one client. Give each its own file, or use a Redis outbox for several.`,
        );
      }
      // Its owner is gone (killed): the lock is stale.
      fs.unlinkSync(path);
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
