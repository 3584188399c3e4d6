// Bundling the built package with esbuild as a user's build would, for the tests that check
// what a bundle pulls in (test/package.test.ts, test/middleware/entries.test.ts).
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Bundles `code` (which imports the package by name); the output text and the files it read. */
export async function bundle(code: string, options: Parameters<typeof build>[0]) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    logLevel: 'silent',
    metafile: true,
    ...options,
  });
  return { text: result.outputFiles?.[0]?.text ?? '', inputs: Object.keys(result.metafile?.inputs ?? {}) };
}
