// `paritydeals checkout create`: checkout.createSession, printing the URL to send the customer to.

import { ChargePeriod } from '../../index.node.js';
import type { CommandSpec } from '../command.js';
import { defined, featureQuantity, oneOf } from '../flags.js';

export const checkoutCreate: CommandSpec = {
  path: ['checkout', 'create'],
  summary: 'create a checkout session and print its URL',
  examples: [
    'paritydeals checkout create --plan plan-pro-monthly --charge-period MONTHLY --success-url https://app.example.com/thanks --customer-id cust_123',
    'paritydeals checkout create --plan premium-plan --charge-period YEARLY --success-url https://app.example.com/thanks --feature seats=10',
  ],
  api: true,
  define: (command) =>
    command
      .requiredOption('--plan <identifier>', 'the plan to buy')
      .requiredOption(
        '--charge-period <period>',
        Object.values(ChargePeriod).join(', '),
        oneOf(Object.values(ChargePeriod)),
      )
      .requiredOption('--success-url <url>', 'where the customer lands after paying')
      .option('--customer-id <id>', 'the buying customer (else checkout creates one)')
      .option('--feature <id=quantity>', 'a quantity for a feature (repeatable)', featureQuantity)
      .option('--offering-id <id>', 'the offering the plan is priced in')
      .option('--pricing-table-id <id>', 'the pricing table the plan is priced in')
      .option('--rule-id <id>', 'the pricing rule to apply')
      .option('--ip-address <ip>', "the customer's IP address, for location pricing"),
  async run(ctx) {
    const o = ctx.options as Record<string, never>;
    const params = defined({
      planIdentifier: o.plan,
      chargePeriod: o.chargePeriod,
      successUrl: o.successUrl,
      customerId: o.customerId,
      features: o.feature,
      offeringId: o.offeringId,
      pricingTableId: o.pricingTableId,
      ruleId: o.ruleId,
      ipAddress: o.ipAddress,
    });
    ctx.print(await ctx.client().checkout.createSession(params));
    return 0;
  },
};
