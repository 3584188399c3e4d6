import { ParityDealsError } from '../core/errors.js';
import type { Logger, LogLevel } from '../core/logger.js';

/** Each level's rank, quietest first: a line is logged when its level ranks at most the logger's. */
const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * The SDK's own view of a logger: level checks are a number comparison, so the request path
 * pays nothing for log lines that would be dropped.
 */
export class LevelLogger {
  private readonly rank: number;
  constructor(
    private readonly sink: Logger,
    /** The level lines are filtered at. */
    readonly level: LogLevel,
  ) {
    this.rank = RANK[level];
  }
  enabled(level: Exclude<LogLevel, 'off'>): boolean {
    return this.rank >= RANK[level];
  }
  error(message: string, details?: Record<string, unknown>): void {
    if (this.rank >= 1) write(this.sink, 'error', `[paritydeals] ${message}`, details);
  }
  warn(message: string, details?: Record<string, unknown>): void {
    if (this.rank >= 2) write(this.sink, 'warn', `[paritydeals] ${message}`, details);
  }
  info(message: string, details?: Record<string, unknown>): void {
    if (this.rank >= 3) write(this.sink, 'info', `[paritydeals] ${message}`, details);
  }
  debug(message: string, details?: Record<string, unknown>): void {
    if (this.rank >= 4) write(this.sink, 'debug', `[paritydeals] ${message}`, details);
  }
}

/**
 * Hands one line to a logger. Without details only the message is passed: `console.info(m,
 * undefined)` prints a trailing `undefined`.
 */
export function write(
  sink: Logger,
  level: Exclude<LogLevel, 'off'>,
  message: string,
  details: Record<string, unknown> | undefined,
): void {
  if (details === undefined) sink[level](message);
  else sink[level](message, details);
}

/** Refuses a logger that lacks one of the four methods, before a log line would find out. */
export function checkLogger(logger: unknown): Logger {
  const missing = (['error', 'warn', 'info', 'debug'] as const).filter(
    (level) => typeof (logger as Partial<Logger> | null)?.[level] !== 'function',
  );
  if (typeof logger !== 'object' || logger === null || missing.length > 0) {
    throw new ParityDealsError(
      `ParityDeals option logger must have the methods error, warn, info and debug (like console, pino or winston); ${typeof logger === 'object' && logger !== null ? `it lacks ${missing.join(', ')}` : `got ${String(logger)}`}.`,
    );
  }
  return logger as Logger;
}

/**
 * Header names whose values never reach a log line or an error message: credentials by name (`authorization`,
 * `proxy-authorization`, `cookie`, `x-api-key`), and anything that looks like one (a name with
 * auth, token, key, secret, session, password or signature in it), since `defaultHeaders` may
 * carry a proxy's or gateway's credentials under a name of its own.
 */
export const SECRET_HEADER = /auth|cookie|token|key|secret|session|passw|signature|credential/i;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADER.test(k) ? '[redacted]' : v;
  return out;
}
