// startEmulator(): wires the clock, store, router, faults and recorder to one HTTP server
// and hands back the controls.

import { applySeed } from './seed.js';
import { handleAdmin, type AdminTarget } from './admin.js';
import { apiRoutes } from './api.js';
import { DEFAULT_CATALOG, validateCatalog } from './catalog.js';
import { renderCheckoutPage, renderNotFoundPage, successRedirect } from './checkout-page.js';
import { Clock, isoMicros } from './clock.js';
import { Faults } from './faults.js';
import { mulberry32, randomHex } from './prng.js';
import {
  DEFAULT_MAX_RECORDED_BYTES,
  DEFAULT_MAX_RECORDED_REQUESTS,
  type RecordedRequest,
  Recorder,
} from './recorder.js';
import { Router } from './router.js';
import { EmulatorServer } from './server.js';
import { Store } from './store.js';
import { DEFAULT_API_KEY, type Emulator, type EmulatorOptions } from './types.js';
import { ErrorAnswer } from './error-answer.js';
import { emulatorListening } from '../internal/emulators-on-thread.js';

/**
 * Starts a local ParityDeals API on loopback.
 *
 * @example
 * const emu = await startEmulator();
 * const client = ParityDeals.createAsyncClient({ accessToken: emu.apiKey, baseUrl: emu.url, edgeApiUrl: emu.edgeUrl });
 * // ...
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apiKeys = options.apiKeys ?? [DEFAULT_API_KEY];
  if (
    !Array.isArray(apiKeys) ||
    apiKeys.length === 0 ||
    apiKeys.some((k) => typeof k !== 'string' || !k || /\s/.test(k))
  ) {
    throw new TypeError('apiKeys must be a non-empty array of non-empty strings without spaces');
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${String(seed)}`);
  const catalog = validateCatalog(options.catalog ?? DEFAULT_CATALOG);
  const host = options.host ?? '127.0.0.1';
  const maxRecorded = integerAtLeast(
    'maxRecordedRequests',
    options.maxRecordedRequests,
    DEFAULT_MAX_RECORDED_REQUESTS,
    0,
  );
  const maxRecordedBytes = integerAtLeast('maxRecordedBytes', options.maxRecordedBytes, DEFAULT_MAX_RECORDED_BYTES, 0);
  const limits = {
    maxConnections: integerAtLeast('maxConnections', options.maxConnections, DEFAULT_MAX_CONNECTIONS, 1),
    firstByteTimeout: integerAtLeast('firstByteTimeout', options.firstByteTimeout, DEFAULT_FIRST_BYTE_TIMEOUT_MS, 1),
  };

  const clock = new Clock(options.now);
  // Two streams from one seed: ids and fault draws do not disturb each other, so switching
  // faults on does not change the ids a test sees.
  const idRandom = () => mulberry32(seed ^ 0x5bd1e995);
  const faultRandom = () => mulberry32(seed);
  // Request ids get a third stream, so they never shift the other two either.
  const requestIdRandom = () => mulberry32(seed ^ 0x2545f491);
  let requestIds = requestIdRandom();
  let store = new Store(catalog, clock, idRandom());
  const faults = new Faults(faultRandom());
  const recorder = new Recorder(maxRecorded, maxRecordedBytes);
  const router = new Router(
    apiRoutes(() => store),
    () => apiKeys,
  );

  const completeCheckoutNow = (id: string) => store.completeSession(id);

  const server = new EmulatorServer({
    api: (req) => router.handle(req),
    admin: (method, path, _query, rawBody) => handleAdmin(target, method, path, rawBody),
    checkoutPage: (method, id) => {
      const session = store.sessions.get(id);
      if (!session) return { status: 404, html: renderNotFoundPage() };
      if (method === 'GET' || method === 'HEAD') return { status: 200, html: renderCheckoutPage(session, catalog) };
      if (method !== 'POST') return { status: 405, html: '' };
      completeCheckoutNow(id);
      return { status: 303, location: successRedirect(session.successUrl, session.id) };
    },
    record: (entry) => recorder.add(maskRejectedKey(entry, apiKeys)),
    pickFault: (method, path) => faults.pick(method, path),
    nowIso: () => isoMicros(clock.nowMs()),
    requestId: () => `req_${randomHex(requestIds, 12)}`,
  });
  server.limit(limits);
  const port = await server.listen(options.port ?? 0, host);
  const url = `http://${urlHost(host)}:${port}`;
  server.setFallbackOrigin(url);
  // The sync client refuses this emulator: it would block the thread that has to answer it.
  const forget = emulatorListening(url);

  const emulator: Emulator = {
    url,
    edgeUrl: `${url}/edge`,
    apiKey: apiKeys[0] as string,
    port,
    close: () => {
      forget();
      return server.close();
    },
    requests: () => recorder.all(),
    clearRequests: () => recorder.clear(),
    setFaults: (list) => faults.set(list),
    clearFaults: () => faults.clear(),
    advanceClock: (ms) => {
      clock.advance(ms);
      store.tick();
    },
    now: () => clock.now(),
    reset: () => {
      clock.reset();
      store = new Store(catalog, clock, idRandom());
      faults.clear();
      faults.reseed(faultRandom());
      requestIds = requestIdRandom();
      recorder.clear();
    },
    seed: (state) => applySeed(store, state),
    completeCheckout: async (id) => {
      try {
        return completeCheckoutNow(id);
      } catch (err) {
        throw err instanceof ErrorAnswer ? new Error(err.message) : err;
      }
    },
    state: () => store.snapshot(),
  };
  const target: AdminTarget = { ...emulator, faultList: () => faults.list(), completeCheckoutNow };
  return emulator;
}

/**
 * Open connections at most: a test suite holds a few dozen, so a thousand only stops a leak or
 * a flood before it runs the process out of file descriptors.
 */
const DEFAULT_MAX_CONNECTIONS = 1024;
/** How long a new connection may stay silent: real clients write at once; 10 s leaves a paused debugger room. */
const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 10_000;

function integerAtLeast(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new TypeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

/**
 * The admin API serves recorded requests without authentication, so a key the emulator refused
 * (a real one, sent here by mistake) is recorded masked, keeping only its last 4 characters
 * when it is long enough that they give nothing away.
 */
function maskRejectedKey(entry: RecordedRequest, apiKeys: readonly string[]): RecordedRequest {
  const auth = entry.headers.authorization;
  if (auth === undefined) return entry;
  const [scheme, key, extra] = auth.trim().split(/\s+/);
  if (scheme?.toLowerCase() === 'bearer' && key !== undefined && extra === undefined && apiKeys.includes(key))
    return entry;
  const secret = key ?? scheme ?? '';
  const hint = secret.length >= 16 ? ` …${secret.slice(-4)}` : '';
  return {
    ...entry,
    headers: { ...entry.headers, authorization: `${key === undefined ? '' : `${scheme} `}[rejected key${hint}]` },
  };
}

/** The host part of a URL that reaches `host`: wildcard binds are reached over loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
