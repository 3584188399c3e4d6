// `paritydeals customers create ID`: customers.create.

import type { CommandSpec } from '../command.js';
import { defined, keyValue } from '../flags.js';

export const customersCreate: CommandSpec = {
  path: ['customers', 'create'],
  summary: 'create a customer',
  examples: [
    'paritydeals customers create cust_123 --email ada@example.com --name "Ada Lovelace"',
    'paritydeals customers create cust_124 --metadata plan_source=signup --metadata team=core',
  ],
  api: true,
  define: (command) =>
    command
      .argument('<customerId>', 'your id for the customer')
      .option('--email <email>', 'their email address')
      .option('--name <name>', 'their name')
      .option('--metadata <key=value>', 'a metadata field (repeatable)', keyValue),
  async run(ctx, [customerId]) {
    const { email, name, metadata } = ctx.options as {
      email?: string;
      name?: string;
      metadata?: Record<string, string>;
    };
    ctx.print(
      await ctx.client().customers.create(defined({ customerId: customerId as string, email, name, metadata })),
    );
    return 0;
  },
};
