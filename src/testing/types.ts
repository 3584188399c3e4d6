// The public shapes of the emulator: its options and the handle startEmulator() returns.

import type { Catalog } from './catalog.js';
import type { Fault } from './faults.js';
import type { RecordedRequest } from './recorder.js';
import type { EmulatorState, SeedResult, SeedState } from './records.js';

/** The Bearer key the emulator accepts when `apiKeys` is not given. */
export const DEFAULT_API_KEY = 'pd_test_emulator_key';

/** `startEmulator()`'s options; every one has a default. */
export interface EmulatorOptions {
  /** TCP port. Default 0: an ephemeral port, read it from `emulator.port` / `emulator.url`. */
  port?: number | undefined;
  /** Interface to listen on. Default '127.0.0.1' (loopback only). */
  host?: string | undefined;
  /** Accepted `Authorization: Bearer <key>` keys. Default `[DEFAULT_API_KEY]`. */
  apiKeys?: string[] | undefined;
  /** Features and plans on sale. Default DEFAULT_CATALOG. */
  catalog?: Catalog | undefined;
  /** Seeds the PRNG behind generated ids and fault probabilities. Default 1. */
  seed?: number | undefined;
  /** The emulated clock's starting instant; it then ticks with real time. Default: real now. */
  now?: Date | number | undefined;
  /** How many API requests requests() keeps (oldest dropped first). Default 10 000. */
  maxRecordedRequests?: number | undefined;
  /**
   * How many bytes of recorded requests requests() keeps (bodies counted twice, raw and
   * parsed, plus headers; oldest dropped first, the newest always kept). Default 64 MiB.
   */
  maxRecordedBytes?: number | undefined;
  /** Open connections at most; more are closed as they arrive. Default 1024. */
  maxConnections?: number | undefined;
  /** Milliseconds a new connection may send nothing before it is closed. Default 10 000. */
  firstByteTimeout?: number | undefined;
}

/** A running emulator in this process (`startEmulator()`): its URLs, and controls for tests. */
export interface Emulator {
  /** Main API base, e.g. 'http://127.0.0.1:PORT' (the SDK appends /api/v1/...). */
  url: string;
  /** Edge API base on the same server: `${url}/edge` (so /edge/api/v1/entitlements). */
  edgeUrl: string;
  /** The first accepted key. */
  apiKey: string;
  /** The port it listens on. */
  port: number;
  /** Closes the server and every socket, hung ones included. Safe to call twice. */
  close(): Promise<void>;
  /** API requests received, oldest first (not admin calls, not the checkout page). */
  requests(): RecordedRequest[];
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Replaces the fault list. Throws a TypeError on an invalid fault. */
  setFaults(faults: Fault[]): void;
  /** Removes every fault: requests are answered normally again. */
  clearFaults(): void;
  /** Moves the emulated clock forward: periods end, meters reset, due cancellations happen. */
  advanceClock(ms: number): void;
  /** The emulated clock's current time. */
  now(): Date;
  /** Back to the initial state: no customers, subscriptions, usage, events, sessions, faults
   *  or recorded requests; the clock and the PRNG start over. */
  reset(): void;
  /** Adds customers, subscriptions and usage directly. Returns what it created. */
  seed(state: SeedState): SeedResult;
  /** Same as clicking Pay on the checkout page. Idempotent. */
  completeCheckout(checkoutSessionId: string): Promise<{ customerId: string; subscriptionId: string }>;
  /** A plain-JSON snapshot of customers, subscriptions, usage, events and checkout sessions. */
  state(): EmulatorState;
}

/** What spawnEmulator() returns: the same controls, asynchronous, over the admin HTTP API. */
export interface RemoteEmulator {
  url: string;
  edgeUrl: string;
  apiKey: string;
  /** The port it listens on. */
  port: number;
  /** The child process id. */
  pid: number;
  /** Stops the child (SIGTERM, then SIGKILL after 3 s). Safe to call twice. */
  close(): Promise<void>;
  /** API requests received, oldest first. */
  requests(): Promise<RecordedRequest[]>;
  /** Forgets the recorded requests. */
  clearRequests(): Promise<void>;
  /** Replaces the fault list. */
  setFaults(faults: Fault[]): Promise<void>;
  /** Removes every fault: requests are answered normally again. */
  clearFaults(): Promise<void>;
  /** Moves the emulated clock forward. */
  advanceClock(ms: number): Promise<void>;
  /** The emulated clock's current time. */
  now(): Promise<Date>;
  /** Back to the initial state. */
  reset(): Promise<void>;
  /** Adds customers, subscriptions and usage directly. */
  seed(state: SeedState): Promise<SeedResult>;
  /** Same as clicking Pay on the checkout page. Idempotent. */
  completeCheckout(checkoutSessionId: string): Promise<{ customerId: string; subscriptionId: string }>;
  /** A plain-JSON snapshot of the emulator's data. */
  state(): Promise<EmulatorState>;
}
