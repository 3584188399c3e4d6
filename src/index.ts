/**
 * paritydeals-sdk: the public surface. This entry runs everywhere (edge runtimes and browsers
 * included) and sends requests with `fetch`; on Node, Bun and Deno the package's `node` entry
 * (index.node.ts) is loaded instead.
 */
export { ParityDeals } from './client.js';
export {
  DEFAULT_BASE_URL,
  DEFAULT_EDGE_API_URL,
  type ClientOptions,
  type CacheOptions,
  type UsageOptions,
  type ExitHooksOption,
  type FileOutboxOption,
} from './options.js';
export type { RedisOutboxOptions } from './usage/redis-outbox.js';
export type { UsageReport } from './usage/buffer.js';
export type { DropReason, FlushResult, UsageFailure } from './usage/flusher.js';
export {
  ParityDealsError,
  APIError,
  InvalidRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
} from './core/errors.js';
export { APIPromise, type AnswerSource, type ResponseInfo, type WithResponse } from './core/api-promise.js';
export { Page, PagePromise, type PageBody } from './core/page.js';
export type { RequestOptions } from './core/request-options.js';
export type { Logger, LogLevel } from './core/logger.js';
export { ChargePeriod, UsageBehaviour, CancellationType, FeatureType } from './core/enums.js';
export type {
  CreateCustomerParams,
  UpdateCustomerParams,
  RetrieveCustomerParams,
  ListCustomersParams,
  ArchiveCustomerParams,
  ArchiveCustomerResponse,
  CustomerResponse,
} from './resources/customers.js';
export type {
  CreateCheckoutSessionParams,
  CreateCheckoutSessionResponse,
  FeatureQuantity,
} from './resources/checkout.js';
export type {
  HasAccessParams,
  GetEntitlementParams,
  GetAllEntitlementsParams,
  EntitlementRequestOptions,
  PrefetchResult,
} from './resources/entitlements.js';
export type { FallbackEvent } from './entitlements/cache.js';
export type { EntitlementStore } from './entitlements/store.js';
export type {
  EntitlementDetail,
  MergedEntitlement,
  BooleanEntitlement,
  MeterEntitlement,
  CustomizableEntitlement,
  CheckEntitlementsResponse,
  GetEntitlementResponse,
} from './entitlements/access.js';
export type {
  ReportUsageParams,
  ReportUsageResponse,
  ReportEventParams,
  ReportEventResponse,
} from './resources/reporting.js';
export type {
  UpdateSubscriptionParams,
  UpdateSubscriptionResponse,
  CancelSubscriptionParams,
  CancelSubscriptionResponse,
  ListSubscriptionsParams,
  SubscriptionResponse,
} from './resources/subscriptions.js';
// The API modules' classes (`client.customers` is a Customers), so their methods are in the API
// reference and an app can name their types. The client makes them; nothing else should. Values,
// not type-only exports: a bundled declaration file cannot keep a class type-only, and a value
// it declares must exist (test/package.test.ts). They are in every bundle with the client anyway.
export { Customers } from './resources/customers.js';
export { Checkout } from './resources/checkout.js';
export { Entitlements } from './resources/entitlements.js';
export { Reporting } from './resources/reporting.js';
export { Subscriptions } from './resources/subscriptions.js';
export { VERSION } from './version.js';
