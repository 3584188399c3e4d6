// The list commands' paging: --page and --page-size for one page, --all for every page.

import type { Command } from 'commander';
import type { PagePromise } from '../index.node.js';
import type { Context } from './command.js';
import { defined, integer } from './flags.js';

export function pageOptions(command: Command): Command {
  return command
    .option('--page <n>', 'the page to show (default 1)', integer(1, Number.MAX_SAFE_INTEGER))
    .option('--page-size <n>', 'items per page (default: the API’s)', integer(1, 1000))
    .option('--all', 'every page, as one list (ignores --page)');
}

/** One page as the API sent it, or with --all every item of every page, `{ count, results }`. */
export async function listPages<T>(
  ctx: Context,
  list: (params: { page?: number; pageSize?: number }) => PagePromise<T>,
): Promise<unknown> {
  const { page, pageSize, all } = ctx.options as { page?: number; pageSize?: number; all?: boolean };
  if (!all) {
    const { count, next, previous, results } = await list(defined({ page, pageSize }));
    return { count, next, previous, results };
  }
  const results: T[] = [];
  for await (const item of list(defined({ pageSize }))) results.push(item);
  return { count: results.length, results };
}
