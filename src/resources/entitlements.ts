import type { APIPromise } from '../core/api-promise.js';
import type { Pipeline } from '../internal/pipeline.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';
import {
  type CheckEntitlementsResponse,
  type EntitlementDetail,
  hasAccess,
  mergeEntitlements,
} from '../entitlements/access.js';
import { Check } from '../internal/validate.js';

export interface HasAccessParams {
  customerId: string;
  featureId: string;
}
export type GetEntitlementParams = HasAccessParams;
export interface GetAllEntitlementsParams {
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
    // An answer without the list would otherwise read as "no entitlements", and deny access.
    answer: { array: 'entitlements' },
  };
}

/** Validates and describes the entitlement reads; the transforms merge and decide access. */
export const entitlementRequests = {
  hasAccess(params: HasAccessParams): RequestSpec<boolean> {
    const c = Check.of('entitlements.hasAccess', params);
    const customerId = c.string('customerId');
    const featureId = c.string('featureId');
    const toResponse = merged(customerId);
    return {
      ...read('entitlements.hasAccess', customerId, featureId),
      transform: (data) => hasAccess(toResponse(data).entitlements.find((e) => e.featureId === featureId)),
    };
  },

  getEntitlement(params: GetEntitlementParams): RequestSpec<CheckEntitlementsResponse> {
    const c = Check.of('entitlements.getEntitlement', params);
    const customerId = c.string('customerId');
    return { ...read('entitlements.getEntitlement', customerId, c.string('featureId')), transform: merged(customerId) };
  },

  getAllEntitlements(params: GetAllEntitlementsParams): RequestSpec<CheckEntitlementsResponse> {
    const c = Check.of('entitlements.getAllEntitlements', params);
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
   * The customer's entitlement to one feature: `entitlements` holds at most one merged entry.
   *
   * @example
   * const { entitlements: [seats] } = await client.entitlements.getEntitlement({ customerId: 'cust_123', featureId: 'seats' });
   */
  getEntitlement(params: GetEntitlementParams, options?: RequestOptions): APIPromise<CheckEntitlementsResponse> {
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
