import type { APIPromise } from '../core/api-promise.js';
import type { PageBody, PagePromise } from '../core/page.js';
import type { Pipeline } from '../internal/pipeline.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from '../internal/request-spec.js';
import { segment } from '../internal/path.js';
import { Check } from '../internal/validate.js';

/** `customers.create`'s parameters. */
export interface CreateCustomerParams {
  /** Your own unique id for the customer; every later call refers to it. */
  customerId: string;
  /** Must be a well-formed email address. */
  email?: string | undefined;
  name?: string | undefined;
  /** Your key-value pairs, stored as given (keys are never re-cased). */
  metadata?: Record<string, string> | undefined;
}

/** `customerId` names the customer; give at least one of the others. Only what is given changes. */
export interface UpdateCustomerParams {
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
  /** Must be a well-formed email address. */
  email?: string | undefined;
  name?: string | undefined;
  /** Your key-value pairs, stored as given (keys are never re-cased). */
  metadata?: Record<string, string> | undefined;
}

/** `customers.retrieve`'s parameters. */
export interface RetrieveCustomerParams {
  /** Your id for the customer, as given to `customers.create`. */
  customerId: string;
}

/** `customers.archive`'s parameters. */
export interface ArchiveCustomerParams {
  customerId: string;
}

/** What `archive` resolves with: the server answers 204 with no body. */
export interface ArchiveCustomerResponse {
  customerId: string;
  /** `Customer archived successfully.`, or the server's own message when it sends one. */
  message: string;
}

/** `customers.list`'s parameters. */
export interface ListCustomersParams {
  /** Page number, from 1. Default: the first page. */
  page?: number | undefined;
  /** Items per page. Default: the server's (10). */
  pageSize?: number | undefined;
}

/** A customer as the API returns it. */
export interface CustomerResponse {
  /** The server's UUID for the record. */
  id: string;
  /** Your id for the customer. */
  customerId: string;
  name: string | null;
  email: string | null;
  /** Server-added details, read-only. */
  details: Record<string, unknown>;
  metadata: Record<string, string>;
  /** ISO 8601 with microseconds, e.g. `2025-06-04T06:03:30.195790Z`. */
  createdOn: string;
  modifiedOn: string;
}

/** The keys of create and update (the same four). */
const CUSTOMER_KEYS: Record<keyof CreateCustomerParams & keyof UpdateCustomerParams, true> = {
  customerId: true,
  email: true,
  name: true,
  metadata: true,
};

/** Request builders: validate the input and describe the request. Shared by both clients. */
export const customerRequests = {
  create(params: CreateCustomerParams): RequestSpec<CustomerResponse> {
    const c = Check.of('customers.create', params, CUSTOMER_KEYS);
    const customerId = c.string('customerId');
    return {
      operation: 'customers.create',
      method: 'POST',
      host: 'main',
      path: '/customers/',
      body: {
        customer_id: customerId,
        ...fields(c),
      },
      reconcile: `Check whether it exists with customers.retrieve({ customerId: ${JSON.stringify(customerId)} })`,
      // A second create of the same id fails with 400 after the first succeeded, so a retry
      // after a lost answer would turn a success into an error.
      repeatable: false,
      // A check made before the customer existed may have remembered a 404.
      effect: { kind: 'customer', customerId },
    };
  },

  update(params: UpdateCustomerParams): RequestSpec<CustomerResponse> {
    const c = Check.of('customers.update', params, CUSTOMER_KEYS);
    const customerId = c.string('customerId');
    const body = fields(c);
    if (Object.keys(body).length === 0)
      c.fail('email, name or metadata', 'given: an update needs something to change', undefined);
    return {
      operation: 'customers.update',
      method: 'PATCH',
      host: 'main',
      path: `/customers/${segment(customerId)}/`,
      body,
      repeatable: true,
      notFound: noCustomer(customerId),
    };
  },

  retrieve(params: RetrieveCustomerParams): RequestSpec<CustomerResponse> {
    const c = Check.of('customers.retrieve', params, { customerId: true });
    const customerId = c.string('customerId');
    return {
      operation: 'customers.retrieve',
      method: 'GET',
      host: 'main',
      path: `/customers/${segment(customerId)}/`,
      repeatable: true,
      notFound: noCustomer(customerId),
    };
  },

  archive(params: ArchiveCustomerParams): RequestSpec<ArchiveCustomerResponse> {
    const c = Check.of('customers.archive', params, { customerId: true });
    const customerId = c.string('customerId');
    return {
      operation: 'customers.archive',
      method: 'DELETE',
      host: 'main',
      path: `/customers/${segment(customerId)}/`,
      // A second archive answers 404, so a retry after a lost answer would report a success as
      // an error; like create, it is not repeated, and a lost answer says the outcome is unknown.
      repeatable: false,
      answer: 'empty',
      // An archived customer has no entitlements: the cached set must go.
      effect: { kind: 'customer', customerId },
      transform: (data) => {
        const message = (data as { message?: unknown } | undefined)?.message;
        return { customerId, message: typeof message === 'string' ? message : 'Customer archived successfully.' };
      },
    };
  },

  list(params: ListCustomersParams = {}): RequestSpec<PageBody<CustomerResponse>> {
    const c = Check.of('customers.list', params, { page: true, pageSize: true });
    return {
      operation: 'customers.list',
      method: 'GET',
      host: 'main',
      path: '/customers/',
      query: { page: c.optionalPositiveInteger('page'), page_size: c.optionalPositiveInteger('pageSize') },
      answer: { array: 'results' },
      repeatable: true,
    };
  },
};

