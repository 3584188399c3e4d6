// `paritydeals customers list`: customers.list, one page or (--all) every page.

import type { CommandSpec } from '../command.js';
import { listPages, pageOptions } from '../pages.js';

export const customersList: CommandSpec = {
  path: ['customers', 'list'],
  summary: 'list customers, a page at a time or all of them',
  examples: [
    'paritydeals customers list',
    'paritydeals customers list --page 2 --page-size 50 --pretty',
    'paritydeals customers list --all > customers.json',
  ],
  api: true,
  define: (command) => pageOptions(command),
  async run(ctx) {
    const client = ctx.client();
    ctx.print(await listPages(ctx, (params) => client.customers.list(params)));
    return 0;
  },
};
