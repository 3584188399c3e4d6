// `paritydeals subscriptions cancel ID --when IMMEDIATE|...`: subscriptions.cancel.

import { CancellationType } from '../../index.node.js';
import type { CommandSpec } from '../command.js';
import { defined, oneOf } from '../flags.js';

export const subscriptionsCancel: CommandSpec = {
  path: ['subscriptions', 'cancel'],
  summary: 'cancel a subscription now, at the period end, or on a date',
  examples: [
    'paritydeals subscriptions cancel sub_123 --when CURRENT_PERIOD_ENDS',
    'paritydeals subscriptions cancel sub_123 --when SPECIFIC_DATE --date 2027-01-31',
  ],
  api: true,
  define: (command) =>
    command
      .argument('<subscriptionId>', "the subscription's id")
      .requiredOption(
        '--when <type>',
        Object.values(CancellationType).join(', '),
        oneOf(Object.values(CancellationType)),
      )
      .option('--date <YYYY-MM-DD>', 'the day it ends, with --when SPECIFIC_DATE'),
  async run(ctx, [subscriptionId]) {
    const { when, date } = ctx.options as { when: CancellationType; date?: string };
    const params = defined({
      subscriptionId: subscriptionId as string,
      cancellationType: when,
      cancellationDate: date,
    });
    ctx.print(await ctx.client().subscriptions.cancel(params));
    return 0;
  },
};
