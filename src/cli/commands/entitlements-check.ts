// `paritydeals entitlements check CUSTOMER FEATURE`: hasAccess, with the entitlement behind it.

import type { CommandSpec } from '../command.js';

export const entitlementsCheck: CommandSpec = {
  path: ['entitlements', 'check'],
  summary: 'whether a customer has a feature now (exit code 0 either way; read hasAccess)',
  examples: [
    'paritydeals entitlements check cust_123 premium-reporting',
    "paritydeals entitlements check cust_123 api-calls | jq -e .hasAccess   # jq's exit code says it",
  ],
  api: true,
  define: (command) =>
    command.argument('<customerId>', 'your id for the customer').argument('<featureId>', "the feature's identifier"),
  async run(ctx, [customerId, featureId]) {
    const params = { customerId: customerId as string, featureId: featureId as string };
    const client = ctx.client();
    // One request: the second read is answered by the client's cache.
    const hasAccess = await client.entitlements.hasAccess(params);
    const { entitlement } = await client.entitlements.getEntitlement(params);
    ctx.print({ customerId, featureId, hasAccess, entitlement });
    return 0;
  },
};
