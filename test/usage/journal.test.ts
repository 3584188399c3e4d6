// The file journal: usage survives a killed process and is delivered by the next one, once; a
// torn last line is skipped with a warning; one process per journal; the file stays bounded; a
// disk that fails refuses reports visibly and never turns an accepted one into a throw.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs, { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ParityDeals, ParityDealsError } from '../../src/index.node.js';
import { type Emulator, startEmulator } from '../../src/testing/index.js';
import type { DropReason, UsageFailure } from '../../src/usage/flusher.js';
import { replay } from '../../src/usage/outbox.js';
import { deadHosts, deadUrl, meters } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'outbox-child.ts');
const RECORDER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'recorder-child.ts');
const COMPACTER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'compact-child.ts');
let emu: Emulator;
let dir: string;
before(async () => {
  emu = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'pd-journal-'));
});
beforeEach(() => {
  emu.reset();
  emu.seed({ customers: Array.from({ length: 100 }, (_, i) => ({ customerId: `c${i}` })) });
});
after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

function restarted(file: string, failures: UsageFailure[], warnings: string[] = []): ParityDeals {
  return new ParityDeals({
    accessToken: emu.apiKey,
    baseUrl: emu.url,
    edgeApiUrl: emu.edgeUrl,
    logger: { error() {}, warn: (m: string) => warnings.push(m), info() {}, debug() {} },
    usage: { outbox: { file }, onError: (f) => failures.push(f) },
  });
}

