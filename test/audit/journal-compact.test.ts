// Audit: a journal rewrite that fails (disk full, a read-only or odd directory) on record()'s
// path must not throw a non-SDK error out of record() after the report was accepted: the caller
// reads a throw as "not recorded", records again, and the usage counts twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, it } from 'node:test';
import { ParityDeals, ParityDealsError } from '../../src/index.node.js';
import { type Emulator, startEmulator } from '../../src/testing/index.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'compact-child.ts');
let emu: Emulator;
let dir: string;
before(async () => {
  emu = await startEmulator();
  emu.seed({ customers: [{ customerId: 'c0' }] });
  dir = mkdtempSync(join(tmpdir(), 'pd-audit-'));
});
after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(file: string): ParityDeals {
  return new ParityDeals({
    accessToken: emu.apiKey,
    baseUrl: emu.url,
    edgeApiUrl: emu.edgeUrl,
    logLevel: 'off',
    usage: { flushInterval: 60_000, outbox: { file } },
  });
}

it('a journal that cannot be rewritten at start: a ParityDealsError, and nothing half-done (the lock)', async () => {
  const file = join(dir, 'start.journal');
  mkdirSync(`${file}.tmp`);
  let thrown: unknown;
  try {
    open(file).close();
  } catch (error) {
    thrown = error;
  }
  rmSync(`${file}.tmp`, { recursive: true });
  // The cause is gone: the same process opens the journal.
  let again: unknown;
  try {
    await open(file).close();
  } catch (error) {
    again = error;
  }
  assert.ok(thrown instanceof ParityDealsError, `the constructor threw ${String(thrown)}`);
  assert.equal(again, undefined, `a second client in this process: ${String(again)}`);
});

it('a journal rewrite that fails while recording: record() throws only SDK errors, a throw means not delivered, no crash', async () => {
  const file = join(dir, 'usage.journal');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, JOURNAL: file, PD_KEY: emu.apiKey, PD_URL: emu.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (err += c));
  const code = await new Promise((r) => child.on('exit', r));
  const meter = emu.state().usage.find((u) => u.customerId === 'c0')?.value ?? 0;
  const story = `exit ${code}, out ${out.trim()}, server counted ${meter}, stderr: ${err.split('\n').slice(0, 3).join(' | ')}`;
  assert.equal(code, 0, `the process crashed: ${story}`);
  const result = JSON.parse(out) as { accepted: number; thrown?: string; sdkError: boolean; closed: string };
  assert.ok(result.sdkError, `record() threw a non-SDK error: ${story}`);
  assert.equal(meter, result.accepted, story);
  assert.equal(result.closed, 'closed', story);
});
