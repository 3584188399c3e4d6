// paritydeals-sdk/express on a real Express server, against the emulator.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express, { type NextFunction, type Request, type Response } from 'express';
import { requireEntitlement } from '../../src/middleware/express.js';
import { useEmulator } from '../support.js';
import { middlewareScenarios } from './scenarios.js';

middlewareScenarios('express', async (client, routes) => {
  const app = express();
  let handled = 0;
  for (const route of routes) {
    const gate = requireEntitlement(route.featureId, {
      ...route.options,
      client,
      customerId: (req) => req.get('x-customer-id'),
    });
    app.get(route.path, gate, (req, res) => {
      handled++;
      res.status(route.status ?? 200).json({ entitlement: req.entitlement ?? null });
    });
  }
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.name });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handled: () => handled,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});

describe('requireEntitlement (express): failures while answering', () => {
  const h = useEmulator();

  async function listen(app: express.Express) {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('a refusal Express cannot send goes to next(error), not to an unhandled rejection', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'free', planIdentifier: 'free' }] });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const app = express();
    // Express 5's res.status throws for a code outside 100-999: a typo in an app's onDenied.
    const gate = requireEntitlement('premium-reporting', {
      client: h.client,
      customerId: (req) => req.get('x-customer-id'),
      onDenied: () => ({ status: 4030, body: { error: 'nope' } }),
    });
    app.get('/reports', gate, (_req, res) => void res.json({ ok: true }));
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ error: err.name });
    });
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/reports`, {
        headers: { 'x-customer-id': 'free' },
        signal: AbortSignal.timeout(2_000),
      }).catch((error: Error) => error);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, [], 'nothing rejected unhandled (Node 20 exits on one)');
      assert.ok(!(res instanceof Error), `the request was answered (got ${String(res)})`);
      assert.equal(res.status, 500);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await server.close();
    }
  });

  it('a meter that fails after the response (countIf throws) does not throw out of the finish event', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => void uncaught.push(error);
    // Node's test runner turns an uncaught exception into this test's failure; a server exits.
    process.prependListener('uncaughtException', onUncaught);
    // meter.onError's default is the console: caught here, to show it is told.
    const logged: unknown[][] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    const bug = new Error('app bug');
    const app = express();
    const gate = requireEntitlement('api-calls', {
      client: h.client,
      customerId: (req) => req.get('x-customer-id'),
      meter: {
        countIf: () => {
          throw bug;
        },
      },
    });
    app.get('/api', gate, (_req, res) => void res.json({ ok: true }));
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/api`, { headers: { 'x-customer-id': 'pro' } });
      assert.equal(res.status, 200);
      await res.text();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(uncaught, []);
      assert.equal(logged.length, 1);
      assert.match(String(logged[0]?.[0]), /meter did not record a DELTA of 1 to "api-calls" for customer "pro"/);
      assert.equal(logged[0]?.[1], bug);
    } finally {
      console.error = consoleError;
      process.off('uncaughtException', onUncaught);
      await server.close();
    }
    await h.client.reporting.flush();
    assert.equal(h.emu.requests().filter((r) => r.path.includes('/report/usage')).length, 0, 'nothing recorded');
  });
});
