/**
 * A blocking call into a worker thread: post the call on a MessagePort, sleep on a shared word
 * with `Atomics.wait` until the worker flips it, then take the reply off the port with
 * `receiveMessageOnPort`, which reads a message without the event loop. (Why not synckit: see
 * client.ts.)
 */
import * as threads from 'node:worker_threads';
import { APIConnectionError, ParityDealsError } from '../core/errors.js';
import {
  BOOT_FAILED,
  BOOT_LOADING,
  type BootFailure,
  type Call,
  type Reply,
  SHARED_BYTES,
  SLOT_BACKGROUND,
  SLOT_BOOTED,
  SLOT_STATE,
  STATE_DEAD,
  STATE_PENDING,
  type WorkerBoot,
  type WorkerConfig,
} from './protocol.js';

/** How long the first call waits for the worker to load (tsx compiling it on the fly is the slow case). */
const BOOT_TIMEOUT_MS = 15_000;

interface Running {
  worker: threads.Worker;
  port: threads.MessagePort;
  background: threads.MessagePort;
  shared: Int32Array;
  /** Background calls posted to this worker and not yet answered, by id, with what they sent. */
  waiting: Map<number, { callback: BackgroundCallback; spec: Call['spec'] }>;
}

/** Called once with a background call's reply, or with an error when the worker went away first. */
export type BackgroundCallback = (reply: Reply | { ok: false; lost: Error }) => void;

/** Throws a clear error where a thread cannot block on another (browsers, edge runtimes). */
export function assertBlockingSupported(): void {
  const missing: string[] = [];
  if (typeof threads.Worker !== 'function') missing.push('worker threads (node:worker_threads)');
  if (typeof threads.receiveMessageOnPort !== 'function') missing.push('receiveMessageOnPort (node:worker_threads)');
  if (typeof SharedArrayBuffer !== 'function') missing.push('SharedArrayBuffer');
  else if (typeof Atomics?.wait !== 'function') missing.push('Atomics.wait');
  else {
    try {
      // Returns at once ('not-equal'); throws where this thread may not block (a browser's main thread).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    } catch {
      missing.push('Atomics.wait on this thread');
    }
  }
  if (missing.length) {
    throw new ParityDealsError(
      `The synchronous client needs ${missing.join(', ')}, which this runtime does not offer. Use ParityDeals.createAsyncClient here.`,
    );
  }
}

export class WorkerChannel {
  #running: Running | undefined;
  /** Set by `close()`, for good: no call may start a worker afterwards. */
  #closed = false;
  #nextId = 1;
  /** An 'error' event from the worker, seen when the caller's event loop last ran. */
  #lastError: Error | undefined;

  /** The bootstrap source that loads the worker module (worker-file.ts). */
  readonly #bootstrap: string;
  /** Real private fields: the config holds the access token, and util.inspect shows TS-private ones. */
  readonly #config: WorkerConfig;

  constructor(bootstrap: string, config: WorkerConfig) {
    this.#bootstrap = bootstrap;
    this.#config = config;
  }

