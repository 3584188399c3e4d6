// The `paritydeals` command: builds a commander program from the table in commands/index.ts
// (so every command's --help, arguments and options live with the command), runs the one named,
// and turns what it threw into the exit codes of exit.ts.
//
// Why commander: it is the most used, dependency-free parser with nested commands and generated
// help; the hand-written parser it replaced had neither. Version 13 is the newest that runs on
// Node 18 (engines); tsup bundles it into dist/cli, so the package keeps no dependencies.

import { Command, CommanderError, Option } from 'commander';
import { ParityDeals, ParityDealsError, VERSION } from '../index.node.js';
import { type CommandSpec, type Context, UsageError } from './command.js';
import { COMMANDS, GROUPS } from './commands/index.js';
import { describeError, EXIT, exitCodeOf } from './exit.js';
import type { Io } from './io.js';
import { formatJson, formatTable } from './output.js';

export interface Environment {
  /** Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default: process. */
  signals?: NodeJS.EventEmitter;
  /** Default: process.stderr.isTTY. */
  stderrIsTTY?: boolean;
}

const API_OPTIONS_HELP = `
The access token is read from PARITYDEALS_ACCESS_TOKEN (prefer it to --token, which other users
of this machine can see in the process list); PARITYDEALS_BASE_URL and PARITYDEALS_EDGE_API_URL
point the command elsewhere, e.g. at \`paritydeals mock\`.`;

const EXIT_HELP = `
Exit codes: 0 ok, 1 unexpected failure, 2 bad usage, 3 API error, 4 network error (nothing
applied), 5 unknown outcome (check before re-running), 6 import finished with failed rows,
130 interrupted.`;

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: Io, envOf: Environment = {}): Promise<number> {
  let exitCode: number = EXIT.ok;
  let current: CommandSpec | undefined;
  let client: ParityDeals | undefined;
  const program = buildProgram(io, (spec, command, args) => {
    current = spec;
    const options = command.opts();
    const ctx: Context = {
      io,
      env: envOf.env ?? process.env,
      signals: envOf.signals ?? process,
      stderrIsTTY: envOf.stderrIsTTY ?? process.stderr.isTTY === true,
      options,
      client: () => (client ??= makeClient(options, ctx.env)),
      print: (value) => io.out(options.pretty ? formatTable(value) : formatJson(value)),
    };
    return spec.run(ctx, args).then((code) => {
      exitCode = code;
    });
  });
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version asked for are successes; help shown for a missing command is not.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.err(`paritydeals: ${error.message}`);
      io.err(`(see paritydeals ${current ? current.path.join(' ') : ''} --help)`);
      return EXIT.usage;
    }
    const code = exitCodeOf(error);
    if (code === EXIT.internal) throw error;
    io.err(`paritydeals: ${describeError(error)}`);
    return code;
  } finally {
    // close() settles what the client still holds; the commands report usage directly, so
    // there is nothing buffered to wait for, but a client is never left open.
    await client?.close();
  }
}

type Runner = (spec: CommandSpec, command: Command, args: string[]) => Promise<void>;

/** The program: one commander command per row of the table, grouped by the row's first word. */
function buildProgram(io: Io, run: Runner): Command {
  const program = new Command('paritydeals')
    .description('The ParityDeals API from the command line, and a local emulator to try it against.')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(unechoed(text).replace(/\n$/, '')),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_HELP);
  const groups = new Map<string, Command>();
  for (const spec of COMMANDS) {
    let parent = program;
    const [first, second] = spec.path;
    if (second !== undefined) {
      let group = groups.get(first);
      if (!group) {
        group = program.command(first).description(GROUPS[first] ?? '');
        groups.set(first, group);
      }
      parent = group;
    }
    const command = parent.command(second ?? first).description(spec.summary);
    spec.define(command);
    if (spec.api) addApiOptions(command);
    const examples = spec.examples.map((e) => `  $ ${e}`).join('\n');
    command.addHelpText('after', `\nExamples:\n${examples}\n${spec.api ? API_OPTIONS_HELP : ''}`);
    command.action((...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      return run(spec, self, self.args);
    });
  }
  return program;
}

/**
 * Commander quotes an unknown option whole: a mistyped `--tokn=sk_live_...` would print the
 * access token to the terminal and the CI log. The value after `=` is cut; the name stays.
 */
function unechoed(text: string): string {
  return text.replace(/(unknown option '[^'=]*=)[^']*'/g, "$1[redacted]'");
}

function addApiOptions(command: Command): void {
  command
    .addOption(new Option('--token <token>', 'access token (default: $PARITYDEALS_ACCESS_TOKEN)'))
    .addOption(new Option('--base-url <url>', 'API base URL (default: $PARITYDEALS_BASE_URL, else production)'))
    .addOption(new Option('--edge-url <url>', 'edge API URL (default: $PARITYDEALS_EDGE_API_URL, else production)'))
    .addOption(new Option('--pretty', 'print a table instead of JSON'));
}

function makeClient(options: Record<string, unknown>, env: Context['env']): ParityDeals {
  const accessToken = (options.token as string | undefined) ?? env.PARITYDEALS_ACCESS_TOKEN;
  if (!accessToken) {
    throw new UsageError(
      'no access token: set PARITYDEALS_ACCESS_TOKEN (the Server API Key from ParityDeals → Settings → Developers) or pass --token',
    );
  }
  const baseUrl = (options.baseUrl as string | undefined) ?? env.PARITYDEALS_BASE_URL;
  const edgeApiUrl = (options.edgeUrl as string | undefined) ?? env.PARITYDEALS_EDGE_API_URL;
  try {
    return new ParityDeals({
      accessToken,
      ...(baseUrl ? { baseUrl } : {}),
      ...(edgeApiUrl ? { edgeApiUrl } : {}),
      // The command says what failed itself; the client's retry warnings would only repeat it.
      logLevel: env.PARITYDEALS_LOG === undefined ? 'error' : undefined,
    });
  } catch (error) {
    // The client refuses options before sending anything (a base URL without its edge URL, a
    // bad PARITYDEALS_LOG): that is the command line's to fix, so a usage error.
    if (error instanceof ParityDealsError) throw new UsageError(error.message);
    throw error;
  }
}
