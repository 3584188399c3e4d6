import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_BASE_URL, DEFAULT_EDGE_API_URL, ParityDeals, ParityDealsError } from '../src/index.node.js';
import { resolveCache, resolveOptions } from '../src/options.js';
import { thrown } from './expect.js';
import { useEmulator } from './support.js';

const h = useEmulator();

/** Runs `fn` with the environment variables set (undefined: unset), then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (entries: [string, string | undefined][]) => {
    for (const [k, v] of entries)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
  set(Object.entries(vars));
  try {
    return fn();
  } finally {
    set(Object.entries(saved));
  }
}

const NO_URL_ENV = { PARITYDEALS_BASE_URL: undefined, PARITYDEALS_EDGE_API_URL: undefined };

describe('base URLs never mix hosts', () => {
  it('refuses baseUrl without edgeApiUrl, naming both, the host reads would reach, and the fix', () => {
    withEnv(NO_URL_ENV, () => {
      assert.throws(
        () => new ParityDeals({ accessToken: 'k', baseUrl: h.emu.url }),
        (e: unknown) => {
          assert.ok(e instanceof ParityDealsError);
          assert.match(e.message, /option baseUrl is "http:\/\/127\.0\.0\.1:\d+"/);
          assert.match(e.message, /edgeApiUrl \(or PARITYDEALS_EDGE_API_URL\) is not set/);
          assert.match(e.message, /entitlement reads would go to https:\/\/edge\.api\.paritydeals\.com/);
          assert.match(e.message, /emu\.edgeUrl, http:\/\/127\.0\.0\.1:\d+\/edge/);
          return true;
        },
      );
    });
    assert.deepEqual(h.emu.requests(), []);
  });

  it('refuses edgeApiUrl without baseUrl, and the same mix from the environment', () => {
    withEnv(NO_URL_ENV, () => {
      assert.throws(
        () => new ParityDeals({ accessToken: 'k', edgeApiUrl: h.emu.edgeUrl }),
        /option edgeApiUrl is .* but baseUrl \(or PARITYDEALS_BASE_URL\) is not set, so every call but entitlement reads would go to https:\/\/api\.paritydeals\.com/,
      );
    });
    withEnv({ ...NO_URL_ENV, PARITYDEALS_BASE_URL: h.emu.url }, () => {
      assert.throws(() => new ParityDeals({ accessToken: 'k' }), /PARITYDEALS_BASE_URL is "http/);
      // The sync client resolves the same options, so it refuses too.
      assert.throws(() => ParityDeals.createSyncClient({ accessToken: 'k' }), /PARITYDEALS_BASE_URL is "http/);
    });
  });

  it('accepts both set, either taken from the environment, or the production host named on purpose', () => {
    withEnv(NO_URL_ENV, () => {
      const both = resolveOptions({ accessToken: 'k', baseUrl: h.emu.url, edgeApiUrl: h.emu.edgeUrl });
      assert.equal(both.edgeApiUrl, h.emu.edgeUrl);
      const explicit = resolveOptions({
        accessToken: 'k',
        baseUrl: 'https://sandbox.example',
        edgeApiUrl: DEFAULT_EDGE_API_URL,
      });
      assert.equal(explicit.edgeApiUrl, DEFAULT_EDGE_API_URL);
      const defaultBase = resolveOptions({ accessToken: 'k', baseUrl: `${DEFAULT_BASE_URL}/` });
      assert.equal(defaultBase.edgeApiUrl, DEFAULT_EDGE_API_URL);
    });
    withEnv({ PARITYDEALS_BASE_URL: undefined, PARITYDEALS_EDGE_API_URL: h.emu.edgeUrl }, () => {
      assert.equal(resolveOptions({ accessToken: 'k', baseUrl: h.emu.url }).edgeApiUrl, h.emu.edgeUrl);
    });
  });
});

describe('base URLs that already hold the API path', () => {
  it('refuses a baseUrl or edgeApiUrl ending in /api/v1 (or /api), giving the URL to use', () => {
    assert.throws(
      () =>
        new ParityDeals({
          accessToken: 'k',
          baseUrl: 'https://api.paritydeals.com/api/v1/',
          edgeApiUrl: h.emu.edgeUrl,
        }),
      /option baseUrl must be the host \(and any proxy prefix\) without \/api\/v1, which the SDK adds itself \(see apiVersion\): "https:\/\/api\.paritydeals\.com", got "https:\/\/api\.paritydeals\.com\/api\/v1\/"/,
    );
    assert.throws(
      () => new ParityDeals({ accessToken: 'k', baseUrl: h.emu.url, edgeApiUrl: `${h.emu.edgeUrl}/api` }),
      /option edgeApiUrl must be the host .* without \/api,/,
    );
    // A prefix that merely contains "api" is a prefix like any other.
    assert.doesNotThrow(() =>
      resolveOptions({ accessToken: 'k', baseUrl: 'https://proxy.example/api-gateway', edgeApiUrl: h.emu.edgeUrl }),
    );
  });
});

describe('timeouts', () => {
  it('a timeout given alone bounds entitlement reads too, never lengthening them', () => {
    const base = { accessToken: 'k', baseUrl: h.emu.url, edgeApiUrl: h.emu.edgeUrl };
    assert.deepEqual(pick(resolveOptions({ ...base, timeout: 300 })), { timeout: 300, edgeTimeout: 300 });
    assert.deepEqual(pick(resolveOptions({ ...base, timeout: 20_000 })), { timeout: 20_000, edgeTimeout: 3_000 });
    assert.deepEqual(pick(resolveOptions(base)), { timeout: 10_000, edgeTimeout: 3_000 });
    assert.deepEqual(pick(resolveOptions({ ...base, timeout: 300, edgeTimeout: 5_000 })), {
      timeout: 300,
      edgeTimeout: 5_000,
    });
  });

  it('an entitlement read of a client made with timeout: 300 gives up after 300 ms', async () => {
    h.emu.setFaults([{ type: 'hang', path: '/entitlements' }]);
    const client = h.clientWith({ timeout: 300, maxRetries: 0 });
    const error = await client.entitlements.hasAccess({ customerId: 'c', featureId: 'f' }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.equal((error as Error).name, 'APIConnectionTimeoutError');
    assert.match((error as Error).message, /no answer within 300 ms/);
  });
});

function pick(o: { timeout: number; edgeTimeout: number }) {
  return { timeout: o.timeout, edgeTimeout: o.edgeTimeout };
}

/** Misspelled client options, each with the message it must get: the key, and the one meant. */
const MISSPELLED_OPTIONS: [string, Record<string, unknown>, RegExp][] = [
  // The new-user trial's case: without the refusal, every call went to production.
  [
    'baseURL',
    { baseURL: 'http://127.0.0.1:9', edgeApiURL: 'http://127.0.0.1:9/edge' },
    /^ParityDeals option baseURL is unknown; did you mean baseUrl\? \(baseUrl was not given\)$/,
  ],
  ['timout', { timout: 5 }, /^ParityDeals option timout is unknown; did you mean timeout\?/],
  ['access_token', { access_token: 'k' }, /option access_token is unknown; did you mean accessToken\?/],
  ['cache.tll', { cache: { tll: 5 } }, /^ParityDeals option cache\.tll is unknown; did you mean cache\.ttl\?/],
  [
    'usage.flushInterva',
    { usage: { flushInterva: 5 } },
    /^ParityDeals option usage\.flushInterva is unknown; did you mean usage\.flushInterval\?/,
  ],
  [
    'usage.exitHooks.signal',
    { usage: { exitHooks: { signal: ['SIGINT'] } } },
    /option usage\.exitHooks\.signal is unknown; did you mean usage\.exitHooks\.signals\?/,
  ],
  [
    'usage.outbox.fsyn',
    { usage: { outbox: { file: '/nonexistent/usage.journal', fsyn: true } } },
    /option usage\.outbox\.fsyn is unknown; did you mean usage\.outbox\.fsync\?/,
  ],
  // Refused even when undefined, as unknown parameters are: the key is as misspelled.
  ['undefined value', { edgeApiURL: undefined }, /option edgeApiURL is unknown; did you mean edgeApiUrl\?/],
  // Nothing close: the message lists what the object takes.
  ['no suggestion', { cache: { colour: 'red' } }, /option cache\.colour is unknown \(known: ttl, deniedTtl, .*\)$/],
];

