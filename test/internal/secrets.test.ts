import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { AuthenticationError, type Logger } from '../../src/index.node.js';
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
