// Option value parsers the commands share. Each throws commander's InvalidArgumentError, which
// commander reports with the option's name (exit code 2), before anything is sent.

import { type Command, InvalidArgumentError } from 'commander';
import { ChargePeriod } from '../index.node.js';

/** An integer within [min, max]. */
export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidArgumentError(`expected an integer, got "${raw}".`);
    const n = Number(raw);
    if (n < min || n > max) throw new InvalidArgumentError(`expected ${min} to ${max}, got ${n}.`);
    return n;
  };
}

/** One of the given words, any case, as the API spells it. */
export function oneOf(words: readonly string[]): (raw: string) => string {
  return (raw) => {
    const word = words.find((w) => w.toLowerCase() === raw.toLowerCase());
    if (!word) throw new InvalidArgumentError(`expected one of ${words.join(', ')}, got "${raw}".`);
    return word;
  };
}

/** A repeatable `key=value` option, collected into an object. */
export function keyValue(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${raw}".`);
  return { ...previous, [raw.slice(0, eq)]: raw.slice(eq + 1) };
}

/** A repeatable `identifier=quantity` option (checkout and subscription features). */
export function featureQuantity(
  raw: string,
  previous: Array<{ identifier: string; quantity: number }> = [],
): Array<{ identifier: string; quantity: number }> {
  const eq = raw.indexOf('=');
  const quantity = eq > 0 ? raw.slice(eq + 1) : '';
  if (!/^\d+$/.test(quantity)) throw new InvalidArgumentError(`expected feature=quantity, got "${raw}".`);
  return [...previous, { identifier: raw.slice(0, eq), quantity: Number(quantity) }];
}

/** The options a command gives the SDK: only those the user set, so the SDK's defaults apply. */
export function defined<T extends Record<string, unknown>>(object: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as never;
}

/** The fields `customers create` and `customers update` both take, with the words that differ. */
export function customerFieldOptions(
  command: Command,
  words: { email: string; name: string; metadata: string },
): Command {
  return command
    .argument('<customerId>', 'your id for the customer')
    .option('--email <email>', words.email)
    .option('--name <name>', words.name)
    .option('--metadata <key=value>', words.metadata, keyValue);
}

/** The parameters of `customers create`/`update` from their options: only those the user set. */
export function customerFields(options: Record<string, unknown>, customerId: string) {
  const { email, name, metadata } = options as {
    email?: string;
    name?: string;
    metadata?: Record<string, string>;
  };
  return defined({ customerId, email, name, metadata });
}

/** `--plan` and `--charge-period`, which `checkout create` and `subscriptions update` both take. */
export function planOptions(command: Command, plan: string): Command {
  return command
    .requiredOption('--plan <identifier>', plan)
    .requiredOption(
      '--charge-period <period>',
      Object.values(ChargePeriod).join(', '),
      oneOf(Object.values(ChargePeriod)),
    );
}

/** How the plan is priced: the options both plan commands take after their own. */
export function pricingOptions(command: Command): Command {
  return command
    .option('--feature <id=quantity>', 'a quantity for a feature (repeatable)', featureQuantity)
    .option('--offering-id <id>', 'the offering the plan is priced in')
    .option('--pricing-table-id <id>', 'the pricing table the plan is priced in')
    .option('--rule-id <id>', 'the pricing rule to apply')
    .option('--ip-address <ip>', "the customer's IP address, for location pricing");
}

/** The parameters `planOptions` and `pricingOptions` give, under the SDK's names. */
export function planFields(options: Record<string, unknown>) {
  const o = options as Record<string, never>;
  return {
    planIdentifier: o.plan,
    chargePeriod: o.chargePeriod,
    features: o.feature,
    offeringId: o.offeringId,
    pricingTableId: o.pricingTableId,
    ruleId: o.ruleId,
    ipAddress: o.ipAddress,
  };
}