describe('unknown option keys', () => {
  it('are refused when the client is made, naming the key and the one meant, sending nothing', () => {
    for (const [name, extra, message] of MISSPELLED_OPTIONS) {
      const error = withEnv(NO_URL_ENV, () => thrown(() => new ParityDeals({ accessToken: 'k', ...extra } as never)));
      assert.ok(error instanceof ParityDealsError, `${name}: ${String(error)}`);
      assert.match(error.message, message, name);
    }
    assert.deepEqual(h.emu.requests(), [], 'nothing was sent');
  });

  it('a Redis outbox is checked for its own keys', () => {
    const redis = { call: () => Promise.resolve(null) };
    assert.throws(
      () => new ParityDeals({ accessToken: 'k', usage: { outbox: { redis, leaseMS: 5 } as never } }),
      /option usage\.outbox\.leaseMS is unknown; did you mean usage\.outbox\.leaseMs\?/,
    );
  });

  it('a known option given as undefined is its default, as before', () => {
    const client = new ParityDeals({
      accessToken: 'k',
      baseUrl: h.emu.url,
      edgeApiUrl: h.emu.edgeUrl,
      timeout: undefined,
      cache: { ttl: undefined },
      usage: { flushInterval: undefined, exitHooks: { signals: undefined }, outbox: undefined },
    });
    client.close();
  });
});

