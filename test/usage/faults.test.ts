// The money test: 100 000 DELTA and SET reports over 100 customer-feature pairs, with 20% of the
// usage requests failing in each of the emulator's ways. The emulator must end where sending
// every report one by one would have, except for DELTAs whose outcome was unknown, and those
// must all have reached onError with amounts that explain the difference exactly: per pair, the
// difference is the sum of the surfaced amounts the server did not apply. Which those are the
// SDK cannot know (that is what unknown means); the fault way says it for its own failures
// (a 5xx, reset or hang applied nothing, a drop-after-handle applied everything), but on a loaded
// machine an ordinary request can also time out, applied or not. So the check is that the
// difference is the sum of some of the pair's surfaced amounts, and the log line shows the
// expected case, all or none of them, held.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ParityDeals } from '../../src/index.node.js';
import { type Emulator, type Fault, startEmulator } from '../../src/testing/index.js';
import type { UsageFailure } from '../../src/usage/flusher.js';

const PAIRS = 100;
const REPORTS = 100_000;
const BATCHES = 250;
/** Pairs below this get only DELTAs (their differences are checked amount by amount); the rest mix in SETs and end on one. */
const DELTA_ONLY = 50;

/** Each fault way, and whether a request it hits has changed the meter. */
const WAYS: Array<{ name: string; fault: Fault; applied: boolean }> = [
  { name: 'status 500', fault: { type: 'status', status: 500 }, applied: false },
  { name: 'status 503', fault: { type: 'status', status: 503 }, applied: false },
  { name: 'status 429', fault: { type: 'status', status: 429 }, applied: false },
  { name: 'reset', fault: { type: 'reset' }, applied: false },
  { name: 'drop-after-handle', fault: { type: 'drop-after-handle' }, applied: true },
  { name: 'hang', fault: { type: 'hang' }, applied: false },
];

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ maxRecordedRequests: 200_000 });
});
after(() => emu.close());

const customer = (pair: number) => `cust-${pair}`;

/** A small deterministic PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Every total some of `amounts` add up to (0 included). */
function subsetSums(amounts: number[]): Set<number> {
  let sums = new Set([0]);
  for (const a of amounts) sums = new Set([...sums, ...[...sums].map((s) => s + a)]);
  return sums;
}

describe('usage under faults: 100 000 reports, 100 pairs, 20% of requests failing', () => {
  for (const way of WAYS) {
    it(`${way.name}: totals equal the one-by-one sum, every unknown amount surfaced and explaining the difference`, async () => {
      emu.reset();
      emu.seed({ customers: Array.from({ length: PAIRS }, (_, i) => ({ customerId: customer(i) })) });
      emu.setFaults([{ ...way.fault, path: '/report/usage/', probability: 0.2 }]);
      const failures: UsageFailure[] = [];
      const client = new ParityDeals({
        accessToken: emu.apiKey,
        baseUrl: emu.url,
        edgeApiUrl: emu.edgeUrl,
        logLevel: 'off',
        // A hang ends at the timeout; short waits keep the run short.
        timeout: way.fault.type === 'hang' ? 400 : 10_000,
        maxRetryDelay: 5,
        usage: { flushInterval: 5, concurrency: 16, onError: (f) => failures.push(f) },
      });

      const random = prng(42);
      const oneByOne = new Array<number>(PAIRS).fill(0);
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < REPORTS / BATCHES; i++) {
          const pair = Math.floor(random() * PAIRS);
          const set = pair >= DELTA_ONLY && random() < 0.1;
          const value = 1 + Math.floor(random() * 20);
          oneByOne[pair] = set ? value : (oneByOne[pair] as number) + value;
          assert.ok(
            client.reporting.record({
              value,
              customerId: customer(pair),
              featureId: 'api-calls',
              behaviour: set ? 'SET' : 'DELTA',
            }),
          );
        }
        await sleep(1);
      }
      // Each mixed pair ends on a SET, which must land however many of its attempts fail.
      for (let pair = DELTA_ONLY; pair < PAIRS; pair++) {
        oneByOne[pair] = 1_000 + pair;
        client.reporting.record({
          value: 1_000 + pair,
          customerId: customer(pair),
          featureId: 'api-calls',
          behaviour: 'SET',
        });
      }
      // What a careful app does before it stops: flush until nothing is left to retry.
      let flushes = 0;
      for (;;) {
        const result = await client.reporting.flush();
        flushes++;
        if (!result.failed.some((f) => f.retrying)) break;
        assert.ok(flushes < 100, 'flushes converge');
      }
      await client.close();

      const requests = emu.requests().length;
      const totals = new Map(emu.state().usage.map((u) => [u.customerId, u.value]));
      const unknown: number[][] = Array.from({ length: PAIRS }, () => []);
      for (const f of failures) {
        assert.equal(f.outcomeUnknown, true, `only unknown outcomes reach onError: ${f.error.message}`);
        assert.equal(f.behaviour, 'DELTA', 'a SET is retried, never given up');
        assert.equal(f.retrying, false);
        unknown[Number(f.customerId.slice('cust-'.length))]?.push(f.value);
      }
      let asExpected = 0;
      for (let pair = 0; pair < PAIRS; pair++) {
        const got = totals.get(customer(pair)) ?? 0;
        const want = oneByOne[pair] as number;
        if (pair >= DELTA_ONLY) {
          assert.equal(got, want, `${customer(pair)} ends on its last SET`);
          continue;
        }
        const amounts = unknown[pair] as number[];
        assert.ok(
          subsetSums(amounts).has(want - got),
          `${customer(pair)}: ${want} one by one, ${got} on the server; surfaced ${JSON.stringify(amounts)}`,
        );
        if (want - got === (way.applied ? 0 : sum(amounts))) asExpected++;
      }
      const unknownAmount = unknown.flat().reduce((a, b) => a + b, 0);
      // 429 is certain not to have been applied: those are kept and resent, never surfaced.
      if (way.name === 'status 429') assert.equal(failures.length, 0);
      else assert.ok(failures.length > 0, 'some DELTAs met the fault');
      console.log(
        `# ${way.name}: ${REPORTS + PAIRS - DELTA_ONLY} reports, ${requests} requests, ${failures.length} unknown DELTAs to onError (amount ${unknownAmount}), ${flushes} final flushes; ${asExpected}/${DELTA_ONLY} DELTA-only pairs differ by ${way.applied ? 'nothing' : 'all their surfaced amounts'}`,
      );
    });
  }
});
