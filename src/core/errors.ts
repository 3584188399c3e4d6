/**
 * Everything the SDK throws. One tree, rooted at `ParityDealsError`:
 *
 * - `APIError`: the server answered with an error status. Subclasses per status family.
 * - `APIConnectionError`: no answer came (refused, reset, timeout, abort).
 * - `ValidationError`: the SDK refused the input before sending anything. Not an `APIError`
 *   (no server answered, so there is no status, no headers, no request id), although the
 *   official Python SDK raises its `InvalidRequestError` for these: a handler that reports
 *   `APIError`s as the server's answers must not report a local mistake as one.
 *
 * `instanceof` is decided by a brand rather than by prototype identity, so it holds when the
 * package is loaded twice in one process (an ESM and a CommonJS copy, or two versions of it).
 */

const BRAND = Symbol.for('paritydeals-sdk.error-kinds');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

type Branded = { [BRAND]?: readonly string[] };

function brand(cls: { prototype: object; kind: string }, parent?: { prototype: object }): void {
  const inherited = parent ? ((parent.prototype as Branded)[BRAND] ?? []) : [];
  Object.defineProperty(cls.prototype, BRAND, { value: [...inherited, cls.kind] });
}

/** Every error the SDK throws: `catch (e) { if (e instanceof ParityDealsError) ... }`. `instanceof` works across copies of the package (ESM and CommonJS in one process). */
export class ParityDealsError extends Error {
  /** The name `instanceof` checks against; stable across copies of the package. */
  static readonly kind: string = 'ParityDealsError';

  /**
   * True when the request may have been applied by the server although no success answer came
   * back: after it left, the connection died, the attempt timed out or was aborted, or the
   * server failed with a 5xx or 408; or a 2xx came with a body the SDK could not use. Once any
   * attempt may have been applied it stays true, whatever later attempts answered. Reads are
   * never unknown. Check the state before sending a non-repeatable operation again.
   */
  readonly outcomeUnknown: boolean = false;

  /**
   * The idempotency key the request carried (`reportEvent`), on its API and connection errors:
   * when `outcomeUnknown` is true, send the event again with this key and the server counts it
   * once. Absent for other operations.
   */
  declare readonly idempotencyKey?: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'name', {
      value: new.target.name,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }

  /** Matches by the brand each error class sets, not by prototype, so two copies of the package recognise each other's errors. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as Branded)[BRAND];
    // `this` is the class `instanceof` was asked about (a subclass too), so its own kind is checked.
    // biome-ignore lint/complexity/noThisInStatic: the receiver is the subclass being tested
    return Array.isArray(kinds) ? kinds.includes(this.kind) : false;
  }

  /** What `JSON.stringify` shows: the public fields, never request headers. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [k, v] of Object.entries(this)) if (k !== 'cause') out[k] = v;
    return out;
  }

  /** `util.inspect` shows the stack and public fields only, so a cause's internals stay hidden. */
  [INSPECT](): string {
    const fields = Object.entries(this.toJSON()).filter(([k]) => k !== 'name' && k !== 'message');
    const body = fields.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join(',\n');
    return fields.length ? `${this.stack ?? this.message} {\n${body}\n}` : (this.stack ?? this.message);
  }
}
brand(ParityDealsError);

export interface APIErrorInit {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  requestId?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  outcomeUnknown?: boolean;
  idempotencyKey?: string | undefined;
}

/**
 * Sets `idempotencyKey` only when there is one, so errors of other operations do not show an
 * empty field in `JSON.stringify` and `util.inspect`.
 */
function setKey(error: ParityDealsError, key: string | undefined): void {
  if (key !== undefined)
    Object.defineProperty(error, 'idempotencyKey', {
      value: key,
      enumerable: true,
      writable: false,
      configurable: true,
    });
}

