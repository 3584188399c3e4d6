import type { APIPromise } from '../core/api-promise.js';
import type { Pipeline } from '../internal/pipeline.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';
import { CHARGE_PERIODS, type ChargePeriod } from '../core/enums.js';
import { Check } from '../internal/validate.js';

/** A feature and the quantity bought of it, e.g. `{ identifier: 'seats', quantity: 5 }`. */
export interface FeatureQuantity {
  identifier: string;
  /** A non-negative integer. */
  quantity: number;
}

/** `checkout.createSession`'s parameters. */
export interface CreateCheckoutSessionParams {
  /** The plan being bought. */
  planIdentifier: string;
  /** The billing cycle, one the plan offers, e.g. `'MONTHLY'`. */
  chargePeriod: ChargePeriod;
  /** Where the customer lands after paying. */
  successUrl: string;
  /** The offering (UUID); when given, `pricingTableId` and `ruleId` are ignored. */
  offeringId?: string | undefined;
  pricingTableId?: string | undefined;
  ruleId?: string | undefined;
  /** Recommended: without it, checkout creates a new customer. */
  customerId?: string | undefined;
  features?: FeatureQuantity[] | undefined;
  /** The customer's IP address, for location-based pricing. */
  ipAddress?: string | undefined;
}

/** A checkout session: send the customer to `checkoutUrl`. */
export interface CreateCheckoutSessionResponse {
  checkoutSessionId: string;
  /** Send the customer here to pay. */
  checkoutUrl: string;
}

const CREATE_SESSION_KEYS: Record<keyof CreateCheckoutSessionParams, true> = {
  planIdentifier: true,
  chargePeriod: true,
  successUrl: true,
  offeringId: true,
  pricingTableId: true,
  ruleId: true,
  customerId: true,
  features: true,
  ipAddress: true,
};

/** Validates and describes the checkout request. */
export const checkoutRequests = {
  createSession(params: CreateCheckoutSessionParams): RequestSpec<CreateCheckoutSessionResponse> {
    const c = Check.of('checkout.createSession', params, CREATE_SESSION_KEYS);
    const body: Record<string, unknown> = {
      plan_identifier: c.string('planIdentifier'),
      charge_period: c.oneOf('chargePeriod', CHARGE_PERIODS),
      success_url: c.string('successUrl'),
    };
    c.copyOptionalStrings(body, {
      offeringId: 'offering_id',
      pricingTableId: 'pricing_table_id',
      ruleId: 'rule_id',
      customerId: 'customer_id',
      ipAddress: 'ip_address',
    });
    const features = c.optionalFeatures('features');
    if (features !== undefined) body.features = features;
    // An unused extra session charges nobody, so a retry after a lost answer is harmless.
    return {
      operation: 'checkout.createSession',
      method: 'POST',
      host: 'main',
      path: '/checkout/',
      body,
      repeatable: true,
      // The customer is about to buy: their cached entitlements must not outlive the purchase.
      ...(typeof body.customer_id === 'string'
        ? { effect: { kind: 'customer' as const, customerId: body.customer_id } }
        : {}),
    };
  },
};

/** Checkout sessions: where customers pay for a plan. */
export class Checkout {
  constructor(private readonly pipeline: Pipeline) {}

  /**
   * Creates a checkout session; send the customer to its `checkoutUrl`.
   *
   * @example
   * const { checkoutUrl } = await client.checkout.createSession({
   *   planIdentifier: 'plan-pro-monthly', chargePeriod: 'MONTHLY',
   *   customerId: 'cust_789', successUrl: 'https://example.com/welcome',
   * });
   */
  createSession(
    params: CreateCheckoutSessionParams,
    options?: RequestOptions,
  ): APIPromise<CreateCheckoutSessionResponse> {
    return this.pipeline.send(() => checkoutRequests.createSession(params), options);
  }
}
