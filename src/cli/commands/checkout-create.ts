// `paritydeals checkout create`: checkout.createSession, printing the URL to send the customer to.

import type { CommandSpec } from '../command.js';
import { defined, planFields, planOptions, pricingOptions } from '../flags.js';

export const checkoutCreate: CommandSpec = {
  path: ['checkout', 'create'],
  summary: 'create a checkout session and print its URL',
  examples: [
    'paritydeals checkout create --plan plan-pro-monthly --charge-period MONTHLY --success-url https://app.example.com/thanks --customer-id cust_123',
    'paritydeals checkout create --plan premium-plan --charge-period YEARLY --success-url https://app.example.com/thanks --feature seats=10',
  ],
  api: true,
  define: (command) =>
    pricingOptions(
      planOptions(command, 'the plan to buy')
        .requiredOption('--success-url <url>', 'where the customer lands after paying')
        .option('--customer-id <id>', 'the buying customer (else checkout creates one)'),
    ),
  async run(ctx) {
    const o = ctx.options as Record<string, never>;
    const params = defined({ ...planFields(ctx.options), successUrl: o.successUrl, customerId: o.customerId });
    ctx.print(await ctx.client().checkout.createSession(params));
    return 0;
  },
};
