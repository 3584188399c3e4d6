import { ParityDealsError, ValidationError } from '../core/errors.js';
import { neverConnected, TransportError, type Transport } from './transport.js';

/**
 * A transport over WHATWG `fetch`: the default on Bun, Deno, edge runtimes and browsers, and
 * what runs when the user passes their own `fetch`.
 */
export function fetchTransport(fetchImpl: typeof fetch = globalThis.fetch): Transport {
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('No fetch implementation is available on this runtime: pass one as the `fetch` option.');
  }
  return async (req) => {
    if (DOT_SEGMENT.test(req.url.split('?', 1)[0] as string)) {
      throw new ValidationError(
        `An id of "." or ".." cannot be sent through fetch, which resolves it as a step up the path (${req.url}). On Node the default transport can send it.`,
        'path',
      );
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, req.timeout);
    const onAbort = (): void => controller.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await fetchImpl(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal: controller.signal,
      });
      const body = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: res.status, headers, body };
    } catch (error) {
      if (timedOut) throw new TransportError('timeout', `no answer within ${req.timeout} ms`, { cause: error });
      if (req.signal?.aborted) throw new TransportError('abort', 'the request was aborted', { cause: error });
      if (deniedByDeno(error)) {
        const host = new URL(req.url).host;
        throw new ParityDealsError(
          `Deno did not allow this program to reach ${host}, so nothing was sent: run it with --allow-net=${host} (or --allow-net).`,
          { cause: error },
        );
      }
      const failure = neverConnected(error) ? 'connect' : 'network';
      throw new TransportError(failure, describe(error), { cause: error });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  };
}

/** A path segment that WHATWG URL parsing resolves away: `.`, `..` or their encodings. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=\/|$)/i;

/** Deno's refusal of a permission (NotCapable since Deno 2, PermissionDenied before): no retry helps. */
function deniedByDeno(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'NotCapable' || name === 'PermissionDenied';
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
