// `paritydeals usage report CUSTOMER FEATURE VALUE --behaviour DELTA|SET`: reportUsage, sent now.

import { UsageBehaviour } from '../../index.node.js';
import { type CommandSpec, UsageError } from '../command.js';
import { oneOf } from '../flags.js';

export const usageReport: CommandSpec = {
  path: ['usage', 'report'],
  summary: 'report usage of a metered feature (a DELTA is never sent twice)',
  examples: [
    'paritydeals usage report cust_123 api-calls 25 --behaviour DELTA',
    'paritydeals usage report cust_123 seats 7 --behaviour SET',
  ],
  api: true,
  define: (command) =>
    command
      .argument('<customerId>', 'your id for the customer')
      .argument('<featureId>', "the metered feature's identifier")
      .argument('<value>', 'an integer: the change (DELTA) or the new usage (SET)')
      // No default: adding and replacing are too different to guess between.
      .requiredOption('--behaviour <behaviour>', 'DELTA adds, SET replaces', oneOf(Object.values(UsageBehaviour)))
      .option('--resource-id <id>', 'the resource the usage belongs to'),
  async run(ctx, [customerId, featureId, raw]) {
    if (!/^-?\d+$/.test(raw as string)) throw new UsageError(`value must be an integer, got "${raw}"`);
    const { behaviour, resourceId } = ctx.options as { behaviour: UsageBehaviour; resourceId?: string };
    const result = await ctx.client().reporting.reportUsage({
      customerId: customerId as string,
      featureId: featureId as string,
      value: Number(raw),
      behaviour,
      ...(resourceId === undefined ? {} : { resourceId }),
    });
    ctx.print(result);
    return 0;
  },
};
