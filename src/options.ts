import type { Logger, LogLevel } from './core/logger.js';
import { isLogLevel } from './core/logger.js';
import { ParityDealsError } from './core/errors.js';
import { isBrowser, readEnv } from './internal/env.js';
import type { CacheConfig, FallbackEvent } from './entitlements/cache.js';
import type { EntitlementStore } from './entitlements/store.js';
import { checkLogger, LevelLogger } from './internal/logger.js';
import { headersProblem, MAX_RETRIES, MAX_TIMER_MS, unknownKey } from './internal/validate.js';
import { VERSION } from './version.js';
import type { UsageReport } from './usage/buffer.js';
import type { DropReason, ReporterConfig, UsageFailure } from './usage/flusher.js';
import type { RedisOutboxOptions, ResolvedRedisOutbox } from './usage/redis-outbox.js';

/**
 * The buffered usage reporter behind `client.reporting.record()`: how often and how much it
 * sends, and where what it cannot deliver goes. Every option has a default.
 */
export interface UsageOptions {
  /**
   * Milliseconds a recorded report may wait before a flush sends it. Longer means fewer
   * requests (one per customer, feature and resource per flush). Default: `1000`.
   */
  flushInterval?: number | undefined;
  /**
   * Distinct (customer, feature, resource) keys held at once, waiting or in flight; reports for a
   * key already held always fit, as they combine. A flush starts when half of this waits. When
   * it is full, `record()` returns false and calls `onDrop`. Default: `10000` (a few MB).
   */
  maxBuffered?: number | undefined;
  /** Usage requests in flight at once, per client. Default: `8`. */
  concurrency?: number | undefined;
  /**
   * Called for every entry the SDK gives up on, with its exact amount and key: rejected by the
   * server (4xx), or a DELTA whose outcome is unknown (`outcomeUnknown: true`: it may have been
   * applied, so it is never resent), or, without an `outbox`, anything still undelivered at
   * `close()` or when the process exits (Node, Bun, Deno), or a report a Redis outbox could not
   * write before its lease was lost (not sent). Default: logs it at `error` level.
   */
  onError?: ((failure: UsageFailure) => void) | undefined;
  /**
   * Called with a report `record()` could not take: `'full'` (maxBuffered keys held, e.g. during
   * a long outage), `'closed'` (after `close()`) or `'outbox'` (writing it to `usage.outbox`
   * failed, e.g. a full disk). Default: logs it at `error` level.
   */
  onDrop?: ((report: UsageReport, reason: DropReason) => void) | undefined;
  /**
   * For serverless platforms: given the promise of each background flush, so the platform keeps
   * the invocation alive until it settles, e.g. Vercel's `waitUntil` from `@vercel/functions`,
   * or `ctx.waitUntil.bind(ctx)` on Cloudflare. Default: none.
   */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  /**
   * Node, Bun and Deno: flush before the process ends. `true` hooks `beforeExit` and `SIGTERM`;
   * an object picks (`signals: ['SIGTERM', 'SIGINT']`) and bounds the flush (`timeout` ms,
   * default `5000`, after which what is left goes to `onError`, or stays in the `outbox`). On a signal the process
   * still ends by that signal (exit status 128 + its number) unless the app listens for it
   * too, in which case the app's handler decides. Default: `false`.
   */
  exitHooks?: boolean | ExitHooksOption | undefined;
  /**
   * Keep usage across restarts. `{ file }` (Node, Bun, Deno; one process per file): every report
   * `record()` accepts is in the journal before `record()` returns, so a killed process loses
   * nothing, and the next client on the same file delivers what was left. `{ redis }` (async
   * client, a fleet sharing one Redis through your ioredis or node-redis client): reports reach
   * Redis within a few milliseconds, and what an instance that died left is delivered by
   * another, once, `leaseMs` after. See the README. Default: none (usage lives in memory only).
   *
   * @example
   * usage: { outbox: { file: '/var/lib/myapp/paritydeals-usage.journal' } }
   * usage: { outbox: { redis: new Redis(process.env.REDIS_URL) } }
   */
  outbox?: FileOutboxOption | RedisOutboxOptions | undefined;
}

