import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { type ClientOptions, ParityDeals, ParityDealsError, VERSION } from '../src/index.node.js';
import { ParityDeals as EdgeParityDeals } from '../src/index.js';
import { thrown } from './expect.js';
import { useEmulator } from './support.js';

const h = useEmulator();

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

describe('client options', () => {
  it('refuses to start without a token, naming the option and the variable', () => {
    withEnv({ PARITYDEALS_ACCESS_TOKEN: undefined }, () => {
      assert.throws(
        () => new ParityDeals(),
        (e: unknown) =>
          e instanceof ParityDealsError && /accessToken/.test(e.message) && /PARITYDEALS_ACCESS_TOKEN/.test(e.message),
      );
      assert.throws(() => ParityDeals.createAsyncClient({ accessToken: ' ' }), ParityDealsError);
    });
  });

  it('reads the token and both base URLs from the environment', async () => {
    const client = withEnv(
      {
        PARITYDEALS_ACCESS_TOKEN: h.emu.apiKey,
        PARITYDEALS_BASE_URL: h.emu.url,
        PARITYDEALS_EDGE_API_URL: h.emu.edgeUrl,
      },
      () => ParityDeals.createAsyncClient(),
    );
    h.emu.seed({ subscriptions: [{ customerId: 'env', planIdentifier: 'free' }] });
    assert.equal((await client.customers.retrieve({ customerId: 'env' })).customerId, 'env');
    assert.equal(await client.entitlements.hasAccess({ customerId: 'env', featureId: 'api-calls' }), true);
    assert.deepEqual(
      h.emu.requests().map((r) => r.host),
      ['main', 'edge'],
    );
    client.close();
  });

  it('keeps a path prefix on the base URL and drops a trailing slash', async () => {
    // The emulator serves its edge host under /edge: pointing the main base there proves the prefix is kept.
    const client = h.clientWith({ baseUrl: `${h.emu.edgeUrl}/` });
    await client.customers.create({ customerId: 'prefixed' });
    const [req] = h.emu.requests();
    assert.equal(req?.host, 'edge');
    assert.equal(req?.path, '/api/v1/customers/');
  });

  it('uses the apiVersion in every path', async () => {
    const client = h.clientWith({ apiVersion: 'v2' });
    await client.customers.retrieve({ customerId: 'x' }).catch(() => undefined);
    assert.equal(h.emu.requests()[0]?.path, '/api/v2/customers/x/');
  });

  it('refuses nonsense options before any request', () => {
    const base = { accessToken: 'k' };
    assert.throws(
      () => new ParityDeals({ ...base, baseUrl: 'api.paritydeals.com' }),
      /baseUrl must be an http\(s\) URL/,
    );
    assert.throws(() => new ParityDeals({ ...base, timeout: 0 }), /timeout must be a number of milliseconds above 0/);
    assert.throws(() => new ParityDeals({ ...base, maxRetries: -1 }), /maxRetries must be an integer from 0 to 10/);
    assert.throws(() => new ParityDeals({ ...base, logLevel: 'loud' as never }), /logLevel must be one of/);
    assert.throws(
      () => new ParityDeals({ ...base, dangerouslyAllowBrowser: 'yes' as never }),
      /dangerouslyAllowBrowser must be true or false, got "yes"/,
    );
  });

  it('refuses every option a request would trip over later, as a ParityDealsError naming it', () => {
    const base = { accessToken: 'k' };
    const refused: [ClientOptions, RegExp][] = [
      [{ baseUrl: 'http://exa mple.com' }, /baseUrl must be an http\(s\) URL/],
      [{ baseUrl: 'https://api.example.com/?x=1' }, /baseUrl must be a URL without a query/],
      [{ edgeApiUrl: 'https://[::1' }, /edgeApiUrl must be an http\(s\) URL/],
      [{ timeout: 1e10 }, /timeout must be a number of milliseconds above 0 and at most 2147483647/],
      [{ timeout: Number.NaN }, /timeout must be/],
      [{ connectTimeout: -5 }, /connectTimeout must be/],
      [{ maxRetries: Number.POSITIVE_INFINITY }, /maxRetries must be an integer from 0 to 10, got Infinity/],
      [{ maxRetries: 11 }, /maxRetries must be an integer from 0 to 10/],
      [{ maxRetryDelay: 1e12 }, /maxRetryDelay must be an integer from 0 to 2147483647/],
      [
        { defaultHeaders: { 'x-team': 'a\r\nx-admin: 1' } },
        /defaultHeaders.x-team must be a header value without CR, LF/,
      ],
      [{ defaultHeaders: { 'bad name': 'v' } }, /defaultHeaders\["bad name"\] must be a header named/],
      [{ defaultHeaders: { 'x-n': 5 as never } }, /defaultHeaders.x-n must be a string/],
    ];
    for (const [options, message] of refused) {
      const e = thrown(() => new ParityDeals({ ...base, ...options }));
      assert.ok(e instanceof ParityDealsError, `${JSON.stringify(options)} threw ${String(e)}`);
      assert.match((e as Error).message, message);
    }
  });

  it('a base URL with credentials is refused without showing them', () => {
    const e = thrown(() => new ParityDeals({ accessToken: 'k', baseUrl: 'https://user:hunter2@api.example.com' }));
    assert.ok(e instanceof ParityDealsError);
    assert.match(e.message, /baseUrl must be a URL without user:password@/);
    assert.doesNotMatch(e.message, /hunter2/);
  });

  it('the entry without Node built-ins has no synchronous client and says why', () => {
    assert.throws(() => EdgeParityDeals.createSyncClient({ accessToken: 'k' }), /worker threads/);
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
  });
});

