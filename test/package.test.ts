// The built package as users load it: by name (Node resolves a package's own name through its
// exports map), in ESM and CommonJS, on the node and the edge conditions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Runs a snippet in a fresh Node (no tsx), from the package root, and returns its stdout. */
function node(code: string, args: string[] = []): string {
  return execFileSync(process.execPath, [...args, '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
}

/** Every file a built ESM entry loads, following relative imports. */
function graph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*['"](\.[^'"]+)['"]/g))
    graph(join(dirname(file), m[1] as string), seen);
  return seen;
}

describe('package', () => {
  it('has no runtime dependencies', () => {
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.sideEffects, false);
  });

  it('loads by name in ESM and CommonJS, with every subpath', () => {
    const out = node(`
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const esm = await import('paritydeals-sdk');
      const cjs = require('paritydeals-sdk');
      const sync = await import('paritydeals-sdk/sync');
      const testing = require('paritydeals-sdk/testing');
      const redisEsm = await import('paritydeals-sdk/redis');
      const redisCjs = require('paritydeals-sdk/redis');
      console.log([typeof esm.ParityDeals.createAsyncClient, typeof cjs.ParityDeals, typeof sync.SyncParityDeals,
        typeof testing.startEmulator, typeof redisEsm.redisStore, typeof redisCjs.redisStore, esm.VERSION,
        new cjs.NotFoundError('x', { status: 404, body: {} }) instanceof esm.APIError].join(' '));
    `);
    assert.equal(out, `function function function function function function ${pkg.version} true`);
  });

  it('exports the blocking client from the main entry on Node, the same class as paritydeals-sdk/sync', () => {
    const out = node(`
      const main = await import('paritydeals-sdk');
      const sync = await import('paritydeals-sdk/sync');
      console.log(typeof main.SyncParityDeals, main.SyncParityDeals === sync.SyncParityDeals, main.SyncPage === sync.SyncPage);
    `);
    assert.equal(out, 'function true true');
  });

  it('gives edge runtimes an entry without Node built-ins', () => {
    const out = node(
      `
      const sdk = await import('paritydeals-sdk');
      try { sdk.ParityDeals.createSyncClient({ accessToken: 'k' }); } catch (e) { console.log(e.message.includes('worker threads')); }
    `,
      ['--conditions=workerd'],
    );
    assert.equal(out, 'true');
    const files = [...graph(join(root, 'dist/index.js'))];
    assert.ok(files.length > 1);
    for (const file of files) assert.doesNotMatch(readFileSync(file, 'utf8'), /['"]node:[a-z_/]+['"]/, file);
  });

  it('runs the CLI from its bin', () => {
    const bin = join(root, pkg.bin.paritydeals);
    assert.equal(pkg.bin['paritydeals-sdk'], pkg.bin.paritydeals);
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.match(help, /mock/);
  });
});
