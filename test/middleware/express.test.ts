// paritydeals-sdk/express on a real Express server, against the emulator.
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { requireEntitlement } from '../../src/middleware/express.js';
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
