// Running `paritydeals` in tests: in process through main() (fast, most tests), or as the real
// bin in a child process where exit codes, streams and terminals are the point.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { Emulator } from '../../src/testing/index.js';

export const ENTRY = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));

export interface Run {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON. */
  json: () => any;
}

/** The environment that points the CLI at the emulator. */
export function envFor(emu: Emulator): Record<string, string> {
  return {
    PARITYDEALS_ACCESS_TOKEN: emu.apiKey,
    PARITYDEALS_BASE_URL: emu.url,
    PARITYDEALS_EDGE_API_URL: emu.edgeUrl,
  };
}

export async function cli(
  args: string[],
  env: Record<string, string | undefined>,
  extra: { signals?: EventEmitter; stderrIsTTY?: boolean; raw?: string[] } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      errRaw: (t) => extra.raw?.push(t),
    },
    { env, signals: extra.signals ?? new EventEmitter(), stderrIsTTY: extra.stderrIsTTY ?? false },
  );
  const text = out.join('\n');
  return { code, out: text, err: err.join('\n'), json: () => JSON.parse(text) };
}

/** The bin in a child process (tsx), with only the given environment added. */
export function cliProcess(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err, json: () => JSON.parse(out) }));
  });
}
