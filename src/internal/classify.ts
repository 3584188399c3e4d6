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
import { messageOf } from './message.js';

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
  /** The access token, to scrub from anything a custom fetch or the server put in an error. */
  secret: string;
  /** The idempotency key the request carried (events), for the caller to send it again with. */
  idempotencyKey?: string | undefined;
}

const STATUS_TEXT: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
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
  const init = errorInit(status, bodyText, headers, ctx);
  const reason = isHtml(init.body, headers)
    ? 'an HTML page, not an answer of the ParityDeals API: check that baseUrl and edgeApiUrl point at it'
    : describeBody(init.body);
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

/**
 * A 3xx (or a browser's opaque redirect, status 0): redirects are not followed, since `fetch`
 * would turn a POST into a GET on the way, so the caller learns where the API moved.
 */
export function errorFromRedirect(
  status: number,
  bodyText: string,
  headers: Record<string, string>,
  ctx: FailureContext,
): APIError {
  const init = errorInit(status, bodyText, headers, ctx);
  const location = headers.location ? ` to ${scrubText(headers.location, ctx.secret)}` : '';
  const head = status === 0 ? 'a redirect' : `${status} ${STATUS_TEXT[status] ?? 'Redirect'}`;
  const hint = ctx.url.startsWith('http://')
    ? ' An http:// base URL gets this from an API that only speaks https: use https://.'
    : ' Point baseUrl (or edgeApiUrl) at the new address.';
  return new APIError(
    `${ctx.operation} failed: the server answered ${head}${location} instead of handling it (${ctx.method} ${ctx.url}); redirects are not followed.${hint}${tail(ctx)}`,
    init,
  );
}

/** A 2xx whose body is not what the operation returns (empty, not JSON, the wrong shape). */
export function errorFromBody(
  status: number,
  bodyText: string,
  headers: Record<string, string>,
  problem: string,
  ctx: FailureContext,
): APIError {
  const init = errorInit(status, bodyText, headers, ctx);
  const sample =
    typeof init.body === 'string' && init.body !== ''
      ? `: ${JSON.stringify(init.body.length > 100 ? `${init.body.slice(0, 100)}…` : init.body)}`
      : '';
  return new APIError(
    `${ctx.operation}: the server answered ${status} with ${problem}${sample}, not what this operation returns (${ctx.method} ${ctx.url}).${tail(ctx)}`,
    init,
  );
}

/** The transport could not even start the request (a bug, or a custom fetch that threw oddly). */
export function errorFromUnsent(error: unknown, ctx: FailureContext): APIConnectionError {
  const message = messageOf(error);
  return new APIConnectionError(
    `${ctx.operation} (${ctx.method} ${ctx.url}) could not be sent: ${scrubText(message, ctx.secret)}.${tail(ctx)}`,
    {
      method: ctx.method,
      url: ctx.url,
      outcomeUnknown: ctx.outcomeUnknown,
      idempotencyKey: ctx.idempotencyKey,
      cause: scrub(error, ctx.secret),
    },
  );
}

function errorInit(
  status: number,
  bodyText: string,
  headers: Record<string, string>,
  ctx: FailureContext,
): APIErrorInit {
  const clean = scrubHeaders(headers, ctx.secret);
  return {
    status,
    body: scrubDeep(parseBody(bodyText), ctx.secret),
    headers: clean,
    requestId: clean['x-request-id'] ?? clean['request-id'],
    method: ctx.method,
    url: ctx.url,
    outcomeUnknown: ctx.outcomeUnknown,
    idempotencyKey: ctx.idempotencyKey,
  };
}

export function errorFromTransport(error: TransportError, ctx: FailureContext): APIConnectionError {
  const init = {
    method: ctx.method,
    url: ctx.url,
    outcomeUnknown: ctx.outcomeUnknown,
    idempotencyKey: ctx.idempotencyKey,
    cause: scrub(error.cause, ctx.secret),
  };
  const what = `${ctx.operation} (${ctx.method} ${ctx.url})`;
  switch (error.failure) {
    case 'abort':
      return new APIUserAbortError(`${what} was aborted by its signal.${tail(ctx)}`, init);
    case 'timeout':
      return new APIConnectionTimeoutError(`${what} timed out: ${error.message}.${tail(ctx)}`, init);
    case 'too-large':
      return new APIConnectionError(`${what} got an answer it could not read: ${error.message}.${tail(ctx)}`, init);
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
  if (ctx.idempotencyKey !== undefined)
    return ` The outcome is unknown${tries}: the server may have applied it. Send it again with the same idempotencyKey, ${JSON.stringify(ctx.idempotencyKey)} (this error's idempotencyKey), and the server counts it once; a new key would count it twice.`;
  return ctx.repeatable
    ? ` The outcome is unknown${tries}: the server may have applied it; sending the same request again lands on the same state.`
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

/**
 * Below this length a token is only cut out where it stands as a whole word: a short token
 * ("k") also occurs inside ordinary words ("socket"), which must stay readable. Real keys are
 * far longer, and from this length on every occurrence goes.
 */
const WHOLE_WORD_BELOW = 16;
const patterns = new Map<string, RegExp>();

/** `text` without the access token and without credentials in URLs (`https://user:pass@host`). */
export function scrubText(text: string, secret: string): string {
  let out = text.includes('@') ? text.replace(URL_CREDENTIALS, '$1[redacted]@') : text;
  if (!secret || !out.includes(secret)) return out;
  if (secret.length >= WHOLE_WORD_BELOW) return out.split(secret).join('[redacted]');
  let pattern = patterns.get(secret);
  if (!pattern) {
    if (patterns.size > 8) patterns.clear();
    const escaped = secret.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    pattern = new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_-])`, 'g');
    patterns.set(secret, pattern);
  }
  out = out.replace(pattern, '[redacted]');
  return out;
}

/** `scheme://user:pass@` or `scheme://token@`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** A parsed error body with the token cut out of every string in it. */
function scrubDeep(value: unknown, secret: string, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, secret);
  if (typeof value !== 'object' || value === null || depth > 16) return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secret, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[scrubText(k, secret)] = scrubDeep(v, secret, depth + 1);
  return out;
}

/** Response headers with the token cut out of every value (a server or proxy may echo it). */
export function scrubHeaders(headers: Record<string, string>, secret: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name] = scrubText(headers[name] as string, secret);
  return out;
}
