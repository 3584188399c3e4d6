// `paritydeals subscriptions update ID --plan P --charge-period C`: subscriptions.update.

import { ChargePeriod } from '../../index.node.js';
import type { CommandSpec } from '../command.js';
import { defined, featureQuantity, oneOf } from '../flags.js';

export const subscriptionsUpdate: CommandSpec = {
  path: ['subscriptions', 'update'],
  summary: 'move a subscription to another plan or charge period',
  examples: [
    'paritydeals subscriptions update sub_123 --plan premium-plan --charge-period YEARLY',
    'paritydeals subscriptions update sub_123 --plan premium-plan --charge-period MONTHLY --feature seats=20',
  ],
  api: true,
  define: (command) =>
    command
      .argument('<subscriptionId>', "the subscription's id")
      .requiredOption('--plan <identifier>', 'the new plan')
      .requiredOption(
        '--charge-period <period>',
        Object.values(ChargePeriod).join(', '),
        oneOf(Object.values(ChargePeriod)),
      )
      .option('--feature <id=quantity>', 'a quantity for a feature (repeatable)', featureQuantity)
      .option('--offering-id <id>', 'the offering the plan is priced in')
      .option('--pricing-table-id <id>', 'the pricing table the plan is priced in')
      .option('--rule-id <id>', 'the pricing rule to apply')
      .option('--ip-address <ip>', "the customer's IP address, for location pricing"),
  async run(ctx, [subscriptionId]) {
    const o = ctx.options as Record<string, never>;
    const params = defined({
      subscriptionId: subscriptionId as string,
      planIdentifier: o.plan,
      chargePeriod: o.chargePeriod,
      features: o.feature,
      offeringId: o.offeringId,
      pricingTableId: o.pricingTableId,
      ruleId: o.ruleId,
      ipAddress: o.ipAddress,
    });
    ctx.print(await ctx.client().subscriptions.update(params));
    return 0;
  },
};
