/**
 * The synchronous client's types: the async client's made blocking. A method
 * `(params, options?) => APIPromise<R>` becomes `(params, options?) => R`, a list method's
 * `PagePromise<T>` becomes `SyncPage<T>`, and `options` loses `signal`. `SyncModule` derives
 * that; the modules below are written out for their docs, and test/sync/types.test.ts proves
 * each equal to its derived type, so the two clients cannot drift.
 */
import type { ClientOptions } from '../options.js';
import type { ModuleName } from '../resources/index.js';
import type { APIPromise, WithResponse } from '../core/api-promise.js';
import type { PagePromise } from '../core/page.js';
import type { RequestOptions } from '../core/request-options.js';
import type { SyncPage } from './page.js';
import type { FlushResult } from '../usage/flusher.js';
import type {
  ArchiveCustomerParams,
  ArchiveCustomerResponse,
  CreateCustomerParams,
  CustomerResponse,
  ListCustomersParams,
  RetrieveCustomerParams,
  UpdateCustomerParams,
} from '../resources/customers.js';
import type { CreateCheckoutSessionParams, CreateCheckoutSessionResponse } from '../resources/checkout.js';
import type {
  EntitlementRequestOptions,
  GetAllEntitlementsParams,
  GetEntitlementParams,
  HasAccessParams,
  PrefetchResult,
} from '../resources/entitlements.js';
import type { CheckEntitlementsResponse, GetEntitlementResponse } from '../entitlements/access.js';
import type {
  ReportEventParams,
  ReportEventResponse,
  ReportUsageParams,
  ReportUsageResponse,
} from '../resources/reporting.js';
import type {
  CancelSubscriptionParams,
  CancelSubscriptionResponse,
  ListSubscriptionsParams,
  SubscriptionResponse,
  UpdateSubscriptionParams,
  UpdateSubscriptionResponse,
} from '../resources/subscriptions.js';

/**
 * The per-request options of the synchronous client: `timeout`, `maxRetries`, `headers`.
 * There is no `signal`: the calling thread sleeps until the answer, so nothing could fire it;
 * bound a call with `timeout` instead.
 */
export type SyncRequestOptions = Omit<RequestOptions, 'signal'>;

/**
 * The options of the synchronous client: the async client's, without `fetch` (a function cannot
 * cross to the worker thread that sends the requests, which always uses Node's `node:http`).
 * `logger` works, with one difference: log lines of a call reach it when the call returns.
 */
export type SyncClientOptions = Omit<ClientOptions, 'fetch'>;

/** The parameter list with `RequestOptions` swapped for `SyncRequestOptions`; labels and optionality kept. */
export type SyncArgs<A extends unknown[]> = {
  [I in keyof A]: [A[I]] extends [RequestOptions | undefined]
    ? [RequestOptions | undefined] extends [A[I]]
      ? Omit<NonNullable<A[I]>, 'signal'> | undefined
      : A[I]
    : A[I];
};

/**
 * One async method made blocking. (`PagePromise` is tested first: it is also an `APIPromise`.)
 * A method that is synchronous already (`entitlements.peek`, `reporting.record`) stays as it is;
 * one that returns a plain Promise (`reporting.flush`, `entitlements.prefetch`) returns its value.
 */
export type SyncMethod<F> = F extends (...args: infer A) => PagePromise<infer T>
  ? (...args: SyncArgs<A>) => SyncPage<T>
  : F extends (...args: infer A) => Promise<infer R>
    ? (...args: SyncArgs<A>) => R
    : F;

/** The methods of a module that are one API request each (those `withResponse` offers). */
export type RequestMethods<M> = {
  [K in keyof M]: M[K] extends (...args: never[]) => APIPromise<unknown> ? K : never;
}[keyof M];

/** One async method made blocking, returning the data with the response it came in. */
export type SyncMethodWithResponse<F> = F extends (...args: infer A) => PagePromise<infer T>
  ? (...args: SyncArgs<A>) => WithResponse<SyncPage<T>>
  : F extends (...args: infer A) => APIPromise<infer R>
    ? (...args: SyncArgs<A>) => WithResponse<R>
    : never;

/** An API module with each method blocking: it returns the value instead of a Promise. */
export type SyncModule<M> = { readonly [K in keyof M]: SyncMethod<M[K]> };
/** An API module under `withResponse`: each blocking method returns `{ data, response }`. */
export type SyncModuleWithResponse<M> = { readonly [K in RequestMethods<M>]: SyncMethodWithResponse<M[K]> };

export type { ModuleName };

// The modules are written out, not derived, so that each method's hover docs show blocking
// examples (a derived type would carry the async docs, `await` and all). test/sync/types.test.ts
// checks that each stays exactly the async module made blocking.

