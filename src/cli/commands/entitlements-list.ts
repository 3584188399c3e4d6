// `paritydeals entitlements list CUSTOMER`: getAllEntitlements.

import type { CommandSpec } from '../command.js';

export const entitlementsList: CommandSpec = {
  path: ['entitlements', 'list'],
  summary: "a customer's entitlements, one per feature",
  examples: ['paritydeals entitlements list cust_123 --pretty'],
  api: true,
  define: (command) => command.argument('<customerId>', 'your id for the customer'),
  async run(ctx, [customerId]) {
    const all = await ctx.client().entitlements.getAllEntitlements({ customerId: customerId as string });
    // `entries` repeats what was merged; the table shows the merged fields.
    const entitlements = ctx.options.pretty
      ? all.entitlements.map(({ entries: _, ...merged }) => merged)
      : all.entitlements;
    ctx.print({ customerId: all.customerId, entitlements });
    return 0;
  },
};
