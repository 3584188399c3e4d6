import type { APIPromise } from '../core/api-promise.js';
import type { Pipeline } from '../internal/pipeline.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';
import {
  type CheckEntitlementsResponse,
  type EntitlementDetail,
  type GetEntitlementResponse,
  hasAccess,
  mergeEntitlements,
} from '../entitlements/access.js';
import { Check } from '../internal/validate.js';
import { noCustomer } from './customers.js';

export interface HasAccessParams {
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
  /** The feature's identifier, as in the ParityDeals dashboard, e.g. `premium-reporting`. */
  featureId: string;
}
export type GetEntitlementParams = HasAccessParams;
export interface GetAllEntitlementsParams {
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
}

interface RawEntitlements {
  customerId?: string | undefined;
  entitlements?: EntitlementDetail[] | undefined;
}

function merged(customerId: string) {
  return (data: unknown): CheckEntitlementsResponse => {
    const raw = (data ?? {}) as RawEntitlements;
    return {
      customerId: raw.customerId ?? customerId,
      entitlements: mergeEntitlements(Array.isArray(raw.entitlements) ? raw.entitlements : []),
    };
  };
}

function read(operation: string, customerId: string, featureId?: string): Omit<RequestSpec<never>, 'transform'> {
  return {
    operation,
    method: 'GET',
    host: 'edge',
    path: '/entitlements',
    query: { customer_id: customerId, feature_id: featureId },
    repeatable: true,
    // The edge answers 404 for a customer it does not know; a wrong edgeApiUrl gives 404s too.
    notFound: noCustomer(customerId, ' (if every entitlement read fails like this, check edgeApiUrl)'),
  };
}

const FEATURE_READ_KEYS: Record<keyof HasAccessParams, true> = { customerId: true, featureId: true };

/** Validates and describes the entitlement reads; the transforms merge and decide access. */
export const entitlementRequests = {
  hasAccess(params: HasAccessParams): RequestSpec<boolean> {
    const c = Check.of('entitlements.hasAccess', params, FEATURE_READ_KEYS);
    const customerId = c.string('customerId');
    const featureId = c.string('featureId');
    const toResponse = merged(customerId);
    return {
      ...read('entitlements.hasAccess', customerId, featureId),
      transform: (data) => hasAccess(toResponse(data).entitlements.find((e) => e.featureId === featureId)),
    };
  },

  getEntitlement(params: GetEntitlementParams): RequestSpec<GetEntitlementResponse> {
    const c = Check.of('entitlements.getEntitlement', params, FEATURE_READ_KEYS);
    const customerId = c.string('customerId');
    const featureId = c.string('featureId');
    const toResponse = merged(customerId);
    return {
      ...read('entitlements.getEntitlement', customerId, featureId),
      transform: (data) => {
        const response = toResponse(data);
        return { ...response, entitlement: response.entitlements.find((e) => e.featureId === featureId) ?? null };
      },
    };
  },

  getAllEntitlements(params: GetAllEntitlementsParams): RequestSpec<CheckEntitlementsResponse> {
    const c = Check.of('entitlements.getAllEntitlements', params, { customerId: true });
    const customerId = c.string('customerId');
    return { ...read('entitlements.getAllEntitlements', customerId), transform: merged(customerId) };
  },
};

/**
 * Entitlement checks, served by the edge API (`edgeApiUrl`) with the shorter `edgeTimeout`,
 * because they sit on your users' request paths.
 */
export class Entitlements {
  constructor(private readonly pipeline: Pipeline) {}

  /**
   * Whether the customer may use the feature now. A metered feature with a soft limit keeps
   * access after its quota is used up; a hard limit ends it. A feature the customer does not
   * hold gives `false`; an unknown customer rejects with `NotFoundError`.
   *
   * @example
   * if (await client.entitlements.hasAccess({ customerId: 'cust_123', featureId: 'premium-reporting' })) { ... }
   */
  hasAccess(params: HasAccessParams, options?: RequestOptions): APIPromise<boolean> {
    return this.pipeline.send(() => entitlementRequests.hasAccess(params), options);
  }

  /**
   * The customer's entitlement to one feature: `entitlement` is its merged entry, or null when
   * the customer does not hold it (`entitlements` is the same as a list, the API's shape).
   * Entries are typed by `featureType`: for a `METER`, `currentUsage` is a number.
   *
   * @example
   * const { entitlement } = await client.entitlements.getEntitlement({ customerId: 'cust_123', featureId: 'seats' });
   * if (entitlement?.featureType === 'METER') console.log(entitlement.currentUsage, entitlement.usageLimit);
   */
  getEntitlement(params: GetEntitlementParams, options?: RequestOptions): APIPromise<GetEntitlementResponse> {
    return this.pipeline.send(() => entitlementRequests.getEntitlement(params), options);
  }

  /**
   * All of the customer's entitlements, one merged entry per feature.
   *
   * @example
   * const { entitlements } = await client.entitlements.getAllEntitlements({ customerId: 'cust_123' });
   */
  getAllEntitlements(
    params: GetAllEntitlementsParams,
    options?: RequestOptions,
  ): APIPromise<CheckEntitlementsResponse> {
    return this.pipeline.send(() => entitlementRequests.getAllEntitlements(params), options);
  }
}
