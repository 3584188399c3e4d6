// `paritydeals mock`: the local emulator as a long-running process, for trying an app by
// hand or for test suites in other languages. Serves until SIGINT/SIGTERM, then closes.

import { InvalidArgumentError } from 'commander';
import {
  DEFAULT_API_KEY,
  loadCatalog,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from '../../testing/index.js';
import { type CommandSpec, type Context, UsageError } from '../command.js';
import { integer } from '../flags.js';

export const DEFAULT_MOCK_PORT = 4010;

function key(raw: string, previous: string[] = []): string[] {
  if (!raw || /\s/.test(raw)) throw new InvalidArgumentError('expected a key without spaces.');
  return [...previous, raw];
}

export const mock: CommandSpec = {
  path: ['mock'],
  summary: 'run a local ParityDeals API emulator until Ctrl+C',
  examples: [
    'paritydeals mock',
    'paritydeals mock --port 0 --catalog ./catalog.json --key sk_test_local',
    'PARITYDEALS_BASE_URL=http://127.0.0.1:4010 PARITYDEALS_EDGE_API_URL=http://127.0.0.1:4010/edge \\\n    PARITYDEALS_ACCESS_TOKEN=' +
      DEFAULT_API_KEY +
      ' paritydeals customers list',
  ],
  api: false,
  define: (command) =>
    command
      .option('--port <n>', `port to listen on (0 picks a free one)`, integer(0, 65535), DEFAULT_MOCK_PORT)
      .option(
        '--host <host>',
        'interface to bind (default 127.0.0.1; any other exposes the admin API, which takes no key, to whoever can reach it)',
      )
      .option('--catalog <file>', 'catalog JSON with {features, plans} (default: the built-in catalog)')
      .option(
        '--seed <n>',
        'seed for generated ids and fault probabilities (default 1)',
        integer(-(2 ** 31), 2 ** 32 - 1),
      )
      .option('--key <key>', `accepted API key; repeat for several (default ${DEFAULT_API_KEY})`, key),
  run: runMock,
};

/** The parsed flags as emulator options; throws UsageError for a catalog it cannot read. */
export async function mockOptions(options: Context['options']): Promise<EmulatorOptions & { port: number }> {
  const out: EmulatorOptions & { port: number } = { port: options.port as number };
  if (options.host !== undefined) out.host = options.host as string;
  if (options.seed !== undefined) out.seed = options.seed as number;
  if (options.key !== undefined) out.apiKeys = options.key as string[];
  if (options.catalog !== undefined) {
    try {
      out.catalog = await loadCatalog(options.catalog as string);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }
  return out;
}

/**
 * The warning for a host other machines may reach, or undefined for loopback. The admin API
 * under /__emulator/ takes no key (tests drive it), so anyone who reaches it can read the
 * recorded requests, seed or reset data and inject faults.
 */
export function exposureWarning(host: string | undefined): string | undefined {
  if (host === undefined || /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(host)) return undefined;
  return `paritydeals mock: warning: --host ${host} lets other machines reach this emulator, and its admin API (/__emulator/) takes no key: anyone who can connect may read every request it recorded, seed or reset its data and inject faults. Use the default 127.0.0.1 unless that is what you want.`;
}

export function banner(emu: Emulator): string[] {
  return [
    'ParityDeals emulator listening',
    `  API (baseUrl):        ${emu.url}`,
    `  Edge (edgeApiUrl):    ${emu.edgeUrl}`,
    `  API key:              ${emu.apiKey}`,
    `  Admin:                ${emu.url}/__emulator/health`,
    'Press Ctrl+C to stop.',
  ];
}

/** Starts the emulator and resolves with the exit code once a stop signal closed it. */
export async function runMock(ctx: Context): Promise<number> {
  const { io, signals } = ctx;
  const options = await mockOptions(ctx.options);
  // Listen for signals before anything is printed: whoever reads the banner may signal at once.
  let stopSignal: ((name: string) => void) | undefined;
  const stopped = new Promise<string>((resolve) => (stopSignal = resolve));
  const onInt = () => stopSignal?.('SIGINT');
  const onTerm = () => stopSignal?.('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  const unlisten = () => {
    signals.off('SIGINT', onInt);
    signals.off('SIGTERM', onTerm);
  };
  // Said before listening, so it is on screen before anyone can connect.
  const warning = exposureWarning(options.host);
  if (warning) io.err(warning);
  let emu: Emulator;
  try {
    emu = await startEmulator(options);
  } catch (err) {
    unlisten();
    const code = (err as NodeJS.ErrnoException).code;
    io.err(
      code === 'EADDRINUSE'
        ? `paritydeals mock: port ${options.port} is already in use (try --port 0 for a free one)`
        : `paritydeals mock: ${err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  }
  for (const line of banner(emu)) io.out(line);
  const name = await stopped;
  unlisten();
  io.out(`Received ${name}, stopping.`);
  await emu.close();
  io.out('Stopped.');
  return 0;
}
