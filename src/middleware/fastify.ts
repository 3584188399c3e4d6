// paritydeals-sdk/fastify: requireEntitlement for Fastify, as a preHandler hook. It imports
// Fastify's types only, so nothing here loads Fastify (an optional peer dependency).

import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { type GrantedEntitlement, makeGate, type RequireEntitlementOptions } from './gate.js';

export type {
  Denial,
  DeniedResponse,
  GateClient,
  GrantedEntitlement,
  Meterable,
  MeterOptions,
  RequireEntitlementOptions,
  UnavailableMode,
  UnrecordedUsage,
} from './gate.js';
export { defaultDenied } from './gate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireEntitlement` when it let the request through. */
    entitlement?: GrantedEntitlement;
  }
}

/**
 * A preHandler that lets a request through only when its customer has the feature, checked
 * through the client's entitlement cache (a cached customer costs no request). Granted:
 * `request.entitlement` holds the answer and the handler runs. Refused: 403 with a JSON body
 * (401 when `customerId` gives nothing, 503 when ParityDeals cannot be reached and nothing
 * answers for it; see `whenUnavailable`). Any other failure (a bad access token) is thrown to
 * Fastify's error handler. With `meter`, each let-through request whose response succeeds
 * records a DELTA once the response is sent.
 *
 * @example
 * // request.user: set by your authentication. Never take the id from a header the client controls.
 * app.get('/reports', { preHandler: requireEntitlement('premium-reporting', { client, customerId: (req) => req.user?.id }) }, handler);
 */
export function requireEntitlement(
  featureId: string,
  options: RequireEntitlementOptions<FastifyRequest>,
): preHandlerAsyncHookHandler {
  const gate = makeGate(featureId, options);
  return async function paritydealsEntitlement(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const decision = await gate.decide(request);
    if (!decision.granted) {
      await reply.code(decision.response.status).send(decision.response.body);
      return;
    }
    request.entitlement = decision.grant;
    const { record } = gate;
    if (record && decision.meterValue !== undefined) {
      const value = decision.meterValue;
      // 'finish': the whole response was handed to the OS. An aborted response counts nothing.
      reply.raw.once('finish', () => record(decision.grant, value, reply.raw.statusCode));
    }
  };
}
