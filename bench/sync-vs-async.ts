/**
 * What blocking costs: N sequential `customers.retrieve` calls with the async client and with
 * the sync client (whose calls cross to a worker thread and back), against the floor of raw
 * `node:http` keep-alive, all to the same emulator in the same run. The emulator runs in a child
 * process, so the server's work sits on another core.
 *
 *   npx tsx bench/sync-vs-async.ts [calls per round, default 1000] [rounds, default 5]
 *
 * Prints the median µs per call of each contender, its ratio to the floor, and sync/async.
 */
import { ParityDeals } from '../src/index.node.js';
import { spawnEmulator } from '../src/testing/index.js';
import { rawKeepAliveGet } from './floor.js';

const PER_ROUND = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const WARM_UP = 2000; // the worker thread has its own JIT to warm

const emu = await spawnEmulator();
await emu.seed({ customers: [{ customerId: 'bench', name: 'Bench' }] });
const options = { accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl, logLevel: 'off' } as const;
const asyncClient = ParityDeals.createAsyncClient(options);
const syncClient = ParityDeals.createSyncClient(options);

const raw = rawKeepAliveGet(emu.port, '/api/v1/customers/bench/', emu.apiKey);
const rawGet = raw.get;

/** µs per call over `n` sequential calls; `fn` returns a Promise or, for the sync client, a value. */
async function round(fn: () => unknown, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

/** The sync client measured without an `await` per call, as a sync caller would use it. */
function syncRound(n: number): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) syncClient.customers.retrieve({ customerId: 'bench' });
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

const contenders: Array<[string, (n: number) => number | Promise<number>]> = [
  ['node:http keep-alive (floor)', (n) => round(rawGet, n)],
  ['async client', (n) => round(() => asyncClient.customers.retrieve({ customerId: 'bench' }), n)],
  ['sync client', syncRound],
];

// Warm up every path (JIT, sockets, the worker) before measuring.
for (const [, run] of contenders) await run(WARM_UP);

// Rounds interleave the contenders so a slow patch of the machine hits all of them alike.
const samples = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
for (let r = 0; r < ROUNDS; r++) for (const [name, run] of contenders) samples.get(name)?.push(await run(PER_ROUND));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const floor = median(samples.get(contenders[0]![0]) ?? []);
console.log(
  `${ROUNDS} rounds × ${PER_ROUND} sequential customers.retrieve, median µs per call (Node ${process.versions.node})`,
);
for (const [name] of contenders) {
  const us = median(samples.get(name) ?? []);
  console.log(`  ${name.padEnd(30)} ${us.toFixed(1).padStart(8)} µs   ${(us / floor).toFixed(2)}× floor`);
}
const asyncUs = median(samples.get('async client') ?? []);
const syncUs = median(samples.get('sync client') ?? []);
console.log(
  `  sync / async: ${(syncUs / asyncUs).toFixed(2)}×  (${(syncUs - asyncUs).toFixed(1)} µs per call for the thread hop)`,
);

syncClient.close();
asyncClient.close();
raw.close();
await emu.close();
