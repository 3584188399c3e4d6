// npm run smoke: the packed package (npm pack) installed into one small project per runtime,
// each making real calls against one emulator process, plus the package linters. Prints one
// line per check and a closing "N passed, N failed"; exits non-zero if any failed.
//
//   node smoke/run.mjs [name-filter]     e.g. `node smoke/run.mjs deno` runs the Deno checks only
//
// Tools (Bun, Deno, workerd, Chromium's driver, bundlers, the oldest and newest Node) are this
// folder's devDependencies, installed once with `npm ci`; each project gets only the tarball.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const smoke = fileURLToPath(new URL('.', import.meta.url));
const root = join(smoke, '..');
const work = join(root, '.tmp', 'smoke');
const bin = (name) => join(smoke, 'node_modules', '.bin', name);
const filter = process.argv[2];
/** Every step's own bound: a hung runtime fails its check instead of the whole CI run. */
const STEP_TIMEOUT_MS = 120_000;
const started = performance.now();

/** Runs a command; resolves with its output, rejects with it (and the exit status) on failure. */
function run(cmd, args, { cwd = root, env, timeout = STEP_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out.trim());
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${signal ?? code}:\n${out.trim()}`));
    });
  });
}

// ---- the tarball, the tools, and the projects ------------------------------------------------

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
// From no build at all, as a fresh clone is: `npm pack` itself must build (the prepack script),
// or every project below gets a package without dist/.
console.log('smoke: packing (npm pack builds first)');
rmSync(join(root, 'dist'), { recursive: true, force: true });
await run('npm', ['pack', '--silent', '--pack-destination', work]);
const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) ?? 'no tarball');
// Its figures, now that dist/ is built (prepack's own output would mix into --json).
const [packed] = JSON.parse(await run('npm', ['pack', '--dry-run', '--json', '--silent', '--ignore-scripts']));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// The tools' install is skipped when node_modules already matches the lockfile.
const lock = join(smoke, 'package-lock.json');
const installed = join(smoke, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('smoke: installing the tools (npm ci in smoke/)');
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: smoke, timeout: 600_000 });
}
const tools = createRequire(join(smoke, 'package.json'));
const version = (name) => JSON.parse(readFileSync(join(smoke, 'node_modules', name, 'package.json'), 'utf8')).version;

const projects = ['node', 'typescript', 'bun', 'deno', 'workerd', 'browser'];
console.log(`smoke: installing ${packed.filename} into ${projects.join(', ')}`);
await Promise.all(
  projects.map((p) =>
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--no-package-lock', tarball], {
      cwd: join(smoke, p),
    }),
  ),
);

// One emulator for every project, in its own process (sync clients block their thread), from
// the tarball's own paritydeals-sdk/testing.
const { spawnEmulator } = await import(
  pathToFileURL(join(smoke, 'node', 'node_modules', 'paritydeals-sdk', 'dist', 'testing', 'index.js')).href
);
const emu = await spawnEmulator();
const tag = Date.now().toString(36);
const callArgs = [emu.url, emu.apiKey, tag];

// ---- the checks ---------------------------------------------------------------------------------

/** @type {{ name: string, fn: () => Promise<string> }[]} */
const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('package: attw, every resolution mode', async () => {
  const out = await run(bin('attw'), [tarball, '--format', 'ascii'], { env: { NO_COLOR: '1', FORCE_COLOR: '0' } });
  return `attw ${version('@arethetypeswrong/cli')}: ${
    out
      .split('\n')
      .find((l) => /problems/i.test(l))
      ?.trim() ?? out
  }`;
});
check('package: publint --strict', async () => {
  const out = await run(bin('publint'), ['--strict', tarball]);
  return `publint ${version('publint')}: ${out.split('\n').at(-1)}`;
});

// The oldest Node `engines` promises, this machine's, and the newest LTS.
const minimum = tools('semver').minVersion(pkg.engines.node).version;
const nodes = [
  ['node18', join(smoke, 'node_modules', 'node18', 'bin', 'node')],
  ['current', process.execPath],
  ['node26', join(smoke, 'node_modules', 'node26', 'bin', 'node')],
];
check('node: engines names the oldest Node the smoke run proves', async () => {
  if (version('node18') !== minimum)
    throw new Error(`engines.node says ${pkg.engines.node}; smoke runs ${version('node18')}`);
  return `engines.node ${pkg.engines.node} = Node ${minimum}`;
});
for (const [label, node] of nodes) {
  for (const file of ['main.mjs', 'main.cjs']) {
    check(`node ${file === 'main.mjs' ? 'import' : 'require'} (${label})`, async () => {
      const v = await run(node, ['--version']);
      return `${v}: ${await run(node, [file, emu.url, emu.apiKey, `${tag}-${label}`], { cwd: join(smoke, 'node') })}`;
    });
  }
}

const ts = join(smoke, 'typescript');
for (const file of ['esm.mts', 'cjs.cts', 'bundler.ts', 'node10.ts']) cpSync(join(ts, 'usage.ts'), join(ts, file));
for (const mode of ['node16', 'bundler', 'node10']) {
  check(`typescript ${mode}`, async () => {
    await run(process.execPath, [bin('tsc'), '-p', `tsconfig.${mode}.json`], { cwd: ts });
    const files = JSON.parse(readFileSync(join(ts, `tsconfig.${mode}.json`), 'utf8')).files;
    return `tsc ${version('typescript')}: ${files.join(', ')} type-check`;
  });
}

check('bun', () => run(bin('bun'), ['main.ts', ...callArgs], { cwd: join(smoke, 'bun') }));

const host = new URL(emu.url).host;
check(`deno --allow-net=${host}`, () =>
  run(bin('deno'), ['run', `--allow-net=${host}`, 'main.ts', ...callArgs], { cwd: join(smoke, 'deno') }),
);
check('deno without --allow-net: the error names it', () =>
  run(bin('deno'), ['run', '--no-prompt', 'main.ts', ...callArgs, '--expect-denied'], { cwd: join(smoke, 'deno') }),
);

// A Worker built the way Wrangler builds one (esbuild, the workerd/worker/browser conditions),
// run in workerd by Miniflare with no compatibility flags.
for (const entry of ['worker.mjs', 'worker.cjs']) {
  check(`workerd ${entry.endsWith('.mjs') ? 'import' : 'require'}`, async () => {
    const { build } = tools('esbuild');
    const { Miniflare } = await import(pathToFileURL(tools.resolve('miniflare')).href);
    const out = await build({
      entryPoints: [join(smoke, 'workerd', entry)],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      target: 'es2022',
      logLevel: 'silent',
    });
    const mf = new Miniflare({ modules: true, script: out.outputFiles[0].text, compatibilityDate: '2025-09-01' });
    try {
      const q = new URLSearchParams({ url: emu.url, key: emu.apiKey, tag });
      const res = await mf.dispatchFetch(`http://worker.local/?${q}`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(text);
      return `workerd ${version('workerd')}: ${text}`;
    } finally {
      await mf.dispose();
    }
  });
}