describe('usage.outbox: the file journal', () => {
  it('50 000 reports recorded while the API is down survive SIGKILL; the next process delivers them once', async () => {
    const file = join(dir, 'kill.journal');
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, JOURNAL: file, PD_URL: await deadUrl(), REPORTS: '50000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    for (let i = 0; i < 400 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
    const { totals } = JSON.parse(out.split('\n')[0] as string) as { totals: Record<string, number> };
    await new Promise((r) => setTimeout(r, 200)); // failing rounds go on meanwhile
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(statSync(file).size <= 1024 * 1024 + 200, `the journal stayed bounded: ${statSync(file).size} bytes`);

    const failures: UsageFailure[] = [];
    const client = restarted(file, failures);
    const result = await client.reporting.flush();
    await client.close();
    assert.equal(result.failed.length, 0);
    // A DELTA in flight at the kill has an unknown outcome (here: refused, so not applied) and
    // reached onError; nothing else did.
    const unknown: Record<string, number> = {};
    for (const f of failures) {
      assert.deepEqual([f.behaviour, f.outcomeUnknown], ['DELTA', true]);
      unknown[f.customerId] = (unknown[f.customerId] ?? 0) + f.value;
    }
    const got = meters(emu);
    for (const [customer, want] of Object.entries(totals))
      assert.equal((got[customer] ?? 0) + (unknown[customer] ?? 0), want, customer);
    // A third start finds nothing left to send.
    const again = restarted(file, failures);
    assert.deepEqual(await again.reporting.flush(), { delivered: 0, reports: 0, failed: [] });
    await again.close();
  });

  it('a deploy during an outage: SIGTERM with the API down keeps everything for the next start', async () => {
    const file = join(dir, 'sigterm.journal');
    const child = spawn(process.execPath, ['--import', 'tsx', RECORDER], {
      env: {
        ...process.env,
        PD_KEY: emu.apiKey,
        PD_URL: await deadUrl(),
        PD_EDGE: emu.edgeUrl,
        HOOKS: '1',
        // Long enough for the refused requests (two retries) to end: they are kept, not unknown.
        EXIT_TIMEOUT: '5000',
        JOURNAL: file,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    for (let i = 0; i < 200 && out.split('\n').length < 20; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    assert.equal(await exited, 'SIGTERM', 'the child still ends by the signal');
    const lines = out.split('\n').filter((l) => l.startsWith('{'));
    assert.deepEqual(
      lines.filter((l) => l.startsWith('{"lost"')),
      [],
      'nothing was given up: it is in the journal',
    );
    const { totals } = JSON.parse(lines.filter((l) => l.startsWith('{"accepted"')).pop() as string);

    const failures: UsageFailure[] = [];
    const client = restarted(file, failures);
    await client.reporting.flush();
    await client.close();
    assert.deepEqual(failures, [], 'refused connections were certainly not applied: nothing unknown');
    assert.deepEqual(meters(emu), totals);
  });

  it('a journal cut mid-line recovers: the torn line is skipped with a warning, the rest delivered', async () => {
    const file = join(dir, 'torn.journal');
    const down = new ParityDeals({
      accessToken: 'k',
      ...(await deadHosts()),
      logLevel: 'off',
      maxRetries: 0,
      usage: { flushInterval: 60_000, outbox: { file } },
    });
    for (let i = 0; i < 30; i++)
      down.reporting.record({ value: 1 + i, customerId: `c${i % 3}`, featureId: 'api-calls', behaviour: 'DELTA' });
    await down.close(); // the last flush is refused: kept in the journal
    const text = readFileSync(file, 'utf8');
    assert.match(text.trimEnd().split('\n').pop() as string, /^\["O",\d+,"k"\]$/);
    truncateSync(file, Buffer.byteLength(text) - 4); // kill the process mid-write of that line
    appendFileSync(file, ''); // (the file ends without a newline)

    const failures: UsageFailure[] = [];
    const warnings: string[] = [];
    const client = restarted(file, failures, warnings);
    await client.reporting.flush();
    await client.close();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /skipped 1 unreadable line/);
    // The torn line said how its request ended; without it the request counts as in flight.
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.outcomeUnknown, true);
    const want: Record<string, number> = { c0: 0, c1: 0, c2: 0 };
    for (let i = 0; i < 30; i++) want[`c${i % 3}`] = (want[`c${i % 3}`] as number) + 1 + i;
    const got = meters(emu);
    const lost = failures[0] as UsageFailure;
    for (const c of ['c0', 'c1', 'c2'])
      assert.equal((got[c] ?? 0) + (c === lost.customerId ? lost.value : 0), want[c], c);
  });

  for (const [name, make] of [
    [
      'the sync client',
      (file: string, url: string) =>
        ParityDeals.createSyncClient({
          accessToken: 'k',
          baseUrl: url,
          edgeApiUrl: `${url}/edge`,
          logLevel: 'off',
          maxRetries: 0,
          usage: { flushInterval: 60_000, outbox: { file } },
        }),
    ],
    [
      'fsync mode',
      (file: string, url: string) =>
        new ParityDeals({
          accessToken: 'k',
          baseUrl: url,
          edgeApiUrl: `${url}/edge`,
          logLevel: 'off',
          maxRetries: 0,
          usage: { flushInterval: 60_000, outbox: { file, fsync: true } },
        }),
    ],
  ] as const) {
    it(`${name}: what close() could not deliver is delivered by the next client on the journal`, async () => {
      const file = join(dir, `${name.replace(/\W/g, '-')}.journal`);
      const down = make(file, await deadUrl());
      for (let i = 0; i < 200; i++)
        down.reporting.record({ value: 3, customerId: `c${i % 4}`, featureId: 'api-calls', behaviour: 'DELTA' });
      await down.close();
      const failures: UsageFailure[] = [];
      const client = restarted(file, failures);
      await client.reporting.flush();
      await client.close();
      assert.deepEqual(failures, []);
      assert.deepEqual(meters(emu), { c0: 150, c1: 150, c2: 150, c3: 150 });
    });
  }

  it('one client per journal: a second one fails at once, naming the holder', async () => {
    const file = join(dir, 'locked.journal');
    const first = restarted(file, []);
    assert.throws(
      () => restarted(file, []),
      (e: unknown) => e instanceof ParityDealsError && /in use by process \d+/.test(e.message),
    );
    await first.close();
    const second = restarted(file, []);
    await second.close();
  });

  it('refuses a bad outbox option', () => {
    assert.throws(() => new ParityDeals({ accessToken: 'k', usage: { outbox: { file: '' } } }), /usage\.outbox/);
  });
});

/**
 * Makes the journal's line writes fail while `fails(text)` says so, as a full disk does: with
 * `short`, part of the line lands first (a write cut short), else nothing does. A disk cannot be
 * filled on demand here, so the fault is scripted at the file system call.
 */
function failWrites(fails: (text: string) => boolean, short = false): () => void {
  const real = fs.writeSync;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (typeof data === 'string' && fails(data)) {
      if (short) return (real as (...a: unknown[]) => number)(fd, data.slice(0, 9), ...rest);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return (real as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  syncBuiltinESMExports();
  return () => {
    fs.writeSync = real;
    syncBuiltinESMExports();
  };
}

const LINE = { customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA' } as const;

describe('usage.outbox: a file journal on a failing disk', () => {
  it('a journal that cannot be rewritten at start: the constructor throws a ParityDealsError naming it, and releases the lock', async () => {
    const file = join(dir, 'start.journal');
    mkdirSync(`${file}.tmp`);
    const refused = (e: unknown) =>
      e instanceof ParityDealsError &&
      e.message.includes(file) &&
      /EISDIR/.test(e.message) &&
      /disk space/.test(e.message);
    assert.throws(() => restarted(file, []), refused);
    assert.throws(() => ParityDeals.createSyncClient({ accessToken: 'k', usage: { outbox: { file } } }), refused);
    rmSync(`${file}.tmp`, { recursive: true });
    // The cause is gone: the same process opens the journal (the lock was released).
    await restarted(file, []).close();
  });

  it('a rewrite that keeps failing while recording: record() never throws, warnings backed off, no crash, each report counted once', async () => {
    const file = join(dir, 'rewrite.journal');
    const child = spawn(process.execPath, ['--import', 'tsx', COMPACTER], {
      env: { ...process.env, JOURNAL: file, PD_KEY: emu.apiKey, PD_URL: emu.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    const code = await new Promise((r) => child.on('exit', r));
    const story = `exit ${code}, out ${out.trim()}, server counted ${meters(emu).c0}, stderr: ${err.split('\n').slice(0, 3).join(' | ')}`;
    assert.equal(code, 0, `the process crashed: ${story}`);
    const result = JSON.parse(out) as {
      accepted: number;
      thrown?: string;
      closed: string;
      delivered: number;
      warnings: string[];
    };
    assert.equal(result.thrown, undefined, story);
    assert.equal(result.accepted, 40_000, story);
    assert.equal(result.delivered, 40_000, story);
    assert.equal(meters(emu).c0, 40_000, story);
    assert.equal(result.closed, 'closed', story);
    // Retried after a back-off (1 s, then 2 s...), not on every record: a run this short makes
    // one or two attempts, where retrying on every record would warn thousands of times.
    assert.ok(result.warnings.length >= 1 && result.warnings.length <= 3, story);
    assert.match(result.warnings[0] as string, /could not be rewritten .*EISDIR.*trying again in 1 s/);
    // The journal it kept (never rewritten) is whole: the next start delivers nothing again.
    rmSync(`${file}.tmp`, { recursive: true });
    const failures: UsageFailure[] = [];
    const warnings: string[] = [];
    await restarted(file, failures, warnings).close();
    assert.deepEqual([failures, warnings], [[], []]);
    assert.equal(meters(emu).c0, 40_000);
  });

  for (const short of [false, true]) {
    it(`a report the journal cannot take (${short ? 'a write cut short' : 'a failed write'}) is refused: false and onDrop('outbox'), never delivered, later ones are`, async () => {
      const file = join(dir, `append-${short}.journal`);
      const drops: DropReason[] = [];
      const client = new ParityDeals({
        accessToken: emu.apiKey,
        baseUrl: emu.url,
        edgeApiUrl: emu.edgeUrl,
        logLevel: 'off',
        usage: { flushInterval: 60_000, outbox: { file }, onDrop: (_r, why) => drops.push(why) },
      });
      assert.equal(client.reporting.record({ ...LINE, value: 1 }), true);
      const restore = failWrites((text) => text.includes('"R"'), short);
      let refused: boolean;
      try {
        refused = client.reporting.record({ ...LINE, value: 10 });
      } finally {
        restore();
      }
      assert.equal(refused, false);
      assert.deepEqual(drops, ['outbox']);
      assert.equal(client.reporting.record({ ...LINE, value: 100 }), true);
      // Nothing of the refused report is in the journal: it replays to exactly what was accepted.
      const state = replay(readFileSync(file, 'utf8').split('\n'));
      assert.deepEqual([state.skipped, state.waiting.map((e) => e.value)], [0, [101]]);
      await client.close();
      assert.equal(meters(emu).c1, 101);
    });
  }

  it('a request whose "sending" line cannot be written is not sent; it is kept and a later flush delivers it once', async () => {
    const file = join(dir, 'sending.journal');
    const client = restarted(file, []);
    client.reporting.record({ ...LINE, value: 5 });
    const restore = failWrites((text) => text.startsWith('["S"'));
    let first: Awaited<ReturnType<typeof client.reporting.flush>>;
    try {
      first = await client.reporting.flush();
    } finally {
      restore();
    }
    assert.equal(first.delivered, 0);
    assert.deepEqual(
      first.failed.map((f) => [f.value, f.retrying, f.outcomeUnknown, f.error instanceof ParityDealsError]),
      [[5, true, false, true]],
    );
    assert.match(first.failed[0]?.error.message ?? '', /not sent, as the outbox could not record the request.*ENOSPC/);
    assert.equal(emu.requests().length, 0);
    client.reporting.record({ ...LINE, value: 1 });
    const second = await client.reporting.flush();
    assert.deepEqual([second.delivered, second.reports, second.failed], [1, 2, []]);
    await client.close();
    assert.equal(meters(emu).c1, 6);
  });

  it('an outcome that cannot be written goes ahead of the next line: the journal never reads a delivered request as in flight after it', async () => {
    const file = join(dir, 'settled.journal');
    const warnings: string[] = [];
    const client = restarted(file, [], warnings);
    client.reporting.record({ ...LINE, value: 5 });
    const restore = failWrites((text) => text.startsWith('["O"'));
    let flushed: Awaited<ReturnType<typeof client.reporting.flush>>;
    try {
      flushed = await client.reporting.flush();
    } finally {
      restore();
    }
    assert.deepEqual([flushed.delivered, flushed.failed], [1, []]);
    assert.equal(warnings.length, 1);
    // Until written, the journal reads as a process that died before the answer came.
    assert.equal(replay(readFileSync(file, 'utf8').split('\n')).inFlight.length, 1);
    client.reporting.record({ ...LINE, value: 2 });
    const state = replay(readFileSync(file, 'utf8').split('\n'));
    assert.deepEqual([state.skipped, state.inFlight.length, state.waiting.map((e) => e.value)], [0, 0, [2]]);
    await client.close();
    assert.equal(meters(emu).c1, 7);
  });
});