/** Where `usage.outbox` keeps unsent reports on this machine: a journal file (Node, Bun, Deno). */
export interface FileOutboxOption {
  /** The journal's path; its directory must exist. */
  file: string;
  /**
   * Sync every line to disk before going on, so even a power loss loses nothing; costs a disk
   * flush per report. Without it a machine crash can lose the last seconds the kernel had not
   * written out. Default: `false`.
   */
  fsync?: boolean | undefined;
}

/** `usage.exitHooks`: flushing the buffered usage when the process ends. */
export interface ExitHooksOption {
  /** Flush when the event loop empties. Default: `true`. */
  beforeExit?: boolean | undefined;
  /** Signals to flush on before ending by them. Default: `['SIGTERM']`. */
  signals?: readonly string[] | undefined;
  /** Milliseconds the flush may take at exit. Default: `5000`, well inside Docker's 10 s and Kubernetes' 30 s grace. */
  timeout?: number | undefined;
}

/** Resolved exit hooks. */
export interface ExitHooksConfig {
  beforeExit: boolean;
  signals: string[];
  timeout: number;
}

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
  /**
   * The entitlement cache: `hasAccess`, `getEntitlement` and `getAllEntitlements` answer from a
   * per-customer copy of every feature, filled by one edge request (see {@link CacheOptions}).
   * `false` turns it off: every check is a request. Default: on, with the defaults below.
   */
  cache?: false | CacheOptions | undefined;
  /**
   * What `hasAccess` answers for a feature when the edge API fails (no answer within
   * `edgeTimeout`, 408, 429, 5xx) and nothing is known about the customer, e.g.
   * `{ 'premium-reporting': false, 'api-calls': true }`. A call's own `{ fallback }` wins.
   * Default: none, so the error is thrown.
   */
  fallback?: Record<string, boolean> | undefined;
  /**
   * Called whenever a check is answered from the last known entitlements or from a fallback
   * because the edge API failed: alert on it. It must not throw (what it throws is ignored).
   * Default: none (a warning is logged at most once a minute).
   */
  onFallback?: ((event: FallbackEvent) => void) | undefined;
  /**
   * Lets the client be made in a web page. It refuses by default: the page would hand your
   * Server API Key to everyone who opens it. Pass `true` only when the key the page holds is
   * not that secret (a proxy on your own origin that adds the real key, an internal tool).
   * Default: `false`.
   */
  dangerouslyAllowBrowser?: boolean | undefined;
  /** The buffered usage reporter (`client.reporting.record`); see `UsageOptions`. */
  usage?: UsageOptions | undefined;
}

/** The entitlement cache's settings; every one has a default. */
export interface CacheOptions {
  /**
   * Milliseconds an entry answers without a request while every answer it gave granted access.
   * After that it is still answered at once, and refreshed in the background. Default: `60000`.
   */
  ttl?: number | undefined;
  /**
   * Milliseconds an entry answers once it denied anything (an absent feature, an exhausted hard
   * limit, no subscription), so a customer who has just paid is let in this soon; after that the
   * next check fetches again before answering. Also how long an unknown customer's 404 is
   * remembered. Default: `5000`.
   */
  deniedTtl?: number | undefined;
  /**
   * Milliseconds after its fetch that an entry may still answer while the edge API fails.
   * Default: `21600000` (6 hours).
   */
  maxStale?: number | undefined;
  /** Customers kept; the least recently checked goes first. Default: `10000`. */
  maxCustomers?: number | undefined;
  /**
   * A second level shared by every instance of your app, e.g. `redisStore(redis)` from
   * `paritydeals-sdk/redis`. Not available to the synchronous client. Default: none.
   */
  store?: EntitlementStore | undefined;
  /** Milliseconds any one store operation may take before the cache goes on without it. Default: `5`. */
  storeTimeout?: number | undefined;
  /**
   * Prefix of the store's keys. Default: `paritydeals:entitlements:<fingerprint>:`, where the
   * fingerprint (a hash, not the key) differs per API key and edge URL, so test and live keys
   * sharing one Redis never read each other's entries.
   */
  storePrefix?: string | undefined;
}

