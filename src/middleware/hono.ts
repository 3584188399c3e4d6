// paritydeals-sdk/hono: requireEntitlement for Hono, which runs on web-standard Request and
// Response: Node, Bun, Deno, Cloudflare Workers and other edge runtimes. It imports Hono's types
// only, so nothing here loads Hono (an optional peer dependency), and it reaches no Node built-in.

import type { Context, MiddlewareHandler } from 'hono';
import { type GrantedEntitlement, type Meterable, makeGate, type RequireEntitlementOptions } from './gate.js';

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

/** What the middleware sets on the context: `c.get('entitlement')`. */
export interface EntitlementVariables {
  entitlement: GrantedEntitlement;
}

/**
 * Lets a request through only when its customer has the feature, checked through the client's
 * entitlement cache (a cached customer costs no request). Granted: `c.get('entitlement')` holds
 * the answer and the next handler runs. Refused: 403 with a JSON body (401 when `customerId`
 * gives nothing, 503 when ParityDeals cannot be reached and nothing answers for it; see
 * `whenUnavailable`). Any other failure (a bad access token) is thrown to Hono's `onError`.
 * With `meter`, each let-through request whose response succeeds records a DELTA after the
 * handler; on a runtime with an execution context (Cloudflare Workers), the reporter's flush is
 * handed to `waitUntil`, since nothing runs there once the response is sent unless it is.
 *
 * @example
 * app.get('/reports', requireEntitlement('premium-reporting', { client, customerId: (c) => c.req.header('x-customer-id') }), handler);
 */
export function requireEntitlement(
  featureId: string,
  options: RequireEntitlementOptions<Context>,
): MiddlewareHandler<{ Variables: EntitlementVariables }> {
  const gate = makeGate(featureId, options);
  const reporting = options.client?.reporting as Partial<Meterable> | undefined;
  return async (c, next) => {
    const decision = await gate.decide(c);
    if (!decision.granted) {
      const { status, body } = decision.response;
      return c.json(body, status as 403);
    }
    c.set('entitlement', decision.grant);
    await next();
    if (gate.record && decision.meterValue !== undefined) {
      gate.record(decision.grant, decision.meterValue, c.res.status);
      const ctx = executionContext(c);
      if (ctx && typeof reporting?.flush === 'function') ctx.waitUntil(reporting.flush());
    }
    return undefined;
  };
}

/** Hono's execution context, or undefined where the runtime has none (its getter throws there). */
function executionContext(c: Context): { waitUntil(promise: Promise<unknown>): void } | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
