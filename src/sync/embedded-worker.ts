/**
 * The worker thread's code, bundled into one CommonJS script, when this copy of the SDK is a
 * build: tsup.config.ts replaces this module with the bundle (`src/sync/worker.ts` and all it
 * imports) as a string. The sync client then starts its worker from that string and reads no
 * file, so it works inside a user's bundle and on Deno without `--allow-read`.
 *
 * Run from sources (tsx) it is `undefined`, and worker-file.ts finds `worker.ts` beside it.
 */
export const EMBEDDED_WORKER: string | undefined = undefined;
