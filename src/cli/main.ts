// The `paritydeals` command: picks the subcommand and turns usage errors into exit code 2.

import { MOCK_USAGE, runMock, type Io } from './mock.js';
import { UsageError } from './args.js';

export const USAGE = `Usage: paritydeals <command> [options]

Commands:
  mock      run a local ParityDeals API emulator (paritydeals mock --help)
`;

export async function main(argv: readonly string[], io: Io, signals?: NodeJS.EventEmitter): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'mock':
        return await runMock(rest, io, signals);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`paritydeals: ${err.message}\n`);
    io.err(command === 'mock' ? MOCK_USAGE : USAGE);
    return 2;
  }
}
