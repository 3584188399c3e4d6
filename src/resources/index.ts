import type { Checkout } from './checkout.js';
import type { Customers } from './customers.js';
import type { Entitlements } from './entitlements.js';
import type { Reporting } from './reporting.js';
import type { Subscriptions } from './subscriptions.js';

/**
 * The five API modules as both clients hold them. The synchronous client's types and its table
 * of request builders are derived from this, so neither client needs to import the other.
 */
export interface ApiModules {
  customers: Customers;
  checkout: Checkout;
  entitlements: Entitlements;
  reporting: Reporting;
  subscriptions: Subscriptions;
}

/** The modules' names, as on both clients. */
export type ModuleName = keyof ApiModules;
