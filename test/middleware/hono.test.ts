// paritydeals-sdk/hono on a real Hono app served by @hono/node-server, against the emulator.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type EntitlementVariables, requireEntitlement } from '../../src/middleware/hono.js';
import { useEmulator } from '../support.js';
import { middlewareScenarios } from './scenarios.js';

middlewareScenarios('hono', async (client, routes) => {
  const app = new Hono<{ Variables: EntitlementVariables }>();
  let handled = 0;
  for (const route of routes) {
    const gate = requireEntitlement(route.featureId, {
      ...route.options,
      client,
      customerId: (c) => c.req.header('x-customer-id'),
    });
    app.get(route.path, gate, (c) => {
      handled++;
      return c.json({ entitlement: c.get('entitlement') ?? null }, (route.status ?? 200) as 200);
    });
  }
  app.onError((err, c) => c.json({ error: err.name }, 500));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handled: () => handled,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});

describe('requireEntitlement (hono) on a runtime with an execution context', () => {
  const h = useEmulator();
  it("hands the reporter's flush to executionCtx.waitUntil, so the usage is sent after the response", async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
    const app = new Hono();
    const gate = requireEntitlement('api-calls', {
      client: h.client,
      customerId: (c) => c.req.header('x-customer-id'),
      meter: true,
    });
    app.get('/api', gate, (c) => c.text('ok'));
    const waited: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void waited.push(p), passThroughOnException() {}, props: {} };
    const res = await app.fetch(
      new Request('http://worker.local/api', { headers: { 'x-customer-id': 'pro' } }),
      {},
      ctx,
    );
    assert.equal(res.status, 200);
    assert.equal(waited.length, 0, 'not billed before the runtime has read the body');
    assert.equal(await res.text(), 'ok');
    assert.equal(waited.length, 1, 'one flush handed over');
    await Promise.all(waited);
    const sent = h.emu.requests().filter((r) => r.path.includes('/report/usage'));
    assert.deepEqual(
      sent.map((r) => (r.body as { value: number }).value),
      [1],
    );
  });
});

describe('requireEntitlement (hono): the meter counts a response once it is sent', () => {
  const h = useEmulator();
  /** An app whose gate meters api-calls for 'pro' into `recorded` instead of the reporter. */
  function metered() {
    h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
    const recorded: unknown[] = [];
    const client = {
      entitlements: h.client.entitlements,
      reporting: { record: (report: unknown) => recorded.push(report) > 0 },
    };
    const gate = requireEntitlement('api-calls', {
      client,
      customerId: (c) => c.req.header('x-customer-id'),
      meter: true,
    });
    return { app: new Hono(), gate, recorded };
  }
  it('bills nothing for a streamed response that has not finished (aborted, it never will)', async () => {
    const { app, gate, recorded } = metered();
    app.get('/export', gate, () => {
      // An export that streams rows; its end never comes in this test.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('first row\n'));
        },
      });
      return new Response(body, { status: 200 });
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const stop = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/export`, {
        headers: { 'x-customer-id': 'pro' },
        signal: stop.signal,
      });
      assert.equal(res.status, 200);
      await res.body?.getReader().read();
      assert.deepEqual(recorded, [], 'the response has not been sent: nothing is billed yet');
    } finally {
      stop.abort();
      (server as import('node:http').Server).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
  it('bills a streamed response once, when the server has read it to its end', async () => {
    const { app, gate, recorded } = metered();
    let release: () => void = () => {};
    const last = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.get('/export', gate, () => {
      const rows = ['a\n', 'b\n', 'c\n'];
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const row = rows.shift();
          if (row === undefined) return controller.close();
          if (rows.length === 0) await last; // the last row waits until the test lets it go
          controller.enqueue(new TextEncoder().encode(row));
        },
      });
      return new Response(body, { status: 200 });
    });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/export`, {
        headers: { 'x-customer-id': 'pro' },
        signal: AbortSignal.timeout(5_000),
      });
      const reader = res.body?.getReader();
      assert.ok(reader);
      await reader.read();
      assert.deepEqual(recorded, [], 'two rows of three sent: not yet');
      release();
      let text = '';
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
      assert.match(text, /c\n$/);
      assert.deepEqual(recorded, [{ value: 1, customerId: 'pro', featureId: 'api-calls', behaviour: 'DELTA' }]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
