import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { APIError, AuthenticationError, type Logger } from '../../src/index.node.js';
import { rawServer, reply } from '../raw-server.js';
import { useEmulator } from '../support.js';
import { rejected } from '../expect.js';

const h = useEmulator();
const TOKEN = 'sk_live_TOPSECRET_4242';

/** Every way a user may look at an error, a cause chain included. */
function renderings(e: unknown): string[] {
  const out = [String(e), JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), (e as Error).stack ?? ''];
  for (let c = (e as { cause?: unknown }).cause; c; c = (c as { cause?: unknown }).cause) {
    out.push(String(c), inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c) ?? '');
  }
  return out;
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string, d?: Record<string, unknown>) => lines.push(`${m} ${JSON.stringify(d ?? {})}`);
  return { lines, logger: { error: push, warn: push, info: push, debug: push } };
}

describe('the access token stays secret', () => {
  it('is absent from a 401 error, its JSON, inspect output and stack', async () => {
    const client = h.clientWith({ accessToken: TOKEN });
    const e = await rejected(client.customers.retrieve({ customerId: 'c' }));
    assert.ok(e instanceof AuthenticationError);
    for (const text of renderings(e)) assert.ok(!text.includes(TOKEN), text);
  });

  it('is absent from connection errors and their causes, even from a fetch that leaks it', async () => {
    const leaky: typeof fetch = async (_url, init) => {
      const auth = new Headers(init?.headers).get('authorization');
      throw new TypeError(`fetch failed with ${auth}`, {
        cause: Object.assign(new Error(`socket for ${auth}`), { code: 'ECONNRESET', auth }),
      });
    };
    const { logger, lines } = capture();
    const client = h.clientWith({
      accessToken: TOKEN,
      fetch: leaky,
      maxRetries: 1,
      maxRetryDelay: 1,
      logger,
      logLevel: 'debug',
    });
    const e = await rejected(client.customers.retrieve({ customerId: 'c' }));
    assert.ok(renderings(e).join('\n').includes('[redacted]'), 'the scrubbed text is still there');
    for (const text of [...renderings(e), ...lines]) assert.ok(!text.includes(TOKEN), text);
  });

  it('is absent from debug logs, which show the redacted header', async () => {
    const { logger, lines } = capture();
    const client = h.clientWith({ accessToken: h.emu.apiKey, logger, logLevel: 'debug' });
    await client.customers.create({ customerId: 'logged', email: 'l@example.com' });
    const all = lines.join('\n');
    assert.ok(!all.includes(h.emu.apiKey));
    assert.match(all, /"authorization":"\[redacted\]"/);
    assert.match(all, /l@example.com/, 'bodies are logged at debug');
  });

  it('is absent from util.inspect of the client', () => {
    const client = h.clientWith({ accessToken: TOKEN });
    assert.ok(!inspect(client, { depth: 20, showHidden: true }).includes(TOKEN));
    assert.ok(!JSON.stringify(client).includes(TOKEN));
  });
});

describe('logging', () => {
  it('logs retries at info, and no bodies', async () => {
    const { logger, lines } = capture();
    const client = h.clientWith({ logger, logLevel: 'info' });
    h.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 1, times: 1 }]);
    h.emu.seed({ customers: [{ customerId: 'warned' }] });
    await client.customers.update({ customerId: 'warned', email: 'w@example.com' });
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^\[paritydeals\] customers\.update: status 503; retry 1 of 2/);
    assert.ok(!lines.join('').includes('w@example.com'));
  });

  it('logs one line per request at info', async () => {
    const { logger, lines } = capture();
    const client = h.clientWith({ logger, logLevel: 'info' });
    await client.customers.create({ customerId: 'i1' });
    await client.customers.retrieve({ customerId: 'i1' });
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/customers\/i1\/ → 200 \(\d+ ms\)/);
  });

  it('says nothing when off, and takes its level from PARITYDEALS_LOG', async () => {
    const { logger, lines } = capture();
    h.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 1, times: 1 }]);
    h.emu.seed({ customers: [{ customerId: 'quiet' }] });
    await h.clientWith({ logger, logLevel: 'off' }).customers.retrieve({ customerId: 'quiet' });
    assert.deepEqual(lines, []);
    const saved = process.env.PARITYDEALS_LOG;
    process.env.PARITYDEALS_LOG = 'info';
    try {
      await h.clientWith({ logger }).customers.retrieve({ customerId: 'quiet' });
    } finally {
      if (saved === undefined) delete process.env.PARITYDEALS_LOG;
      else process.env.PARITYDEALS_LOG = saved;
    }
    assert.equal(lines.length, 1);
  });
});

