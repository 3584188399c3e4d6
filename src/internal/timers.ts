/**
 * Lets a timer not keep the process alive, on every runtime: Node and Bun return an object with
 * `unref`, Deno a number that `Deno.unrefTimer` takes, browsers and workers a number with no
 * process to hold (nothing to do).
 */
export function unref(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) (timer as { unref(): void }).unref();
  else if (typeof timer === 'number')
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
}
