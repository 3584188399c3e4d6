// `paritydeals customers archive ID`: customers.archive.

import type { CommandSpec } from '../command.js';

export const customersArchive: CommandSpec = {
  path: ['customers', 'archive'],
  summary: 'archive a customer',
  examples: ['paritydeals customers archive cust_123'],
  api: true,
  define: (command) => command.argument('<customerId>', 'your id for the customer'),
  async run(ctx, [customerId]) {
    ctx.print(await ctx.client().customers.archive({ customerId: customerId as string }));
    return 0;
  },
};
