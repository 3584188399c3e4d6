// `paritydeals subscriptions update ID --plan P --charge-period C`: subscriptions.update.

import type { CommandSpec } from '../command.js';
import { defined, planFields, planOptions, pricingOptions } from '../flags.js';

export const subscriptionsUpdate: CommandSpec = {
  path: ['subscriptions', 'update'],
  summary: 'move a subscription to another plan or charge period',
  examples: [
    'paritydeals subscriptions update sub_123 --plan premium-plan --charge-period YEARLY',
    'paritydeals subscriptions update sub_123 --plan premium-plan --charge-period MONTHLY --feature seats=20',
  ],
  api: true,
  define: (command) =>
    pricingOptions(planOptions(command.argument('<subscriptionId>', "the subscription's id"), 'the new plan')),
  async run(ctx, [subscriptionId]) {
    const params = defined({ subscriptionId: subscriptionId as string, ...planFields(ctx.options) });
    ctx.print(await ctx.client().subscriptions.update(params));
    return 0;
  },
};
