import type { APIPromise } from '../core/api-promise.js';
import type { PageBody, PagePromise } from '../core/page.js';
import type { Pipeline } from '../internal/pipeline.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';
import type { FeatureQuantity } from './checkout.js';
import { CANCELLATION_TYPES, CHARGE_PERIODS, type CancellationType, type ChargePeriod } from '../core/enums.js';
import { segment } from '../internal/path.js';
import { Check } from '../internal/validate.js';

/** `subscriptions.update`'s parameters: the plan and charge period to move to. */
export interface UpdateSubscriptionParams {
  /** The subscription's id, e.g. from `subscriptions.list({ customerId })`. */
  subscriptionId: string;
  /** The new plan. */
  planIdentifier: string;
  /** The new billing cycle, e.g. `'MONTHLY'`. */
  chargePeriod: ChargePeriod;
  offeringId?: string | undefined;
  pricingTableId?: string | undefined;
  ruleId?: string | undefined;
  /** The customer's IP address, for location-based pricing. */
  ipAddress?: string | undefined;
  features?: FeatureQuantity[] | undefined;
}

/** The subscription after the change. */
export interface UpdateSubscriptionResponse {
  /** UUID of the updated subscription. */
  subscriptionId: string;
}

/** `subscriptions.cancel`'s parameters: which subscription, and when it ends. */
export interface CancelSubscriptionParams {
  /** The subscription's id, e.g. from `subscriptions.list({ customerId })`. */
  subscriptionId: string;
  /**
   * `'IMMEDIATE'` ends it now; `'CURRENT_PERIOD_ENDS'` at the end of the period paid for;
   * `'SPECIFIC_DATE'` on `cancellationDate`.
   */
  cancellationType: CancellationType;
  /** `YYYY-MM-DD`; required exactly when `cancellationType` is `SPECIFIC_DATE`. */
  cancellationDate?: string | undefined;
}

/** The API's confirmation of a cancellation. */
export interface CancelSubscriptionResponse {
  /** A confirmation of what was done. */
  message: string;
}

/** `subscriptions.list`'s parameters. */
export interface ListSubscriptionsParams {
  /** Only this customer's subscriptions. Default: all. */
  customerId?: string | undefined;
  /** Page number, from 1. */
  page?: number | undefined;
  /** Items per page. Default: the server's (10). */
  pageSize?: number | undefined;
}

/** A subscription as the list endpoint returns it; fields beyond these are kept as sent. */
export interface SubscriptionResponse {
  subscriptionId?: string | undefined;
  id?: string | undefined;
  customerId?: string | undefined;
  planIdentifier?: string | undefined;
  chargePeriod?: ChargePeriod | undefined;
  status?: string | undefined;
  [field: string]: unknown;
}

const UPDATE_KEYS: Record<keyof UpdateSubscriptionParams, true> = {
  subscriptionId: true,
  planIdentifier: true,
  chargePeriod: true,
  offeringId: true,
  pricingTableId: true,
  ruleId: true,
  ipAddress: true,
  features: true,
};
const CANCEL_KEYS: Record<keyof CancelSubscriptionParams, true> = {
  subscriptionId: true,
  cancellationType: true,
  cancellationDate: true,
};

