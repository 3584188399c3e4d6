import { build } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Replaces src/sync/embedded-worker.ts with the sync client's worker thread bundled into one
 * CommonJS script (as a string), so a built sync client starts its worker without reading a
 * file: it survives being bundled into an app, and needs no `--allow-read` on Deno.
 */
function embedWorker(): Plugin {
  let bundled: Promise<string> | undefined;
  return {
    name: 'embed-sync-worker',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]sync[\\/]embedded-worker\.ts$/ }, async () => {
        bundled ??= build({
          entryPoints: ['src/sync/worker.ts'],
          bundle: true,
          write: false,
          platform: 'node',
          format: 'cjs',
          target: 'node18',
          legalComments: 'none',
        }).then((r) => r.outputFiles[0]?.text ?? '');
        return { contents: `export const EMBEDDED_WORKER = ${JSON.stringify(await bundled)};`, loader: 'js' };
      });
    },
  };
}

// Two builds of one source tree: ESM and CommonJS, each with declarations. Code splitting keeps
// the code shared by the entry points in one chunk per format, so a process that loads the main
// entry and a subpath (sync, testing) holds one copy of the client per format.
const sdk: Options = {
  entry: {
    index: 'src/index.ts',
    'index.node': 'src/index.node.ts',
    // The blocking client (paritydeals-sdk/sync); its worker thread is embedded (see above).
    'sync/index': 'src/sync/index.ts',
    // The emulator (paritydeals-sdk/testing) and the entry of the child process spawnEmulator()
    // starts (found at dist/testing/child.{js,cjs}).
    'testing/index': 'src/testing/index.ts',
    'testing/child': 'src/testing/child.ts',
    // The entitlement cache's shared store over the user's Redis client (paritydeals-sdk/redis).
    'redis/index': 'src/redis/index.ts',
    // Framework middleware (paritydeals-sdk/express, /fastify, /hono); frameworks are optional peers.
    'express/index': 'src/middleware/express.ts',
    'fastify/index': 'src/middleware/fastify.ts',
    'hono/index': 'src/middleware/hono.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  // Maps without the sources embedded (they were two thirds of the unpacked package): a stack
  // trace under --enable-source-maps still names src/ files and lines, which the repository shows.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  target: 'node18',
  treeshake: true,
  esbuildPlugins: [embedWorker()],
  // No shims: tsup injects its import.meta.url/__filename shims (which import `path` and `url`)
  // into every entry, the edge entry included. The two Node-only modules that need their own
  // file (sync/worker-file.ts, testing/spawn.ts) read `__filename` or `import.meta.url`,
  // whichever the format has.
  shims: false,
  // Keep `node:` on built-in imports: bundlers and edge runtimes recognise them as built-ins,
  // and every Node we support (engines) resolves them.
  removeNodeProtocol: false,
  // No keepNames (it costs the edge entry ~3 KB): the class names users see stay right because
  // no exported class names itself inside its body (the bundler would alias it, `_Page`), and
  // the node entry's ParityDeals sets its own name (bundled beside the base class of that name,
  // it would print as ParityDeals2). test/core/errors.test.ts checks every exported class.
};

// The `paritydeals` command, one CommonJS file: its parser and CSV reader (commander, csv-parse)
// are bundled in, so the package keeps no runtime dependencies, and CommonJS because commander
// is CommonJS, whose require() of Node built-ins an ESM bundle cannot keep. It carries its own
// copy of the client; only the CLI loads it.
const cli: Options = {
  ...sdk,
  entry: { 'cli/index': 'src/cli/index.ts' },
  format: ['cjs'],
  dts: false,
  splitting: false,
  clean: false,
  // Half the size (the bin is most of the package otherwise); --enable-source-maps still names
  // src/ files in a stack trace. keepNames, so the SDK's error classes keep their names there.
  minify: true,
  keepNames: true,
  noExternal: ['commander', 'csv-parse'],
};

export default defineConfig([sdk, cli]);