/** Customer records, blocking: each method returns the value itself. */
export interface SyncCustomers {
  /**
   * Creates a customer. Not retried after a lost answer (see the README's retry table).
   *
   * @example
   * const customer = client.customers.create({ customerId: 'cust_123', email: 'ada@example.com', name: 'Ada' });
   */
  readonly create: (params: CreateCustomerParams, options?: SyncRequestOptions | undefined) => CustomerResponse;
  /**
   * Changes only the fields given (PATCH).
   *
   * @example
   * client.customers.update({ customerId: 'cust_123', name: 'Ada Lovelace' });
   */
  readonly update: (params: UpdateCustomerParams, options?: SyncRequestOptions | undefined) => CustomerResponse;
  /**
   * @example
   * const customer = client.customers.retrieve({ customerId: 'cust_123' });
   */
  readonly retrieve: (params: RetrieveCustomerParams, options?: SyncRequestOptions | undefined) => CustomerResponse;
  /**
   * Archives a customer (`DELETE /customers/{id}/`): it is then gone from the API. Not retried
   * after a lost answer: a second archive would answer 404.
   *
   * @example
   * client.customers.archive({ customerId: 'cust_123' });
   */
  readonly archive: (
    params: ArchiveCustomerParams,
    options?: SyncRequestOptions | undefined,
  ) => ArchiveCustomerResponse;
  /**
   * One page of customers; iterate it with `for...of` to walk all of them.
   *
   * @example
   * for (const customer of client.customers.list({ pageSize: 100 })) console.log(customer.customerId);
   */
  readonly list: (params?: ListCustomersParams, options?: SyncRequestOptions | undefined) => SyncPage<CustomerResponse>;
}

/** Checkout sessions, blocking. */
export interface SyncCheckout {
  /**
   * Creates a checkout session; send the customer to its `checkoutUrl`.
   *
   * @example
   * const { checkoutUrl } = client.checkout.createSession({
   *   planIdentifier: 'plan-pro-monthly', chargePeriod: 'MONTHLY',
   *   customerId: 'cust_789', successUrl: 'https://example.com/welcome',
   * });
   */
  readonly createSession: (
    params: CreateCheckoutSessionParams,
    options?: SyncRequestOptions | undefined,
  ) => CreateCheckoutSessionResponse;
}

/** Entitlement checks, blocking; served by the edge API with the shorter `edgeTimeout`. */
export interface SyncEntitlements {
  /**
   * Whether the customer may use the feature now. A metered feature with a soft limit keeps
   * access after its quota is used up; a hard limit ends it. A feature the customer does not
   * hold gives `false`; an unknown customer throws `NotFoundError`.
   *
   * @example
   * if (client.entitlements.hasAccess({ customerId: 'cust_123', featureId: 'premium-reporting' })) { ... }
   */
  readonly hasAccess: (params: HasAccessParams, options?: SyncEntitlementOptions | undefined) => boolean;
  /**
   * The customer's entitlement to one feature: `entitlement` is its merged entry, or null when
   * the customer does not hold it (`entitlements` is the same as a list, the API's shape).
   * Entries are typed by `featureType`: for a `METER`, `currentUsage` is a number.
   *
   * @example
   * const { entitlement } = client.entitlements.getEntitlement({ customerId: 'cust_123', featureId: 'seats' });
   * if (entitlement?.featureType === 'METER') console.log(entitlement.currentUsage, entitlement.usageLimit);
   */
  readonly getEntitlement: (
    params: GetEntitlementParams,
    options?: SyncEntitlementOptions | undefined,
  ) => GetEntitlementResponse;
  /**
   * All of the customer's entitlements, one merged entry per feature.
   *
   * @example
   * const { entitlements } = client.entitlements.getAllEntitlements({ customerId: 'cust_123' });
   */
  readonly getAllEntitlements: (
    params: GetAllEntitlementsParams,
    options?: SyncEntitlementOptions | undefined,
  ) => CheckEntitlementsResponse;
  /**
   * The cached answer to `hasAccess`, or `undefined` when the customer is not cached (no request
   * is sent for them; use `prefetch`).
   *
   * @example
   * const ok = client.entitlements.peek({ customerId: 'cust_123', featureId: 'premium-reporting' }) ?? false;
   */
  readonly peek: (params: HasAccessParams) => boolean | undefined;
  /**
   * Loads customers into the cache ahead of their checks, one after another. Never throws for a
   * customer: failures are in the result.
   *
   * @example
   * client.entitlements.prefetch(['cust_123', 'cust_456']);
   */
  readonly prefetch: (customerIds: readonly string[], options?: SyncRequestOptions | undefined) => PrefetchResult;
  /**
   * Forgets a customer's cached entitlements, or every customer's. Call it when you learn of a
   * change the SDK did not make itself (a webhook, a purchase's success page).
   *
   * @example
   * client.entitlements.invalidate('cust_123');
   */
  readonly invalidate: (customerId?: string | undefined) => void;
}