/** The server answered with a status of 400 or more (or, with `status` below 400, something this operation cannot use). */
export class APIError extends ParityDealsError {
  static override readonly kind: string = 'APIError';
  /** The HTTP status the server answered with. */
  readonly status: number;
  /** The parsed JSON error body (or the raw text when it was not JSON). */
  readonly body: unknown;
  /** The response headers, lower-cased. */
  readonly headers: Record<string, string>;
  /** The server's request id (`x-request-id`), when it sent one; quote it to support. */
  readonly requestId: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  override readonly outcomeUnknown: boolean;

  constructor(message: string, init: APIErrorInit) {
    super(message);
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers ?? {};
    this.requestId = init.requestId;
    this.method = init.method;
    this.url = init.url;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    setKey(this, init.idempotencyKey);
  }
}
brand(APIError, ParityDealsError);

/** 400: the server refused the request as invalid. */
export class InvalidRequestError extends APIError {
  static override readonly kind: string = 'InvalidRequestError';
}
brand(InvalidRequestError, APIError);

/** 401: the access token is missing, wrong or revoked. */
export class AuthenticationError extends APIError {
  static override readonly kind: string = 'AuthenticationError';
}
brand(AuthenticationError, APIError);

/**
 * 403: the token is valid but may not do this. A sibling of `AuthenticationError`, not a kind
 * of it (the official SDKs raise AuthenticationError for both): a valid token that lacks a
 * permission is not a wrong token, and a handler that asks for a new token on
 * AuthenticationError must not do so for it.
 */
export class PermissionDeniedError extends APIError {
  static override readonly kind: string = 'PermissionDeniedError';
}
brand(PermissionDeniedError, APIError);

/** 404: no such customer, subscription or route. */
export class NotFoundError extends APIError {
  static override readonly kind: string = 'NotFoundError';
}
brand(NotFoundError, APIError);

/** 429: too many requests; `retryAfter` (seconds) says how long the server asked to wait. */
export class RateLimitError extends APIError {
  static override readonly kind: string = 'RateLimitError';
  /** Seconds the server asked to wait (`Retry-After`), or undefined when it did not say. */
  get retryAfter(): number | undefined {
    const v = this.headers['retry-after'];
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
}
brand(RateLimitError, APIError);

/** 500 or more: the server failed. */
export class ServerError extends APIError {
  static override readonly kind: string = 'ServerError';
}
brand(ServerError, APIError);

/**
 * The SDK refused the input before sending anything: nothing reached the server, so this is
 * not an `APIError` and has no status. `param` names the offending parameter.
 */
export class ValidationError extends ParityDealsError {
  static override readonly kind: string = 'ValidationError';
  /** The parameter at fault, e.g. `email` or `features[1].quantity`. */
  readonly param: string;
  constructor(message: string, param: string) {
    super(message);
    this.param = param;
  }
}
brand(ValidationError, ParityDealsError);

export interface ConnectionErrorInit {
  method?: string | undefined;
  url?: string | undefined;
  outcomeUnknown?: boolean;
  idempotencyKey?: string | undefined;
  cause?: unknown;
}

/** No answer came: the connection was refused, reset or dropped. */
export class APIConnectionError extends ParityDealsError {
  static override readonly kind: string = 'APIConnectionError';
  readonly method: string | undefined;
  readonly url: string | undefined;
  override readonly outcomeUnknown: boolean;
  constructor(message: string, init: ConnectionErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.url = init.url;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    setKey(this, init.idempotencyKey);
  }
}
brand(APIConnectionError, ParityDealsError);

/** An attempt took longer than its `timeout` and was given up. */
export class APIConnectionTimeoutError extends APIConnectionError {
  static override readonly kind: string = 'APIConnectionTimeoutError';
}
brand(APIConnectionTimeoutError, APIConnectionError);

/** The caller's `AbortSignal` aborted the request. */
export class APIUserAbortError extends APIConnectionError {
  static override readonly kind: string = 'APIUserAbortError';
}
brand(APIUserAbortError, APIConnectionError);
