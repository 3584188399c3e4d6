/**
 * The emulators listening on this thread (`startEmulator`), so that the sync client, which
 * blocks this thread on every call, refuses one at once instead of timing out against a server
 * that cannot run until the call gives up. Kept on `globalThis` under a registered symbol: the
 * testing entry and the sync client may be separate copies of this code in one process (the
 * ESM and CommonJS builds).
 */
const KEY = Symbol.for('paritydeals-sdk.emulators-on-this-thread');

/** A loopback host by any of its names: an app may say localhost where the emulator said 127.0.0.1. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function registry(): Set<string> {
  const g = globalThis as { [KEY]?: Set<string> };
  g[KEY] ??= new Set();
  return g[KEY];
}

function keyOf(url: string): string {
  const u = new URL(url);
  const host = LOOPBACK.test(u.hostname) ? 'loopback' : u.hostname.toLowerCase();
  return `${host}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

/** Records an emulator listening at `url` on this thread; the returned function forgets it. */
export function emulatorListening(url: string): () => void {
  const key = keyOf(url);
  registry().add(key);
  return () => {
    registry().delete(key);
  };
}

/** Whether `url` is served by an emulator on this thread. */
export function servedOnThisThread(url: string): boolean {
  return registry().has(keyOf(url));
}
