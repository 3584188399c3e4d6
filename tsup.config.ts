import { defineConfig } from 'tsup';

// Two builds of one source tree: ESM and CommonJS, each with declarations. Code splitting keeps
// the code shared by the entry points in one chunk per format, so a process that loads the main
// entry and a subpath (sync, testing) holds one copy of the client per format.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'index.node': 'src/index.node.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node18',
  treeshake: true,
});
