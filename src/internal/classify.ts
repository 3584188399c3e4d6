import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  type APIErrorInit,
  APIUserAbortError,
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from '../core/errors.js';
import type { TransportError } from './transport.js';

/** What the pipeline knows about a failed request when it turns it into an error. */
export interface FailureContext {
  operation: string;
  method: string;
  url: string;
  /** Whether the operation may be repeated without repeating its effect. */
  repeatable: boolean;
  /** Whether the request may have been applied by the server. */
  outcomeUnknown: boolean;
  /** The request's advice after a 404 (RequestSpec.notFound). */
  notFound?: string | undefined;
  /** How to check a non-repeatable request whose outcome is unknown (RequestSpec.reconcile). */
  reconcile?: string | undefined;
  attempts: number;
  /** The access token, to scrub from anything a custom fetch put in its errors. */
  secret: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function errorFromResponse(
  status: number,
  bodyText: string,
  headers: Record<string, string>,
  ctx: FailureContext,
): APIError {
  const body = parseBody(bodyText);
  const init: APIErrorInit = {
    status,
    body,
    headers,
    requestId: headers['x-request-id'] ?? headers['request-id'],
    method: ctx.method,
    url: ctx.url,
    outcomeUnknown: ctx.outcomeUnknown,
  };
  const reason = isHtml(body, headers)
    ? 'an HTML page, not an answer of the ParityDeals API: check that baseUrl and edgeApiUrl point at it'
    : describeBody(body);
  const head = `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  const message = `${ctx.operation} failed: ${head}${reason ? `: ${reason}` : ''} (${ctx.method} ${ctx.url})${advice(status, ctx)}${tail(ctx)}`;
  if (status === 400) return new InvalidRequestError(message, init);
  if (status === 401) return new AuthenticationError(message, init);
  if (status === 403) return new PermissionDeniedError(message, init);
  if (status === 404) return new NotFoundError(message, init);
  if (status === 429) return new RateLimitError(message, init);
  if (status >= 500) return new ServerError(message, init);
  return new APIError(message, init);
}

export function errorFromTransport(error: TransportError, ctx: FailureContext): APIConnectionError {
  const init = {
    method: ctx.method,
    url: ctx.url,
    outcomeUnknown: ctx.outcomeUnknown,
    cause: scrub(error.cause, ctx.secret),
  };
  const what = `${ctx.operation} (${ctx.method} ${ctx.url})`;
  switch (error.failure) {
    case 'abort':
      return new APIUserAbortError(`${what} was aborted by its signal.${tail(ctx)}`, init);
    case 'timeout':
      return new APIConnectionTimeoutError(`${what} timed out: ${error.message}.${tail(ctx)}`, init);
    default:
      return new APIConnectionError(
        `${what} got no answer: ${scrubText(error.message, ctx.secret)}.${tail(ctx)}`,
        init,
      );
  }
}

/** What to do about a status the caller can fix. */
function advice(status: number, ctx: FailureContext): string {
  if (status === 401) {
    return ' The access token was refused: check the accessToken option or the PARITYDEALS_ACCESS_TOKEN environment variable (the Server API Key from ParityDeals → Settings → Developers).';
  }
  if (status === 404 && ctx.notFound) return ` ${ctx.notFound}`;
  return '';
}

/** A web page (a proxy's, a framework's 404) rather than the API's JSON: not worth quoting. */
function isHtml(body: unknown, headers: Record<string, string>): boolean {
  if (typeof body !== 'string') return false;
  return /^\s*<(!doctype|html|head|body|\?xml)/i.test(body) || /text\/html/i.test(headers['content-type'] ?? '');
}

/** The sentence that tells the caller whether to worry about a half-done operation. */
function tail(ctx: FailureContext): string {
  const tries = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : '';
  if (!ctx.outcomeUnknown) return tries ? ` Failed${tries}.` : '';
  return ctx.repeatable
    ? ` The outcome is unknown${tries}: the server may have applied it; it is safe to send again.`
    : ` The outcome is unknown${tries}: the server may have applied it, and it was not retried because repeating it could apply it twice. ${ctx.reconcile ?? 'Check the state'} before sending it again.`;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The message, else the detail, else field errors (`field: msg`), else a short text body. */
function describeBody(body: unknown): string {
  if (typeof body === 'string') return body.length > 200 ? `${body.slice(0, 200)}…` : body;
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.detail === 'string') return b.detail;
  const parts: string[] = [];
  for (const [field, value] of Object.entries(b)) {
    const msgs = Array.isArray(value)
      ? value.filter((m) => typeof m === 'string')
      : typeof value === 'string'
        ? [value]
        : [];
    if (msgs.length) parts.push(`${field}: ${msgs.join(' ')}`);
  }
  return parts.join('; ');
}

/** The fields of a network error worth keeping on a cause: what failed, where. */
export const CAUSE_FIELDS = ['code', 'errno', 'syscall', 'address', 'port'] as const;

/**
 * A copy of an error chain with only its text fields, the access token cut out. The original
 * may be anything a custom `fetch` threw, holding sockets, request options or headers.
 */
export function scrub(error: unknown, secret: string, depth = 0): Error | undefined {
  if (error === undefined || error === null || depth > 4) return undefined;
  const source = error as { name?: unknown; message?: unknown; cause?: unknown; stack?: unknown };
  const copy = new Error(scrubText(String(source.message ?? error), secret));
  copy.name = typeof source.name === 'string' ? source.name : 'Error';
  if (typeof source.stack === 'string') copy.stack = scrubText(source.stack, secret);
  for (const key of CAUSE_FIELDS) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') {
      (copy as unknown as Record<string, unknown>)[key] = typeof value === 'string' ? scrubText(value, secret) : value;
    }
  }
  const cause = scrub(source.cause, secret, depth + 1);
  if (cause)
    Object.defineProperty(copy, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  return copy;
}

export function scrubText(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}
