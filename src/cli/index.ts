#!/usr/bin/env node
// Entry of the `paritydeals` bin. All logic lives in main.ts, which tests call directly.

import { main } from './main.js';

// A reader that stops early (`paritydeals customers list --all | head`) closes the pipe: the
// command still finishes what it started (an import half sent would leave rows unknown), and
// only its output goes nowhere, instead of an unhandled EPIPE ending the process mid-request.
let stdoutGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutGone = true;
});

main(process.argv.slice(2), {
  out: (line) => {
    if (!stdoutGone) process.stdout.write(`${line}\n`);
  },
  err: (line) => process.stderr.write(`${line}\n`),
  errRaw: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`paritydeals: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
