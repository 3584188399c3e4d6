import { defineConfig } from 'tsup';

// Two builds of one source tree: ESM and CommonJS, each with declarations. Code splitting keeps
// the code shared by the entry points in one chunk per format, so a process that loads the main
// entry and a subpath (sync, testing) holds one copy of the client per format.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'index.node': 'src/index.node.ts',
    // The blocking client (paritydeals-sdk/sync) and its worker thread's entry, which the client
    // finds at dist/sync/worker.{js,cjs} (see src/sync/worker-file.ts).
    'sync/index': 'src/sync/index.ts',
    'sync/worker': 'src/sync/worker.ts',
    // The emulator (paritydeals-sdk/testing), the entry of the child process spawnEmulator()
    // starts (found at dist/testing/child.{js,cjs}), and the `paritydeals` command.
    'testing/index': 'src/testing/index.ts',
    'testing/child': 'src/testing/child.ts',
    'cli/index': 'src/cli/index.ts',
    // The entitlement cache's shared store over the user's Redis client (paritydeals-sdk/redis).
    'redis/index': 'src/redis/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node18',
  treeshake: true,
  // import.meta.url (used to find the worker and child entries) has no CommonJS equivalent
  // unless shimmed; without it the CJS chunks fail to load.
  shims: true,
  // Two classes share the name ParityDeals (the node entry's extends the base one), and bundling
  // renames one ParityDeals2; keepNames keeps the names util.inspect and stack traces print.
  keepNames: true,
});
