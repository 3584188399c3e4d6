/**
 * The one seam between the SDK and the network. The pipeline hands a transport a fully built
 * request and gets back status, headers and body text, or a `TransportError` that says how far
 * the request got: the retry policy depends on whether it can have reached the server.
 *
 * Two implementations: `fetch-transport.ts` (every runtime) and `node-transport.ts` (Node's
 * `node:http` with a keep-alive agent, which costs less per call than Node's fetch).
 */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Milliseconds before the attempt is given up with a `timeout` error. */
  timeout: number;
  /**
   * Milliseconds the connection (TCP, and TLS for https) may take before the attempt is given
   * up as `connect`: nothing was sent, so any operation may be tried again. Only the Node
   * transport can tell the connection from the answer; `fetch` hides it.
   */
  connectTimeout: number;
  signal: AbortSignal | undefined;
}

export interface TransportResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/**
 * - `connect`: the request certainly never reached the server (refused, name not resolved, no
 *   connection within the connect timeout, a kept-alive socket the server had closed).
 * - `network`: the connection failed after the request may have been sent (reset, dropped).
 * - `timeout`: no complete answer within the attempt's timeout.
 * - `abort`: the caller's signal fired.
 * - `too-large`: the answer was longer than `MAX_RESPONSE_BYTES` and was not read.
 */
export type TransportFailure = 'connect' | 'network' | 'timeout' | 'abort' | 'too-large';

/**
 * The longest answer read: 16 MiB. The API's largest answers (a page of 100 customers with
 * their metadata, a customer's entitlements) are far below 1 MiB, so this leaves room for
 * growth while a broken proxy or hostile server streaming gigabytes fails the call with a clear
 * error instead of exhausting memory (a JavaScript string ends near 512 MiB and the process
 * with it).
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export class TransportError extends Error {
  /**
   * Whether any of the request may have reached the server. False for `connect`; for an abort or
   * a timeout, false only when it happened before the request was written.
   */
  readonly sent: boolean;
  constructor(
    readonly failure: TransportFailure,
    message: string,
    options?: { cause?: unknown; sent?: boolean },
  ) {
    super(message, options);
    this.name = 'TransportError';
    this.sent = failure === 'connect' ? false : (options?.sent ?? true);
  }
}

/** Error codes meaning the connection was never established, so nothing was sent. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
  'ConnectionRefused', // Bun
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Walks an error and its causes for a code or message that proves nothing was sent. */
export function neverConnected(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /connection refused|failed to lookup address|dns error/i.test(message))
      return true;
  }
  return false;
}

/** A transport and how to release what it holds (keep-alive sockets). */
export interface TransportHandle {
  transport: Transport;
  close?(): void;
}
