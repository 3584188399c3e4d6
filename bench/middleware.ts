/**
 * What requireEntitlement adds to a request, measured in one run (the emulator in a child
 * process, so its work sits on the other core):
 *
 * 1. the gate's decision for a cached customer against the cached `hasAccess` it is built on;
 * 2. a request to a real Express server, gated (the customer cached) against the same route
 *    ungated and behind a middleware that only awaits, over loopback.
 *
 *   npx tsx bench/middleware.ts
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ParityDeals } from '../src/index.node.js';
import { requireEntitlement } from '../src/middleware/express.js';
import { makeGate } from '../src/middleware/gate.js';
import { spawnEmulator } from '../src/testing/index.js';

const DECISIONS = 500_000;
const REQUESTS = 3_000;
const ROUNDS = 5;

const emu = await spawnEmulator();
await emu.seed({ subscriptions: [{ customerId: 'bench', planIdentifier: 'premium-plan' }] });
const client = new ParityDeals({ accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' });
const check = { customerId: 'bench', featureId: 'premium-reporting' };
await client.entitlements.hasAccess(check);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
async function perCall(fn: () => PromiseLike<unknown>, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - started) / n;
}

// ---- 1. the decision ---------------------------------------------------------------------------
const gate = makeGate('premium-reporting', { client, customerId: () => 'bench' });
const decisions: number[] = [];
const checks: number[] = [];
await perCall(() => gate.decide(undefined), 50_000);
for (let r = 0; r < ROUNDS; r++) {
  checks.push(await perCall(() => client.entitlements.hasAccess(check), DECISIONS));
  decisions.push(await perCall(() => gate.decide(undefined), DECISIONS));
}

// ---- 2. a request through Express --------------------------------------------------------------
const app = express();
app.get('/plain', (_req, res) => void res.json({ ok: true }));
// Any middleware that awaits before next(), for what the gate costs beyond being asynchronous.
app.get(
  '/async',
  (_req, _res, next) => void Promise.resolve().then(() => next()),
  (_req, res) => void res.json({ ok: true }),
);
app.get(
  '/gated',
  requireEntitlement('premium-reporting', { client, customerId: (req) => req.get('x-customer-id') }),
  (_req, res) => void res.json({ ok: true }),
);
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const headers = { 'x-customer-id': 'bench' };
const get = async (path: string) => {
  const res = await fetch(`${base}${path}`, { headers });
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  await res.arrayBuffer();
};
await perCall(() => get('/gated'), 500);
await perCall(() => get('/plain'), 500);
const plain: number[] = [];
const passed: number[] = [];
const gated: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Rotated, so no route always runs first in a round.
  const order = [
    () => perCall(() => get('/plain'), REQUESTS).then((x) => plain.push(x)),
    () => perCall(() => get('/async'), REQUESTS).then((x) => passed.push(x)),
    () => perCall(() => get('/gated'), REQUESTS).then((x) => gated.push(x)),
  ];
  for (let i = 0; i < order.length; i++) await (order[(i + r) % order.length] as () => Promise<unknown>)();
}
server.close();
client.close();
await emu.close();

const ns = (x: number) => `${x.toFixed(0)} ns`;
const us = (x: number) => `${(x / 1000).toFixed(1)} µs`;
console.log(`cached hasAccess (awaited)          ${ns(median(checks))}`);
console.log(
  `gate decision, cached customer      ${ns(median(decisions))}  (${(median(decisions) / median(checks)).toFixed(1)}× the check)`,
);
const over = (x: number) => `+${(((x - median(plain)) / median(plain)) * 100).toFixed(1)}%`;
console.log(`Express request, ungated            ${us(median(plain))}`);
console.log(`Express request, async pass-through ${us(median(passed))}  (${over(median(passed))})`);
console.log(`Express request, gated (cached)     ${us(median(gated))}  (${over(median(gated))})`);
