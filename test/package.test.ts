// The built package as users load it: by name (Node resolves a package's own name through its
// exports map), in ESM and CommonJS, on the node and the edge conditions.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { startEmulator } from '../src/testing/index.js';
import { bundle } from './bundle.js';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Runs a snippet in a fresh Node (no tsx), from the package root, and returns its stdout. */
function node(code: string, args: string[] = []): string {
  return execFileSync(process.execPath, [...args, '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
}

/** The edge entry's budget, minified and gzipped, as a browser or Worker bundle would carry it. */
const EDGE_BUDGET_BYTES = 23 * 1024;

/** The package's subpaths, read from its exports map (so a new subpath is covered too). */
const subpaths = Object.keys(pkg.exports as Record<string, unknown>).filter((p) => p !== './package.json');

/** What the declarations say a module exports as values (type-only exports left out). */
function declaredValues(dts: string): string[] {
  const program = ts.createProgram([dts], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(dts)!;
  return checker
    .getExportsOfModule(checker.getSymbolAtLocation(file)!)
    .filter((symbol) => {
      let target = symbol;
      if (symbol.flags & ts.SymbolFlags.Alias) {
        const typeOnly = symbol.declarations?.some(
          (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
        );
        if (typeOnly) return false;
        target = checker.getAliasedSymbol(symbol);
      }
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.name)
    .sort();
}

describe('package', () => {
  it('has no runtime dependencies', () => {
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.sideEffects, false);
  });

  it('says where it lives and under which licence, and ships the licence', () => {
    for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'license']) assert.ok(pkg[field], field);
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License/);
    const [packed] = JSON.parse(
      // --ignore-scripts: prepack would rebuild dist/ under the other test files reading it.
      execFileSync('npm', ['pack', '--dry-run', '--json', '--silent', '--ignore-scripts'], {
        cwd: root,
        encoding: 'utf8',
      }),
    );
    const files = packed.files.map((f: { path: string }) => f.path);
    assert.ok(files.includes('LICENSE') && files.includes('README.md') && files.includes('package.json'));
    assert.deepEqual(
      files.filter((f: string) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(f)),
      [],
    );
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
  });

  // A browser or worker build of the default entry, ESM and CommonJS: esbuild fails on any Node
  // built-in (`node:x` or bare `x`) it cannot resolve on these platforms, and a `require` left
  // in the output would fail at run time.
  for (const platform of ['browser', 'neutral'] as const) {
    for (const [how, code] of [
      ['import', `export * from 'paritydeals-sdk';`],
      ['require', `module.exports = require('paritydeals-sdk');`],
    ]) {
      it(`bundles for ${platform} (${how}) with no Node built-in`, async () => {
        const { text, inputs } = await bundle(code as string, {
          platform,
          conditions: platform === 'neutral' ? ['workerd', how as string] : [],
          mainFields: ['module', 'main'],
        });
        assert.ok(
          inputs.some((f) => /dist\/index\.c?js$/.test(f)),
          inputs.join(', '),
        );
        // Nor the middleware: the README says the default entry never loads it.
        assert.ok(!inputs.some((f) => /index\.node|sync|testing|express|fastify|hono/.test(f)), inputs.join(', '));
        // (esbuild's own `__commonJS` helper is a `function __require()`; calls with a name are not.)
        assert.doesNotMatch(text, /(?:^|[^\w.])(?:__)?require\(\s*["'`]|import\.meta/m);
      });
    }
  }

  // Everything the default entry exports, so the measure grows with it (cache, usage buffer).
  it('keeps the edge entry within its size budget, and the README says what it weighs', async () => {
    const { text } = await bundle(`export * from 'paritydeals-sdk';`, { platform: 'browser', minify: true });
    const bytes = gzipSync(text, { level: 9 }).length;
    assert.ok(bytes <= EDGE_BUDGET_BYTES, `edge entry is ${bytes} B min+gz, over the ${EDGE_BUDGET_BYTES} B budget`);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const stated = /\| paritydeals-sdk \(edge entry\)\s*\|\s*([\d.]+) KB/.exec(readme);
    assert.ok(stated, 'README lists the edge entry in its size table');
    assert.ok(
      Math.abs(Number(stated[1]) - bytes / 1024) <= 0.5,
      `README says ${stated[1]} KB; measured ${(bytes / 1024).toFixed(1)} KB`,
    );
  });

  it('runs the sync client bundled into one file, away from the package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-sync-bundle-'));
    const emu = await startEmulator();
    try {
      const { text } = await bundle(
        `import { ParityDeals } from 'paritydeals-sdk';
        const client = ParityDeals.createSyncClient({ accessToken: process.env.PD_KEY, baseUrl: process.env.PD_URL, edgeApiUrl: process.env.PD_URL + '/edge', logLevel: 'off' });
        console.log(client.customers.create({ customerId: 'bundled', email: 'b@example.com' }).customerId);
        client.close();`,
        { platform: 'node' },
      );
      writeFileSync(join(dir, 'app.mjs'), text);
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'app.mjs')], {
        env: { ...process.env, PD_KEY: emu.apiKey, PD_URL: emu.url },
        timeout: 20_000,
      });
      assert.equal(stdout.trim(), 'bundled');
      assert.ok(emu.requests().some((r) => r.method === 'POST' && r.path.includes('/customers')));
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A value the declarations promise but the JavaScript lacks compiles, then fails at run time.
  for (const subpath of subpaths) {
    const name = join('paritydeals-sdk', subpath);
    for (const [condition, load] of [
      ['import', `Object.keys(await import('${name}'))`],
      ['require', `Object.keys(createRequire(import.meta.url)('${name}'))`],
    ] as const) {
      it(`${name} (${condition}): every value its declarations export exists`, () => {
        const entry = (pkg.exports[subpath].node ?? pkg.exports[subpath])[condition];
        const declared = declaredValues(join(root, entry.types));
        const actual = JSON.parse(
          node(`import { createRequire } from 'node:module'; console.log(JSON.stringify(${load}));`),
        ) as string[];
        assert.ok(declared.length > 0, entry.types);
        assert.deepEqual(
          declared.filter((n) => !actual.includes(n)),
          [],
          `${entry.types} declares values ${entry.default} lacks`,
        );
      });
    }
  }

  // moduleResolution node10 (CommonJS and NestJS projects) reads no exports map: typesVersions
  // must map each subpath to the declarations its require condition uses.
  it('maps every subpath for node10 type resolution', () => {
    const mapped = pkg.typesVersions['*'] as Record<string, string[]>;
    for (const subpath of subpaths.filter((p) => p !== '.')) {
      const entry = pkg.exports[subpath].node ?? pkg.exports[subpath];
      assert.deepEqual(mapped[subpath.slice(2)], [entry.require.types], subpath);
    }
    assert.equal(Object.keys(mapped).length, subpaths.length - 1);
  });

  it('ships source maps without the sources embedded in them', () => {
    const maps = readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.map'),
    );
    assert.ok(maps.length > 0);
    for (const map of maps)
      assert.equal(JSON.parse(readFileSync(join(root, 'dist', map), 'utf8')).sourcesContent, undefined, map);
  });

  it('runs the CLI from its bin', () => {
    const bin = join(root, pkg.bin.paritydeals);
    assert.equal(pkg.bin['paritydeals-sdk'], pkg.bin.paritydeals);
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.match(help, /mock/);
    const version = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    assert.equal(version, `${pkg.version}\n`);
  });

  // The CLI's parser and CSV reader are bundled into dist/cli (they are devDependencies), so an
  // installed package needs them nowhere, and no other entry carries them.
  it('bundles the CLI dependencies into dist/cli and nowhere else', () => {
    const imports = /(?:from\s*|require\()\s*["'](commander|csv-parse)/;
    for (const file of readdirSync(join(root, 'dist'), { recursive: true, encoding: 'utf8' })) {
      if (!/\.c?js$/.test(file)) continue;
      const text = readFileSync(join(root, 'dist', file), 'utf8');
      assert.doesNotMatch(text, imports, `${file} imports a CLI dependency`);
      if (!file.startsWith('cli/')) assert.doesNotMatch(text, /InvalidArgumentError/, `${file} holds commander`);
    }
    assert.match(readFileSync(join(root, pkg.bin.paritydeals), 'utf8'), /InvalidArgumentError/);
  });
});
