/**
 * The synchronous client's types, derived from the async client's so the two cannot drift:
 * a method `(params, options?) => APIPromise<R>` becomes `(params, options?) => R`, a list
 * method's `PagePromise<T>` becomes `SyncPage<T>`, and `options` loses `signal`.
 */
import type { ClientOptions } from '../options.js';
import type { ApiModules, ModuleName } from '../resources/index.js';
import type { APIPromise, WithResponse } from '../core/api-promise.js';
import type { PagePromise } from '../core/page.js';
import type { RequestOptions } from '../core/request-options.js';
import type { SyncPage } from './page.js';

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
      ? SyncRequestOptions | undefined
      : A[I]
    : A[I];
};

/**
 * One async method made blocking. (`PagePromise` is tested first: it is also an `APIPromise`.)
 * A method that is local on both clients (`reporting.record`) stays as it is; one that returns
 * a plain Promise (`reporting.flush`) returns its value.
 */
export type SyncMethod<F> = F extends (...args: infer A) => PagePromise<infer T>
  ? (...args: SyncArgs<A>) => SyncPage<T>
  : F extends (...args: infer A) => APIPromise<infer R>
    ? (...args: SyncArgs<A>) => R
    : F extends (...args: infer A) => Promise<infer R>
      ? (...args: A) => R
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

export type SyncModule<M> = { readonly [K in keyof M]: SyncMethod<M[K]> };
export type SyncModuleWithResponse<M> = { readonly [K in RequestMethods<M>]: SyncMethodWithResponse<M[K]> };

export type { ModuleName };

export type SyncCustomers = SyncModule<ApiModules['customers']>;
export type SyncCheckout = SyncModule<ApiModules['checkout']>;
export type SyncEntitlements = SyncModule<ApiModules['entitlements']>;
export type SyncReporting = SyncModule<ApiModules['reporting']>;
export type SyncSubscriptions = SyncModule<ApiModules['subscriptions']>;

/** `client.withResponse`: every module, every method returning `{ data, response }`. */
export type SyncModulesWithResponse = { readonly [K in ModuleName]: SyncModuleWithResponse<ApiModules[K]> };
