// The process-end hooks, in real child processes: SIGTERM mid-stream delivers everything
// record() accepted and the child still dies by SIGTERM; beforeExit flushes a program that just
// ends; without hooks, the flush timer does not keep a process alive.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '../../src/testing/index.js';
import { meters } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'recorder-child.ts');

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
});
beforeEach(() => {
  emu.reset();
  emu.seed({ customers: Array.from({ length: 10 }, (_, i) => ({ customerId: `c${i}` })) });
});
after(() => emu.close());

interface Run {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

function run(env: Record<string, string>): Run {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, PD_KEY: emu.apiKey, PD_URL: emu.url, PD_EDGE: emu.edgeUrl, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started })),
  );
  return { child, lines, exited };
}

function lastState(lines: string[]): { accepted: number; totals: Record<string, number> } {
  return JSON.parse(lines.filter((l) => l.startsWith('{"accepted"')).pop() as string);
}

function lost(lines: string[]): number {
  return lines.filter((l) => l.startsWith('{"lost"')).reduce((sum, l) => sum + JSON.parse(l).lost, 0);
}

async function untilLines(r: Run, n: number): Promise<void> {
  for (let i = 0; i < 300 && r.lines.length < n; i++) await new Promise((res) => setTimeout(res, 50));
  assert.ok(r.lines.length >= n, `the child wrote ${r.lines.length} lines`);
}

describe('usage.exitHooks', () => {
  for (const client of ['async', 'sync']) {
    it(`${client} client: SIGTERM mid-stream delivers everything accepted, then the child dies by SIGTERM`, async () => {
      // A long interval, so what is delivered is the hook's doing, not the timer's.
      const r = run({ CLIENT: client, HOOKS: '1', FLUSH_INTERVAL: '60000' });
      await untilLines(r, 30);
      r.child.kill('SIGTERM');
      const { code, signal } = await r.exited;
      assert.equal(signal, 'SIGTERM', `exit code ${code}`);
      const { accepted, totals } = lastState(r.lines);
      assert.ok(accepted >= 30 * 200);
      assert.deepEqual(meters(emu), totals);
    });
  }

  it('an API that hangs at SIGTERM: the hook gives up at its timeout, hands every amount to onError, dies by SIGTERM', async () => {
    emu.setFaults([{ type: 'hang', path: '/report/usage/' }]);
    const r = run({ CLIENT: 'async', HOOKS: '1', FLUSH_INTERVAL: '60000', EXIT_TIMEOUT: '300' });
    await untilLines(r, 10);
    r.child.kill('SIGTERM');
    const { signal } = await r.exited;
    assert.equal(signal, 'SIGTERM');
    const { accepted, totals } = lastState(r.lines);
    const sum = Object.values(totals).reduce((a, b) => a + b, 0);
    assert.ok(accepted > 0);
    assert.deepEqual(meters(emu), {});
    assert.equal(lost(r.lines), sum, 'every accepted amount reached onError');
  });

  it("when the app listens for SIGTERM too, the app's handler decides how the process ends", async () => {
    const r = run({ CLIENT: 'async', HOOKS: '1', FLUSH_INTERVAL: '60000', APP_SIGTERM: '1' });
    await untilLines(r, 10);
    r.child.kill('SIGTERM');
    const { code, signal } = await r.exited;
    assert.deepEqual([code, signal], [7, null]);
    assert.deepEqual(meters(emu), lastState(r.lines).totals);
  });

  it('beforeExit: a program that records and just ends has its usage delivered, exit code 0', async () => {
    const r = run({ CLIENT: 'async', HOOKS: '1', FLUSH_INTERVAL: '60000', BATCHES: '5' });
    const { code, signal } = await r.exited;
    assert.deepEqual([code, signal], [0, null]);
    assert.deepEqual(meters(emu), lastState(r.lines).totals);
  });

  for (const client of ['async', 'sync']) {
    it(`${client} client without hooks: the timer keeps no process alive, and what was never sent reaches onError at exit`, async () => {
      const r = run({ CLIENT: client, FLUSH_INTERVAL: '60000', BATCHES: '1' });
      const { code, ms } = await r.exited;
      assert.equal(code, 0);
      assert.ok(ms < 30_000, `exited after ${ms} ms, not at the 60 s interval`);
      assert.deepEqual(meters(emu), {}, 'nothing was flushed: that is what the hooks are for');
      const sum = Object.values(lastState(r.lines).totals).reduce((a, b) => a + b, 0);
      assert.ok(sum > 0);
      assert.equal(lost(r.lines), sum, 'but not silently: every amount went to onError');
    });
  }
});
