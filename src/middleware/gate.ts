// What the three framework adapters share: the options, their checks, and the decision for one
// request. Framework-free and transport-free: it asks the client's entitlement cache and says
// what to answer; each adapter turns that into its framework's request and response.

import type { AnswerSource, APIPromise, WithResponse } from '../core/api-promise.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { GetEntitlementResponse, MergedEntitlement } from '../entitlements/access.js';
// The cache's own test of "ParityDeals is unreachable", so the gate and the cache agree on it.
import { isOutage } from '../entitlements/cache.js';
import {
  ACCESS_CHECK,
  type AccessCheck,
  type AccessCheckRead,
  type EntitlementRequestOptions,
  type HasAccessParams,
} from '../resources/entitlements.js';
import type { ReportUsageParams } from '../resources/reporting.js';

/**
 * The part of a client the middleware uses: its entitlement checks (answered from its cache) and,
 * for `meter`, its buffered usage reporter. A `ParityDeals` client (`new ParityDeals(...)` or
 * `ParityDeals.createAsyncClient(...)`) is one, and answers both checks with one read.
 */
export interface GateClient {
  entitlements: {
    /** Answers the check, from the cache when it can. */
    hasAccess(
      params: { customerId: string; featureId: string },
      options?: EntitlementRequestOptions,
    ): APIPromise<boolean>;
    /** The entitlement behind a check (asked only of a client that is not a `ParityDeals` one). */
    getEntitlement(params: { customerId: string; featureId: string }): APIPromise<GetEntitlementResponse>;
  };
  /** Used by `meter` only: `record(params)`, and `flush()` on Workers. */
  reporting: Meterable;
}

/** The buffered reporter the meter writes to. */
export interface Meterable {
  /** Buffers one report; false when it was dropped (the client's `usage.onDrop` was told). */
  record(params: ReportUsageParams): boolean;
  /** Sends what is buffered; a Worker hands it to `waitUntil`. */
  flush?(): Promise<unknown>;
}

/**
 * What to do when ParityDeals cannot be reached (a connection failure, a timeout, 408, 429 or a
 * 5xx) and the client's cache has nothing to answer with. In every mode the customer's last
 * known entitlements answer first, for up to the client's `cache.maxStale` (6 h).
 *
 * - `'fallback'`: the client's `fallback` option for the feature; without one, 503.
 * - `'open'`: let the request through (with `entitlement: null`).
 * - `'closed'`: refuse it with 503.
 */
export type UnavailableMode = 'fallback' | 'open' | 'closed';

/** Records usage for each request the gate let through whose response succeeded. */
export interface MeterOptions<Req> {
  /** The metered feature. Default: the gated feature. */
  featureId?: string | undefined;
  /**
   * The DELTA to add per request: an integer, or a function of the request, called before your
   * handler runs (so a throw fails the request rather than losing the usage). Default: `1`.
   */
  value?: number | ((req: Req) => number) | undefined;
  /** Which responses count, by status code. Default: `status < 400` (a failed request is not billed). */
  countIf?: ((status: number) => boolean) | undefined;
  /**
   * Told when the usage of a sent response could not be recorded: `countIf` threw, or
   * `record` refused the report (a `ValidationError`, e.g. a buffered DELTA past
   * `Number.MAX_SAFE_INTEGER`). Nothing of it was recorded; `usage` says what it was, to
   * reconcile. Default: logs both with `console.error`.
   */
  onError?: ((error: unknown, usage: UnrecordedUsage) => void) | undefined;
}

/** The usage of one response that the meter could not record, as given to `meter.onError`. */
export interface UnrecordedUsage {
  customerId: string;
  featureId: string;
  /** The DELTA that was not recorded. */
  value: number;
  /** The response's status code. */
  status: number;
}

/** Why a request was refused, as given to `onDenied`. */
export interface Denial {
  customerId: string;
  featureId: string;
  /**
   * `not_entitled`: the customer lacks the feature or has used it up; `unknown_customer`:
   * ParityDeals does not know the customer; `unavailable`: ParityDeals could not be reached
   * (see `whenUnavailable`); `no_customer`: the `customerId` function returned nothing.
   */
  reason: 'not_entitled' | 'unknown_customer' | 'unavailable' | 'no_customer';
  /** The customer's entitlement to the feature when known (a used-up meter shows its usage), else null. */
  entitlement: MergedEntitlement | null;
  /** The failure behind `unavailable` or `unknown_customer`. */
  error?: Error | undefined;
}

/** The response a refusal sends. */
export interface DeniedResponse {
  status: number;
  body: unknown;
}