  /** Starts the worker now rather than on the first call, so its boot overlaps the caller's work. */
  start(): void {
    if (!this.#closed) this.#running ??= this.#spawn();
  }

  #spawn(): Running {
    this.#lastError = undefined;
    const { port1, port2 } = new threads.MessageChannel();
    const bg = new threads.MessageChannel();
    const shared = new Int32Array(new SharedArrayBuffer(SHARED_BYTES));
    const boot: WorkerBoot = { port: port2, background: bg.port2, shared, config: this.#config };
    const worker = new threads.Worker(this.#bootstrap, {
      eval: true,
      workerData: boot,
      transferList: [port2, bg.port2],
    });
    // Neither the worker nor our end of the port may keep the process alive: a program that
    // made a sync client and is done must exit without calling close().
    worker.unref();
    port1.unref();
    // Background replies arrive through the event loop when the thread is free; the port holds
    // the process only while a call is out (see send), like an async client's open request.
    const running: Running = { worker, port: port1, background: bg.port1, shared, waiting: new Map() };
    bg.port1.on('message', (reply: Reply) => answer(running, reply));
    bg.port1.unref();
    // An 'error' with no listener would crash the process; it is reported by the next call instead.
    worker.on('error', (error) => {
      this.#lastError = error;
    });
    worker.on('exit', () => {
      if (this.#running === running) this.#running = undefined;
      loseAll(running, 'stopped');
    });
    return running;
  }

  /**
   * Posts a call the caller does not sleep on; `callback` gets its reply, from the event loop or
   * from `poll()` / `waitBackground()`, whichever comes first.
   */
  send(message: Omit<Call, 'id'>, callback: BackgroundCallback): void {
    if (this.#running && Atomics.load(this.#running.shared, SLOT_STATE) === STATE_DEAD) this.#drop();
    const running = (this.#running ??= this.#spawn());
    const id = this.#nextId++;
    running.waiting.set(id, { callback, spec: message.spec });
    if (running.waiting.size === 1) running.background.ref();
    running.background.postMessage({ ...message, id } satisfies Call);
  }

  /** Background calls still out. */
  get pending(): number {
    return this.#running?.waiting.size ?? 0;
  }

  /** Takes the background replies that have come, without the event loop. */
  poll(): void {
    if (this.#running) takeReplies(this.#running);
  }

  /**
   * Blocks until at least one background reply has come (and handles it), or `timeoutMs`
   * passed. A worker that died or never booted fails every call still out. Returns false on
   * timeout with calls still out.
   */
  waitBackground(timeoutMs: number): boolean {
    const running = this.#running;
    if (!running || running.waiting.size === 0) return true;
    const seen = Atomics.load(running.shared, SLOT_BACKGROUND);
    takeReplies(running);
    if (running.waiting.size === 0) return true;
    if (
      Atomics.load(running.shared, SLOT_STATE) === STATE_DEAD ||
      Atomics.load(running.shared, SLOT_BOOTED) === BOOT_FAILED
    ) {
      this.#drop();
      return true;
    }
    const waited = Atomics.wait(running.shared, SLOT_BACKGROUND, seen, Math.max(0, timeoutMs));
    takeReplies(running);
    if (Atomics.load(running.shared, SLOT_STATE) === STATE_DEAD) this.#drop();
    return waited !== 'timed-out' || running.waiting.size === 0;
  }

  /**
   * Sends one call and blocks until its reply. `watchdogMs` bounds the sleep in case the worker
   * is stuck or gone; the pipeline's own timeouts normally end a call long before it.
   */
  call(message: Omit<Call, 'id'>, watchdogMs: number): Reply {
    if (this.#closed) {
      throw new ParityDealsError(
        'This synchronous client was closed; create another with ParityDeals.createSyncClient().',
      );
    }
    // A worker that died while idle is replaced before anything is sent, so the call goes through.
    if (this.#running && Atomics.load(this.#running.shared, SLOT_STATE) === STATE_DEAD) this.#drop();
    const { port, shared } = (this.#running ??= this.#spawn());
    if (Atomics.load(shared, SLOT_BOOTED) === BOOT_LOADING) {
      Atomics.wait(shared, SLOT_BOOTED, BOOT_LOADING, BOOT_TIMEOUT_MS);
      const boot = Atomics.load(shared, SLOT_BOOTED);
      if (boot === BOOT_LOADING) this.#fail(`did not start within ${BOOT_TIMEOUT_MS} ms`);
      if (boot === BOOT_FAILED) {
        const failure = threads.receiveMessageOnPort(port)?.message as BootFailure | undefined;
        this.#fail(`failed to start: ${failure?.bootError ?? 'no reason given'}`);
      }
    }
    const id = this.#nextId++;
    Atomics.store(shared, SLOT_STATE, STATE_PENDING);
    port.postMessage({ ...message, id } satisfies Call);
    const waited = Atomics.wait(
      shared,
      SLOT_STATE,
      STATE_PENDING,
      Number.isFinite(watchdogMs) ? watchdogMs : undefined,
    );
    if (waited === 'timed-out') this.#lost(message, `gave no answer within ${Math.round(watchdogMs)} ms`);
    if (Atomics.load(shared, SLOT_STATE) === STATE_DEAD) this.#lost(message, 'stopped unexpectedly');
    // postMessage queues the reply before the worker notifies, so it is there; skip any stale
    // reply to an earlier call.
    for (let received = threads.receiveMessageOnPort(port); received; received = threads.receiveMessageOnPort(port)) {
      const reply = received.message as Reply;
      if (reply.id === id) return reply;
    }
    return this.#lost(message, 'answered, but the reply was lost');
  }

  /** Drops a broken worker (the next call starts a fresh one) and throws. */
  #fail(what: string): never {
    this.#drop();
    throw new ParityDealsError(
      `The synchronous client's worker thread ${what}${this.#seen()}; the next call starts a new one.`,
    );
  }

  /** The worker had the call and no reply came: drops it and throws the call as lost. */
  #lost(message: Omit<Call, 'id'>, what: string): never {
    this.#drop();
    throw lostCall(message.spec, `${what}${this.#seen()}; the next call starts a new one`);
  }

  #seen(): string {
    return this.#lastError ? ` (${this.#lastError.message})` : '';
  }

  /** Ends the worker and its keep-alive sockets, for good: later calls throw. Safe to call twice. */
  close(): void {
    this.#closed = true;
    this.#drop();
  }

  /** Ends a stuck worker, failing what it had (outcome unknown for writes); the next call starts another. */
  dropWorker(): void {
    this.#drop();
  }

  /** Ends the current worker; the next call starts another. */
  #drop(): void {
    const running = this.#running;
    this.#running = undefined;
    if (!running) return;
    // Replies already posted are still taken; what is left is lost with the worker.
    takeReplies(running);
    loseAll(running, 'was stopped');
    running.port.close();
    running.background.close();
    void running.worker.terminate();
  }
}

function answer(running: Running, reply: Reply): void {
  const call = running.waiting.get(reply.id);
  if (!call) return;
  running.waiting.delete(reply.id);
  if (running.waiting.size === 0) running.background.unref();
  call.callback(reply);
}

/** Takes the background replies that have come, without the event loop. */
function takeReplies(running: Running): void {
  for (
    let r = threads.receiveMessageOnPort(running.background);
    r;
    r = threads.receiveMessageOnPort(running.background)
  )
    answer(running, r.message as Reply);
}

/**
 * The worker went away with background calls out: each is told, as one the worker may have sent
 * (usage flushes read `outcomeUnknown` to choose between resending and `onError`).
 */
function loseAll(running: Running, what: string): void {
  if (running.waiting.size === 0) return;
  const calls = [...running.waiting.values()];
  running.waiting.clear();
  for (const { callback, spec } of calls) callback({ ok: false, lost: lostCall(spec, `${what} before answering`) });
}

/**
 * The worker had the call and no reply came: it may have sent the request and the server applied
 * it, so for anything but a read the outcome is unknown, with the key that makes a resend safe.
 */
function lostCall(spec: Call['spec'], what: string): APIConnectionError {
  const unknown = spec.method !== 'GET';
  const tail = unknown
    ? spec.idempotencyKey !== undefined
      ? ` The outcome is unknown: the server may have applied it. Send it again with the same idempotencyKey, ${JSON.stringify(spec.idempotencyKey)}, and the server counts it once.`
      : ' The outcome is unknown: the server may have applied it. Check the state before sending it again.'
    : '';
  return new APIConnectionError(`${spec.operation}: the synchronous client's worker thread ${what}.${tail}`, {
    method: spec.method,
    outcomeUnknown: unknown,
    idempotencyKey: spec.idempotencyKey,
  });
}
