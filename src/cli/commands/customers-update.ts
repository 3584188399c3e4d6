// `paritydeals customers update ID`: customers.update.

import type { CommandSpec } from '../command.js';
import { customerFieldOptions, customerFields } from '../flags.js';

export const customersUpdate: CommandSpec = {
  path: ['customers', 'update'],
  summary: "change a customer's email, name or metadata",
  examples: [
    'paritydeals customers update cust_123 --email ada@newmail.example',
    'paritydeals customers update cust_123 --metadata team=platform',
  ],
  api: true,
  define: (command) =>
    customerFieldOptions(command, {
      email: 'the new email address',
      name: 'the new name',
      metadata: 'a metadata field (repeatable; replaces the metadata)',
    }),
  async run(ctx, [customerId]) {
    ctx.print(await ctx.client().customers.update(customerFields(ctx.options, customerId as string)));
    return 0;
  },
};
