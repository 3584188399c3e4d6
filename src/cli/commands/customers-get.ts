// `paritydeals customers get ID`: customers.retrieve.

import type { CommandSpec } from '../command.js';

export const customersGet: CommandSpec = {
  path: ['customers', 'get'],
  summary: 'show one customer',
  examples: ['paritydeals customers get cust_123', 'paritydeals customers get cust_123 --pretty'],
  api: true,
  define: (command) => command.argument('<customerId>', 'your id for the customer'),
  async run(ctx, [customerId]) {
    ctx.print(await ctx.client().customers.retrieve({ customerId: customerId as string }));
    return 0;
  },
};
