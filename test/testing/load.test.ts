// 10 000 requests with faults switched on: the emulator must not crash, must keep its state
// consistent, and must give memory back once the run is over.

import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startEmulator, type Emulator } from '../../src/testing/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TOTAL = 10_000;
const CONCURRENCY = 32;
const MB = 1024 * 1024;

function settle(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function send(agent: Agent, emu: Emulator, method: string, path: string, body?: unknown): Promise<number | 'error'> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port: emu.port,
        method,
        path,
        agent,
        headers: { authorization: `Bearer ${emu.apiKey}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve('error'));
      },
    );
    req.on('error', () => resolve('error'));
    req.end(payload);
  });
}

describe('load with faults', () => {
  it('serves 10 000 mixed requests with faults, stays consistent, and memory comes back down', async (t) => {
    const emu = await startEmulator({ seed: 42, maxRecordedRequests: 2000 });
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    try {
      emu.seed({ subscriptions: [{ customerId: 'load', planIdentifier: 'enterprise' }] });
      const baseline = settle();
      emu.setFaults([
        { type: 'latency', ms: 2, probability: 0.05 },
        { type: 'status', status: 503, probability: 0.04 },
        { type: 'status', status: 429, retryAfter: 1, probability: 0.03 },
        { type: 'reset', probability: 0.03 },
        { type: 'drop-after-handle', probability: 0.03 },
      ]);

      const outcomes = new Map<string, number>();
      let deltaOk = 0;
      let deltaUnknown = 0;
      let next = 0;
      const t0 = performance.now();
      const worker = async () => {
        while (next < TOTAL) {
          const i = next++;
          const kind = i % 5;
          let status: number | 'error';
          if (kind === 0)
            status = await send(agent, emu, 'GET', '/edge/api/v1/entitlements?customer_id=load&feature_id=api-calls');
          else if (kind === 1) {
            status = await send(agent, emu, 'POST', '/api/v1/report/usage/', {
              customerId: 'load',
              featureId: 'api-calls',
              value: 1,
              behaviour: 'DELTA',
            });
            if (status === 200) deltaOk++;
            else if (status === 'error') deltaUnknown++;
          } else if (kind === 2) {
            status = await send(agent, emu, 'POST', '/api/v1/report/event/', {
              customerId: 'load',
              eventName: 'hit',
              idempotencyKey: `k${i % 50}`,
              timestamp: '2025-01-01 00:00:00',
            });
          } else if (kind === 3) status = await send(agent, emu, 'GET', '/api/v1/customers/load/');
          else status = await send(agent, emu, 'POST', '/api/v1/customers/', '{"customerId": ');
          outcomes.set(String(status), (outcomes.get(String(status)) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const elapsed = performance.now() - t0;

      const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
      assert.equal(total, TOTAL);
      for (const status of ['200', '201', '400', '429', '503', 'error'])
        assert.ok((outcomes.get(status) ?? 0) > 0, `saw ${status}: ${JSON.stringify([...outcomes])}`);
      assert.deepEqual(
        [...outcomes.keys()].filter((s) => !['200', '201', '400', '429', '503', 'error'].includes(s)),
        [],
        'no 500s or other surprises',
      );
      assert.ok(elapsed < 20_000, `took ${Math.round(elapsed)} ms`);

      // State stays consistent: every DELTA that answered 200 counted once; dropped ones may have.
      const state = emu.state();
      const used = state.usage.find((u) => u.featureId === 'api-calls')?.value ?? -1;
      assert.ok(
        used >= deltaOk && used <= deltaOk + deltaUnknown,
        `usage ${used} within [${deltaOk}, ${deltaOk + deltaUnknown}]`,
      );
      assert.ok(state.events.length <= 50, 'idempotency keys deduped');
      assert.equal(emu.requests().length, 2000, 'the request log is capped');

      // Still healthy afterwards.
      emu.clearFaults();
      assert.equal(await send(agent, emu, 'GET', '/api/v1/customers/load/'), 200);

      emu.clearRequests();
      const after = settle();
      const grown = (after - baseline) / MB;
      t.diagnostic(
        `${TOTAL} requests in ${Math.round(elapsed)} ms; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; heap +${grown.toFixed(1)} MB after`,
      );
      assert.ok(
        grown < 15,
        `heap grew ${grown.toFixed(1)} MB after the run (baseline ${(baseline / MB).toFixed(1)} MB)`,
      );
    } finally {
      agent.destroy();
      await emu.close();
    }
  });

  it('a full default-size request log stays within a bounded amount of memory', async (t) => {
    const emu = await startEmulator();
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    try {
      const baseline = settle();
      let next = 0;
      const worker = async () => {
        while (next < 12_000) {
          next++;
          await send(agent, emu, 'GET', '/api/v1/customers/?page=1');
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      assert.equal(emu.requests().length, 10_000);
      const full = (settle() - baseline) / MB;
      t.diagnostic(`full 10 000-entry log: heap +${full.toFixed(1)} MB`);
      assert.ok(full < 40, `10 000 recorded requests hold ${full.toFixed(1)} MB`);
    } finally {
      agent.destroy();
      await emu.close();
    }
  });
});
