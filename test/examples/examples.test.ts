// The programs under examples/, as a user who copied them runs them: in a project that depends on
// the built package (test/consumer.ts), type-checked strictly, run against the emulator. The Hono
// route and the Worker are bundled the way their runtimes' tools do it, on the edge entry, and
// the Worker runs in workerd (Miniflare).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { type Consumer, consumer, root } from '../consumer.js';
import { useEmulator } from '../support.js';

const h = useEmulator();
let project: Consumer;

before(() => {
  project = consumer(['express', 'hono']);
  for (const example of ['express-app', 'hono-route', 'sync-script', 'cloudflare-worker']) {
    cpSync(join(root, 'examples', example), project.dir, { recursive: true });
  }
});
after(() => project.remove());

const env = () => ({
  PARITYDEALS_ACCESS_TOKEN: h.emu.apiKey,
  PARITYDEALS_BASE_URL: h.emu.url,
  PARITYDEALS_EDGE_API_URL: h.emu.edgeUrl,
  PARITYDEALS_LOG: 'off',
});

/** Bundles an example the way an edge runtime's tooling does: the edge conditions, no Node. */
async function edgeBundle(file: string, conditions: string[]): Promise<{ path: string; inputs: string[] }> {
  const out = join(project.dir, `${file}.bundle.mjs`);
  const result = await build({
    entryPoints: [join(project.dir, file)],
    absWorkingDir: project.dir,
    bundle: true,
    outfile: out,
    format: 'esm',
    platform: 'neutral',
    conditions,
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
    metafile: true,
    // The links in node_modules point into the repository; resolve them where they are.
    preserveSymlinks: false,
  });
  return { path: out, inputs: Object.keys(result.metafile.inputs) };
}

async function until<T>(what: string, check: () => T | undefined, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const usageReports = () =>
  h.emu
    .requests()
    .filter((r) => r.path.includes('/report/usage'))
    .map((r) => r.body as { customer_id: string; feature_id: string; value: number; behaviour: string });

describe('examples', () => {
  it('type-check in a strict project that depends on the package', async () => {
    assert.equal(await project.typecheck(), '');
  });

  it('express-app: gates /reports, meters /api/search, and sends the usage on SIGTERM', async () => {
    h.emu.seed({
      subscriptions: [
        { customerId: 'pro', planIdentifier: 'plan-pro-monthly' },
        { customerId: 'free', planIdentifier: 'free' },
      ],
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: project.dir,
      env: { ...process.env, ...env(), PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await until(`the server (${err})`, () => /listening on (http:\S+)/.exec(out)?.[1], 20_000);
      const get = (path: string, customerId: string) =>
        fetch(`${url}${path}`, { headers: { 'x-customer-id': customerId }, signal: AbortSignal.timeout(10_000) });
      assert.equal((await get('/reports', 'pro')).status, 200);
      const denied = await get('/reports', 'free');
      assert.equal(denied.status, 403);
      assert.equal(((await denied.json()) as { error: string }).error, 'not_entitled');
      for (let i = 0; i < 3; i++) assert.equal((await get('/api/search', 'pro')).status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, err);
      const reports = usageReports().filter((r) => r.customer_id === 'pro');
      assert.equal(
        reports.reduce((sum, r) => sum + r.value, 0),
        3,
        JSON.stringify(reports),
      );
      assert.ok(reports.every((r) => r.behaviour === 'DELTA' && r.feature_id === 'api-calls'));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('hono-route: on the edge entry, gated, and failing open while ParityDeals is down', async () => {
    const { path, inputs } = await edgeBundle('app.ts', ['edge-light', 'worker', 'browser']);
    assert.ok(
      inputs.some((f) => /\/dist\/index\.js$/.test(f)),
      inputs.join(', '),
    );
    assert.ok(!inputs.some((f) => /index\.node/.test(f)), 'the edge entry, not the node one');
    const { createApp } = (await import(pathToFileURL(path).href)) as {
      // (Typed here: importing the example's types would compile it against a package not yet built.)
      createApp(env: Record<string, string>): { request(path: string, init: RequestInit): Promise<Response> };
    };
    h.emu.seed({
      subscriptions: [
        { customerId: 'premium', planIdentifier: 'premium-plan' },
        { customerId: 'free', planIdentifier: 'free' },
      ],
    });
    const app = createApp(env());
    const get = (customerId: string) => app.request('/export', { headers: { 'x-customer-id': customerId } });
    const granted = await get('premium');
    assert.deepEqual([granted.status, await granted.json()], [200, { export: 'started', source: 'network' }]);
    assert.equal((await get('free')).status, 403);
    h.emu.setFaults([{ type: 'status', status: 503, path: '/entitlements' }]);
    const open = await get('never-seen');
    assert.deepEqual([open.status, await open.json()], [200, { export: 'started', source: 'fallback' }]);
  });

  it('sync-script: creates the customer once, prints a checkout link and the entitlements', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'provision.ts', ...args], {
        cwd: project.dir,
        env: { ...process.env, ...env() },
        timeout: 30_000,
      });
    const first = await run('cust_sync', 'ada@example.com');
    assert.match(first.stdout, /^customer cust_sync created\ncheckout: http\S+\n {2}no entitlements yet/);
    const second = await run('cust_sync');
    assert.match(second.stdout, /^customer cust_sync exists/);
    const creates = h.emu.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/customers/');
    assert.equal(creates.length, 1);
  });

  it('cloudflare-worker: runs in workerd, gates on api-calls and reports each use after answering', async () => {
    const { path, inputs } = await edgeBundle('worker.ts', ['workerd', 'worker', 'browser']);
    assert.ok(!inputs.some((f) => /index\.node/.test(f)));
    const { Miniflare } = await import('miniflare');
    const { readFileSync } = await import('node:fs');
    const mf = new Miniflare({
      modules: true,
      script: readFileSync(path, 'utf8'),
      compatibilityDate: '2025-09-01',
      bindings: env(),
    });
    try {
      h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
      const post = (customerId: string) =>
        mf.dispatchFetch('http://worker.local/generate', { method: 'POST', headers: { 'x-customer-id': customerId } });
      for (let i = 0; i < 2; i++) {
        const res = await post('pro');
        assert.deepEqual([res.status, await res.json()], [200, { text: 'generated' }]);
      }
      const denied = await post('nobody-known');
      assert.equal(denied.status, 500, 'an unknown customer is an error the Worker does not catch');
      await denied.text();
      await until('two usage reports', () => (usageReports().length >= 2 ? true : undefined));
      assert.deepEqual(
        usageReports().map((r) => [r.customer_id, r.feature_id, r.value, r.behaviour]),
        [
          ['pro', 'api-calls', 1, 'DELTA'],
          ['pro', 'api-calls', 1, 'DELTA'],
        ],
      );
      assert.equal(h.emu.requests().filter((r) => r.host === 'edge').length, 2, 'the second check was cached');
    } finally {
      await mf.dispose();
    }
  });
});
