// The table of `paritydeals` commands. main.ts builds the program, and so every --help, from
// it: adding a command is one file under commands/ and one row here.

import type { CommandSpec } from '../command.js';
import { checkoutCreate } from './checkout-create.js';
import { customersArchive } from './customers-archive.js';
import { customersCreate } from './customers-create.js';
import { customersGet } from './customers-get.js';
import { customersImport } from './customers-import.js';
import { customersList } from './customers-list.js';
import { customersUpdate } from './customers-update.js';
import { entitlementsCheck } from './entitlements-check.js';
import { entitlementsList } from './entitlements-list.js';
import { mock } from './mock.js';
import { subscriptionsCancel } from './subscriptions-cancel.js';
import { subscriptionsList } from './subscriptions-list.js';
import { subscriptionsUpdate } from './subscriptions-update.js';
import { usageReport } from './usage-report.js';

/** The one-line help of each group of commands. */
export const GROUPS: Record<string, string> = {
  customers: 'create, change, show, list, archive and import customers',
  checkout: 'create checkout sessions',
  entitlements: "check and list a customer's entitlements",
  usage: 'report usage of metered features',
  subscriptions: 'change, cancel and list subscriptions',
};

export const COMMANDS: readonly CommandSpec[] = [
  customersCreate,
  customersUpdate,
  customersGet,
  customersList,
  customersArchive,
  customersImport,
  checkoutCreate,
  entitlementsCheck,
  entitlementsList,
  usageReport,
  subscriptionsUpdate,
  subscriptionsCancel,
  subscriptionsList,
  mock,
];
