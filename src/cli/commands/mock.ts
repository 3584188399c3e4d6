// `paritydeals mock`: the local emulator as a long-running process, for trying an app by
// hand or for test suites in other languages. Serves until SIGINT/SIGTERM, then closes.

import {
  DEFAULT_API_KEY,
  loadCatalog,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from '../../testing/index.js';
import { intFlag, parseArgs, UsageError } from '../args.js';
import type { Io } from '../io.js';

export const MOCK_USAGE = `Usage: paritydeals mock [options]

Runs a local ParityDeals API emulator until Ctrl+C.

Options:
  --port N          port to listen on (default 4010; 0 picks a free one)
  --host HOST       interface to bind (default 127.0.0.1; any other exposes the
                    admin API, which takes no key, to whoever can reach it)
  --catalog FILE    catalog JSON with {features, plans} (default: the built-in catalog)
  --seed N          seed for generated ids and fault probabilities (default 1)
  --key KEY         accepted API key; repeat for several (default ${DEFAULT_API_KEY})
  -h, --help        show this help
`;

export const DEFAULT_MOCK_PORT = 4010;

/** Parses the flags into emulator options; throws UsageError on bad input. */
export async function mockOptions(argv: readonly string[]): Promise<EmulatorOptions | 'help'> {
  const parsed = parseArgs(argv, {
    values: ['port', 'host', 'catalog', 'seed', 'key'],
    repeatable: ['key'],
    booleans: ['help'],
    aliases: { h: 'help' },
  });
  if (parsed.booleans.has('help')) return 'help';
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const options: EmulatorOptions = { port: intFlag(parsed, 'port', 0, 65535) ?? DEFAULT_MOCK_PORT };
  const host = parsed.values.host?.[0];
  if (host !== undefined) options.host = host;
  const seed = intFlag(parsed, 'seed', -(2 ** 31), 2 ** 32 - 1);
  if (seed !== undefined) options.seed = seed;
  const keys = parsed.values.key;
  if (keys) {
    if (keys.some((k) => !k || /\s/.test(k))) throw new UsageError('--key must be non-empty without spaces');
    options.apiKeys = keys;
  }
  const catalog = parsed.values.catalog?.[0];
  if (catalog !== undefined) {
    try {
      options.catalog = await loadCatalog(catalog);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }
  return options;
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
export async function runMock(
  argv: readonly string[],
  io: Io,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const options = await mockOptions(argv);
  if (options === 'help') {
    io.out(MOCK_USAGE);
    return 0;
  }
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
