// `paritydeals customers create ID`: customers.create.

import type { CommandSpec } from '../command.js';
import { customerFieldOptions, customerFields } from '../flags.js';

export const customersCreate: CommandSpec = {
  path: ['customers', 'create'],
  summary: 'create a customer',
  examples: [
    'paritydeals customers create cust_123 --email ada@example.com --name "Ada Lovelace"',
    'paritydeals customers create cust_124 --metadata plan_source=signup --metadata team=core',
  ],
  api: true,
  define: (command) =>
    customerFieldOptions(command, {
      email: 'their email address',
      name: 'their name',
      metadata: 'a metadata field (repeatable)',
    }),
  async run(ctx, [customerId]) {
    ctx.print(await ctx.client().customers.create(customerFields(ctx.options, customerId as string)));
    return 0;
  },
};
