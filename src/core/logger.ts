/** Log levels, quietest first. `off` silences the SDK entirely. */
export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'] as const;

/** A log level: `off`, `error`, `warn`, `info` (a line per request) or `debug` (bodies too). */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where the SDK's log lines go. Any object with these four methods works (`console`, pino,
 * winston). `details` is a plain object of fields; secrets are already redacted from it.
 */
export interface Logger {
  /** A failure the app should hear about: a request that failed for good. */
  error(message: string, details?: Record<string, unknown>): void;
  /** Something went wrong and was handled: a retry, a fallback answer. */
  warn(message: string, details?: Record<string, unknown>): void;
  /** One line per request sent. */
  info(message: string, details?: Record<string, unknown>): void;
  /** Details for debugging: request and response headers (the token redacted). */
  debug(message: string, details?: Record<string, unknown>): void;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}