/** `requireEntitlement`'s options; `Req` is the framework's request (Hono: the context). */
export interface RequireEntitlementOptions<Req> {
  /** The ParityDeals client whose cache answers the checks. */
  client: GateClient;
  /**
   * Your id for the customer behind the request (as given to `customers.create`), e.g. from the
   * session. Returning `undefined`, `null` or `''` refuses the request with 401.
   */
  customerId: (req: Req) => string | null | undefined | Promise<string | null | undefined>;
  /** See `UnavailableMode`. Default: `'fallback'`. */
  whenUnavailable?: UnavailableMode | undefined;
  /** Records a DELTA per request through `client.reporting.record`. Default: no metering. */
  meter?: MeterOptions<Req> | true | undefined;
  /**
   * The response to a refusal. Default: 403 (401 for `no_customer`, 503 for `unavailable`) with
   * the JSON body `{ error, message, featureId }`, `error` being the reason.
   */
  onDenied?: ((denial: Denial) => DeniedResponse) | undefined;
}

/** What the gate attaches to a request it let through. */
export interface GrantedEntitlement {
  customerId: string;
  featureId: string;
  /** The customer's entitlement to the feature, or null when the answer was a fallback. */
  entitlement: MergedEntitlement | null;
  /** Where the answer came from: `network`, `cache`, `stale` or `fallback`. */
  source: AnswerSource;
}

export type Decision =
  | { granted: true; grant: GrantedEntitlement; meterValue: number | undefined }
  | { granted: false; response: DeniedResponse };

const MODES: readonly UnavailableMode[] = ['fallback', 'open', 'closed'];
const OPTION_KEYS = ['client', 'customerId', 'whenUnavailable', 'meter', 'onDenied'];
const METER_KEYS = ['featureId', 'value', 'countIf', 'onError'];

// Built once: passing options to hasAccess costs nothing per request beyond the option itself.
const OPEN: EntitlementRequestOptions = { fallback: true };
const CLOSED: EntitlementRequestOptions = { fallback: false };

function fail(param: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got === 'function' ? 'a function' : String(got);
  throw new ValidationError(`requireEntitlement: ${param} must be ${expected}, got ${shown}`, param);
}

function checkDelta(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value === 0) {
    fail(param, 'a non-zero integer', value);
  }
  return value;
}

const reasonText: Record<Denial['reason'], (featureId: string) => string> = {
  not_entitled: (f) => `This account does not include "${f}", or has used it up.`,
  unknown_customer: (f) => `This account has no plan that includes "${f}".`,
  unavailable: (f) => `Access to "${f}" cannot be checked right now; try again shortly.`,
  no_customer: (f) => `Sign in to use "${f}".`,
};

const reasonStatus: Record<Denial['reason'], number> = {
  not_entitled: 403,
  unknown_customer: 403,
  unavailable: 503,
  no_customer: 401,
};

/** The default refusal: a status by reason and a JSON body that names the feature. */
export function defaultDenied(denial: Denial): DeniedResponse {
  return {
    status: reasonStatus[denial.reason],
    body: { error: denial.reason, message: reasonText[denial.reason](denial.featureId), featureId: denial.featureId },
  };
}

/** One gate: the decision for a request, and the meter's recorder when metering. */
export interface Gate<Req> {
  decide(req: Req): Promise<Decision>;
  /** Records the grant's DELTA if the response's status counts; absent without `meter`. */
  record: ((grant: GrantedEntitlement, value: number, status: number) => void) | undefined;
}

/**
 * Checks the options once, when the middleware is made (so a typo fails at start-up, not on a
 * request), and returns the gate.
 */
export function makeGate<Req>(featureId: string, options: RequireEntitlementOptions<Req>): Gate<Req> {
  if (typeof featureId !== 'string' || featureId.trim() === '') fail('featureId', 'a non-empty string', featureId);
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) fail(`options.${key}`, `one of ${OPTION_KEYS.join(', ')}`, key);
  }
  const { client, customerId: customerOf } = options;
  if (typeof client?.entitlements?.hasAccess !== 'function') fail('client', 'a ParityDeals client', client);
  // The sync client's withResponse is an object of modules, the async client's a promise method:
  // a sync client would block the thread that serves every request, and its answers are no promises.
  if (typeof (client as { withResponse?: unknown }).withResponse === 'object')
    fail('client', 'an async ParityDeals client (new ParityDeals()), not a synchronous one', client);
  if (typeof customerOf !== 'function') fail('customerId', 'a function of the request', customerOf);
  const mode = options.whenUnavailable ?? 'fallback';
  if (!MODES.includes(mode)) fail('whenUnavailable', `one of ${MODES.join(', ')}`, mode);
  const onDenied = options.onDenied ?? defaultDenied;
  if (typeof onDenied !== 'function') fail('onDenied', 'a function', onDenied);
  const callOptions = mode === 'open' ? OPEN : mode === 'closed' ? CLOSED : undefined;
  const check = accessCheck(client);
  const meter = makeMeter(options, featureId);
  const meterValue = meter?.value;

  const deny = (denial: Denial): Decision => ({ granted: false, response: onDenied(denial) });

  const decide = async (req: Req): Promise<Decision> => {
    const id = await customerOf(req);
    if (id === undefined || id === null || id === '') {
      return deny({ customerId: '', featureId, reason: 'no_customer', entitlement: null });
    }
    if (typeof id !== 'string') fail('customerId(req)', 'a string', id);
    const params = { customerId: id, featureId };
    let answer: WithResponse<AccessCheck>;
    try {
      answer = await check(params, callOptions);
    } catch (error) {
      if (error instanceof NotFoundError) {
        return deny({ customerId: id, featureId, reason: 'unknown_customer', entitlement: null, error });
      }
      // Nothing known and no fallback for the feature: only 'fallback' mode gets here.
      if (isOutage(error)) {
        return deny({ customerId: id, featureId, reason: 'unavailable', entitlement: null, error });
      }
      throw error; // a bad access token, a malformed id: the app's error handler should see it
    }
    const { granted, entitlement } = answer.data;
    const source = answer.response.source ?? 'network';
    if (!granted) {
      // A fallback's answer stands for the outage, not for the customer.
      if (source === 'fallback') {
        return deny({
          customerId: id,
          featureId,
          reason: 'unavailable',
          entitlement: null,
          error: answer.response.error,
        });
      }
      return deny({ customerId: id, featureId, reason: 'not_entitled', entitlement });
    }
    return { granted: true, grant: { customerId: id, featureId, entitlement, source }, meterValue: meterValue?.(req) };
  };
  return { decide, record: meter?.record };
}

