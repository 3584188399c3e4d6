// paritydeals-sdk/fastify on a real Fastify server, against the emulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify, { type FastifyRequest } from 'fastify';
import { ValidationError } from '../../src/index.node.js';
import { requireEntitlement, type UnrecordedUsage } from '../../src/middleware/fastify.js';
import { useEmulator } from '../support.js';
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

describe('requireEntitlement (fastify): a meter that fails after the response', () => {
  const h = useEmulator();

  it('goes to meter.onError with the usage, not out of the finish event: countIf throwing, record refusing', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => void uncaught.push(error);
    // Node's test runner turns an uncaught exception into this test's failure; a server exits.
    process.prependListener('uncaughtException', onUncaught);
    const told: Array<{ error: unknown; usage: UnrecordedUsage }> = [];
    const onError = (error: unknown, usage: UnrecordedUsage) => void told.push({ error, usage });
    // No interval flush during the test: the two huge DELTAs below must meet in the buffer.
    const client = h.clientWith({ usage: { flushInterval: 60_000 } });
    const bug = new Error('app bug');
    const app = Fastify();
    const customerId = (req: FastifyRequest) => req.headers['x-customer-id'] as string | undefined;
    const throwing = requireEntitlement('api-calls', {
      client,
      customerId,
      meter: {
        countIf: () => {
          throw bug;
        },
        onError,
      },
    });
    // Two of these overflow the buffered DELTA: record() refuses the second with a ValidationError.
    const huge = requireEntitlement('premium-reporting', {
      client,
      customerId,
      meter: { featureId: 'api-calls', value: Number.MAX_SAFE_INTEGER, onError },
    });
    app.get('/throwing', { preHandler: throwing }, async () => ({ ok: true }));
    app.get('/huge', { preHandler: huge }, async () => ({ ok: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const path of ['/throwing', '/huge', '/huge']) {
        const res = await fetch(`${url}${path}`, { headers: { 'x-customer-id': 'pro' } });
        assert.equal(res.status, 200, path);
        await res.text();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(uncaught, []);
      assert.deepEqual(
        told.map((t) => t.usage),
        [
          { customerId: 'pro', featureId: 'api-calls', value: 1, status: 200 },
          { customerId: 'pro', featureId: 'api-calls', value: Number.MAX_SAFE_INTEGER, status: 200 },
        ],
      );
      assert.equal(told[0]?.error, bug);
      assert.ok(told[1]?.error instanceof ValidationError, String(told[1]?.error));
    } finally {
      process.off('uncaughtException', onUncaught);
      await app.close();
    }
  });
});
