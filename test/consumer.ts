// A project outside this repository that depends on the built package, as a user's app does:
// node_modules/paritydeals-sdk links to the repository (its exports map and dist/), TypeScript
// is strict with exactOptionalPropertyTypes, and files run under tsx.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = new URL('..', import.meta.url).pathname;

/** The compiler options of a demanding user's app. */
export const COMPILER_OPTIONS = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  target: 'es2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  types: ['node'],
  noEmit: true,
  skipLibCheck: false,
};

export interface Consumer {
  dir: string;
  /** Writes `files` (name → text) into the project. */
  write(files: Record<string, string>): void;
  /** Runs tsc over the project; resolves with its output, empty when everything type-checks. */
  typecheck(): Promise<string>;
  /** Runs one file with tsx; resolves with stdout, rejects (with stderr) on a non-zero exit. */
  run(file: string, env?: Record<string, string>): Promise<string>;
  remove(): void;
}

/** A consumer project; `packages` are more of the repository's node_modules to install in it. */
export function consumer(packages: readonly string[] = []): Consumer {
  const dir = mkdtempSync(join(tmpdir(), 'paritydeals-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  for (const [name, target] of [
    ['paritydeals-sdk', root],
    ['@types', join(root, 'node_modules/@types')],
    ['tsx', join(root, 'node_modules/tsx')],
    // What a user of paritydeals-sdk/redis installs beside it.
    ['ioredis', join(root, 'node_modules/ioredis')],
    ...packages.map((name) => [name, join(root, 'node_modules', name)] as const),
  ] as const) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(dir, 'node_modules', name), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['*.ts'] }, null, 2),
  );
  return {
    dir,
    write(files) {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    },
    async typecheck() {
      const tsc = join(root, 'node_modules/typescript/bin/tsc');
      try {
        await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: dir });
        return '';
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message: string };
        return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
      }
    },
    async run(file, env = {}) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
        cwd: dir,
        env: { ...process.env, ...env },
        timeout: 30_000,
      });
      return stdout;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
