/**
 * paritydeals-sdk: the public surface. This entry runs everywhere (edge runtimes and browsers
 * included) and sends requests with `fetch`; on Node, Bun and Deno the package's `node` entry
 * (index.node.ts) is loaded instead.
 */
export { ParityDeals } from './client.js';
export { DEFAULT_BASE_URL, DEFAULT_EDGE_API_URL, type ClientOptions } from './options.js';
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
export { APIPromise, type ResponseInfo, type WithResponse } from './core/api-promise.js';
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
export type { HasAccessParams, GetEntitlementParams, GetAllEntitlementsParams } from './resources/entitlements.js';
export type { EntitlementDetail, MergedEntitlement, CheckEntitlementsResponse } from './entitlements/access.js';
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
export { VERSION } from './version.js';
