import { ParityDealsError, ValidationError } from '../core/errors.js';
import { onAbort } from './abort.js';
import { messageOf } from './message.js';
import { MAX_RESPONSE_BYTES, neverConnected, TransportError, type Transport } from './transport.js';

/**
 * A transport over WHATWG `fetch`: the default on Bun, Deno, edge runtimes and browsers, and
 * what runs when the user passes their own `fetch`.
 *
 * `fetch` does not say how far a request got, so once it is called an abort or a timeout may
 * have reached the server; only a failure that names a refused or unresolvable connection
 * proves otherwise. Redirects are not followed: `fetch` would re-send a POST as a GET to the
 * new place, and the pipeline reports a redirect as an error (`redirect: 'manual'`).
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
    if (req.signal?.aborted)
      throw new TransportError('abort', 'the request was aborted before it was sent', { sent: false });
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, req.timeout);
    const unsubscribe = onAbort(req.signal, () => controller.abort());
    try {
      const res = await fetchImpl(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        redirect: 'manual',
        signal: controller.signal,
      });
      const declared = Number(res.headers.get('content-length'));
      if (declared > MAX_RESPONSE_BYTES) {
        void res.body?.cancel().catch(() => {});
        throw tooLarge(res.status, `declared ${declared} bytes`);
      }
      const body = await readCapped(res);
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      // A browser answers a manual redirect with an opaque response of status 0.
      return { status: res.type === 'opaqueredirect' ? 0 : res.status, headers, body };
    } catch (error) {
      if (error instanceof TransportError) throw error;
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
      unsubscribe();
    }
  };
}

/** The body as text, refusing to hold more than MAX_RESPONSE_BYTES of it. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      void reader.cancel().catch(() => {});
      throw tooLarge(res.status, 'it went on');
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

function tooLarge(status: number, how: string): TransportError {
  return new TransportError(
    'too-large',
    `the server answered ${status} with a body longer than ${MAX_RESPONSE_BYTES} bytes (MAX_RESPONSE_BYTES; ${how}), which was not read`,
  );
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
  return messageOf(error);
}
