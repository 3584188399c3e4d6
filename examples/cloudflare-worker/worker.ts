/**
 * A Cloudflare Worker that gates an endpoint and reports its usage.
 *
 *   npm install paritydeals-sdk
 *   npx wrangler secret put PARITYDEALS_ACCESS_TOKEN
 *   npx wrangler deploy worker.ts --name my-worker --compatibility-date 2025-09-01
 *
 * POST /generate needs the `api-calls` feature; each generation reports 1 unit of usage. The
 * report is handed to `ctx.waitUntil`, so the response does not wait for it and the Worker is
 * kept alive until it is sent. The client lives across requests of one isolate, so its
 * entitlement cache answers repeat customers without a request.
 */
import { ParityDeals } from 'paritydeals-sdk';

export interface Env {
  PARITYDEALS_ACCESS_TOKEN: string;
  PARITYDEALS_BASE_URL?: string;
  PARITYDEALS_EDGE_API_URL?: string;
}

interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

let client: ParityDeals | undefined;

function clientFor(env: Env): ParityDeals {
  client ??= new ParityDeals({
    accessToken: env.PARITYDEALS_ACCESS_TOKEN,
    ...(env.PARITYDEALS_BASE_URL ? { baseUrl: env.PARITYDEALS_BASE_URL } : {}),
    ...(env.PARITYDEALS_EDGE_API_URL ? { edgeApiUrl: env.PARITYDEALS_EDGE_API_URL } : {}),
  });
  return client;
}

export default {
  async fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== 'POST' || url.pathname !== '/generate') return new Response('not found', { status: 404 });
    // From your authentication in a real Worker: a header the caller sets can name any customer.
    const customerId = request.headers.get('x-customer-id');
    if (!customerId) return Response.json({ error: 'no_customer' }, { status: 401 });

    const pd = clientFor(env);
    const allowed = await pd.entitlements.hasAccess({ customerId, featureId: 'api-calls' });
    if (!allowed) return Response.json({ error: 'not_entitled', featureId: 'api-calls' }, { status: 403 });

    const result = { text: 'generated' };
    ctx.waitUntil(
      pd.reporting
        .reportUsage({ customerId, featureId: 'api-calls', value: 1, behaviour: 'DELTA' })
        // A lost report must be seen: an unknown outcome says so, with what to reconcile.
        .catch((error: unknown) =>
          console.error('usage report failed', error instanceof Error ? error.message : error),
        ),
    );
    return Response.json(result);
  },
};
