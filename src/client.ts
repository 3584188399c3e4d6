import { readEnv } from './core/env.js';
import { ParityDealsError } from './core/errors.js';
import { fetchTransport } from './core/fetch-transport.js';
import { isLogLevel, LevelLogger, type Logger, type LogLevel } from './core/logger.js';
import { Pipeline } from './core/pipeline.js';
import type { Transport } from './core/transport.js';
import { Checkout } from './resources/checkout.js';
import { Customers } from './resources/customers.js';
import { Entitlements } from './resources/entitlements.js';
import { Reporting } from './resources/reporting.js';
import { Subscriptions } from './resources/subscriptions.js';
import type { SyncParityDeals } from './sync/client.js';
import type { SyncClientOptions } from './sync/types.js';
import { VERSION } from './version.js';

/** Options of both clients. Every one has a default; some can come from the environment. */
export interface ClientOptions {
  /**
   * Your Server API Key (ParityDeals → Settings → Developers).
   * Default: `process.env.PARITYDEALS_ACCESS_TOKEN`; one of the two is required.
   */
  accessToken?: string;
  /**
   * The main API's base URL; a path prefix is kept (`https://proxy.example/paritydeals`).
   * Default: `PARITYDEALS_BASE_URL`, else `https://api.paritydeals.com`.
   */
  baseUrl?: string;
  /**
   * The edge API's base URL, which serves entitlement checks.
   * Default: `PARITYDEALS_EDGE_API_URL`, else `https://edge.api.paritydeals.com`.
   */
  edgeApiUrl?: string;
  /** The API version in every path (`/api/v1/...`). Default: `'v1'`. */
  apiVersion?: string;
  /** Milliseconds each attempt may take. Default: `10000`. */
  timeout?: number;
  /**
   * Milliseconds each attempt of an entitlement read may take. Shorter than `timeout` because
   * these calls sit on your users' request paths. Default: `3000`.
   */
  edgeTimeout?: number;
  /**
   * How many times a failed request is tried again, for failures that are safe to retry (see
   * the README's retry table). Default: `2`.
   */
  maxRetries?: number;
  /** The longest wait between attempts, even when the server's Retry-After asks for more. Default: `60000` ms. */
  maxRetryDelay?: number;
  /**
   * A `fetch` to send requests with (a proxy-aware or instrumented one). Default: on Node the
   * SDK's `node:http` transport with keep-alive, elsewhere the global `fetch`.
   */
  fetch?: typeof fetch;
  /** Headers sent with every request. Default: none. */
  defaultHeaders?: Record<string, string>;
  /** Where log lines go. Default: `console`. */
  logger?: Logger;
  /**
   * `off`, `error`, `warn`, `info` (one line per request) or `debug` (bodies too; the
   * authorization header is always redacted). Default: `PARITYDEALS_LOG`, else `warn`.
   */
  logLevel?: LogLevel;
}

export const DEFAULT_BASE_URL = 'https://api.paritydeals.com';
export const DEFAULT_EDGE_API_URL = 'https://edge.api.paritydeals.com';

/** A transport and how to release what it holds (keep-alive sockets). */
export interface TransportHandle {
  transport: Transport;
  close?(): void;
}

/**
 * The ParityDeals client. Every method returns a Promise.
 *
 * @example
 * import { ParityDeals } from 'paritydeals-sdk';
 * const client = ParityDeals.createAsyncClient({ accessToken: process.env.PARITYDEALS_ACCESS_TOKEN });
 * const ok = await client.entitlements.hasAccess({ customerId: 'cust_123', featureId: 'premium-reporting' });
 */
export class ParityDeals {
  /** Create, update, retrieve and list customers. */
  readonly customers: Customers;
  /** Create checkout sessions. */
  readonly checkout: Checkout;
  /** Check what customers may use. */
  readonly entitlements: Entitlements;
  /** Report usage and events. */
  readonly reporting: Reporting;
  /** Change, cancel and list subscriptions. */
  readonly subscriptions: Subscriptions;
  readonly #close: (() => void) | undefined;

  constructor(options: ClientOptions = {}) {
    const handle = options.fetch ? { transport: fetchTransport(options.fetch) } : (this.constructor as typeof ParityDeals).defaultTransport();
    this.#close = handle.close;
    const pipeline = new Pipeline({ ...resolveOptions(options), transport: handle.transport });
    this.customers = new Customers(pipeline);
    this.checkout = new Checkout(pipeline);
    this.entitlements = new Entitlements(pipeline);
    this.reporting = new Reporting(pipeline);
    this.subscriptions = new Subscriptions(pipeline);
  }

  /** The Promise-based client; the same as `new ParityDeals(options)`. */
  static createAsyncClient<C extends ParityDeals>(this: new (options?: ClientOptions) => C, options?: ClientOptions): C {
    return new this(options);
  }

  /**
   * The blocking client, whose methods return values instead of Promises. It needs worker
   * threads, so it exists on Node, Bun and Deno (this package's `node` entry), not on edge
   * runtimes or in browsers.
   */
  static createSyncClient(_options?: SyncClientOptions): SyncParityDeals {
    throw new ParityDealsError(
      'The synchronous client needs worker threads, which this runtime does not offer. Use ParityDeals.createAsyncClient here, or run on Node, Bun or Deno.',
    );
  }

  /** The transport used when no `fetch` option is given; the `node` entry overrides it. */
  protected static defaultTransport(): TransportHandle {
    return { transport: fetchTransport() };
  }

  /** Releases idle keep-alive sockets. The client must not be used afterwards. */
  close(): void {
    this.#close?.();
  }
}

/** Applies defaults and environment variables, refusing nonsense before any request is made. */
export function resolveOptions(options: ClientOptions) {
  if (typeof options !== 'object' || options === null) throw new ParityDealsError('ParityDeals options must be an object.');
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
  return new ParityDealsError(`ParityDeals option ${name} must be ${expected}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}.`);
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
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw optionError(name, 'a positive number of milliseconds', value);
  return value;
}

function count(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw optionError(name, 'a non-negative integer', value);
  return value;
}

/** Names this SDK and the runtime; browsers ignore it, which is fine. */
function userAgent(): string {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: { version?: { deno?: string } }; Bun?: { version?: string } };
  const runtime = g.Bun?.version
    ? `bun/${g.Bun.version}`
    : g.Deno?.version?.deno
      ? `deno/${g.Deno.version.deno}`
      : g.process?.versions?.node
        ? `node/${g.process.versions.node}`
        : 'js';
  return `paritydeals-sdk/${VERSION} (${runtime})`;
}
