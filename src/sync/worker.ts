/**
 * The sync client's worker thread: it owns the real pipeline and transport (keep-alive sockets
 * included) and runs one call at a time for the thread that sleeps waiting for it. After each
 * reply it flips the shared state word and wakes the caller with `Atomics.notify`.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { Logger } from '../core/logger.js';
import { LevelLogger } from '../internal/logger.js';
import { runtimeTransport } from '../internal/runtime-transport.js';
import { Pipeline } from '../internal/pipeline.js';
import {
  BOOT_READY,
  type Call,
  type LogLine,
  type Reply,
  SLOT_BACKGROUND,
  SLOT_BOOTED,
  SLOT_STATE,
  STATE_DEAD,
  STATE_DONE,
  toWire,
  type WorkerBoot,
} from './protocol.js';

const { port, background, shared, config } = workerData as WorkerBoot;
const { logLevel, ...pipelineConfig } = config;

// Log lines are collected and sent with the next reply: the caller's thread is asleep while a
// call runs, so it could not deliver them any earlier. With background calls running beside a
// foreground one, a line may ride on another call's reply; every line still reaches the logger.
let logs: LogLine[] = [];
const collect =
  (level: LogLine['level']) =>
  (message: string, details?: Record<string, unknown>): void => {
    logs.push({ level, message, details });
  };
const sink: Logger = { error: collect('error'), warn: collect('warn'), info: collect('info'), debug: collect('debug') };

// The same transport as the node entry's async client.
const { transport } = runtimeTransport();
const pipeline = new Pipeline({ ...pipelineConfig, transport, logger: new LevelLogger(sink, logLevel) });

port.on('message', (call: Call) => {
  void run(call, port).then(() => wake(STATE_DONE));
});
// Background calls run beside foreground ones; each reply bumps its own slot, which a caller
// waiting for background work (a blocking flush()) sleeps on.
background.on('message', (call: Call) => {
  void run(call, background).then(() => {
    Atomics.add(shared, SLOT_BACKGROUND, 1);
    Atomics.notify(shared, SLOT_BACKGROUND);
  });
});

async function run(call: Call, port: MessagePort): Promise<void> {
  let reply: Reply;
  try {
    const { data, response } = await pipeline.execute(call.spec, call.options);
    reply = { id: call.id, ok: true, data, response, logs };
  } catch (error) {
    reply = { id: call.id, ok: false, error: toWire(error), logs };
  }
  logs = [];
  try {
    port.postMessage(reply);
  } catch {
    // Only a log line's details could fail to clone (data is parsed JSON): answer without them.
    port.postMessage({ ...reply, logs: reply.logs.map((l) => ({ ...l, details: undefined })) });
  }
}

function wake(state: number): void {
  Atomics.store(shared, SLOT_STATE, state);
  Atomics.notify(shared, SLOT_STATE);
}

// If this thread ends for any reason (an uncaught error, terminate()), a caller asleep on it
// must wake and fail rather than sleep until its watchdog.
process.on('exit', () => {
  wake(STATE_DEAD);
  Atomics.add(shared, SLOT_BACKGROUND, 1);
  Atomics.notify(shared, SLOT_BACKGROUND);
});

Atomics.store(shared, SLOT_BOOTED, BOOT_READY);
Atomics.notify(shared, SLOT_BOOTED);
