// The exit codes scripts rely on (the README's "Command line" section lists them), and how an
// error maps to one. Each failure kind has its own code, so a script can tell "fix the command"
// from "ParityDeals said no" from "try again" from "check before trying again".

import { APIConnectionError, APIError, ParityDealsError, ValidationError } from '../index.node.js';
import { UsageError } from './command.js';

export const EXIT = {
  /** Done. */
  ok: 0,
  /** A bug in the CLI or something it did not expect; the message says what. */
  internal: 1,
  /** Bad arguments or flags, refused before anything was sent. */
  usage: 2,
  /** ParityDeals answered with an error (4xx, or a 5xx known not to have applied anything). */
  api: 3,
  /** ParityDeals could not be reached, and nothing was applied. */
  network: 4,
  /** The request may or may not have been applied (no answer after sending): check before re-running. */
  unknown: 5,
  /** `customers import`: some rows failed (the report lists them); re-running retries only those. */
  partial: 6,
  /** Stopped by Ctrl+C (SIGINT), the shell's convention. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an error a command threw. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof ValidationError) return EXIT.usage;
  if (error instanceof ParityDealsError && error.outcomeUnknown) return EXIT.unknown;
  if (error instanceof APIError) return EXIT.api;
  if (error instanceof APIConnectionError) return EXIT.network;
  return EXIT.internal;
}

/** One line for stderr: the message, the request id to quote, and what to do about an unknown outcome. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let text = error.message;
  if (error instanceof APIError && error.requestId && !text.includes(error.requestId)) {
    text += ` (request id ${error.requestId})`;
  }
  if (error instanceof ParityDealsError && error.outcomeUnknown) {
    text += ' The server may have applied it: check its state before running the command again.';
  }
  return text;
}