// The README's option tables state these defaults; read from there, so the two cannot drift.
describe('the defaults the README states', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const row = (name: string) => {
    const cells = new RegExp(`^\\| \`${name}\`\\s*\\| ([^|]+)\\|`, 'm').exec(readme);
    assert.ok(cells, `README has a row for ${name}`);
    return (cells[1] as string).trim();
  };
  const numberIn = (cell: string) => Number(/`(\d+)`/.exec(cell)?.[1]);

  it('cache, usage, exit hooks and the Redis lease', () => {
    const options = { accessToken: 'k', baseUrl: 'http://127.0.0.1:9', edgeApiUrl: 'http://127.0.0.1:9/edge' };
    const resolved = resolveOptions(options);
    const cache = resolveCache(options, resolved);
    const stated = JSON.parse((/\{[^}]+\}/.exec(row('cache'))?.[0] ?? '').replace(/(\w+):/g, '"$1":')) as Record<
      string,
      number
    >;
    for (const [key, value] of Object.entries(stated)) assert.equal(cache[key as keyof typeof cache], value, key);
    assert.equal(resolved.usage.flushInterval, numberIn(row('flushInterval')));
    assert.equal(resolved.usage.maxBuffered, numberIn(row('maxBuffered')));
    assert.equal(resolved.usage.concurrency, numberIn(row('concurrency')));
    const hooks = resolveOptions({ ...options, usage: { exitHooks: true } }).usage.exitHooks;
    assert.match(
      readme,
      new RegExp(`signals\\? \\(\\['${hooks?.signals.join("', '")}'\\]\\), timeout\\? \\(${hooks?.timeout} ms\\)`),
    );
    const redis = { call: async () => 'OK' };
    const outbox = resolveOptions({ ...options, usage: { outbox: { redis } } }).usage.outbox;
    assert.ok(outbox && 'leaseMs' in outbox);
    assert.match(readme, new RegExp(`\\(\`leaseMs\`, default ${outbox.leaseMs / 1000} s,`));
  });
});
