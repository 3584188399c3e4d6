/**
 * A Hono app on web-standard Request and Response: the same file serves Cloudflare Workers,
 * Deno, Bun, Vercel's edge runtime or Next.js route handlers (`export const GET = handle(app)`).
 * It loads the SDK's edge entry (fetch only, no Node built-in) wherever the bundler picks it.
 *
 *   npm install paritydeals-sdk hono
 *
 * GET /export needs the `advanced-analytics` feature. While ParityDeals cannot be reached, a
 * customer it has never answered for is let through (fail open); customers it knows are
 * answered from what it last said.
 */
import { Hono } from 'hono';
import { ParityDeals } from 'paritydeals-sdk';
import { type EntitlementVariables, requireEntitlement } from 'paritydeals-sdk/hono';

export interface Env {
  PARITYDEALS_ACCESS_TOKEN: string;
  PARITYDEALS_BASE_URL?: string;
  PARITYDEALS_EDGE_API_URL?: string;
}

/** Edge runtimes pass their settings per request, not in process.env: one client per settings. */
export function createApp(env: Env): Hono<{ Variables: EntitlementVariables }> {
  const client = new ParityDeals({
    accessToken: env.PARITYDEALS_ACCESS_TOKEN,
    ...(env.PARITYDEALS_BASE_URL ? { baseUrl: env.PARITYDEALS_BASE_URL } : {}),
    ...(env.PARITYDEALS_EDGE_API_URL ? { edgeApiUrl: env.PARITYDEALS_EDGE_API_URL } : {}),
  });
  const app = new Hono<{ Variables: EntitlementVariables }>();
  app.get(
    '/export',
    requireEntitlement('advanced-analytics', {
      client,
      // From your authentication in a real app: a header the caller sets can name any customer.
      customerId: (c) => c.req.header('x-customer-id'),
      whenUnavailable: 'open',
    }),
    (c) => c.json({ export: 'started', source: c.get('entitlement').source }),
  );
  return app;
}
