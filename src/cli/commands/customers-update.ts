// `paritydeals customers update ID`: customers.update.

import type { CommandSpec } from '../command.js';
import { defined, keyValue } from '../flags.js';

export const customersUpdate: CommandSpec = {
  path: ['customers', 'update'],
  summary: "change a customer's email, name or metadata",
  examples: [
    'paritydeals customers update cust_123 --email ada@newmail.example',
    'paritydeals customers update cust_123 --metadata team=platform',
  ],
  api: true,
  define: (command) =>
    command
      .argument('<customerId>', 'your id for the customer')
      .option('--email <email>', 'the new email address')
      .option('--name <name>', 'the new name')
      .option('--metadata <key=value>', 'a metadata field (repeatable; replaces the metadata)', keyValue),
  async run(ctx, [customerId]) {
    const { email, name, metadata } = ctx.options as {
      email?: string;
      name?: string;
      metadata?: Record<string, string>;
    };
    ctx.print(
      await ctx.client().customers.update(defined({ customerId: customerId as string, email, name, metadata })),
    );
    return 0;
  },
};