describe('what a server or proxy echoes stays secret too', () => {
  it('a token echoed in an error body and headers is cut from the message, stack, JSON, inspect, body and headers', async () => {
    const raw = await rawServer((req, res) =>
      reply(
        res,
        400,
        { detail: `bad request from ${req.headers.authorization}`, echo: { nested: [req.headers.authorization] } },
        { 'x-echo': String(req.headers.authorization) },
      ),
    );
    const client = h.clientWith({ accessToken: TOKEN, baseUrl: raw.url });
    const e = await rejected(client.customers.create({ customerId: 'c' }));
    assert.ok(e instanceof APIError && e.status === 400);
    const everything = [...renderings(e), JSON.stringify(e.body), JSON.stringify(e.headers)];
    for (const text of everything) assert.ok(!text.includes(TOKEN), text);
    assert.match(e.message, /bad request from Bearer \[redacted\]/);
    assert.equal(e.headers['x-echo'], 'Bearer [redacted]');
    await raw.close();
  });

  it('a short token is cut out as a whole word only, so messages stay readable', async () => {
    const raw = await rawServer((req, res) =>
      reply(res, 400, { detail: `socket closed for ${String(req.headers.authorization).slice(7)}; keep going` }),
    );
    const client = h.clientWith({ accessToken: 'k', baseUrl: raw.url });
    const e = await rejected(client.customers.create({ customerId: 'c' }));
    assert.match((e as Error).message, /socket closed for \[redacted\]; keep going/);
    await raw.close();
  });

  it('credentials in a URL that a custom fetch puts in its error are cut out', async () => {
    const proxied: typeof fetch = async () => {
      throw new TypeError('fetch failed via http://proxyuser:proxypass@proxy.internal:3128', {
        cause: Object.assign(new Error('connect ECONNRESET http://proxyuser:proxypass@proxy.internal'), {
          code: 'ECONNRESET',
        }),
      });
    };
    const client = h.clientWith({ fetch: proxied, maxRetries: 0 });
    const e = await rejected(client.customers.retrieve({ customerId: 'c' }));
    for (const text of renderings(e)) assert.ok(!/proxyuser|proxypass/.test(text), text);
    assert.match((e as Error).message, /http:\/\/\[redacted\]@proxy\.internal/);
  });

  it('debug logs redact secret-looking headers, not only authorization', async () => {
    const { logger, lines } = capture();
    const client = h.clientWith({
      logger,
      logLevel: 'debug',
      defaultHeaders: {
        'x-api-key': 'gateway-key-1',
        cookie: 'session=cookie-2',
        'proxy-authorization': 'Basic cHJveHk=',
        'x-gateway-token': 'gw-token-3',
        'x-team': 'billing',
      },
    });
    await client.customers.create({ customerId: 'hdrs' });
    const all = lines.join('\n');
    for (const secret of ['gateway-key-1', 'cookie-2', 'cHJveHk=', 'gw-token-3'])
      assert.ok(!all.includes(secret), secret);
    assert.match(all, /"x-team":"billing"/, 'other headers are still shown');
  });

  it('a token echoed in a success body is cut from the debug log', async () => {
    const raw = await rawServer((req, res) =>
      reply(res, 200, { customerId: 'c', note: String(req.headers.authorization) }),
    );
    const { logger, lines } = capture();
    await h.clientWith({ accessToken: TOKEN, baseUrl: raw.url, logger, logLevel: 'debug' }).customers.retrieve({
      customerId: 'c',
    });
    assert.ok(!lines.join('\n').includes(TOKEN));
    await raw.close();
  });
});

describe('what a success answer or a transport echoes stays secret too', () => {
  it('a token echoed in a success answer’s headers is cut from withResponse() info, the cache and its store', async () => {
    const raw = await rawServer((req, res) => {
      const auth = String(req.headers.authorization);
      const echo = { 'x-echo': auth, 'x-request-id': `req_${auth}` };
      if (req.url.includes('/entitlements')) return reply(res, 200, { customerId: 'c', entitlements: [] }, echo);
      reply(res, 200, { customerId: 'c' }, echo);
    });
    const stored: unknown[] = [];
    const store = {
      get: async () => undefined,
      set: async (_key: string, value: unknown) => void stored.push(value),
      delete: async () => {},
    };
    const client = h.clientWith({ accessToken: TOKEN, baseUrl: raw.url, edgeApiUrl: raw.url, cache: { store } });
    after(() => raw.close());
    const customer = await client.customers.retrieve({ customerId: 'c' }).withResponse();
    const read = await client.entitlements.getAllEntitlements({ customerId: 'c' }).withResponse();
    const cached = await client.entitlements.getAllEntitlements({ customerId: 'c' }).withResponse();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the store write runs in the background
    assert.equal(stored.length, 1, 'the set was written to the store');
    for (const shown of [customer.response, read.response, cached.response, stored[0]]) {
      for (const text of [JSON.stringify(shown), inspect(shown, { depth: 10 })]) assert.ok(!text.includes(TOKEN), text);
    }
    assert.equal(customer.response.headers['x-echo'], 'Bearer [redacted]', 'the header is still there, cut');
  });

  it('an error the transport throws as is (Deno’s refused permission) keeps no raw cause', async () => {
    const denied: typeof fetch = async (_url, init) => {
      const auth = new Headers(init?.headers).get('authorization');
      throw Object.assign(new Error(`net access denied for a request with ${auth}`), { name: 'NotCapable', init });
    };
    const client = h.clientWith({ accessToken: TOKEN, fetch: denied });
    const e = await rejected(client.customers.retrieve({ customerId: 'c' }));
    assert.match(String(e), /Deno did not allow/);
    for (const text of renderings(e)) assert.ok(!text.includes(TOKEN), text);
  });

  it('a header value refused as invalid is not shown when its name looks secret', async () => {
    const client = h.clientWith({ accessToken: TOKEN });
    // A key read from a file or a secret mount often ends with a newline.
    const e = await rejected(
      client.customers.retrieve({ customerId: 'c' }, { headers: { authorization: `Bearer ${TOKEN}\n` } }),
    );
    assert.match(String(e), /options\.headers\.authorization must be a header value without CR, LF/);
    for (const text of renderings(e)) assert.ok(!text.includes(TOKEN), text);
    let refused: unknown;
    try {
      h.clientWith({ defaultHeaders: { 'x-api-key': `${TOKEN}\r\n`, 'x-team': 'billing\n' } });
    } catch (error) {
      refused = error;
    }
    assert.match(String(refused), /defaultHeaders\.x-api-key must be a header value/);
    for (const text of renderings(refused)) assert.ok(!text.includes(TOKEN), text);
    assert.deepEqual(h.emu.requests(), []);
  });
});
