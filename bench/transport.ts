/**
 * What one small GET costs through the SDK, against the floor: raw `node:http` with a
 * keep-alive agent, the same request to the same emulator, measured in the same run.
 * The emulator runs in a child process so the server's work sits on the other core.
 *
 *   npx tsx bench/transport.ts [requests per round, default 2000] [rounds, default 7]
 *
 * Prints the median time per request of each contender and its ratio to the floor.
 */
import { ParityDeals } from '../src/index.node.js';
import { spawnEmulator } from '../src/testing/index.js';
import { rawKeepAliveGet } from './floor.js';

const PER_ROUND = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 7);

const emu = await spawnEmulator();
await emu.seed({ customers: [{ customerId: 'bench', name: 'Bench' }] });
const path = '/api/v1/customers/bench/';
const headers = { authorization: `Bearer ${emu.apiKey}`, accept: 'application/json' };
const { port } = emu;

const raw = rawKeepAliveGet(port, path, emu.apiKey);
const rawGet = raw.get;

async function fetchGet(): Promise<unknown> {
  const res = await fetch(`${emu.url}${path}`, { headers });
  return res.json();
}

const sdk = new ParityDeals({ accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' });
const sdkGet = () => sdk.customers.retrieve({ customerId: 'bench' });

const contenders: [string, () => Promise<unknown>][] = [
  ['node:http keep-alive (floor)', rawGet],
  ['global fetch', fetchGet],
  ['paritydeals-sdk', sdkGet],
];

async function round(fn: () => Promise<unknown>, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1000 / n; // µs per request
}

// Warm up every path (JIT, sockets) before measuring.
for (const [, fn] of contenders) await round(fn, 500);

// Rounds interleave the contenders so drift in machine load hits all of them alike.
const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
for (let r = 0; r < ROUNDS; r++)
  for (const [name, fn] of contenders) samples.get(name)?.push(await round(fn, PER_ROUND));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const floor = median(samples.get('node:http keep-alive (floor)') as number[]);
console.log(`small GET on loopback, ${ROUNDS} rounds × ${PER_ROUND} sequential requests, median per request`);
for (const [name] of contenders) {
  const us = median(samples.get(name) as number[]);
  console.log(`${name.padEnd(30)} ${us.toFixed(1).padStart(7)} µs   ${(us / floor).toFixed(2)}× floor`);
}

sdk.close();
raw.close();
await emu.close();
