// The file journal: usage survives a killed process and is delivered by the next one, once; a
// torn last line is skipped with a warning; one process per journal; the file stays bounded.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ParityDeals, ParityDealsError } from '../../src/index.node.js';
import { type Emulator, startEmulator } from '../../src/testing/index.js';
import type { UsageFailure } from '../../src/usage/flusher.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'outbox-child.ts');
const RECORDER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'recorder-child.ts');
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

/** A loopback port nothing listens on: the API is down, connections are refused. */
/** Both base URLs on a dead port: the options need the pair. */
async function deadHosts(): Promise<{ baseUrl: string; edgeApiUrl: string }> {
  const url = await deadUrl();
  return { baseUrl: url, edgeApiUrl: `${url}/edge` };
}

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

function meters(): Record<string, number> {
  return Object.fromEntries(emu.state().usage.map((u) => [u.customerId, u.value]));
}

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
    const got = meters();
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
    assert.deepEqual(meters(), totals);
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
    const got = meters();
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
      assert.deepEqual(meters(), { c0: 150, c1: 150, c2: 150, c3: 150 });
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
