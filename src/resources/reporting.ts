import type { APIPromise } from '../core/api-promise.js';
import type { Pipeline } from '../internal/pipeline.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';
import { USAGE_BEHAVIOURS, type UsageBehaviour } from '../core/enums.js';
import { Check } from '../internal/validate.js';
import { uuid } from '../internal/uuid.js';
import type { UsageReport } from '../usage/buffer.js';
import { type FlushResult, jobPromise, type UsageReporter } from '../usage/flusher.js';

/** `reportUsage`'s parameters: one meter's usage of one customer. */
export interface ReportUsageParams {
  /** An integer: the new usage for `SET` (not negative), the change for `DELTA`. */
  value: number;
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
  /** The metered feature's identifier, e.g. `api-calls`. */
  featureId: string;
  /**
   * `'SET'`: `value` becomes the usage (retried freely: it lands on the same total). `'DELTA'`:
   * `value` is added to it (never sent twice; a lost answer gives `outcomeUnknown`). British
   * spelling, as in the API.
   */
  behaviour: UsageBehaviour;
  /** The resource the usage belongs to, when you meter per resource. */
  resourceId?: string | undefined;
}

/** What the API recorded for a usage report. */
export interface ReportUsageResponse {
  value: number;
  customerId: string;
  featureId: string;
  behaviour: UsageBehaviour;
  orgId: string;
  /** Server-made event name, e.g. `aggregated.usage`. */
  eventName: string;
  /** Server-made, 32 hex digits. */
  idempotencyKey: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS.ffffff` (not ISO 8601). */
  timestamp: string;
}

/** `reportEvent`'s parameters: one raw event. */
export interface ReportEventParams {
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
  /** Your name for the kind of event, e.g. `report.generated`. */
  eventName: string;
  /**
   * Makes the event count once however often it is sent. Default: a new UUID, made once per
   * call, so the SDK's own retries reuse it. Pass your own to dedupe across processes.
   */
  idempotencyKey?: string | undefined;
  /** When it happened. Default: now. A Date, or a UTC string `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
  timestamp?: Date | string | undefined;
  resourceId?: string | undefined;
  /** Your event fields, sent as given (keys are never re-cased). */
  properties?: Record<string, unknown> | undefined;
}

/** The event as the API recorded it. */
export interface ReportEventResponse {
  customerId: string;
  eventName: string;
  /** The key the event was sent with (yours, or the one the SDK made). */
  idempotencyKey: string;
  /** The organization the event was recorded for, as the server determined it. */
  orgId?: string | undefined;
  timestamp: string;
  resourceId?: string | null | undefined;
  properties?: Record<string, unknown> | null | undefined;
  [field: string]: unknown;
}

const USAGE_KEYS: Record<keyof ReportUsageParams, true> = {
  value: true,
  customerId: true,
  featureId: true,
  behaviour: true,
  resourceId: true,
};
const EVENT_KEYS: Record<keyof ReportEventParams, true> = {
  customerId: true,
  eventName: true,
  idempotencyKey: true,
  timestamp: true,
  resourceId: true,
  properties: true,
};

/** The checks of one usage report, shared by `reportUsage` and `record` so they refuse the same input. */
export function checkUsage(operation: string, params: ReportUsageParams): UsageReport {
  const c = Check.of(operation, params, USAGE_KEYS);
  const value = c.integer('value');
  const behaviour = c.oneOf('behaviour', USAGE_BEHAVIOURS);
  if (behaviour === 'SET' && value < 0) c.fail('value', 'a non-negative integer for SET', value);
  return {
    customerId: c.string('customerId'),
    featureId: c.string('featureId'),
    resourceId: c.optionalString('resourceId'),
    behaviour,
    value,
  };
}

/** Validates and describes the usage and event reports. */
export const reportingRequests = {
  reportUsage(params: ReportUsageParams): RequestSpec<ReportUsageResponse> {
    const { value, customerId, featureId, behaviour, resourceId } = checkUsage('reporting.reportUsage', params);
    const body: Record<string, unknown> = { value, customer_id: customerId, feature_id: featureId, behaviour };
    if (resourceId !== undefined) body.resource_id = resourceId;
    return {
      operation: 'reporting.reportUsage',
      method: 'POST',
      host: 'main',
      path: '/report/usage/',
      body,
      // SET lands on the same total however often it is sent; DELTA would count twice.
      repeatable: behaviour === 'SET',
      // The cached meter moves the same way, so an exhausted hard limit denies at once.
      effect: { kind: 'usage', customerId, featureId, behaviour, value },
      reconcile: `Check the customer's usage with entitlements.getEntitlement({ customerId: ${JSON.stringify(body.customer_id)}, featureId: ${JSON.stringify(body.feature_id)} }) (its currentUsage) or in the ParityDeals dashboard`,
    };
  },

  reportEvent(params: ReportEventParams): RequestSpec<ReportEventResponse> {
    const c = Check.of('reporting.reportEvent', params, EVENT_KEYS);
    const idempotencyKey = c.optionalString('idempotencyKey') ?? uuid();
    const body: Record<string, unknown> = {
      customer_id: c.string('customerId'),
      event_name: c.string('eventName'),
      idempotency_key: idempotencyKey,
      timestamp: eventTimestamp(c, params.timestamp),
    };
    c.copyOptionalStrings(body, { resourceId: 'resource_id' });
    const properties = c.optionalObject('properties');
    if (properties !== undefined) body.properties = properties;
    // The idempotency key is made once, above, so every attempt carries the same one.
    return {
      operation: 'reporting.reportEvent',
      method: 'POST',
      host: 'main',
      path: '/report/event/',
      body,
      repeatable: true,
      // On every error too, so that a lost answer can be resent with this key and counted once.
      idempotencyKey,
      transform: (data) => ({ ...(data as ReportEventResponse), idempotencyKey }),
    };
  },
};

