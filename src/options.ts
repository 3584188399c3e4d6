import type { Logger, LogLevel } from './core/logger.js';
import { isLogLevel } from './core/logger.js';
import { ParityDealsError } from './core/errors.js';
import { readEnv } from './internal/env.js';
import { LevelLogger } from './internal/logger.js';
import { headersProblem, MAX_RETRIES, MAX_TIMER_MS } from './internal/validate.js';
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
   * Milliseconds the connection (TCP and TLS) may take, within each attempt's timeout. A
   * connection that does not come up in time carried nothing to the server, so it is tried
   * again for any operation, a DELTA too. Only the Node transport can tell connecting from
   * waiting for the answer; with `fetch` the attempt's timeout covers both. Default: `3000`.
   */
  connectTimeout?: number | undefined;
  /**
   * How many times a failed request is tried again, for failures that are safe to retry (see
   * the README's retry table). At most 10. Default: `2`.
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
}

export const DEFAULT_BASE_URL = 'https://api.paritydeals.com';
export const DEFAULT_EDGE_API_URL = 'https://edge.api.paritydeals.com';

/** Applies defaults and environment variables, refusing nonsense before any request is made. */
export function resolveOptions(options: ClientOptions) {
  if (typeof options !== 'object' || options === null)
    throw new ParityDealsError('ParityDeals options must be an object.');
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
    connectTimeout: positive('connectTimeout', options.connectTimeout ?? 3_000),
    maxRetries: count('maxRetries', options.maxRetries ?? 2, MAX_RETRIES),
    maxRetryDelay: count('maxRetryDelay', options.maxRetryDelay ?? 60_000, MAX_TIMER_MS),
    defaultHeaders: headers(options.defaultHeaders ?? {}),
    logger: new LevelLogger(options.logger ?? console, logLevel),
    userAgent: userAgent(),
  };
}

function optionError(name: string, expected: string, got: unknown): ParityDealsError {
  return new ParityDealsError(
    `ParityDeals option ${name} must be ${expected}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}.`,
  );
}

/** An absolute http(s) URL without credentials, query or fragment; a path prefix is kept. */
function url(name: string, value: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' && /^https?:\/\/[^/]/i.test(value) ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }
  // The error shows the value with any credentials cut out: they are a secret too.
  const shown = typeof value === 'string' ? value.replace(/^([a-z]+:\/\/)[^/?#@]*@/i, '$1[redacted]@') : value;
  if (!parsed) throw optionError(name, 'an http(s) URL such as https://api.paritydeals.com', shown);
  if (parsed.username || parsed.password)
    throw optionError(name, 'a URL without user:password@ (the access token is sent as a header)', shown);
  if (parsed.search || parsed.hash || /[?#]/.test(value as string))
    throw optionError(name, 'a URL without a query or fragment (the SDK appends /api/<version>/...)', shown);
  if (/[\s<>"{}|\\^`]/.test(value as string)) throw optionError(name, 'a URL without spaces or quotes', shown);
  return value as string;
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw optionError(name, 'a non-empty string', value);
  return value;
}

function positive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !(value <= MAX_TIMER_MS))
    throw optionError(name, `a number of milliseconds above 0 and at most ${MAX_TIMER_MS}`, value);
  return value;
}

function count(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max)
    throw optionError(name, `an integer from 0 to ${max}`, value);
  return value;
}

function headers(value: unknown): Record<string, string> {
  const problem = headersProblem(value, 'defaultHeaders');
  if (problem) throw optionError(problem.param, problem.expected, problem.got);
  return value as Record<string, string>;
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
