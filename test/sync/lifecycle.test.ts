// The sync client's life: close(), what it refuses (signal, fetch), log lines, unsupported
// runtimes, and a process that never closes it still exiting by itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { ParityDeals as UniversalParityDeals } from '../../src/index.js';
import { type Logger, ParityDeals, ParityDealsError, ServerError, ValidationError } from '../../src/index.node.js';
import { thrown } from '../expect.js';
import { useRig } from './helpers.js';

/** A logger that keeps its lines, with the timings that differ between runs blanked. */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message.replace(/\d+ ms/g, 'N ms')}`);
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

describe('sync client: lifecycle', () => {
  const r = useRig();
  before(async () => {
    await r.emu.seed({
      customers: [{ customerId: 'c1' }],
      subscriptions: [{ customerId: 'exit-child', planIdentifier: 'plan-pro-monthly' }],
    });
  });

  it('close(): idempotent; every call afterwards throws a clear ParityDealsError and sends nothing', async () => {
    const client = ParityDeals.createSyncClient(r.options);
    const page = client.customers.list({ pageSize: 1 });
    client.close();
    client.close();
    await r.emu.clearRequests();
    const error = thrown(() => client.customers.retrieve({ customerId: 'c1' }));
    assert.ok(error instanceof ParityDealsError);
    assert.match(error.message, /closed/);
    assert.throws(() => client.withResponse.entitlements.hasAccess({ customerId: 'c1', featureId: 'seats' }), /closed/);
    assert.throws(() => page.getNextPage(), /closed/);
    assert.deepEqual(await r.emu.requests(), []);
  });

  it('close() from inside a call (a parameter getter) stops that call: no request, no new worker', async () => {
    const client = ParityDeals.createSyncClient(r.options);
    await r.emu.clearRequests();
    const params = {
      get customerId() {
        client.close();
        return 'c1';
      },
    };
    const error = thrown(() => client.customers.retrieve(params));
    assert.ok(error instanceof ParityDealsError, String(error));
    assert.match(error.message, /closed/);
    assert.throws(() => client.customers.retrieve({ customerId: 'c1' }), /closed/);
    assert.deepEqual(await r.emu.requests(), [], 'the call did not start a worker to send it');
  });

  it('bad per-request options and ids are ValidationErrors naming them, as in the async client', async () => {
    await r.emu.clearRequests();
    const delta = { value: 1, customerId: 'c1', featureId: 'api-calls', behaviour: 'DELTA' } as const;
    const bad: [() => unknown, string][] = [
      [() => r.sync.reporting.reportUsage(delta, { timeout: 0 }), 'options.timeout'],
      [() => r.sync.reporting.reportUsage(delta, { timeout: Number.NaN }), 'options.timeout'],
      [() => r.sync.reporting.reportUsage(delta, { maxRetries: Number.POSITIVE_INFINITY }), 'options.maxRetries'],
      [() => r.sync.reporting.reportUsage(delta, { headers: { 'x-a': 'v\r\nx-b: 1' } }), 'options.headers.x-a'],
      [() => r.sync.customers.retrieve({ customerId: '\uD800' }), 'customerId'],
      // Unknown keys are refused on the calling thread, not ignored: by the pipeline's checker,
      // and by the entitlement reads' (which know fresh and fallback), on a hit as on a miss.
      [() => r.sync.customers.retrieve({ customerId: 'c1' }, { timout: 5 } as never), 'options.timout'],
      [() => r.sync.customers.retrieve({ customerId: 'c1' }, { fresh: true } as never), 'options.fresh'],
      [
        () => r.sync.entitlements.hasAccess({ customerId: 'c1', featureId: 'f' }, { frsh: true } as never),
        'options.frsh',
      ],
    ];
    for (const [call, param] of bad) {
      const error = thrown(call);
      assert.ok(error instanceof ValidationError, String(error));
      assert.equal(error.param, param);
    }
    const typo = thrown(() => r.sync.customers.retrieve({ customerId: 'c1' }, { timout: 5 } as never));
    assert.match(String(typo), /customers\.retrieve: unknown option options\.timout; did you mean options\.timeout\?/);
    assert.deepEqual(await r.emu.requests(), []);
  });

  it('a signal is refused with a clear error before anything is sent', async () => {
    await r.emu.clearRequests();
    const error = thrown(() =>
      r.sync.customers.retrieve({ customerId: 'c1' }, { signal: AbortSignal.timeout(10) } as never),
    );
    assert.ok(error instanceof ParityDealsError);
    assert.match(error.message, /cannot take a `signal`.*timeout/s);
    assert.deepEqual(await r.emu.requests(), []);
  });

  it('a custom fetch is refused at construction; bad options fail as in the async client', () => {
    const error = thrown(() => ParityDeals.createSyncClient({ ...r.options, fetch: globalThis.fetch } as never));
    assert.ok(error instanceof ParityDealsError);
    assert.match(error.message, /custom `fetch`/);
    assert.throws(
      () => ParityDeals.createSyncClient({ ...r.options, timeout: -1 }),
      /timeout must be a number of milliseconds above 0/,
    );
    assert.throws(() => ParityDeals.createSyncClient({ ...r.options, accessToken: ' ' }), /No access token/);
  });

  it('unknown option keys are refused at construction, naming the key and the one meant', async () => {
    await r.emu.clearRequests();
    const { baseUrl: _b, edgeApiUrl: _e, ...rest } = r.options;
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { ...rest, baseURL: r.emu.url, edgeApiURL: r.emu.edgeUrl },
        /^ParityDeals option baseURL is unknown; did you mean baseUrl\? \(baseUrl was not given\)$/,
      ],
      [{ ...r.options, timout: 5 }, /option timout is unknown; did you mean timeout\?/],
      [{ ...r.options, cache: { tll: 5 } }, /option cache\.tll is unknown; did you mean cache\.ttl\?/],
      [
        { ...r.options, usage: { flushInterva: 5 } },
        /option usage\.flushInterva is unknown; did you mean usage\.flushInterval\?/,
      ],
      [
        { ...r.options, usage: { exitHooks: { signal: ['SIGINT'] } } },
        /option usage\.exitHooks\.signal is unknown; did you mean usage\.exitHooks\.signals\?/,
      ],
      [
        { ...r.options, usage: { outbox: { file: '/nonexistent/usage.journal', fsyn: true } } },
        /option usage\.outbox\.fsyn is unknown; did you mean usage\.outbox\.fsync\?/,
      ],
    ];
    for (const [options, message] of cases) {
      const error = thrown(() => ParityDeals.createSyncClient(options as never));
      assert.ok(error instanceof ParityDealsError, String(error));
      assert.match(error.message, message);
    }
    // What only the async client takes keeps its own explanation.
    const store = { get: async () => undefined, set: async () => {}, delete: async () => {} };
    assert.match(
      String(thrown(() => ParityDeals.createSyncClient({ ...r.options, cache: { store } }))),
      /cannot use `cache\.store`/,
    );
    assert.deepEqual(await r.emu.requests(), [], 'nothing was sent');
  });

  it('log lines reach the logger when the call returns, the same lines as the async client writes', async () => {
    const syncLog = recorder();
    const asyncLog = recorder();
    const sync = ParityDeals.createSyncClient({ ...r.options, logLevel: 'info', logger: syncLog });
    const async = ParityDeals.createAsyncClient({ ...r.options, logLevel: 'info', logger: asyncLog });
    try {
      await r.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 5, times: 1 }]);
      sync.customers.retrieve({ customerId: 'c1' });
      await r.emu.setFaults([{ type: 'status', status: 503, retryAfterMs: 5, times: 1 }]);
      await async.customers.retrieve({ customerId: 'c1' });
      assert.equal(syncLog.lines.length, 2);
      assert.match(syncLog.lines[0] ?? '', /^info \[paritydeals\] customers.retrieve: status 503; retry 1 of 2/);
      assert.match(syncLog.lines[1] ?? '', /^info \[paritydeals\] GET .* → 200/);
      assert.deepEqual(syncLog.lines, asyncLog.lines);
    } finally {
      await r.emu.clearFaults();
      sync.close();
      async.close();
    }
  });

  it('a logger that throws does not fail the call; logLevel off silences the worker too', () => {
    const angry: Logger = { error: boom, warn: boom, info: boom, debug: boom };
    function boom(): never {
      throw new Error('logger broke');
    }
    const loud = ParityDeals.createSyncClient({ ...r.options, logLevel: 'debug', logger: angry });
    const quiet = recorder();
    const silent = ParityDeals.createSyncClient({ ...r.options, logLevel: 'off', logger: quiet });
    try {
      assert.equal(loud.customers.retrieve({ customerId: 'c1' }).customerId, 'c1');
      assert.throws(() => silent.customers.retrieve({ customerId: 'nobody' }));
      assert.deepEqual(quiet.lines, []);
    } finally {
      loud.close();
      silent.close();
    }
  });

  it('the universal entry (no worker threads assumed) still throws its clear error', () => {
    const error = thrown(() => UniversalParityDeals.createSyncClient(r.options));
    assert.ok(error instanceof ParityDealsError);
    assert.match(error.message, /createAsyncClient/);
  });

  it('a runtime without SharedArrayBuffer or Atomics.wait gets a clear ParityDealsError', () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const saved = g.SharedArrayBuffer;
    delete g.SharedArrayBuffer;
    try {
      const error = thrown(() => ParityDeals.createSyncClient(r.options));
      assert.ok(error instanceof ParityDealsError);
      assert.match(error.message, /needs SharedArrayBuffer.*createAsyncClient/);
    } finally {
      g.SharedArrayBuffer = saved;
    }
    const wait = Atomics.wait;
    (Atomics as { wait: unknown }).wait = () => {
      throw new TypeError('Atomics.wait cannot be called in this context');
    };
    try {
      assert.throws(() => ParityDeals.createSyncClient(r.options), /needs Atomics.wait on this thread/);
    } finally {
      Atomics.wait = wait;
    }
  });

  it('a failed call leaves the client usable', () => {
    assert.throws(() => r.sync.customers.retrieve({ customerId: 'nobody' }));
    assert.equal(r.sync.customers.retrieve({ customerId: 'c1' }).customerId, 'c1');
  });

  it('ServerError is rebuilt on the calling thread, with its stack there', async () => {
    await r.emu.setFaults([{ type: 'status', status: 500, times: 1 }]);
    try {
      const error = thrown(() => r.sync.customers.retrieve({ customerId: 'c1' }, { maxRetries: 0 }));
      assert.ok(error instanceof ServerError);
      assert.match(error.stack ?? '', /lifecycle\.test\.ts/);
    } finally {
      await r.emu.clearFaults();
    }
  });

  for (const mode of ['idle', 'call'] as const) {
    it(`a process that ${mode === 'idle' ? 'never uses' : 'uses'} a sync client and never closes it exits by itself`, async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url))],
        {
          env: { ...process.env, MODE: mode, PD_KEY: r.emu.apiKey, PD_URL: r.emu.url, PD_EDGE: r.emu.edgeUrl },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      const started = performance.now();
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 10_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(code, 0, `exit code ${code} after ${Math.round(performance.now() - started)} ms; stderr: ${err}`);
      assert.deepEqual(JSON.parse(out), mode === 'idle' ? { idle: true } : { access: true });
    });
  }
});
