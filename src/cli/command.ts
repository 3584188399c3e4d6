// What a command is: the row of the table in commands/index.ts. main.ts turns each row into a
// commander command (arguments, options, help with examples) and runs it with a Context.

import type { Command } from 'commander';
import type { ParityDeals } from '../index.node.js';
import type { Io } from './io.js';

/** Bad arguments, found by a command itself (commander finds the rest): exit code 2. */
export class UsageError extends Error {}

export interface Context {
  io: Io;
  /** The environment the command reads (PARITYDEALS_*): process.env, or a test's own. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where SIGINT and SIGTERM arrive: process, or a test's emitter. */
  signals: NodeJS.EventEmitter;
  /** Whether stderr is a terminal (progress bars then; plain lines otherwise). */
  stderrIsTTY: boolean;
  /** The client the API options name (made on first use, closed when the command ends). */
  client(): ParityDeals;
  /** Prints a result on stdout: JSON, or a table with --pretty. */
  print(value: unknown): void;
  /** The command's parsed options (commander's camelCase names). */
  options: Record<string, unknown>;
}

export interface CommandSpec {
  /** `['mock']` or a group and a verb, e.g. `['customers', 'create']`. */
  path: readonly [string] | readonly [string, string];
  /** One line, for the group's and the top-level help. */
  summary: string;
  /** Shown under "Examples:" in the command's --help. */
  examples: readonly string[];
  /** Whether it talks to the API: then it takes --token, --base-url, --edge-url and --pretty. */
  api: boolean;
  /** Declares the command's arguments and options. */
  define(command: Command): void;
  /** Runs it with the positional arguments; resolves with the exit code. Throws to fail. */
  run(ctx: Context, args: string[]): Promise<number>;
}