/**
 * The decision's one read: a ParityDeals client answers access and the entitlement behind it
 * together (`ACCESS_CHECK`), so a request waits for one edge read at most, within one
 * `edgeTimeout`, cache or no cache. Any other object with the two methods (a test double) is
 * asked both, the entitlement only when the answer was not a fallback.
 */
function accessCheck(
  client: GateClient,
): (params: HasAccessParams, options: EntitlementRequestOptions | undefined) => Promise<WithResponse<AccessCheck>> {
  const { entitlements } = client;
  const own = (entitlements as { [ACCESS_CHECK]?: AccessCheckRead })[ACCESS_CHECK];
  if (typeof own === 'function') return (params, options) => own(params, options).withResponse();
  return async (params, options) => {
    const { data: granted, response } = await entitlements.hasAccess(params, options).withResponse();
    if (response.source === 'fallback') return { data: { granted, entitlement: null }, response };
    const { entitlement } = await entitlements.getEntitlement(params);
    return { data: { granted, entitlement }, response };
  };
}

/** The meter's checked options: the DELTA of a request, and the recorder. */
function makeMeter<Req>(
  options: RequireEntitlementOptions<Req>,
  featureId: string,
): { value: (req: Req) => number; record: NonNullable<Gate<Req>['record']> } | undefined {
  if (options.meter === undefined) return undefined;
  const meter = options.meter === true ? {} : options.meter;
  if (typeof meter !== 'object' || meter === null) fail('meter', 'true or an object', meter);
  for (const key of Object.keys(meter)) {
    if (!METER_KEYS.includes(key)) fail(`meter.${key}`, `one of ${METER_KEYS.join(', ')}`, key);
  }
  const metered = meter.featureId ?? featureId;
  if (typeof metered !== 'string' || metered.trim() === '') fail('meter.featureId', 'a non-empty string', metered);
  const countIf = meter.countIf ?? ((status: number) => status < 400);
  if (typeof countIf !== 'function') fail('meter.countIf', 'a function of the status code', countIf);
  const onError = meter.onError ?? logUnrecorded;
  if (typeof onError !== 'function') fail('meter.onError', 'a function', onError);
  const given = meter.value ?? 1;
  let value: (req: Req) => number;
  if (typeof given === 'function') value = (req) => checkDelta(given(req), 'meter.value(req)');
  else {
    const constant = checkDelta(given, 'meter.value');
    value = () => constant;
  }
  // Checked at run time too: a JavaScript caller's client may be anything.
  const reporting = options.client.reporting as Partial<Meterable> | undefined;
  const record = reporting?.record;
  if (typeof record !== 'function') fail('client', 'a client with reporting.record (for meter)', options.client);
  return {
    value,
    record(grant, delta, status) {
      // This runs once the response is sent, in a 'finish' listener or at a stream's end, where
      // a throw is an uncaught exception that ends the server: a failure goes to onError.
      try {
        if (!countIf(status)) return;
        // A full buffer or a closed client returns false after calling the client's
        // usage.onDrop, which is where such a lost report is told.
        record.call(reporting, { value: delta, customerId: grant.customerId, featureId: metered, behaviour: 'DELTA' });
      } catch (error) {
        const usage = { customerId: grant.customerId, featureId: metered, value: delta, status };
        try {
          onError(error, usage);
        } catch (failure) {
          logUnrecorded(error, usage);
          console.error("paritydeals-sdk: requireEntitlement's meter.onError threw:", failure);
        }
      }
    },
  };
}

/** `meter.onError`'s default: the gate cannot reach the client's logger, so the console. */
function logUnrecorded(error: unknown, usage: UnrecordedUsage): void {
  console.error(
    `paritydeals-sdk: requireEntitlement's meter did not record a DELTA of ${usage.value} to "${usage.featureId}" for customer "${usage.customerId}" (status ${usage.status}):`,
    error,
  );
}
