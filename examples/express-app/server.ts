/**
 * An Express app that gates a route on an entitlement and meters its use.
 *
 *   npm install paritydeals-sdk express
 *   PARITYDEALS_ACCESS_TOKEN=... npx tsx server.ts
 *
 * GET /reports needs the `premium-reporting` feature; GET /api/search needs `api-calls`, and each
 * successful call adds 1 to the customer's api-calls usage (buffered, sent in the background).
 * Who the customer is comes from your session; here, for the example, the `x-customer-id` header.
 */
import express from 'express';
import { ParityDeals } from 'paritydeals-sdk';
import { requireEntitlement } from 'paritydeals-sdk/express';

// Reads PARITYDEALS_ACCESS_TOKEN (and PARITYDEALS_BASE_URL / PARITYDEALS_EDGE_API_URL, if set).
const client = new ParityDeals();
const customerId = (req: express.Request) => req.get('x-customer-id');

const app = express();

app.get('/reports', requireEntitlement('premium-reporting', { client, customerId }), (req, res) => {
  res.json({ report: 'quarterly', plan: req.entitlement?.entitlement?.featureId });
});

app.get('/api/search', requireEntitlement('api-calls', { client, customerId, meter: true }), (req, res) => {
  const meter = req.entitlement?.entitlement;
  // The entitlement as it was before this call: what the customer had left.
  res.json({ results: [], remaining: meter?.featureType === 'METER' ? meter.remaining : null });
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`);
});

// On shutdown: stop taking requests, then send the usage still buffered.
process.once('SIGTERM', () => {
  server.close(async () => {
    await client.reporting.flush();
    client.close();
  });
});
