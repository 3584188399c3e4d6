import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { exposureWarning } from '../../../src/cli/commands/mock.js';
import { main } from '../../../src/cli/main.js';
import { VERSION } from '../../../src/index.js';

const ENTRY = fileURLToPath(new URL('../../../src/cli/index.ts', import.meta.url));

function runCli(args: string[]): {
  child: ChildProcess;
  output: () => { out: string; err: string };
  line: (re: RegExp) => Promise<RegExpExecArray>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    for (const w of waiters) w();
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${re}; stdout: ${out}; stderr: ${err}`)),
        15_000,
      );
      const check = () => {
        const m = re.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      waiters.push(check);
      check();
    });
  return { child, output: () => ({ out, err }), line, exit };
}

describe('paritydeals mock (process)', () => {
  it('prints the URLs, serves with the given keys and catalog, and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-cli-'));
    const catalog = join(dir, 'catalog.json');
    await writeFile(
      catalog,
      JSON.stringify({
        features: [{ identifier: 'f', type: 'BOOLEAN' }],
        plans: [{ identifier: 'only', name: 'Only', chargePeriods: ['MONTHLY'], entitlements: { f: true } }],
      }),
    );
    const cli = runCli([
      'mock',
      '--port',
      '0',
      '--key',
      'first',
      '--key',
      'second',
      '--catalog',
      catalog,
      '--seed',
      '3',
    ]);
    const [, url] = await cli.line(/API \(baseUrl\):\s+(http:\/\/127\.0\.0\.1:\d+)\n/);
    assert.match(cli.output().out, new RegExp(`Edge \\(edgeApiUrl\\):\\s+${url}/edge`));
    assert.match(cli.output().out, /API key:\s+first/);
    const ok = await fetch(`${url}/api/v1/checkout/`, {
      method: 'POST',
      headers: { authorization: 'Bearer second', 'content-type': 'application/json' },
      body: JSON.stringify({ planIdentifier: 'only', chargePeriod: 'MONTHLY', successUrl: 'https://a.test/' }),
    });
    assert.equal(ok.status, 201);
    const denied = await fetch(`${url}/api/v1/customers/`, {
      headers: { authorization: 'Bearer pd_test_emulator_key' },
    });
    assert.equal(denied.status, 401);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit, 0);
    assert.match(cli.output().out, /Received SIGTERM, stopping\.\nStopped\.\n$/);
    await assert.rejects(fetch(`${url}/__emulator/health`));
  });

  it('stops on SIGINT too', async () => {
    const cli = runCli(['mock', '--port', '0']);
    await cli.line(/Press Ctrl\+C to stop\./);
    cli.child.kill('SIGINT');
    assert.equal(await cli.exit, 0);
  });

  it('exits 2 with usage on bad flags, 1 when the port is taken', async () => {
    const bad = runCli(['mock', '--prot', '1']);
    assert.equal(await bad.exit, 2);
    assert.match(bad.output().err, /error: unknown option '--prot'/);
    assert.match(bad.output().err, /add --help for usage/);

    const first = runCli(['mock', '--port', '0']);
    const [, port] = await first.line(/127\.0\.0\.1:(\d+)\n/);
    const second = runCli(['mock', '--port', port as string]);
    assert.equal(await second.exit, 1);
    assert.match(second.output().err, new RegExp(`port ${port} is already in use`));
    first.child.kill('SIGTERM');
    assert.equal(await first.exit, 0);
  });
});

describe('paritydeals main (in process)', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };

  it('runs mock until a signal arrives on the given emitter', async () => {
    const signals = new EventEmitter();
    const t = io();
    const running = main(['mock', '--port', '0'], t.io, { signals });
    while (!t.out.some((l) => l.startsWith('Press Ctrl+C'))) await new Promise((r) => setTimeout(r, 10));
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(t.out.join('\n'))?.[0];
    assert.equal((await fetch(`${url}/__emulator/health`)).status, 200);
    signals.emit('SIGINT');
    assert.equal(await running, 0);
    assert.equal(signals.listenerCount('SIGINT'), 0, 'handlers removed');
    assert.deepEqual(t.out.slice(-2), ['Received SIGINT, stopping.', 'Stopped.']);
  });

  it('warns that a non-loopback --host exposes the unauthenticated admin API, before listening', async () => {
    assert.equal(exposureWarning(undefined), undefined);
    for (const loopback of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      assert.equal(exposureWarning(loopback), undefined);
    for (const open of ['0.0.0.0', '::', '192.168.1.20']) {
      assert.match(exposureWarning(open) ?? '', /warning: --host .* admin API \(\/__emulator\/\) takes no key/);
    }
    // The whole command, without exposing anything: 203.0.113.1 (TEST-NET-3) is no local
    // address, so the bind fails, after the warning was printed.
    const t = io();
    assert.equal(
      await main(['mock', '--port', '0', '--host', '203.0.113.1'], t.io, { signals: new EventEmitter() }),
      1,
    );
    assert.match(
      t.err[0] ?? '',
      /^paritydeals mock: warning: --host 203\.0\.113\.1 lets other machines reach this emulator/,
    );
    const quiet = io();
    const signals = new EventEmitter();
    const running = main(['mock', '--port', '0'], quiet.io, { signals });
    while (!quiet.out.some((l) => l.startsWith('Press Ctrl+C'))) await new Promise((r) => setTimeout(r, 10));
    signals.emit('SIGTERM');
    assert.equal(await running, 0);
    assert.deepEqual(quiet.err, [], 'no warning on loopback');
  });

  it('prints help and rejects unknown commands', async () => {
    const help = io();
    assert.equal(await main(['--help'], help.io), 0);
    assert.match(help.out[0] ?? '', /Usage: paritydeals \[options\] \[command\]/);
    const none = io();
    assert.equal(await main([], none.io), 2);
    const unknown = io();
    assert.equal(await main(['serve'], unknown.io), 2);
    assert.match(unknown.err[0] ?? '', /unknown command 'serve'/);
    const mockHelp = io();
    assert.equal(await main(['mock', '-h'], mockHelp.io), 0);
    assert.match(mockHelp.out[0] ?? '', /--key <key>/);
    const version = io();
    assert.equal(await main(['--version'], version.io), 0);
    assert.deepEqual(version.out, [VERSION]);
  });
});
