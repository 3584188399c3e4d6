// Network and server faults to inject, so retry, timeout and idempotency code meets the
// failures it exists for. Matching is in list order; the first fault that matches the method
// and path, still has `times` left and wins its probability draw is the one applied.

import type { Random } from './prng.js';

/** The kinds of fault; `Fault.type` says what each does. */
export type FaultType = 'latency' | 'status' | 'reset' | 'drop-after-handle' | 'hang';
const FAULT_TYPES: readonly FaultType[] = ['latency', 'status', 'reset', 'drop-after-handle', 'hang'];

/** One fault to inject into matching requests (`emulator.setFaults([...])`). */
export interface Fault {
  /** HTTP method to match, any case. Default: any. */
  method?: string;
  /** Matches when the request path (without the /edge prefix) contains this substring, e.g.
   *  '/report/usage/'. Default: any API route. Admin routes and the checkout page never fault. */
  path?: string;
  /**
   * - `latency`: wait `ms`, then answer normally.
   * - `status`: answer `status` (default 500) with `{"detail": ...}` without handling; sends
   *   `Retry-After: retryAfter` and `retry-after-ms: retryAfterMs` when given.
   * - `reset`: destroy the socket with a TCP RST before handling: nothing changes.
   * - `drop-after-handle`: handle the request (state changes!), then close the socket unanswered.
   * - `hang`: never answer; the socket stays open until the client gives up or close().
   */
  type: FaultType;
  ms?: number;
  status?: number;
  retryAfter?: number | string;
  retryAfterMs?: number;
  /** Apply to the next N matching requests, then expire. Default: unlimited. */
  times?: number;
  /** 0..1, default 1. Drawn from the emulator's seeded PRNG, so runs are reproducible. */
  probability?: number;
}

/** Throws a TypeError naming the problem, so a typo fails the test that set it. */
export function validateFault(f: unknown, i = 0): Fault {
  const fail = (what: string): never => {
    throw new TypeError(`Invalid fault [${i}]: ${what}`);
  };
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return fail('expected an object');
  const x = f as Record<string, unknown>;
  if (!FAULT_TYPES.includes(x.type as FaultType)) fail(`type must be one of ${FAULT_TYPES.join(', ')}`);
  if (x.method !== undefined && typeof x.method !== 'string') fail('method must be a string');
  if (x.path !== undefined && typeof x.path !== 'string') fail('path must be a string');
  const nonNegative = (k: string) => {
    const v = x[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) fail(`${k} must be a number >= 0`);
  };
  nonNegative('ms');
  nonNegative('retryAfterMs');
  nonNegative('times');
  if (x.type === 'latency' && x.ms === undefined) fail('latency needs ms');
  if (
    x.status !== undefined &&
    (!Number.isInteger(x.status) || (x.status as number) < 100 || (x.status as number) > 599)
  ) {
    fail('status must be an HTTP status code');
  }
  if (x.retryAfter !== undefined && typeof x.retryAfter !== 'number' && typeof x.retryAfter !== 'string')
    fail('retryAfter must be a number or string');
  if (
    x.probability !== undefined &&
    (typeof x.probability !== 'number' || !(x.probability >= 0 && x.probability <= 1))
  ) {
    fail('probability must be between 0 and 1');
  }
  return { ...(x as unknown as Fault) };
}

export class Faults {
  private active: Array<{ fault: Fault; left: number }> = [];

  constructor(private random: Random) {}

  /** Replaces the list (validating all first: a bad list changes nothing). */
  set(faults: readonly unknown[]): void {
    if (!Array.isArray(faults)) throw new TypeError('setFaults() takes an array of faults');
    const valid = faults.map((f, i) => validateFault(f, i));
    this.active = valid.map((fault) => ({ fault, left: fault.times ?? Infinity }));
  }

  clear(): void {
    this.active = [];
  }

  reseed(random: Random): void {
    this.random = random;
  }

  /** The faults still armed, with `times` showing what is left. */
  list(): Fault[] {
    return this.active.map(({ fault, left }) => ({ ...fault, ...(Number.isFinite(left) ? { times: left } : {}) }));
  }

  /** The fault to apply to this request, if any; consumes one of its `times`. A fault with
   *  probability 1 draws nothing, so adding one does not shift the random stream. */
  pick(method: string, path: string): Fault | undefined {
    for (const entry of this.active) {
      const { fault } = entry;
      if (entry.left <= 0) continue;
      if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (fault.path !== undefined && !path.includes(fault.path)) continue;
      const p = fault.probability ?? 1;
      if (p < 1 && !(this.random() < p)) continue;
      entry.left--;
      return fault;
    }
    return undefined;
  }
}
