import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { childExecArgv } from '../../src/testing/spawn.js';
import { DEFAULT_CATALOG, spawnEmulator, type RemoteEmulator } from '../../src/testing/index.js';
import { call, DAY } from './helpers.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('spawnEmulator', () => {
  let emu: RemoteEmulator;
  before(async () => {
    emu = await spawnEmulator({ now: Date.UTC(2025, 0, 1), apiKeys: ['child-key'], seed: 5 });
  });
  after(() => emu.close());

  it('runs the emulator in another process', async () => {
    assert.notEqual(emu.pid, process.pid);
    assert.ok(alive(emu.pid));
    assert.equal(emu.apiKey, 'child-key');
    assert.equal(emu.edgeUrl, `${emu.url}/edge`);
    assert.equal(emu.url, `http://127.0.0.1:${emu.port}`);
  });

  it('offers the same controls, asynchronously', async () => {
    assert.equal((await call(emu, 'POST', '/customers/', { customerId: 'c1' })).status, 201);
    const [req] = await emu.requests();
    assert.equal(req?.path, '/api/v1/customers/');
    await emu.clearRequests();
    assert.deepEqual(await emu.requests(), []);

    await emu.setFaults([{ type: 'status', status: 503, times: 1 }]);
    assert.equal((await call(emu, 'GET', '/customers/')).status, 503);
    assert.equal((await call(emu, 'GET', '/customers/')).status, 200);
    await emu.setFaults([{ type: 'status', status: 500 }]);
    await emu.clearFaults();
    assert.equal((await call(emu, 'GET', '/customers/')).status, 200);
    await assert.rejects(emu.setFaults([{ type: 'bogus' } as never]), /Invalid fault/);

    assert.equal((await emu.now()).toISOString().slice(0, 10), '2025-01-01');
    await emu.advanceClock(DAY);
    assert.equal((await emu.now()).toISOString().slice(0, 10), '2025-01-02');

    const seeded = await emu.seed({ subscriptions: [{ customerId: 'c1', planIdentifier: 'free' }] });
    assert.equal(seeded.subscriptions[0]?.customerId, 'c1');
    const co = await call(emu, 'POST', '/checkout/', {
      planIdentifier: 'free',
      chargePeriod: 'MONTHLY',
      successUrl: 'https://a.test/',
    });
    const done = await emu.completeCheckout(co.body.checkoutSessionId);
    assert.match(done.customerId, /^cus_/);
    await assert.rejects(emu.completeCheckout('missing'), /404/);
    assert.equal((await emu.state()).subscriptions.length, 2);
    await emu.reset();
    assert.deepEqual((await emu.state()).customers, []);
  });

  it('loads a catalog file in the child and reports start errors with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pd-emu-'));
    const file = join(dir, 'catalog.json');
    await writeFile(
      file,
      JSON.stringify({ ...DEFAULT_CATALOG, plans: DEFAULT_CATALOG.plans.filter((p) => p.identifier === 'free') }),
    );
    const other = await spawnEmulator({ catalog: file });
    try {
      const r = await call(other, 'POST', '/checkout/', {
        planIdentifier: 'premium-plan',
        chargePeriod: 'MONTHLY',
        successUrl: 'https://a.test/',
      });
      assert.equal(r.status, 400);
    } finally {
      await other.close();
    }
    await assert.rejects(spawnEmulator({ catalog: join(dir, 'missing.json') }), /ENOENT/);
    await assert.rejects(spawnEmulator({ port: emu.port }), /EADDRINUSE/);
  });

  it('close() stops the child and is idempotent', async () => {
    const other = await spawnEmulator();
    const pid = other.pid;
    await other.close();
    await other.close();
    assert.ok(!alive(pid));
    await assert.rejects(fetch(`${other.url}/__emulator/health`));
  });

  it('a child whose parent exits without close() stops by itself', async () => {
    const script = fileURLToPath(new URL('./fixtures/orphan.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 });
    const pid = Number(stdout.trim());
    assert.ok(pid > 0, `printed a pid: ${stdout}`);
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(pid), 'the orphaned child is gone');
  });

  it('passes loaders to the child but not test-runner, watch or inspector flags', () => {
    assert.deepEqual(
      childExecArgv([
        '--import',
        'tsx',
        '--test',
        '--test-reporter',
        'spec',
        '--test-only',
        '--inspect=9229',
        '--watch',
        '--enable-source-maps',
      ]),
      ['--import', 'tsx', '--enable-source-maps'],
    );
    assert.deepEqual(childExecArgv(['--test-reporter=dot', '--require', './x.cjs']), ['--require', './x.cjs']);
  });
});
