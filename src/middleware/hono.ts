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
 * With `meter`, each let-through request whose response succeeds records a DELTA once the
 * response's body has been read to its end by the server (an aborted response records nothing);
 * on a runtime with an execution context (Cloudflare Workers), the reporter's flush is then
 * handed to `waitUntil`, since nothing runs there once the response is sent unless it is.
 *
 * @example
 * // 'user': set by your auth middleware. Never take the id from a header the client controls.
 * app.get('/reports', requireEntitlement('premium-reporting', { client, customerId: (c) => c.get('user')?.id }), handler);
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
    const { record } = gate;
    const value = decision.meterValue;
    if (record && value !== undefined) {
      const res = c.res;
      const status = res.status;
      const bill = () => {
        record(decision.grant, value, status);
        const ctx = executionContext(c);
        if (ctx && typeof reporting?.flush === 'function') ctx.waitUntil(reporting.flush());
      };
      // The handler has returned, the body has not been sent: it is billed once the server has
      // read it to its end, as Express and Fastify bill on 'finish'. A response the client
      // aborts is cancelled before that, and billed nothing.
      if (res.body === null) bill();
      else c.res = new Response(onceRead(res.body, bill), res);
    }
    return undefined;
  };
}

/**
 * `body`, calling `done` when its reader has read it to the end; never when it is cancelled
 * (the client went away) or fails. A pulled stream rather than a TransformStream: a transform's
 * flush runs once the last chunk is written into it, which may be before anyone has read it.
 */
function onceRead(body: ReadableStream<Uint8Array>, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await reader.read();
        if (chunk.done) {
          controller.close();
          done();
        } else controller.enqueue(chunk.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    // Nothing read ahead: the end is seen only when the server asks for what follows the last chunk.
    { highWaterMark: 0 },
  );
}

/** Hono's execution context, or undefined where the runtime has none (its getter throws there). */
function executionContext(c: Context): { waitUntil(promise: Promise<unknown>): void } | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
