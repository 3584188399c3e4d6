import type { Logger, LogLevel } from './core/logger.js';
import { isLogLevel } from './core/logger.js';
import { ParityDealsError } from './core/errors.js';
import { isBrowser, readEnv } from './internal/env.js';
import { LevelLogger } from './internal/logger.js';
import { VERSION } from './version.js';

/** Options of both clients. Every one has a default; some can come from the environment. */
export interface ClientOptions {
  /**
   * Your Server API Key (ParityDeals → Settings → Developers).
   * Default: `process.env.PARITYDEALS_ACCESS_TOKEN`; one of the two is required.
   */
  accessToken?: string | undefined;
  /**
   * The main API's base URL; a path prefix is kept (`https://proxy.example/paritydeals`).
   * Default: `PARITYDEALS_BASE_URL`, else `https://api.paritydeals.com`.
   */
  baseUrl?: string | undefined;
  /**
   * The edge API's base URL, which serves entitlement checks.
   * Default: `PARITYDEALS_EDGE_API_URL`, else `https://edge.api.paritydeals.com`.
   */
  edgeApiUrl?: string | undefined;
  /** The API version in every path (`/api/v1/...`). Default: `'v1'`. */
  apiVersion?: string | undefined;
  /** Milliseconds each attempt may take. Default: `10000`. */
  timeout?: number | undefined;
  /**
   * Milliseconds each attempt of an entitlement read may take. Shorter than `timeout` because
   * these calls sit on your users' request paths. Default: `3000`.
   */
  edgeTimeout?: number | undefined;
  /**
   * How many times a failed request is tried again, for failures that are safe to retry (see
   * the README's retry table). Default: `2`.
   */
  maxRetries?: number | undefined;
  /** The longest wait between attempts, even when the server's Retry-After asks for more. Default: `60000` ms. */
  maxRetryDelay?: number | undefined;
  /**
   * A `fetch` to send requests with (a proxy-aware or instrumented one). Default: on Node the
   * SDK's `node:http` transport with keep-alive, elsewhere the global `fetch`.
   */
  fetch?: typeof fetch | undefined;
  /** Headers sent with every request. Default: none. */
  defaultHeaders?: Record<string, string> | undefined;
  /** Where log lines go. Default: `console`. */
  logger?: Logger | undefined;
  /**
   * `off`, `error`, `warn`, `info` (one line per request) or `debug` (bodies too; the
   * authorization header is always redacted). Default: `PARITYDEALS_LOG`, else `warn`.
   */
  logLevel?: LogLevel | undefined;
  /**
   * Lets the client be made in a web page. It refuses by default: the page would hand your
   * Server API Key to everyone who opens it. Pass `true` only when the key the page holds is
   * not that secret (a proxy on your own origin that adds the real key, an internal tool).
   * Default: `false`.
   */
  dangerouslyAllowBrowser?: boolean | undefined;
}

export const DEFAULT_BASE_URL = 'https://api.paritydeals.com';
export const DEFAULT_EDGE_API_URL = 'https://edge.api.paritydeals.com';

/** Applies defaults and environment variables, refusing nonsense before any request is made. */
export function resolveOptions(options: ClientOptions) {
  if (typeof options !== 'object' || options === null)
    throw new ParityDealsError('ParityDeals options must be an object.');
  const allowBrowser = options.dangerouslyAllowBrowser ?? false;
  if (typeof allowBrowser !== 'boolean') throw optionError('dangerouslyAllowBrowser', 'true or false', allowBrowser);
  if (!allowBrowser && isBrowser()) {
    throw new ParityDealsError(
      'The ParityDeals client refuses to run in a browser: it holds your Server API Key, which anyone who opens the page could read. Call ParityDeals from your server. If the page does not hold the real key (a same-origin proxy adds it) and you accept the risk, pass `dangerouslyAllowBrowser: true`.',
    );
  }
  const accessToken = options.accessToken ?? readEnv('PARITYDEALS_ACCESS_TOKEN');
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    throw new ParityDealsError(
      'No access token: pass the `accessToken` option or set the PARITYDEALS_ACCESS_TOKEN environment variable (the Server API Key from ParityDeals → Settings → Developers).',
    );
  }
  const envLevel = readEnv('PARITYDEALS_LOG');
  const logLevel = options.logLevel ?? (isLogLevel(envLevel) ? envLevel : 'warn');
  if (!isLogLevel(logLevel)) throw optionError('logLevel', 'one of off, error, warn, info, debug', logLevel);
  return {
    accessToken: accessToken.trim(),
    baseUrl: url('baseUrl', options.baseUrl ?? readEnv('PARITYDEALS_BASE_URL') ?? DEFAULT_BASE_URL),
    edgeApiUrl: url('edgeApiUrl', options.edgeApiUrl ?? readEnv('PARITYDEALS_EDGE_API_URL') ?? DEFAULT_EDGE_API_URL),
    apiVersion: nonEmpty('apiVersion', options.apiVersion ?? 'v1'),
    timeout: positive('timeout', options.timeout ?? 10_000),
    edgeTimeout: positive('edgeTimeout', options.edgeTimeout ?? 3_000),
    maxRetries: count('maxRetries', options.maxRetries ?? 2),
    maxRetryDelay: count('maxRetryDelay', options.maxRetryDelay ?? 60_000),
    defaultHeaders: options.defaultHeaders ?? {},
    logger: new LevelLogger(options.logger ?? console, logLevel),
    userAgent: userAgent(),
  };
}

function optionError(name: string, expected: string, got: unknown): ParityDealsError {
  return new ParityDealsError(
    `ParityDeals option ${name} must be ${expected}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}.`,
  );
}

function url(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\/[^/]/.test(value)) throw optionError(name, 'an http(s) URL', value);
  return value;
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw optionError(name, 'a non-empty string', value);
  return value;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    throw optionError(name, 'a positive number of milliseconds', value);
  return value;
}

function count(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw optionError(name, 'a non-negative integer', value);
  return value;
}

/** Names this SDK and the runtime; browsers ignore it, which is fine. */
function userAgent(): string {
  const g = globalThis as {
    process?: { versions?: Record<string, string> } | undefined;
    Deno?: { version?: { deno?: string } } | undefined;
    Bun?: { version?: string } | undefined;
  };
  const runtime = g.Bun?.version
    ? `bun/${g.Bun.version}`
    : g.Deno?.version?.deno
      ? `deno/${g.Deno.version.deno}`
      : g.process?.versions?.node
        ? `node/${g.process.versions.node}`
        : 'js';
  return `paritydeals-sdk/${VERSION} (${runtime})`;
}
