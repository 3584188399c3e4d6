// The API commands of `paritydeals`, against the emulator: what they send, what they print, and
// the exit code of each kind of failure.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { EXIT } from '../../src/cli/exit.js';
import { DEFAULT_CATALOG } from '../../src/testing/index.js';
import { useEmulator } from '../support.js';
import { cli, cliProcess, ENTRY, envFor } from './support.js';

const h = useEmulator();

describe('paritydeals API commands', () => {
  it('customers create, update, get and list send what the flags say and print JSON', async () => {
    const env = envFor(h.emu);
    const created = await cli(
      ['customers', 'create', 'cust_1', '--email', 'ada@example.com', '--name', 'Ada', '--metadata', 'team=core'],
      env,
    );
    assert.equal(created.code, 0, created.err);
    assert.equal(created.json().customerId, 'cust_1');
    const [sent] = h.emu.requests();
    assert.equal(sent?.method, 'POST');
    assert.deepEqual(sent?.body, {
      customer_id: 'cust_1',
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { team: 'core' },
    });
    assert.equal((await cli(['customers', 'update', 'cust_1', '--name', 'Ada L.'], env)).json().name, 'Ada L.');
    assert.equal((await cli(['customers', 'get', 'cust_1'], env)).json().email, 'ada@example.com');
    await cli(['customers', 'create', 'cust_2'], env);
    const page = await cli(['customers', 'list', '--page-size', '1'], env);
    assert.equal(page.json().count, 2);
    assert.equal(page.json().results.length, 1);
    const all = await cli(['customers', 'list', '--all', '--page-size', '1'], env);
    assert.deepEqual(
      all
        .json()
        .results.map((c: { customerId: string }) => c.customerId)
        .sort(),
      ['cust_1', 'cust_2'],
    );
    const archived = await cli(['customers', 'archive', 'cust_2'], env);
    assert.equal(archived.code, 0, archived.err);
    assert.equal(archived.json().customerId, 'cust_2');
    assert.ok(h.emu.requests().some((r) => r.method === 'DELETE' && r.path === '/api/v1/customers/cust_2/'));
    const table = await cli(['customers', 'list', '--pretty'], env);
    assert.match(table.out, /^id\s+customerId\s+name\s+email/);
    assert.match(table.out, /cust_1\s+Ada L\.\s+ada@example\.com/);
  });

  it('checkout create, entitlements check and list, usage report, subscriptions list, update and cancel', async () => {
    const env = envFor(h.emu);
    const session = await cli(
      [
        'checkout',
        'create',
        '--plan',
        'plan-pro-monthly',
        '--charge-period',
        'monthly',
        '--success-url',
        'https://app.example.com/thanks',
        '--customer-id',
        'buyer',
        '--feature',
        'seats=3',
      ],
      env,
    );
    assert.equal(session.code, 0, session.err);
    assert.match(session.json().checkoutUrl, /^http/);
    const checkout = h.emu.requests().find((r) => r.path.includes('/checkout'));
    assert.deepEqual((checkout?.body as { features?: unknown } | undefined)?.features, [
      { identifier: 'seats', quantity: 3 },
    ]);

    h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
    const check = await cli(['entitlements', 'check', 'pro', 'premium-reporting'], env);
    assert.equal(check.json().hasAccess, true);
    assert.equal(check.json().entitlement.featureId, 'premium-reporting');
    const lacking = await cli(['entitlements', 'check', 'pro', 'not-a-feature'], env);
    assert.deepEqual([lacking.code, lacking.json().hasAccess], [0, false]);
    const list = await cli(['entitlements', 'list', 'pro', '--pretty'], env);
    assert.match(list.out, /featureId\s+featureType\s+hasAccess/);

    const usage = await cli(['usage', 'report', 'pro', 'api-calls', '7', '--behaviour', 'DELTA'], env);
    assert.equal(usage.code, 0, usage.err);
    const report = h.emu.requests().find((r) => r.path.includes('/report/usage'));
    assert.deepEqual(
      { ...(report?.body as object), idempotencyKey: undefined },
      { customer_id: 'pro', feature_id: 'api-calls', value: 7, behaviour: 'DELTA', idempotencyKey: undefined },
    );

    const subs = await cli(['subscriptions', 'list', '--customer-id', 'pro'], env);
    const subscriptionId = subs.json().results[0].subscriptionId as string;
    assert.ok(subscriptionId);
    const moved = await cli(
      ['subscriptions', 'update', subscriptionId, '--plan', 'premium-plan', '--charge-period', 'MONTHLY'],
      env,
    );
    assert.equal(moved.code, 0, moved.err);
    const cancelled = await cli(['subscriptions', 'cancel', subscriptionId, '--when', 'IMMEDIATE'], env);
    assert.equal(cancelled.code, 0, cancelled.err);
    assert.ok(h.emu.requests().some((r) => r.path.includes('/cancel')));
  });

  it('exit codes: 2 for bad usage before sending, 3 for an API error, 4 unreachable, 5 unknown outcome', async () => {
    const env = envFor(h.emu);
    for (const args of [
      ['customers', 'create'],
      ['customers', 'create', 'c', '--bogus'],
      ['usage', 'report', 'c', 'api-calls', '1'],
      ['usage', 'report', 'c', 'api-calls', 'many', '--behaviour', 'DELTA'],
      ['checkout', 'create', '--plan', 'p', '--charge-period', 'FORTNIGHTLY', '--success-url', 'https://a.example'],
      ['customers', 'create', 'c', '--email', 'not-an-email'],
      ['customers', 'list', '--page', '0'],
    ]) {
      const run = await cli(args, env);
      assert.equal(run.code, EXIT.usage, `${args.join(' ')}: ${run.err}`);
    }
    const noToken = await cli(['customers', 'get', 'c'], { ...env, PARITYDEALS_ACCESS_TOKEN: undefined });
    assert.equal(noToken.code, EXIT.usage);
    assert.match(noToken.err, /no access token: set PARITYDEALS_ACCESS_TOKEN/);
    assert.match(noToken.err, /\(see paritydeals customers get --help\)/);
    const halfPointed = await cli(['customers', 'get', 'c', '--base-url', h.emu.url], {
      PARITYDEALS_ACCESS_TOKEN: h.emu.apiKey,
    });
    assert.equal(halfPointed.code, EXIT.usage, 'a base URL without its edge URL is refused by the client');
    assert.match(halfPointed.err, /edgeApiUrl \(or PARITYDEALS_EDGE_API_URL\) is not set/);
    assert.equal(h.emu.requests().length, 0, 'nothing was sent');

    const missing = await cli(['customers', 'get', 'nobody'], env);
    assert.equal(missing.code, EXIT.api);
    assert.match(missing.err, /request id req_/);
    const badKey = await cli(['customers', 'get', 'c', '--token', 'sk_wrong_key'], env);
    assert.equal(badKey.code, EXIT.api);
    assert.doesNotMatch(badKey.err, /sk_wrong_key/, 'the token is never printed');

    const closed = await cli(
      ['customers', 'get', 'c', '--base-url', 'http://127.0.0.1:1', '--edge-url', 'http://127.0.0.1:1/edge'],
      env,
    );
    assert.equal(closed.code, EXIT.network, closed.err);

    h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/usage/', times: 1 }]);
    const lost = await cli(['usage', 'report', 'pro', 'api-calls', '1', '--behaviour', 'DELTA'], env);
    assert.equal(lost.code, EXIT.unknown, lost.err);
    assert.match(lost.err, /check its state before running the command again/);
  });

  it('a mistyped --token=VALUE is refused without printing the value', async () => {
    const token = 'sk_live_TOPSECRET_4242';
    const run = await cli(['customers', 'get', 'c', `--tokn=${token}`], envFor(h.emu));
    assert.equal(run.code, EXIT.usage);
    assert.match(run.err, /unknown option '--tokn=\[redacted\]'/);
    assert.ok(!`${run.out}\n${run.err}`.includes(token), run.err);
    assert.deepEqual(h.emu.requests(), []);
  });

  it('the bin: --version, --help on every command with examples, exit codes from the process', async () => {
    const env = envFor(h.emu);
    const version = await cliProcess(['--version'], env);
    assert.equal(version.code, 0);
    assert.match(version.out, /^\d+\.\d+\.\d+/);
    for (const spec of COMMANDS) {
      const help = await cli([...spec.path, '--help'], env);
      assert.equal(help.code, 0, spec.path.join(' '));
      assert.match(help.out, new RegExp(`Usage: paritydeals ${spec.path.join(' ')}`));
      assert.match(help.out, /Examples:\n {2}\$ paritydeals /, spec.path.join(' '));
    }
    const api = await cliProcess(['customers', 'get', 'nobody'], env);
    assert.deepEqual([api.code, api.out], [EXIT.api, '']);
    const usage = await cliProcess(['customers', 'frobnicate'], env);
    assert.equal(usage.code, EXIT.usage);
    assert.match(usage.err, /unknown command 'frobnicate'/);
  });

  // The README points the CLI at `paritydeals mock`: its examples must work there as written.
  it('the README and --help examples name plans the mock has; the checkout ones run there', async () => {
    const plans = new Set(DEFAULT_CATALOG.plans.map((p) => p.identifier));
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const examples = [...COMMANDS.flatMap((spec) => spec.examples), ...(readme.match(/^paritydeals .*$/gm) ?? [])];
    const named = examples.flatMap((line) => [...line.matchAll(/--plan (\S+)/g)].map((m) => m[1]));
    assert.ok(named.length >= 4, named.join(', '));
    for (const plan of named) assert.ok(plans.has(plan as string), `an example names plan ${plan}`);
    const env = envFor(h.emu);
    for (const line of examples.filter((l) => l.startsWith('paritydeals checkout create'))) {
      const run = await cli(line.split(' ').slice(1), env);
      assert.equal(run.code, EXIT.ok, `${line}: ${run.err}`);
      assert.match(run.out, /checkoutUrl/);
    }
  });

  it('a reader that closes the pipe early ends nothing: the command finishes, with no EPIPE', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--help'], {
      env: { PATH: process.env.PATH ?? '', ...envFor(h.emu) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the bin has started (tsx takes a while), so its first write meets no reader.
    child.stdout.destroy();
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.doesNotMatch(err, /EPIPE|Unhandled/);
    assert.equal(code, EXIT.ok, err);
  });

  it('the exit codes are the numbers the README table gives, and no others', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = [...readme.matchAll(/^\| (\d+) +\| /gm)].map((m) => Number(m[1]));
    assert.deepEqual(table, [0, 1, 2, 3, 4, 5, 6, 130]);
    assert.deepEqual(EXIT, {
      ok: 0,
      internal: 1,
      usage: 2,
      api: 3,
      network: 4,
      unknown: 5,
      partial: 6,
      interrupted: 130,
    });
  });
});
