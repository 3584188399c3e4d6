// Entry of the child process spawnEmulator() forks: waits for its options over IPC, starts
// the emulator, reports where it listens, and stops on SIGTERM/SIGINT or when the parent
// goes away (so a crashed test run leaves no emulator behind).

import { loadCatalog } from './catalog.js';
import { startEmulator } from './emulator.js';
import type { Emulator, EmulatorOptions } from './types.js';

export type ChildMessage =
  | { type: 'ready'; url: string; edgeUrl: string; apiKey: string; port: number }
  | { type: 'error'; message: string };

let emulator: Emulator | undefined;

const stop = async (code: number) => {
  try {
    await emulator?.close();
  } finally {
    process.exit(code);
  }
};

process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));
process.once('disconnect', () => void stop(0));

process.once('message', (msg: unknown) => {
  void (async () => {
    try {
      const raw = (msg as { options?: Record<string, unknown> }).options ?? {};
      const { catalog, ...rest } = raw;
      const options: EmulatorOptions = { ...(rest as EmulatorOptions) };
      if (typeof catalog === 'string') options.catalog = await loadCatalog(catalog);
      else if (catalog !== undefined) options.catalog = catalog as EmulatorOptions['catalog'];
      emulator = await startEmulator(options);
      const reply: ChildMessage = {
        type: 'ready',
        url: emulator.url,
        edgeUrl: emulator.edgeUrl,
        apiKey: emulator.apiKey,
        port: emulator.port,
      };
      process.send?.(reply);
    } catch (err) {
      const reply: ChildMessage = { type: 'error', message: err instanceof Error ? err.message : String(err) };
      process.send?.(reply, () => process.exit(1));
    }
  })();
});