describe('the fetch transport', () => {
  it('runs every kind of call through a given fetch', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const client = h.clientWith({ fetch: counting });
    await client.customers.create({ customerId: 'f1', email: 'f@example.com' });
    await client.customers.update({ customerId: 'f1', name: 'F' });
    h.emu.seed({ subscriptions: [{ customerId: 'f1', planIdentifier: 'free' }] });
    assert.equal(await client.entitlements.hasAccess({ customerId: 'f1', featureId: 'api-calls' }), true);
    const page = await client.customers.list();
    assert.equal(page.count, 1);
    assert.equal(calls, 4);
    assert.deepEqual(h.emu.requests()[0]?.body, { customer_id: 'f1', email: 'f@example.com' });
  });

  it('keeps ids in one segment, and refuses a dot id fetch would resolve away', async () => {
    const client = h.clientWith({ fetch: (i, init) => fetch(i, init) });
    await client.customers.create({ customerId: 'a/b?c#d e' });
    assert.equal((await client.customers.retrieve({ customerId: 'a/b?c#d e' })).customerId, 'a/b?c#d e');
    await assert.rejects(client.customers.retrieve({ customerId: '..' }), /cannot be sent through fetch/);
    assert.equal(h.emu.requests().length, 2);
  });

  it('times out and aborts like the node transport', async () => {
    h.emu.setFaults([{ type: 'hang' }]);
    const client = h.clientWith({ fetch: (i, init) => fetch(i, init), maxRetries: 0 });
    await assert.rejects(client.customers.retrieve({ customerId: 'x' }, { timeout: 100 }), {
      name: 'APIConnectionTimeoutError',
    });
    await assert.rejects(client.customers.retrieve({ customerId: 'x' }, { signal: AbortSignal.timeout(50) }), {
      name: 'APIUserAbortError',
    });
  });

  // Deno without --allow-net refuses fetch before anything is sent (a fault no server can
  // produce, hence the scripted fetch): one attempt, no "outcome unknown", the flag named.
  it('names the Deno permission a refused fetch needs, and does not retry it', async () => {
    let calls = 0;
    const denied: typeof fetch = async () => {
      calls++;
      throw Object.assign(new Error('Requires net access to "127.0.0.1:1", run again with the --allow-net flag'), {
        name: 'NotCapable',
      });
    };
    const client = h.clientWith({ fetch: denied, maxRetries: 2 });
    const error = await client.customers.create({ customerId: 'd' }).catch((e: unknown) => e);
    assert.ok(error instanceof ParityDealsError);
    assert.equal(error.constructor.name, 'ParityDealsError');
    assert.equal(error.outcomeUnknown, false);
    assert.match(error.message, /Deno did not allow .* nothing was sent: run it with --allow-net=127\.0\.0\.1:\d+/);
    assert.equal(calls, 1);
  });
});

describe('close()', () => {
  it('flushes, then refuses every call before sending it, cached answers included', async () => {
    const client = h.clientWith({});
    h.emu.seed({
      subscriptions: [
        { customerId: 'closing', planIdentifier: 'free' },
        { customerId: 'other', planIdentifier: 'free' },
      ],
    });
    assert.equal(await client.entitlements.hasAccess({ customerId: 'closing', featureId: 'api-calls' }), true);
    const page = await client.customers.list({ pageSize: 1 });
    assert.ok(page.hasNextPage());
    const record = { customerId: 'closing', featureId: 'api-calls', value: 2, behaviour: 'DELTA' } as const;
    assert.equal(client.reporting.record(record), true);
    await client.close();
    const before = h.emu.requests().length;
    assert.equal(h.emu.requests().at(-1)?.path, '/api/v1/report/usage/', 'the last flush went');
    const refused = [
      client.customers.retrieve({ customerId: 'closing' }),
      client.customers.list(),
      client.entitlements.hasAccess({ customerId: 'closing', featureId: 'api-calls' }),
      client.entitlements.getAllEntitlements({ customerId: 'closing' }),
      client.reporting.reportUsage({ customerId: 'closing', featureId: 'api-calls', value: 1, behaviour: 'DELTA' }),
      client.subscriptions.list({ customerId: 'closing' }),
      page.getNextPage(),
    ];
    for (const call of refused) {
      await assert.rejects(
        call,
        (e: unknown) => e instanceof ParityDealsError && /this client was closed/.test(e.message),
      );
    }
    assert.equal(client.entitlements.peek({ customerId: 'closing', featureId: 'api-calls' }), undefined);
    const { failed } = await client.entitlements.prefetch(['closing']);
    assert.match(String(failed[0]?.error.message), /this client was closed/);
    assert.equal(h.emu.requests().length, before, 'nothing was sent after close()');
  });
});
