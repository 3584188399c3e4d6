// Type-level checks that the sync client's surface is the async client's, made blocking. These
// are enforced by `tsc --noEmit` (tsx does not type-check); the runtime test below only makes
// the file a test. Each `Expect<...>` fails to compile if the two surfaces drift apart.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type {
  CancelSubscriptionResponse,
  CheckEntitlementsResponse,
  ClientOptions,
  CreateCheckoutSessionResponse,
  CreateCustomerParams,
  CustomerResponse,
  GetEntitlementResponse,
  ListCustomersParams,
  ParityDeals as AsyncClient,
  EntitlementRequestOptions,
  PrefetchResult,
  ReportEventResponse,
  ReportUsageResponse,
  ResponseInfo,
  SubscriptionResponse,
  UpdateSubscriptionResponse,
  WithResponse,
} from '../../src/index.node.js';
import type { APIPromise } from '../../src/core/api-promise.js';
import type { PagePromise } from '../../src/core/page.js';
import { ParityDeals } from '../../src/index.node.js';
import type {
  SyncClientOptions,
  SyncModule,
  SyncPage,
  SyncParityDeals,
  SyncRequestOptions,
} from '../../src/sync/index.js';

type SyncEntitlementOptions = Omit<EntitlementRequestOptions, 'signal'>;
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type Modules = 'customers' | 'checkout' | 'entitlements' | 'reporting' | 'subscriptions';

/** For one module: same method names, same params, awaited async result = sync result. */
type SameModule<A, S> =
  Equal<keyof A, keyof S> extends true
    ? {
        [K in keyof A & keyof S]: A[K] extends (params: infer P, ...rest: infer _) => infer R
          ? S[K] extends (params: infer SP, ...rest: infer _) => infer SR
            ? Equal<P, SP> extends true
              ? [R] extends [PagePromise<infer T>]
                ? Equal<SR, SyncPage<T>>
                : [R] extends [APIPromise<infer V>]
                  ? Equal<SR, V>
                  : [R] extends [Promise<infer V>]
                    ? Equal<SR, V>
                    : Equal<SR, R>
              : false
            : false
          : false;
      }[keyof A & keyof S]
    : false;

export type _Modules = Expect<
  Equal<Pick<SyncParityDeals, Modules> extends Record<Modules, object> ? Modules : never, Modules>
>;
export type _Customers = Expect<SameModule<AsyncClient['customers'], SyncParityDeals['customers']>>;
export type _Checkout = Expect<SameModule<AsyncClient['checkout'], SyncParityDeals['checkout']>>;
export type _Entitlements = Expect<SameModule<AsyncClient['entitlements'], SyncParityDeals['entitlements']>>;
export type _Reporting = Expect<SameModule<AsyncClient['reporting'], SyncParityDeals['reporting']>>;
export type _Subscriptions = Expect<SameModule<AsyncClient['subscriptions'], SyncParityDeals['subscriptions']>>;
// The modules are written out for their docs; each is exactly the derived blocking type.
export type _Derived = Expect<
  Equal<
    [
      SyncModule<AsyncClient['customers']>,
      SyncModule<AsyncClient['checkout']>,
      SyncModule<AsyncClient['entitlements']>,
      SyncModule<AsyncClient['reporting']>,
      SyncModule<AsyncClient['subscriptions']>,
    ],
    [S['customers'], S['checkout'], S['entitlements'], S['reporting'], S['subscriptions']]
  >
>;

// The concrete results, spelled out, so a wrong derivation cannot pass by being wrong on both sides.
type S = SyncParityDeals;
export type _C1 = Expect<Equal<ReturnType<S['customers']['create']>, CustomerResponse>>;
export type _C2 = Expect<Equal<Parameters<S['customers']['create']>[0], CreateCustomerParams>>;
export type _C3 = Expect<Equal<ReturnType<S['customers']['list']>, SyncPage<CustomerResponse>>>;
export type _C4 = Expect<Equal<Parameters<S['customers']['list']>[0], ListCustomersParams | undefined>>;
export type _K1 = Expect<Equal<ReturnType<S['checkout']['createSession']>, CreateCheckoutSessionResponse>>;
export type _E1 = Expect<Equal<ReturnType<S['entitlements']['hasAccess']>, boolean>>;
export type _E2 = Expect<Equal<ReturnType<S['entitlements']['getAllEntitlements']>, CheckEntitlementsResponse>>;
export type _E3 = Expect<Equal<ReturnType<S['entitlements']['peek']>, boolean | undefined>>;
export type _E4 = Expect<Equal<ReturnType<S['entitlements']['prefetch']>, PrefetchResult>>;
export type _E5 = Expect<Equal<Parameters<S['entitlements']['hasAccess']>[1], SyncEntitlementOptions | undefined>>;
export type _E6 = Expect<Equal<ReturnType<S['entitlements']['getEntitlement']>, GetEntitlementResponse>>;
export type _R1 = Expect<Equal<ReturnType<S['reporting']['reportUsage']>, ReportUsageResponse>>;
export type _R2 = Expect<Equal<ReturnType<S['reporting']['reportEvent']>, ReportEventResponse>>;
export type _S1 = Expect<Equal<ReturnType<S['subscriptions']['update']>, UpdateSubscriptionResponse>>;
export type _S2 = Expect<Equal<ReturnType<S['subscriptions']['cancel']>, CancelSubscriptionResponse>>;
export type _S3 = Expect<Equal<ReturnType<S['subscriptions']['list']>, SyncPage<SubscriptionResponse>>>;
export type _O1 = Expect<Equal<Parameters<S['customers']['retrieve']>[1], SyncRequestOptions | undefined>>;
export type _W1 = Expect<Equal<ReturnType<S['withResponse']['customers']['retrieve']>, WithResponse<CustomerResponse>>>;
export type _W2 = Expect<
  Equal<ReturnType<S['withResponse']['subscriptions']['list']>, WithResponse<SyncPage<SubscriptionResponse>>>
>;
export type _W3 = Expect<Equal<WithResponse<boolean>['response'], ResponseInfo>>;
// ParityDeals.createSyncClient on the node entry returns the sync client, not `never`.
const make = () => ParityDeals.createSyncClient({ accessToken: 'k' });
export type _F1 = Expect<Equal<ReturnType<typeof make>, SyncParityDeals>>;
// The client options are resolved (and unknown keys refused) against ClientOptions' key list, so
// an option only the sync client takes would be refused: this fails first, to say it must be
// added to that list (src/options.ts).
export type _NoSyncOnlyOptions = Expect<Equal<Exclude<keyof SyncClientOptions, keyof ClientOptions>, never>>;

/** Calls that must not compile; never run. */
function misuse(client: SyncParityDeals): void {
  // @ts-expect-error the result is a value: there is no .then
  void client.customers.retrieve({ customerId: 'c' }).then;
  // @ts-expect-error a blocked thread cannot take a signal
  client.customers.retrieve({ customerId: 'c' }, { signal: new AbortController().signal });
  // @ts-expect-error params are still required
  client.customers.retrieve();
  // @ts-expect-error the parameter names are the async client's
  client.entitlements.hasAccess({ customerId: 'c', feature: 'f' });
  client.customers.list();
  client.customers.retrieve({ customerId: 'c' }, { timeout: 1, maxRetries: 0, headers: { 'x-a': 'b' } });
}

it('the type checks above compile (run `tsc --noEmit`)', () => {
  assert.equal(typeof misuse, 'function');
  assert.equal(typeof make, 'function');
});