// The page, bundled by esbuild and by Vite, served with a proxy that sends everything but the
// page's own files to the emulator (same origin), run in Debian's Chromium.
const browserBuilds = {
  esbuild: async (out) => {
    const { build } = tools('esbuild');
    await build({
      entryPoints: [join(smoke, 'browser', 'main.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      outfile: join(out, 'main.js'),
      logLevel: 'silent',
    });
    cpSync(join(smoke, 'browser', 'index.html'), join(out, 'index.html'));
    return `esbuild ${version('esbuild')}`;
  },
  vite: async (out) => {
    await run(
      process.execPath,
      [
        join(smoke, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--outDir',
        out,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      {
        cwd: join(smoke, 'browser'),
      },
    );
    return `vite ${version('vite')}`;
  },
};
for (const [bundler, buildPage] of Object.entries(browserBuilds)) {
  check(`browser (${bundler}, Chromium)`, async () => {
    const out = join(work, `browser-${bundler}`);
    const built = await buildPage(out);
    return inChromium(out, `${bundler}-${tag}`, built);
  });
}

// The README's size table, measured here the way npm test measures the budget: esbuild, minified,
// gzip -9. The official SDK does not bundle for browsers (it requires `crypto`), so it is
// measured for Node, its built-ins left out.
check('size: the edge entry beside the official SDK', async () => {
  const { build } = tools('esbuild');
  const { gzipSync } = await import('node:zlib');
  const measure = async (name, dir, platform) => {
    const out = await build({
      stdin: { contents: `export * from '${name}';`, resolveDir: dir, loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform,
      minify: true,
      logLevel: 'silent',
    });
    return gzipSync(out.outputFiles[0].contents, { level: 9 }).length / 1024;
  };
  const ours = await measure('paritydeals-sdk', join(smoke, 'browser'), 'browser');
  const theirs = await measure('@kelviq/node-sdk', smoke, 'node');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const [label, kb] of [
    ['paritydeals-sdk (edge entry)', ours],
    [`@kelviq/node-sdk ${version('@kelviq/node-sdk')} (the official SDK)`, theirs],
  ]) {
    const stated = new RegExp(`\\| ${label.replace(/[()]/g, '\\$&')}\\s*\\|\\s*([\\d.]+) KB`).exec(readme);
    if (!stated || Math.abs(Number(stated[1]) - kb) > 0.5)
      throw new Error(`README's size table says ${stated?.[1]} KB for ${label}; measured ${kb.toFixed(1)} KB`);
  }
  return `edge entry ${ours.toFixed(1)} KB, official SDK ${theirs.toFixed(1)} KB (min+gz)`;
});

async function inChromium(dir, pageTag, built) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = path === '/' ? 'index.html' : path.slice(1);
    if (
      req.method === 'GET' &&
      !file.includes('..') &&
      existsSync(join(dir, file)) &&
      statSync(join(dir, file)).isFile()
    ) {
      res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'text/javascript' });
      res.end(readFileSync(join(dir, file)));
      return;
    }
    const upstream = new URL(req.url, emu.url);
    const forward = request(
      upstream,
      { method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = tools('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
    ],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const q = new URLSearchParams({ key: emu.apiKey, tag: pageTag });
    await page.goto(`http://127.0.0.1:${server.address().port}/?${q}`);
    const handle = await page.waitForFunction(() => window.smoke, undefined, { timeout: 30_000 });
    const result = await handle.jsonValue();
    if (!result.ok || errors.length) throw new Error([result.summary, ...errors].join('\n'));
    proven.chromium = browser.version();
    return `${built}, Chromium ${browser.version()}: ${result.summary}`;
  } finally {
    await browser.close();
    server.close();
  }
}

// The README's Runtimes table must name what ran here (and the run fails when a tool moves on).
const proven = {};
check('README: the Runtimes table names the versions proven', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Runtimes'), readme.indexOf('## Size'));
  const minor = (v) => v.split('.').slice(0, 2).join('.');
  const expected = [
    minimum,
    `, ${process.versions.node.split('.')[0]},`,
    minor(version('node26')),
    minor(version('typescript')),
    version('bun'),
    version('deno'),
    `workerd ${minor(version('workerd'))}`,
    `Miniflare ${version('miniflare').split('.')[0]}`,
    `esbuild ${minor(version('esbuild'))}`,
    `Vite ${minor(version('vite'))}`,
    ...(proven.chromium ? [`Chromium ${proven.chromium.split('.')[0]}`] : []),
  ];
  const missing = expected.filter((v) => !table.includes(v));
  if (missing.length) throw new Error(`README's Runtimes table lacks ${missing.join('; ')}`);
  return expected.join('; ');
});

// ---- run --------------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
try {
  for (const { name, fn } of checks) {
    if (filter && !name.includes(filter)) continue;
    const t = performance.now();
    try {
      let timer;
      const detail = await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no result within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      passed++;
      console.log(
        `✔ ${name} (${Math.round(performance.now() - t)} ms)\n    ${detail.split('\n').slice(-4).join('\n    ')}`,
      );
    } catch (error) {
      failed++;
      console.log(
        `✖ ${name} (${Math.round(performance.now() - t)} ms)\n    ${String(error?.message ?? error).replaceAll('\n', '\n    ')}`,
      );
    }
  }
} finally {
  await emu.close();
}
writeFileSync(
  join(work, 'summary.json'),
  JSON.stringify({ passed, failed, tarball: packed.size, unpacked: packed.unpackedSize }),
);
console.log(
  `smoke: tarball ${(packed.size / 1024).toFixed(1)} KB (${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked, ${packed.entryCount} files); ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`${passed} passed, ${failed} failed`);
// A check that timed out may have left a browser or workerd running: do not wait for it.
process.exit(failed ? 1 : 0);
