import assert from 'node:assert/strict';
import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { type Logger, ParityDeals, ParityDealsError } from '../../src/index.node.js';
import { useEmulator } from '../support.js';

const h = useEmulator();

/** A real Console writing to memory: what the default `console` logger would print. */
function printed(): { console: Console; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { console: new Console({ stdout: out, stderr: out }), text: () => text };
}

function levels(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

describe('log lines', () => {
  it('a console prints no trailing "undefined" on lines without details', async () => {
    const { console, text } = printed();
    const client = h.clientWith({ logger: console, logLevel: 'info' });
    await client.customers.create({ customerId: 'l1' });
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text().trim().split('\n');
    assert.equal(lines.length, 1, text());
    assert.match(lines[0] ?? '', /^\[paritydeals\] POST http:\S+ → 201 \(\d+ ms\)$/);
  });

  it('retries are info, not warn: the default level stays quiet when a retry succeeds', async () => {
    const log = levels();
    const client = h.clientWith({ logger: log, maxRetryDelay: 1 });
    h.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 1, times: 2 }]);
    h.emu.seed({ customers: [{ customerId: 'r1' }] });
    await client.customers.retrieve({ customerId: 'r1' });
    assert.deepEqual(log.lines, []);

    const verbose = levels();
    h.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 1, times: 1 }]);
    await h
      .clientWith({ logger: verbose, logLevel: 'info', maxRetryDelay: 1 })
      .customers.retrieve({ customerId: 'r1' });
    assert.match(verbose.lines[0] ?? '', /^info \[paritydeals\] customers\.retrieve: status 503; retry 1 of 2/);
  });

  it('an outage logs nothing at warn for failures the caller is told about', async () => {
    const log = levels();
    const client = h.clientWith({ logger: log, maxRetryDelay: 1 });
    h.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 1 }]);
    for (let i = 0; i < 3; i++)
      await client.entitlements.hasAccess({ customerId: 'c', featureId: 'f' }).catch(() => {});
    assert.deepEqual(log.lines, []);
  });

  it('an unknown outcome is warned about once', async () => {
    const log = levels();
    const client = h.clientWith({ logger: log, maxRetryDelay: 1 });
    h.emu.seed({ subscriptions: [{ customerId: 'u1', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/usage/', times: 1 }]);
    await client.reporting
      .reportUsage({ value: 1, customerId: 'u1', featureId: 'api-calls', behaviour: 'DELTA' })
      .catch(() => {});
    assert.equal(log.lines.length, 1, log.lines.join('\n'));
    assert.match(log.lines[0] ?? '', /^warn \[paritydeals\] reporting\.reportUsage .*outcome is unknown/);
  });

  it('a logger lacking a method is refused at construction, naming what it lacks', () => {
    const base = { accessToken: 'k', baseUrl: h.emu.url, edgeApiUrl: h.emu.edgeUrl };
    assert.throws(
      () => new ParityDeals({ ...base, logger: {} as never }),
      (e: unknown) =>
        e instanceof ParityDealsError &&
        /logger must have the methods error, warn, info and debug.*lacks error, warn, info, debug/.test(e.message),
    );
    assert.throws(() => new ParityDeals({ ...base, logger: { ...console, debug: undefined } as never }), /lacks debug/);
    assert.throws(() => ParityDeals.createSyncClient({ ...base, logger: {} as never }), /logger must have the methods/);
  });

  it('PARITYDEALS_LOG with an unknown level is refused like logLevel, and its case is ignored', () => {
    const base = { accessToken: 'k', baseUrl: h.emu.url, edgeApiUrl: h.emu.edgeUrl };
    const saved = process.env.PARITYDEALS_LOG;
    try {
      process.env.PARITYDEALS_LOG = 'loud';
      assert.throws(
        () => new ParityDeals(base),
        /PARITYDEALS_LOG environment variable must be one of off, error, warn, info, debug, got "loud"/,
      );
      // The option wins over the variable, so an explicit level still works.
      assert.doesNotThrow(() => new ParityDeals({ ...base, logLevel: 'off' }).close());
      process.env.PARITYDEALS_LOG = 'DEBUG';
      assert.doesNotThrow(() => new ParityDeals(base).close());
    } finally {
      if (saved === undefined) delete process.env.PARITYDEALS_LOG;
      else process.env.PARITYDEALS_LOG = saved;
    }
    assert.throws(() => new ParityDeals({ ...base, logLevel: 'verbose' as never }), /logLevel must be one of/);
  });
});
