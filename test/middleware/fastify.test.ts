// paritydeals-sdk/fastify on a real Fastify server, against the emulator.
import Fastify from 'fastify';
import { requireEntitlement } from '../../src/middleware/fastify.js';
import { middlewareScenarios } from './scenarios.js';

middlewareScenarios('fastify', async (client, routes) => {
  const app = Fastify();
  let handled = 0;
  // Made before any route is added, so a bad option rejects here as it would at start-up.
  const gated = routes.map((route) => ({
    route,
    preHandler: requireEntitlement(route.featureId, {
      ...route.options,
      client,
      customerId: (req) => req.headers['x-customer-id'] as string | undefined,
    }),
  }));
  for (const { route, preHandler } of gated) {
    app.get(route.path, { preHandler }, async (request, reply) => {
      handled++;
      return reply.code(route.status ?? 200).send({ entitlement: request.entitlement ?? null });
    });
  }
  app.setErrorHandler((err: Error, _request, reply) => reply.code(500).send({ error: err.name }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, handled: () => handled, close: () => app.close() };
});
