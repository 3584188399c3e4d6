// The `paritydeals` command: picks the subcommand from the table and turns usage errors into
// exit code 2.

import { VERSION } from '../index.js';
import { UsageError } from './args.js';
import { COMMANDS } from './commands/index.js';
import type { Io } from './io.js';

const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;

export const USAGE = `Usage: paritydeals <command> [options]
       paritydeals --version

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary} (paritydeals ${c.name} --help)`).join('\n')}
`;

export async function main(argv: readonly string[], io: Io, signals?: NodeJS.EventEmitter): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command.run(rest, io, signals);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`paritydeals: ${err.message}\n`);
    io.err(command ? command.usage : USAGE);
    return 2;
  }
}
