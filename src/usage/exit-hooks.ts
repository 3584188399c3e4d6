/**
 * Node, Bun and Deno only (loaded from the node entry and the sync client): the opt-in
 * `usage.exitHooks`. They flush before the process ends and never swallow a signal:
 *
 * - `beforeExit` (the event loop emptied): a final flush; its requests keep the loop alive, so
 *   the process exits once they settle, with the exit code it had.
 * - A signal (`SIGTERM` by default): listening for one replaces Node's default of ending the
 *   process, so after the flush our listener removes itself and, when no listener of the app's
 *   is left, raises the same signal again: the process ends by it (exit status 128 + its number),
 *   as it would have without us. When the app listens too, its handler decides, as it would.
 *
 * Each flush is bounded by `timeout`; what is left then goes to `onError` (see settleWithin).
 */
import process from 'node:process';
import type { ExitHooksConfig } from '../options.js';
import type { ExitTarget } from './flusher.js';

/** Installs the hooks for one client; returns what removes them (close() calls it). */
export function installExitHooks(target: ExitTarget, config: ExitHooksConfig): () => void {
  let draining: Promise<void> | undefined;
  const onBeforeExit = (): void => {
    // A second beforeExit comes after the first flush's requests settled: nothing is left.
    if (draining) return;
    draining = target.drain(false, config.timeout).finally(() => {
      draining = undefined;
    });
  };
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    void target.drain(true, config.timeout).finally(() => {
      uninstall();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const uninstall = (): void => {
    process.off('beforeExit', onBeforeExit);
    for (const signal of config.signals) process.off(signal, onSignal);
  };
  if (config.beforeExit) process.on('beforeExit', onBeforeExit);
  for (const signal of config.signals) process.on(signal, onSignal);
  return uninstall;
}

/** Reporters of this process that may still hold usage; weak, so a dropped client is not kept alive. */
const watched = new Set<WeakRef<{ abandon(why: string): void }>>();
let exitListening = false;

/**
 * Always on (Node entry and sync client), without `exitHooks` too: when the process exits with
 * usage still undelivered, each entry goes to `onError` with its amount, in the `exit` event
 * (which runs synchronously, so nothing can be sent any more). Never silent, even when nothing
 * flushed. Returns what stops watching (close() calls it).
 */
export function watchExit(reporter: { abandon(why: string): void }): () => void {
  const ref = new WeakRef(reporter);
  watched.add(ref);
  if (!exitListening) {
    exitListening = true;
    process.once('exit', () => {
      for (const r of watched) r.deref()?.abandon('the process exited (call close() or set usage.exitHooks)');
    });
  }
  return () => {
    watched.delete(ref);
  };
}