/** The advice after a 404 naming a customer; `also` adds another possible cause. */
export function noCustomer(customerId: string, also = ''): string {
  return `No customer has customerId ${JSON.stringify(customerId)}: create it with customers.create first${also}.`;
}

function fields(c: Check): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const email = c.optionalEmail('email');
  const name = c.optionalString('name');
  const metadata = c.optionalStringMap('metadata');
  if (email !== undefined) body.email = email;
  if (name !== undefined) body.name = name;
  if (metadata !== undefined) body.metadata = metadata;
  return body;
}

/** Customer records: create them at sign-up, keep them current, look them up, archive them. */
export class Customers {
  constructor(private readonly pipeline: Pipeline) {}

  /**
   * Creates a customer. Not retried after a lost answer (see the README's retry table).
   *
   * @example
   * const customer = await client.customers.create({ customerId: 'cust_123', email: 'ada@example.com', name: 'Ada' });
   */
  create(params: CreateCustomerParams, options?: RequestOptions): APIPromise<CustomerResponse> {
    return this.pipeline.send(() => customerRequests.create(params), options);
  }

  /**
   * Changes only the fields given (PATCH).
   *
   * @example
   * await client.customers.update({ customerId: 'cust_123', name: 'Ada Lovelace' });
   */
  update(params: UpdateCustomerParams, options?: RequestOptions): APIPromise<CustomerResponse> {
    return this.pipeline.send(() => customerRequests.update(params), options);
  }

  /**
   * @example
   * const customer = await client.customers.retrieve({ customerId: 'cust_123' });
   */
  retrieve(params: RetrieveCustomerParams, options?: RequestOptions): APIPromise<CustomerResponse> {
    return this.pipeline.send(() => customerRequests.retrieve(params), options);
  }

  /**
   * Archives a customer (`DELETE /customers/{id}/`, answered 204): it is then gone from the API
   * (retrieve answers 404). Not retried after a lost answer: a second archive would answer 404.
   *
   * @example
   * await client.customers.archive({ customerId: 'cust_123' });
   */
  archive(params: ArchiveCustomerParams, options?: RequestOptions): APIPromise<ArchiveCustomerResponse> {
    return this.pipeline.send(() => customerRequests.archive(params), options);
  }

  /**
   * One page of customers; iterate it with `for await` to walk all of them.
   *
   * @example
   * for await (const customer of client.customers.list({ pageSize: 100 })) console.log(customer.customerId);
   */
  list(params: ListCustomersParams = {}, options?: RequestOptions): PagePromise<CustomerResponse> {
    return this.pipeline.sendPage(() => customerRequests.list(params), options);
  }
}