/** Validates and describes the subscription requests. */
export const subscriptionRequests = {
  update(params: UpdateSubscriptionParams): RequestSpec<UpdateSubscriptionResponse> {
    const c = Check.of('subscriptions.update', params, UPDATE_KEYS);
    const subscriptionId = c.string('subscriptionId');
    const body: Record<string, unknown> = {
      plan_identifier: c.string('planIdentifier'),
      charge_period: c.oneOf('chargePeriod', CHARGE_PERIODS),
    };
    c.copyOptionalStrings(body, {
      offeringId: 'offering_id',
      pricingTableId: 'pricing_table_id',
      ruleId: 'rule_id',
      ipAddress: 'ip_address',
    });
    const features = c.optionalFeatures('features');
    if (features !== undefined) body.features = features;
    return {
      operation: 'subscriptions.update',
      method: 'POST',
      host: 'main',
      path: `/subscriptions/${segment(subscriptionId)}/update/`,
      body,
      // A plan change may prorate and charge: never risk doing it twice.
      repeatable: false,
      effect: { kind: 'subscription', subscriptionId },
      notFound: noSubscription(subscriptionId),
      reconcile: `Check its plan with subscriptions.list() or in the ParityDeals dashboard`,
    };
  },

  cancel(params: CancelSubscriptionParams): RequestSpec<CancelSubscriptionResponse> {
    const c = Check.of('subscriptions.cancel', params, CANCEL_KEYS);
    const subscriptionId = c.string('subscriptionId');
    const cancellationType = c.oneOf('cancellationType', CANCELLATION_TYPES);
    const body: Record<string, unknown> = { cancellation_type: cancellationType };
    if (cancellationType === 'SPECIFIC_DATE') body.cancellation_date = c.date('cancellationDate');
    else if (c.has('cancellationDate')) {
      c.fail(
        'cancellationDate',
        `absent unless cancellationType is "SPECIFIC_DATE" (it is "${cancellationType}")`,
        params.cancellationDate,
      );
    }
    return {
      operation: 'subscriptions.cancel',
      method: 'POST',
      host: 'main',
      path: `/subscriptions/${segment(subscriptionId)}/cancel/`,
      body,
      repeatable: false,
      effect: { kind: 'subscription', subscriptionId },
      notFound: noSubscription(subscriptionId),
      reconcile: `Check its status with subscriptions.list() or in the ParityDeals dashboard`,
    };
  },

  list(params: ListSubscriptionsParams = {}): RequestSpec<PageBody<SubscriptionResponse>> {
    const c = Check.of('subscriptions.list', params, { customerId: true, page: true, pageSize: true });
    return {
      operation: 'subscriptions.list',
      method: 'GET',
      host: 'main',
      path: '/subscriptions/',
      query: {
        customer_id: c.optionalString('customerId'),
        page: c.optionalPositiveInteger('page'),
        page_size: c.optionalPositiveInteger('pageSize'),
      },
      answer: { array: 'results' },
      repeatable: true,
      // Teaches the entitlement cache whose subscription is whose, for update and cancel.
      effect: { kind: 'subscriptions-listed' },
    };
  },
};

function noSubscription(subscriptionId: string): string {
  return `No subscription has subscriptionId ${JSON.stringify(subscriptionId)}: find the ids with subscriptions.list({ customerId }).`;
}

/** Subscriptions: change plans, cancel, list. */
export class Subscriptions {
  constructor(private readonly pipeline: Pipeline) {}

  /**
   * Moves a subscription to another plan or charge period. Not retried after a lost answer.
   *
   * @example
   * const { subscriptionId } = await client.subscriptions.update({ subscriptionId: 'sub_1', planIdentifier: 'premium-plan', chargePeriod: 'MONTHLY' });
   */
  update(params: UpdateSubscriptionParams, options?: RequestOptions): APIPromise<UpdateSubscriptionResponse> {
    return this.pipeline.send(() => subscriptionRequests.update(params), options);
  }

  /**
   * Cancels a subscription now, at the end of its period, or on a date.
   *
   * @example
   * await client.subscriptions.cancel({ subscriptionId: 'sub_1', cancellationType: 'SPECIFIC_DATE', cancellationDate: '2026-12-31' });
   */
  cancel(params: CancelSubscriptionParams, options?: RequestOptions): APIPromise<CancelSubscriptionResponse> {
    return this.pipeline.send(() => subscriptionRequests.cancel(params), options);
  }

  /**
   * One page of subscriptions; iterate it with `for await` to walk all of them.
   *
   * @example
   * for await (const sub of client.subscriptions.list({ customerId: 'cust_1' })) console.log(sub.status);
   */
  list(params: ListSubscriptionsParams = {}, options?: RequestOptions): PagePromise<SubscriptionResponse> {
    return this.pipeline.sendPage(() => subscriptionRequests.list(params), options);
  }
}