/** The options of a blocking entitlement read: `fresh`, `fallback`, `timeout`, `maxRetries`, `headers`. */
export type SyncEntitlementOptions = Omit<EntitlementRequestOptions, 'signal'>;

/** Usage reporting, blocking. */
export interface SyncReporting {
  /**
   * Reports usage of a metered feature. `SET` replaces the usage and is retried freely; `DELTA`
   * adds to it and is never sent twice: when its answer is lost, the error's `outcomeUnknown`
   * is true.
   *
   * @example
   * client.reporting.reportUsage({ value: 1, customerId: 'cust_1', featureId: 'api-calls', behaviour: 'DELTA' });
   */
  readonly reportUsage: (params: ReportUsageParams, options?: SyncRequestOptions | undefined) => ReportUsageResponse;
  /**
   * Reports one raw event. The server counts an `idempotencyKey` once, so retries are safe.
   *
   * @example
   * client.reporting.reportEvent({ customerId: 'cust_1', eventName: 'report.generated', properties: { pages: 3 } });
   */
  readonly reportEvent: (params: ReportEventParams, options?: SyncRequestOptions | undefined) => ReportEventResponse;
  /**
   * Buffers one usage report and returns at once, with no hop to the worker; a background flush
   * sends it. Reports for the same customer, feature and resource combine. Returns false, after
   * calling `usage.onDrop`, when the buffer is full or the client is closed.
   *
   * @example
   * client.reporting.record({ value: 1, customerId: 'cust_1', featureId: 'api-calls', behaviour: 'DELTA' });
   */
  readonly record: (params: ReportUsageParams) => boolean;
  /**
   * Sends everything recorded so far and blocks until each entry is delivered or has failed;
   * never throws for an entry. Failed entries carry their amounts.
   *
   * @example
   * const { delivered, failed } = client.reporting.flush();
   */
  readonly flush: () => FlushResult;
}

/** Subscriptions, blocking. */
export interface SyncSubscriptions {
  /**
   * Moves a subscription to another plan or charge period. Not retried after a lost answer.
   *
   * @example
   * const { subscriptionId } = client.subscriptions.update({ subscriptionId: 'sub_1', planIdentifier: 'premium-plan', chargePeriod: 'MONTHLY' });
   */
  readonly update: (
    params: UpdateSubscriptionParams,
    options?: SyncRequestOptions | undefined,
  ) => UpdateSubscriptionResponse;
  /**
   * Cancels a subscription now, at the end of its period, or on a date.
   *
   * @example
   * client.subscriptions.cancel({ subscriptionId: 'sub_1', cancellationType: 'SPECIFIC_DATE', cancellationDate: '2026-12-31' });
   */
  readonly cancel: (
    params: CancelSubscriptionParams,
    options?: SyncRequestOptions | undefined,
  ) => CancelSubscriptionResponse;
  /**
   * One page of subscriptions; iterate it with `for...of` to walk all of them.
   *
   * @example
   * for (const sub of client.subscriptions.list({ customerId: 'cust_1' })) console.log(sub.status);
   */
  readonly list: (
    params?: ListSubscriptionsParams,
    options?: SyncRequestOptions | undefined,
  ) => SyncPage<SubscriptionResponse>;
}

/** The blocking modules by name, as `SyncParityDeals` holds them. */
interface SyncModules {
  customers: SyncCustomers;
  checkout: SyncCheckout;
  entitlements: SyncEntitlements;
  reporting: SyncReporting;
  subscriptions: SyncSubscriptions;
}

/** A blocking module whose methods return `{ data, response }`; docs carried from the module. */
type WithResponseModule<M> = {
  readonly [K in keyof M]: M[K] extends (...args: infer A) => infer R ? (...args: A) => WithResponse<R> : never;
};

/** `client.withResponse`: every module, every method returning `{ data, response }`. */
export type SyncModulesWithResponse = {
  readonly [K in ModuleName]: WithResponseModule<
    K extends 'entitlements'
      ? Pick<SyncEntitlements, 'hasAccess' | 'getEntitlement' | 'getAllEntitlements'>
      : K extends 'reporting'
        ? Pick<SyncReporting, 'reportUsage' | 'reportEvent'>
        : SyncModules[K]
  >;
};