/** The API's event time format: UTC `YYYY-MM-DD HH:MM:SS.ffffff`, no `T`, no `Z`. */
export function formatEventTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${String(date.getUTCMilliseconds()).padStart(3, '0')}000`;
}

function eventTimestamp(c: Check, value: unknown): string {
  if (value === undefined) return formatEventTimestamp(new Date());
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) c.fail('timestamp', 'a valid Date', 'an invalid Date');
    return formatEventTimestamp(value);
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value)) {
    const [whole, fraction = ''] = value.split('.');
    return `${whole}.${fraction.padEnd(6, '0')}`;
  }
  return c.fail('timestamp', 'a Date or a UTC string YYYY-MM-DD HH:MM:SS[.ffffff]', value);
}

/**
 * The request that delivers one entry of the buffered reporter (`record`): the entry's fields as
 * `reportUsage` takes them, and without the spec's effect, since the entitlement cache already
 * moved when `record()` accepted the reports.
 */
export function usageEntryRequest(entry: UsageReport): RequestSpec<ReportUsageResponse> {
  const { value, customerId, featureId, behaviour, resourceId } = entry;
  const params: ReportUsageParams = { value, customerId, featureId, behaviour };
  if (resourceId !== undefined) params.resourceId = resourceId;
  const { effect: _moved, ...spec } = reportingRequests.reportUsage(params);
  return spec;
}

/** Usage reporting: pre-aggregated meter values and raw events. */
export class Reporting {
  readonly #reporter: UsageReporter;

  constructor(
    private readonly pipeline: Pipeline,
    reporter: UsageReporter,
  ) {
    this.#reporter = reporter;
  }

  /**
   * Buffers one usage report and returns at once; a background flush sends it (options under
   * `usage`). Reports for the same customer, feature and resource combine into one request that
   * leaves the meter where sending each one by one would. Bad input throws a `ValidationError`
   * and buffers nothing. Returns false, after calling `usage.onDrop`, when the buffer is full
   * or the client is closed.
   *
   * @example
   * client.reporting.record({ value: 1, customerId: 'cust_1', featureId: 'api-calls', behaviour: 'DELTA' });
   */
  record(params: ReportUsageParams): boolean {
    return this.#reporter.record(checkUsage('reporting.record', params));
  }

  /**
   * Sends everything recorded so far and resolves when each entry is delivered or has failed;
   * never rejects. Failed entries carry their amounts and say whether a later flush retries them.
   *
   * @example
   * const { delivered, failed } = await client.reporting.flush();
   */
  flush(): Promise<FlushResult> {
    return jobPromise(this.#reporter.flush());
  }

  /**
   * Reports usage of a metered feature. `SET` replaces the usage and is retried freely; `DELTA`
   * adds to it and is never sent twice: when its answer is lost, the error's `outcomeUnknown`
   * is true.
   *
   * @example
   * await client.reporting.reportUsage({ value: 1, customerId: 'cust_1', featureId: 'api-calls', behaviour: 'DELTA' });
   */
  reportUsage(params: ReportUsageParams, options?: RequestOptions): APIPromise<ReportUsageResponse> {
    return this.pipeline.send(() => reportingRequests.reportUsage(params), options);
  }

  /**
   * Reports one raw event. The server counts an `idempotencyKey` once, so retries are safe.
   * When the outcome is unknown, the error's `idempotencyKey` is the key to send it again with.
   *
   * @example
   * await client.reporting.reportEvent({ customerId: 'cust_1', eventName: 'report.generated', properties: { pages: 3 } });
   */
  reportEvent(params: ReportEventParams, options?: RequestOptions): APIPromise<ReportEventResponse> {
    return this.pipeline.send(() => reportingRequests.reportEvent(params), options);
  }
}