/** Per attempt: the official SDKs' 10 s. */
const DEFAULT_TIMEOUT = 10_000;
/** Per attempt of an entitlement read, which sits on the user's request path. */
const DEFAULT_EDGE_TIMEOUT = 3_000;

/** The production API, used when neither `baseUrl` nor `PARITYDEALS_BASE_URL` is set. */
export const DEFAULT_BASE_URL = 'https://api.paritydeals.com';
/** The production edge API (entitlement reads), used when neither `edgeApiUrl` nor `PARITYDEALS_EDGE_API_URL` is set. */
export const DEFAULT_EDGE_API_URL = 'https://edge.api.paritydeals.com';

/**
 * The keys each options object takes. An unknown one is refused, not ignored: a misspelled
 * `baseURL` would otherwise send every call, with the token, to production. Typed by the
 * interfaces above, so an option added there must be listed here.
 */
const KNOWN = {
  client: keys<ClientOptions>({
    accessToken: true,
    baseUrl: true,
    edgeApiUrl: true,
    apiVersion: true,
    timeout: true,
    edgeTimeout: true,
    connectTimeout: true,
    maxRetries: true,
    maxRetryDelay: true,
    fetch: true,
    defaultHeaders: true,
    logger: true,
    logLevel: true,
    cache: true,
    fallback: true,
    onFallback: true,
    dangerouslyAllowBrowser: true,
    usage: true,
  }),
  cache: keys<CacheOptions>({
    ttl: true,
    deniedTtl: true,
    maxStale: true,
    maxCustomers: true,
    store: true,
    storeTimeout: true,
    storePrefix: true,
  }),
  usage: keys<UsageOptions>({
    flushInterval: true,
    maxBuffered: true,
    concurrency: true,
    onError: true,
    onDrop: true,
    waitUntil: true,
    exitHooks: true,
    outbox: true,
  }),
  exitHooks: keys<ExitHooksOption>({ beforeExit: true, signals: true, timeout: true }),
  fileOutbox: keys<FileOutboxOption>({ file: true, fsync: true }),
  redisOutbox: keys<RedisOutboxOptions>({ redis: true, prefix: true, leaseMs: true }),
};

function keys<T>(known: Record<keyof T, true>): readonly string[] {
  return Object.keys(known);
}

/** Refuses a key of the options object `value` that is not `known`; `at` prefixes its name (`cache.`). */
function onlyKnown(at: string, value: object, known: readonly string[]): void {
  const unknown = unknownKey(value, known, at);
  if (unknown) throw new ParityDealsError(`ParityDeals option ${unknown.key} is unknown${unknown.hint}`);
}

/** Applies defaults and environment variables, refusing nonsense before any request is made. */
export function resolveOptions(options: ClientOptions) {
  if (typeof options !== 'object' || options === null)
    throw new ParityDealsError('ParityDeals options must be an object.');
  onlyKnown('', options, KNOWN.client);
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
  const logger = new LevelLogger(options.logger === undefined ? console : checkLogger(options.logger), logLevel);
  const token = accessToken.trim();
  return {
    accessToken: token,
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
    connectTimeout: positive('connectTimeout', options.connectTimeout ?? 3_000),
    maxRetries: count('maxRetries', options.maxRetries ?? 2, MAX_RETRIES),
    maxRetryDelay: count('maxRetryDelay', options.maxRetryDelay ?? 60_000, MAX_TIMER_MS),
    defaultHeaders: headers(options.defaultHeaders ?? {}),
    logger,
    userAgent: userAgent(),
    usage: resolveUsage(options.usage, logger, usagePrefix(token)),
  };
}

