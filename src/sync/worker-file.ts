import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ParityDealsError } from '../core/errors.js';
import { BOOT_FAILED, SLOT_BOOTED } from './protocol.js';

/**
 * Finds the worker entry next to this module, in whichever form this copy of the SDK is:
 *
 * - sources under tsx: `src/sync/worker.ts` beside this file;
 * - the ESM build: `dist/sync/worker.js`; the CommonJS build: `dist/sync/worker.cjs`. The bundler
 *   may have moved this code into a shared chunk in `dist/`, so `sync/` below this directory is
 *   searched too.
 *
 * This module's own extension is tried first, so each build starts the worker of its own format.
 */
export function workerFile(): string {
  const self = currentFile();
  const here = dirname(self);
  const exts = [...new Set([extname(self), '.js', '.cjs', '.mjs', '.ts'])].filter((e) => e !== '');
  const tried: string[] = [];
  for (const dir of [here, join(here, 'sync')]) {
    for (const ext of exts) {
      const file = join(dir, `worker${ext}`);
      if (existsSync(file)) return file;
      tried.push(file);
    }
  }
  throw new ParityDealsError(
    `The synchronous client cannot find its worker file (looked for ${tried.join(', ')}). Reinstall paritydeals-sdk; if you bundle your app, ship the package's dist/sync/worker.* files beside the bundled sync client.`,
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
const { workerData } = require('node:worker_threads');
(async () => {
  ${tsx ? `(await import(${JSON.stringify(tsx)})).register();` : ''}
  await import(${JSON.stringify(pathToFileURL(file).href)});
})().catch((error) => {
  workerData.port.postMessage({ id: 0, bootError: String((error && error.stack) || error) });
  Atomics.store(workerData.shared, ${SLOT_BOOTED}, ${BOOT_FAILED});
  Atomics.notify(workerData.shared, ${SLOT_BOOTED});
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
