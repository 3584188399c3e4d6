// paritydeals-sdk/hono on a real Hono app served by @hono/node-server, against the emulator.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type EntitlementVariables, requireEntitlement } from '../../src/middleware/hono.js';
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