/** The entitlement cache's settings, resolved with `resolveOptions`'s results. */
export function resolveCache(
  options: ClientOptions,
  resolved: { accessToken: string; edgeApiUrl: string; edgeTimeout: number },
): CacheConfig {
  const given = options.cache;
  if (given !== undefined && given !== false && (typeof given !== 'object' || given === null)) {
    throw optionError('cache', 'false or an object of cache options', given);
  }
  const c = given || {};
  onlyKnown('cache.', c, KNOWN.cache);
  const fallback = options.fallback ?? {};
  if (typeof fallback !== 'object' || fallback === null || Array.isArray(fallback)) {
    throw optionError('fallback', 'an object of booleans keyed by feature id', fallback);
  }
  for (const [featureId, value] of Object.entries(fallback)) {
    if (typeof value !== 'boolean') throw optionError(`fallback[${JSON.stringify(featureId)}]`, 'a boolean', value);
  }
  if (options.onFallback !== undefined && typeof options.onFallback !== 'function') {
    throw optionError('onFallback', 'a function', options.onFallback);
  }
  const store = c.store;
  if (store !== undefined && !['get', 'set', 'delete'].every((m) => typeof (store as never)[m] === 'function')) {
    throw optionError('cache.store', 'an object with get, set and delete methods (see paritydeals-sdk/redis)', store);
  }
  return {
    enabled: given !== false,
    ttl: count('cache.ttl', c.ttl ?? 60_000, MAX_TIMER_MS),
    deniedTtl: count('cache.deniedTtl', c.deniedTtl ?? 5_000, MAX_TIMER_MS),
    maxStale: count('cache.maxStale', c.maxStale ?? 6 * 3_600_000, MAX_TIMER_MS),
    maxCustomers: count('cache.maxCustomers', c.maxCustomers ?? 10_000, Number.MAX_SAFE_INTEGER),
    store,
    storeTimeout: positive('cache.storeTimeout', c.storeTimeout ?? 5),
    storePrefix:
      c.storePrefix === undefined
        ? `paritydeals:entitlements:${fingerprint(`${resolved.accessToken}\n${resolved.edgeApiUrl}`)}:`
        : nonEmpty('cache.storePrefix', c.storePrefix),
    fallback: Object.freeze({ ...fallback }),
    onFallback: options.onFallback,
    budget: resolved.edgeTimeout,
  };
}

/**
 * The Redis outbox's default key prefix: one per API key, so that apps with different keys on
 * one Redis (test and live) never adopt each other's journals, which the adopter would deliver
 * with its own key, to its own account. Not per host: a fleet moving to a proxy keeps its journals.
 */
export function usagePrefix(accessToken: string): string {
  return `paritydeals:usage:${fingerprint(accessToken)}`;
}

/** FNV-1a, 32 bits, as hex: tells keys apart without revealing them. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
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

const DROPPED: Record<DropReason, string> = {
  full: 'the usage buffer is full (usage.maxBuffered keys held)',
  closed: 'the client was closed',
  outbox: 'it could not be written to usage.outbox',
};

/** Tunables of the usage reporter; the reasons are in UsageOptions' doc comments. */
const USAGE_DEFAULTS = { flushInterval: 1_000, maxBuffered: 10_000, concurrency: 8, exitTimeout: 5_000 };

function resolveUsage(
  usage: UsageOptions | undefined,
  logger: LevelLogger,
  outboxPrefix: string,
): ReporterConfig & {
  exitHooks: ExitHooksConfig | undefined;
  outbox: FileOutboxOption | ResolvedRedisOutbox | undefined;
} {
  if (usage !== undefined && (typeof usage !== 'object' || usage === null))
    throw optionError('usage', 'an object', usage);
  const u = usage ?? {};
  onlyKnown('usage.', u, KNOWN.usage);
  const fn = <F>(name: string, value: F | undefined): F | undefined => {
    if (value !== undefined && typeof value !== 'function') throw optionError(`usage.${name}`, 'a function', value);
    return value;
  };
  const where = (r: { customerId: string; featureId: string; resourceId?: string | undefined }) =>
    `customer ${JSON.stringify(r.customerId)}, feature ${JSON.stringify(r.featureId)}${r.resourceId === undefined ? '' : `, resource ${JSON.stringify(r.resourceId)}`}`;
  return {
    flushInterval: positive('usage.flushInterval', u.flushInterval ?? USAGE_DEFAULTS.flushInterval),
    maxBuffered: atLeastOne('usage.maxBuffered', u.maxBuffered ?? USAGE_DEFAULTS.maxBuffered),
    concurrency: atLeastOne('usage.concurrency', u.concurrency ?? USAGE_DEFAULTS.concurrency),
    onError:
      fn('onError', u.onError) ??
      ((f) =>
        logger.error(
          `reporting.record: ${f.behaviour} ${f.value} (${f.reports} report${f.reports === 1 ? '' : 's'}) for ${where(f)} ${f.outcomeUnknown ? 'may or may not have been applied; check the meter before reporting it again' : 'was not applied'}: ${f.error.message}`,
          { ...f, error: f.error.name },
        )),
    onDrop:
      fn('onDrop', u.onDrop) ??
      ((r, reason) =>
        logger.error(`reporting.record: dropped ${r.behaviour} ${r.value} for ${where(r)}: ${DROPPED[reason]}`, {
          ...r,
          reason,
        })),
    waitUntil: fn('waitUntil', u.waitUntil),
    exitHooks: exitHooks(u.exitHooks),
    outbox: outbox(u.outbox, outboxPrefix),
  };
}

