/**
 * One listener per `AbortSignal`, however many requests share it. A user who passes one signal
 * to fifty concurrent calls would otherwise get fifty listeners on it, and Node prints a
 * `MaxListenersExceededWarning` past ten; the SDK's listeners are its own business.
 */
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` once when `signal` aborts; the returned function unsubscribes. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return noop;
  let set = subscribers.get(signal);
  if (!set) {
    const callbacks = new Set<() => void>();
    set = callbacks;
    subscribers.set(signal, callbacks);
    signal.addEventListener(
      'abort',
      () => {
        subscribers.delete(signal);
        for (const callback of callbacks) callback();
      },
      { once: true },
    );
  }
  set.add(fn);
  const subscribed = set;
  return () => {
    subscribed.delete(fn);
  };
}

function noop(): void {}
