// `paritydeals subscriptions list`: subscriptions.list, one page or (--all) every page.

import type { CommandSpec } from '../command.js';
import { defined } from '../flags.js';
import { listPages, pageOptions } from '../pages.js';

export const subscriptionsList: CommandSpec = {
  path: ['subscriptions', 'list'],
  summary: "list subscriptions, everyone's or one customer's",
  examples: ['paritydeals subscriptions list --customer-id cust_123 --pretty', 'paritydeals subscriptions list --all'],
  api: true,
  define: (command) => pageOptions(command).option('--customer-id <id>', "only this customer's"),
  async run(ctx) {
    const client = ctx.client();
    const customerId = ctx.options.customerId as string | undefined;
    ctx.print(await listPages(ctx, (params) => client.subscriptions.list(defined({ ...params, customerId }))));
    return 0;
  },
};