function outbox(
  value: UsageOptions['outbox'],
  defaultPrefix: string,
): FileOutboxOption | ResolvedRedisOutbox | undefined {
  if (value === undefined) return undefined;
  const expected = "{ file: 'path/to/usage.journal', fsync? } or { redis: yourRedisClient, prefix?, leaseMs? }";
  if (typeof value !== 'object' || value === null) throw optionError('usage.outbox', expected, value);
  if ('redis' in value) {
    onlyKnown('usage.outbox.', value, KNOWN.redisOutbox);
    const r = value.redis as unknown as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || (typeof r.call !== 'function' && typeof r.sendCommand !== 'function'))
      throw optionError('usage.outbox.redis', 'an ioredis or node-redis client', r);
    if (value.prefix !== undefined) nonEmpty('usage.outbox.prefix', value.prefix);
    return {
      redis: value.redis,
      prefix: value.prefix ?? defaultPrefix,
      leaseMs: positive('usage.outbox.leaseMs', value.leaseMs ?? 10_000),
    };
  }
  onlyKnown('usage.outbox.', value, KNOWN.fileOutbox);
  if (typeof value.file !== 'string' || value.file.trim() === '') throw optionError('usage.outbox', expected, value);
  if (value.fsync !== undefined && typeof value.fsync !== 'boolean')
    throw optionError('usage.outbox.fsync', 'a boolean', value.fsync);
  return { file: value.file, fsync: value.fsync === true };
}

function exitHooks(value: UsageOptions['exitHooks']): ExitHooksConfig | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { beforeExit: true, signals: ['SIGTERM'], timeout: USAGE_DEFAULTS.exitTimeout };
  if (typeof value !== 'object' || value === null)
    throw optionError('usage.exitHooks', 'a boolean or { beforeExit, signals, timeout }', value);
  onlyKnown('usage.exitHooks.', value, KNOWN.exitHooks);
  const signals = value.signals ?? ['SIGTERM'];
  if (!Array.isArray(signals) || !signals.every((s) => typeof s === 'string' && /^SIG[A-Z0-9]+$/.test(s)))
    throw optionError('usage.exitHooks.signals', "an array of signal names like 'SIGTERM'", signals);
  return {
    beforeExit: value.beforeExit ?? true,
    signals: [...signals],
    timeout: positive('usage.exitHooks.timeout', value.timeout ?? USAGE_DEFAULTS.exitTimeout),
  };
}

function atLeastOne(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw optionError(name, 'a positive integer', value);
  return value;
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
  // `https://api.paritydeals.com/api/v1` would call /api/v1/api/v1/... and get 404s.
  const api = /\/api(\/v\d+)?\/*$/.exec(value as string);
  if (api) {
    throw optionError(
      name,
      `the host (and any proxy prefix) without ${api[0].replace(/\/+$/, '')}, which the SDK adds itself (see apiVersion): ${JSON.stringify((value as string).slice(0, api.index))}`,
      value,
    );
  }
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
