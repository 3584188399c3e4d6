import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ParityDealsError } from '../core/errors.js';
import { EMBEDDED_WORKER } from './embedded-worker.js';
import { BOOT_FAILED, SLOT_BOOTED } from './protocol.js';

/**
 * The `eval` source the sync client starts its worker thread from: the build's embedded worker
 * (see embedded-worker.ts), or else a bootstrap that loads the worker file beside this module.
 */
export function workerSource(): string {
  return EMBEDDED_WORKER === undefined ? workerBootstrap(workerFile()) : embeddedBootstrap(EMBEDDED_WORKER);
}

/**
 * Runs the embedded worker bundle in the eval worker's own scope, so that a failure while it
 * loads wakes the caller the way workerBootstrap's does.
 */
function embeddedBootstrap(code: string): string {
  return `
try {
${code}
} catch (error) {
  ${bootFailed('error')}
}
`;
}

/** Statements that report a load failure (in variable `error`) to the sleeping caller. */
function bootFailed(error: string): string {
  return `const { workerData: boot } = require('node:worker_threads');
  boot.port.postMessage({ id: 0, bootError: String((${error} && ${error}.stack) || ${error}) });
  Atomics.store(boot.shared, ${SLOT_BOOTED}, ${BOOT_FAILED});
  Atomics.notify(boot.shared, ${SLOT_BOOTED});`;
}

/**
 * Finds the worker entry next to this module when running from sources (`src/sync/worker.ts`
 * under tsx). A build never gets here: it embeds its worker.
 */
export function workerFile(): string {
  const file = join(dirname(currentFile()), 'worker.ts');
  if (existsSync(file)) return file;
  throw new ParityDealsError(
    `The synchronous client cannot find its worker file ${file}. A build of the package embeds its worker; only its TypeScript sources look for this file.`,
  );
}

/**
 * The source of an `eval` worker that loads `file`. Two reasons not to start `file` directly:
 *
 * - a load failure must wake the caller, who sleeps on `Atomics.wait` and so cannot see the
 *   worker's 'error' event: the bootstrap posts the failure on the port and flips the boot slot;
 * - under tsx on Node 20, `--import tsx` inherited by a worker does not let it load a `.ts`
 *   entry ("Unknown file extension"), so for a `.ts` file the bootstrap registers tsx itself.
 */
export function workerBootstrap(file: string): string {
  const tsx = file.endsWith('.ts') ? tsxApiUrl() : undefined;
  return `
(async () => {
  ${tsx ? `(await import(${JSON.stringify(tsx)})).register();` : ''}
  await import(${JSON.stringify(pathToFileURL(file).href)});
})().catch((error) => {
  ${bootFailed('error')}
});
`;
}

/**
 * tsx's ESM register API, resolved from here. Only sources run under tsx get here, and they are
 * ESM; `import.meta.resolve` picks the `import` export (tsx's CommonJS API does not load in a worker).
 */
function tsxApiUrl(): string {
  try {
    // (In the CommonJS build `import.meta` is empty; it never runs `.ts` sources, so never gets here.)
    if (typeof import.meta.resolve !== 'function') throw new TypeError('import.meta.resolve is not available');
    return import.meta.resolve('tsx/esm/api');
  } catch (error) {
    throw new ParityDealsError(
      'The synchronous client runs from TypeScript sources here, and needs tsx to load its worker: install tsx.',
      { cause: error },
    );
  }
}

/**
 * This module's path. CommonJS has `__filename` and no `import.meta`; ESM the other way round.
 * (tsup's `shims: true` rewrites `import.meta.url` for CJS too; this check works without it.)
 */
function currentFile(): string {
  if (typeof __filename === 'string' && __filename !== '') return __filename;
  return fileURLToPath(import.meta.url);
}
