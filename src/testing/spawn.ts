// spawnEmulator(): the emulator in a child process, driven over the admin HTTP API. For tests
// that block their own event loop (the synchronous client) and so cannot serve HTTP in-process.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Catalog } from './catalog.js';
import type { ChildMessage } from './child.js';
import type { Fault } from './faults.js';
import type { RecordedRequest } from './recorder.js';
import type { EmulatorState, SeedResult, SeedState } from './records.js';
import type { EmulatorOptions, RemoteEmulator } from './types.js';

/** `spawnEmulator()`'s options: the emulator's, and what the child process needs. */
export interface SpawnEmulatorOptions extends Omit<EmulatorOptions, 'catalog' | 'now'> {
  /** A Catalog object, or the path of a catalog JSON file the child loads. Default DEFAULT_CATALOG. */
  catalog?: Catalog | string;
  /** The emulated clock's start. Default: real now. */
  now?: Date | number;
  /** How long to wait for the child to listen before failing. Default 15 000 ms. */
  startTimeoutMs?: number;
}

const KILL_GRACE_MS = 3000;

/**
 * Starts the emulator in a child process and returns the same controls as startEmulator(),
 * asynchronous. The child dies with close(), and on its own if this process goes away.
 *
 * @example
 * const emu = await spawnEmulator();
 * const client = ParityDeals.createSyncClient({ accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl });
 * // ...
 * await emu.close();
 */
export async function spawnEmulator(options: SpawnEmulatorOptions = {}): Promise<RemoteEmulator> {
  const { startTimeoutMs = 15_000, now, ...rest } = options;
  const child = fork(childEntry(), [], {
    execArgv: childExecArgv(process.execArgv),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`spawnEmulator: ${why}${stderr ? `\n--- child stderr ---\n${stderr}` : ''}`));
    };
    const timer = setTimeout(() => fail(`the child did not start within ${startTimeoutMs} ms`), startTimeoutMs);
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`the child exited early (code ${code}, signal ${signal})`));
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'error') return fail(msg.message);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve(msg);
    });
    child.send({ type: 'start', options: { ...rest, ...(now !== undefined ? { now: new Date(now).getTime() } : {}) } });
  });

  // Let this process exit even if a test forgets close(): the child notices the broken IPC
  // channel and stops itself.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();

  const base = `${ready.url}/__emulator`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + path, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) {
      let detail = text;
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
      } catch {
        /* keep the text */
      }
      throw new Error(`Emulator admin ${method} ${path} failed (${res.status}): ${detail}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };

  let closing: Promise<void> | undefined;
  return {
    url: ready.url,
    edgeUrl: ready.edgeUrl,
    apiKey: ready.apiKey,
    port: ready.port,
    pid: child.pid ?? -1,
    close: () => (closing ??= stopChild(child)),
    requests: () => call<RecordedRequest[]>('GET', '/requests'),
    clearRequests: () => call<void>('DELETE', '/requests'),
    setFaults: (faults: Fault[]) => call<unknown>('PUT', '/faults', { faults }).then(() => undefined),
    clearFaults: () => call<void>('DELETE', '/faults'),
    advanceClock: (ms: number) => call<unknown>('POST', '/clock', { advanceMs: ms }).then(() => undefined),
    now: () => call<{ now: string }>('GET', '/clock').then((r) => new Date(r.now)),
    reset: () => call<void>('POST', '/reset'),
    seed: (state: SeedState) => call<SeedResult>('POST', '/seed', state),
    completeCheckout: (id: string) =>
      call<{ customerId: string; subscriptionId: string }>('POST', `/checkout/${encodeURIComponent(id)}/complete`),
    state: () => call<EmulatorState>('GET', '/state'),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.ref();
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** This module's file, in ESM (import.meta.url) and in a CommonJS build (__filename). */
function currentFile(): string {
  const metaUrl = (import.meta as { url?: unknown }).url;
  if (typeof metaUrl === 'string' && metaUrl.startsWith('file:')) return fileURLToPath(metaUrl);
  return typeof __filename === 'string' ? __filename : process.cwd();
}

/** The child entry next to this module: child.ts under tsx, child.js/.cjs in a build. A
 *  bundler may put this code in a shared chunk one level up, hence the testing/ candidates. */
function childEntry(): string {
  const here = currentFile();
  const dir = dirname(here);
  const own = extname(here);
  const exts = [own, '.js', '.mjs', '.cjs'].filter((e, i, all) => e && all.indexOf(e) === i);
  const candidates = exts.flatMap((ext) => [
    join(dir, `child${ext}`),
    join(dir, 'testing', `child${ext}`),
    join(dir, '..', 'testing', `child${ext}`),
  ]);
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new Error(`spawnEmulator: cannot find the emulator child entry; looked for ${candidates.join(', ')}`);
  return found;
}

/** The parent's loaders (e.g. `--import tsx`) without test-runner, watch or inspector flags,
 *  which would make the child run tests, restart, or fight over the debug port. */
export function childExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    const name = arg.split('=')[0] as string;
    if (
      name === '--test' ||
      name.startsWith('--test-') ||
      name.startsWith('--experimental-test') ||
      name.startsWith('--watch') ||
      name.startsWith('--inspect')
    ) {
      // Flags taking a separate value (`--test-reporter spec`) take the next argument along.
      const next = execArgv[i + 1];
      if (!arg.includes('=') && next !== undefined && !next.startsWith('-') && name !== '--test' && name !== '--watch')
        i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
