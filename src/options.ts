import type { Logger, LogLevel } from './core/logger.js';
import { isLogLevel } from './core/logger.js';
import { ParityDealsError } from './core/errors.js';
import { readEnv } from './internal/env.js';
import { checkLogger, LevelLogger } from './internal/logger.js';
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
   * Default: `PARITYDEALS_BASE_URL`, else `https://api.paritydeals.com`. Set it together with
   * `edgeApiUrl`: one without the other is refused (calls would go to two different hosts).
   */
  baseUrl?: string | undefined;
  /**
   * The edge API's base URL, which serves entitlement checks.
   * Default: `PARITYDEALS_EDGE_API_URL`, else `https://edge.api.paritydeals.com`. Set it
   * together with `baseUrl` (for the local emulator: `emu.edgeUrl`).
   */
  edgeApiUrl?: string | undefined;
  /** The API version in every path (`/api/v1/...`). Default: `'v1'`. */
  apiVersion?: string | undefined;
  /** Milliseconds each attempt may take. Default: `10000`. */
  timeout?: number | undefined;
  /**
   * Milliseconds each attempt of an entitlement read may take. Shorter than `timeout` because
   * these calls sit on your users' request paths. Default: `3000`, or `timeout` when that is
   * given and shorter.
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
  /**
   * Where log lines go: an object with `error`, `warn`, `info` and `debug` (one lacking any is
   * refused). Default: `console`.
   */
  logger?: Logger | undefined;
  /**
   * `off`, `error`, `warn`, `info` (one line per request) or `debug` (bodies too; the
   * authorization header is always redacted). Default: `PARITYDEALS_LOG`, else `warn`.
   */
  logLevel?: LogLevel | undefined;
}

/** Per attempt: the official SDKs' 10 s. */
const DEFAULT_TIMEOUT = 10_000;
/** Per attempt of an entitlement read, which sits on the user's request path. */
const DEFAULT_EDGE_TIMEOUT = 3_000;

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
  // A level the SDK does not know is refused from the environment as from the option, so that a
  // typo in PARITYDEALS_LOG does not silently leave the default in place.
  const envLevel = readEnv('PARITYDEALS_LOG')?.toLowerCase();
  if (options.logLevel === undefined && envLevel !== undefined && !isLogLevel(envLevel)) {
    throw new ParityDealsError(
      `The PARITYDEALS_LOG environment variable must be one of off, error, warn, info, debug, got ${JSON.stringify(envLevel)}.`,
    );
  }
  const logLevel = options.logLevel ?? envLevel ?? 'warn';
  if (!isLogLevel(logLevel)) throw optionError('logLevel', 'one of off, error, warn, info, debug', logLevel);
  return {
    accessToken: accessToken.trim(),
    ...hosts(options),
    apiVersion: nonEmpty('apiVersion', options.apiVersion ?? 'v1'),
    timeout: positive('timeout', options.timeout ?? DEFAULT_TIMEOUT),
    // A `timeout` shorter than the edge default bounds entitlement reads too: whoever sets only
    // `timeout: 300` means no attempt to wait longer than 300 ms.
    edgeTimeout: positive(
      'edgeTimeout',
      options.edgeTimeout ??
        (typeof options.timeout === 'number' ? Math.min(options.timeout, DEFAULT_EDGE_TIMEOUT) : DEFAULT_EDGE_TIMEOUT),
    ),
    maxRetries: count('maxRetries', options.maxRetries ?? 2),
    maxRetryDelay: count('maxRetryDelay', options.maxRetryDelay ?? 60_000),
    defaultHeaders: options.defaultHeaders ?? {},
    logger: new LevelLogger(options.logger === undefined ? console : checkLogger(options.logger), logLevel),
    userAgent: userAgent(),
  };
}

/**
 * The two base URLs. Setting one without the other would send some calls, with the token, to
 * the host chosen and the rest to production (writes to a sandbox, entitlement reads to the
 * live edge), so that is refused rather than guessed at: the edge host of a proxy or sandbox
 * cannot be derived from its main host.
 */
function hosts(options: ClientOptions): { baseUrl: string; edgeApiUrl: string } {
  const base = source('baseUrl', options.baseUrl, 'PARITYDEALS_BASE_URL');
  const edge = source('edgeApiUrl', options.edgeApiUrl, 'PARITYDEALS_EDGE_API_URL');
  const baseUrl = url('baseUrl', base?.value ?? DEFAULT_BASE_URL);
  const edgeApiUrl = url('edgeApiUrl', edge?.value ?? DEFAULT_EDGE_API_URL);
  const lone =
    base && !edge && trimSlash(baseUrl) !== DEFAULT_BASE_URL
      ? {
          set: base,
          missing: 'edgeApiUrl (or PARITYDEALS_EDGE_API_URL)',
          other: DEFAULT_EDGE_API_URL,
          calls: 'entitlement reads',
        }
      : edge && !base && trimSlash(edgeApiUrl) !== DEFAULT_EDGE_API_URL
        ? {
            set: edge,
            missing: 'baseUrl (or PARITYDEALS_BASE_URL)',
            other: DEFAULT_BASE_URL,
            calls: 'every call but entitlement reads',
          }
        : undefined;
  if (lone) {
    const emulator =
      lone.set.name === 'baseUrl' ? ` (the local emulator's is emu.edgeUrl, ${trimSlash(baseUrl)}/edge)` : '';
    throw new ParityDealsError(
      `ParityDeals ${lone.set.label} is ${JSON.stringify(lone.set.value)} but ${lone.missing} is not set, so ${lone.calls} would go to ${lone.other} with your access token. Set ${lone.missing} too${emulator}; to use ${lone.other} on purpose, pass it explicitly.`,
    );
  }
  return { baseUrl, edgeApiUrl };
}

/** Where a URL option came from: the option, else its environment variable, else nowhere. */
function source(
  name: 'baseUrl' | 'edgeApiUrl',
  option: string | undefined,
  envName: string,
): { name: string; label: string; value: unknown } | undefined {
  if (option !== undefined) return { name, label: `option ${name}`, value: option };
  const env = readEnv(envName);
  return env === undefined ? undefined : { name, label: `${envName}`, value: env };
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

function optionError(name: string, expected: string, got: unknown): ParityDealsError {
  return new ParityDealsError(
    `ParityDeals option ${name} must be ${expected}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}.`,
  );
}

function url(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\/[^/]/.test(value)) throw optionError(name, 'an http(s) URL', value);
  // `https://api.paritydeals.com/api/v1` would call /api/v1/api/v1/... and get 404s.
  const api = /\/api(\/v\d+)?\/*$/.exec(value);
  if (api) {
    throw optionError(
      name,
      `the host (and any proxy prefix) without ${api[0].replace(/\/+$/, '')}, which the SDK adds itself (see apiVersion): ${JSON.stringify(value.slice(0, api.index))}`,
      value,
    );
  }
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
