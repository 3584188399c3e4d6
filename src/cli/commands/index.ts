// The table of `paritydeals` commands. main.ts dispatches on it and builds the top-level help
// from it, so adding a command is one file under commands/ and one row here.

import type { Io } from '../io.js';
import { MOCK_USAGE, runMock } from './mock.js';

export interface Command {
  name: string;
  /** One line for `paritydeals --help`. */
  summary: string;
  /** The command's own `--help`, printed also after a usage error. */
  usage: string;
  /** Resolves with the exit code; throws UsageError for bad flags. */
  run(argv: readonly string[], io: Io, signals?: NodeJS.EventEmitter): Promise<number>;
}

export const COMMANDS: readonly Command[] = [
  { name: 'mock', summary: 'run a local ParityDeals API emulator', usage: MOCK_USAGE, run: runMock },
];
