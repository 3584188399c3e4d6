import { ValidationError } from '../core/errors.js';
import type { RequestOptions } from '../core/request-options.js';
import { SECRET_HEADER } from './logger.js';

/**
 * Input checks that run before anything is sent. Each failure names the operation, the
 * parameter, what it got and what it expected, e.g.
 * `customers.create: email must be a well-formed email address, got "not-an-email"`.
 */
export class Check {
  constructor(
    private readonly operation: string,
    private readonly params: Record<string, unknown>,
  ) {}

  /**
   * Starts checking `params`, which must be a plain object holding only the keys of `known`.
   * An unknown key is refused rather than dropped: TypeScript catches a misspelling only in an
   * object literal, and a dropped `customer_id` makes a checkout without its customer. `known`
   * is typed by the method's params interface, so a parameter added there must be listed here.
   */
  static of<P extends object>(operation: string, params: P | undefined, known: Record<keyof P, true>): Check {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new ValidationError(`${operation}: expected one object of parameters, got ${show(params)}`, 'params');
    }
    const check = new Check(operation, params as Record<string, unknown>);
    check.onlyKnownKeys('', params as Record<string, unknown>, Object.keys(known));
    return check;
  }

  /** Refuses a key of `object` that is not in `known`, suggesting the one meant (see `unknownKey`). */
  private onlyKnownKeys(at: string, object: Record<string, unknown>, known: readonly string[]): void {
    const unknown = unknownKey(object, known, at);
    if (unknown)
      throw new ValidationError(`${this.operation}: unknown parameter ${unknown.key}${unknown.hint}`, unknown.key);
  }

  fail(param: string, expected: string, got: unknown): never {
    throw new ValidationError(`${this.operation}: ${param} must be ${expected}, got ${show(got)}`, param);
  }

  /** A required, non-blank string. */
  string(param: string): string {
    const value = this.params[param];
    if (value === undefined || value === null) this.fail(param, 'given (it is required)', value);
    if (typeof value !== 'string' || value.trim() === '') this.fail(param, 'a non-empty string', value);
    if (LONE_SURROGATE.test(value)) this.fail(param, 'well-formed text (it holds a lone UTF-16 surrogate)', value);
    return value;
  }

  /** An optional string; when given, it must be non-blank. */
  optionalString(param: string): string | undefined {
    return this.params[param] === undefined ? undefined : this.string(param);
  }

  optionalEmail(param: string): string | undefined {
    const value = this.optionalString(param);
    // One @, something on both sides, a dot in the domain, no spaces: what the server's
    // validator also demands, without trying to be RFC 5322.
    if (value !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      this.fail(param, 'a well-formed email address', value);
    }
    return value;
  }

  oneOf<V extends string>(param: string, allowed: readonly V[]): V {
    const value = this.params[param];
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(param, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
    }
    return value as V;
  }

  integer(param: string): number {
    const value = this.params[param];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(param, 'an integer', value);
    return value;
  }

  /** An optional map of string values, e.g. customer metadata. */
  optionalStringMap(param: string): Record<string, string> | undefined {
    const value = this.params[param];
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) this.fail(param, 'an object of string values', value);
    for (const [key, v] of Object.entries(value)) {
      if (typeof v !== 'string') this.fail(`${param}.${key}`, 'a string', v);
    }
    return value as Record<string, string>;
  }

  /** An optional object sent as JSON: it must survive `JSON.stringify` (no cycles, no BigInt). */
  optionalObject(param: string): Record<string, unknown> | undefined {
    const value = this.params[param];
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) this.fail(param, 'an object', value);
    try {
      JSON.stringify(value);
    } catch (error) {
      this.fail(param, `an object JSON can encode (${(error as Error).message.split('\n', 1)[0]})`, value);
    }
    return value;
  }

  /** `[{ identifier, quantity }]`, quantities non-negative integers; sent as given. */
  optionalFeatures(param: string): { identifier: string; quantity: number }[] | undefined {
    const value = this.params[param];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.fail(param, 'an array of { identifier, quantity }', value);
    return value.map((item: unknown, i) => {
      const at = `${param}[${i}]`;
      if (!isPlainObject(item)) this.fail(at, 'an object { identifier, quantity }', item);
      this.onlyKnownKeys(`${at}.`, item, FEATURE_KEYS);
      const { identifier, quantity } = item;
      if (typeof identifier !== 'string' || identifier.trim() === '')
        this.fail(`${at}.identifier`, 'a non-empty string', identifier);
      if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) {
        this.fail(`${at}.quantity`, 'a non-negative integer', quantity);
      }
      return { identifier, quantity };
    });
  }

  /** A real calendar date written `YYYY-MM-DD` (2025-02-30 is refused). */
  date(param: string): string {
    const value = this.string(param);
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
    if (
      !m ||
      !d ||
      d.getUTCFullYear() !== Number(m[1]) ||
      d.getUTCMonth() !== Number(m[2]) - 1 ||
      d.getUTCDate() !== Number(m[3])
    ) {
      this.fail(param, 'a real calendar date written YYYY-MM-DD', value);
    }
    return value;
  }

  /** An optional positive page number or size. */
  optionalPositiveInteger(param: string): number | undefined {
    const value = this.params[param];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
      this.fail(param, 'a positive integer', value);
    return value;
  }

  /** Copies the optional string parameters named in `wireNames` into `body` under their wire names. */
  copyOptionalStrings(body: Record<string, unknown>, wireNames: Record<string, string>): void {
    for (const [param, wire] of Object.entries(wireNames)) {
      const value = this.optionalString(param);
      if (value !== undefined) body[wire] = value;
    }
  }

  has(param: string): boolean {
    return this.params[param] !== undefined;
  }
}

const FEATURE_KEYS = ['identifier', 'quantity'];

/**
 * The first key of `object` in neither `known` nor `alsoKnown` (a key given as `undefined` too:
 * it is as misspelled), named with the prefix `at` (`features[0].`, `cache.`), and what to tell
 * the caller (the second list spares a hot path from joining the two beforehand): the key
 * meant (`; did you mean customerId?`, adding when that one was not given, so the whole mistake
 * reads in one line), else the keys known. Parameters, per-request options and client options
 * all refuse unknown keys through this, so they read alike.
 */
export function unknownKey(
  object: object,
  known: readonly string[],
  at = '',
  alsoKnown: readonly string[] = NONE,
): { key: string; hint: string } | undefined {
  for (const key of Object.keys(object)) {
    if (known.includes(key) || alsoKnown.includes(key)) continue;
    const all = [...known, ...alsoKnown];
    const meant = suggest(key, all);
    const hint =
      meant === undefined
        ? ` (known: ${all.join(', ')})`
        : `; did you mean ${at}${meant}?${(object as Record<string, unknown>)[meant] === undefined ? ` (${at}${meant} was not given)` : ''}`;
    return { key: `${at}${key}`, hint };
  }
  return undefined;
}

const NONE: readonly string[] = [];

/**
 * The known key a caller most likely meant by `key`, if any: the same word in camelCase
 * (`customer_id`, `CustomerId`), a key it ends with (`customer_name` → `name`), or one a slip
 * away (`behavior` → `behaviour`: at most 2 edits, fewer for short names).
 */
function suggest(key: string, known: readonly string[]): string | undefined {
  const fold = (k: string) => k.replace(/[_\-\s]/g, '').toLowerCase();
  const wanted = fold(key);
  const same = known.find((k) => fold(k) === wanted);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(wanted, fold(k));
    if (d < bestDistance && d <= Math.min(2, Math.max(1, Math.floor(k.length / 3)))) {
      best = k;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  // `customer_name` for `name`: the longest known key the caller's key ends with.
  const endings = known.filter((k) => wanted.endsWith(fold(k)) && wanted.length > fold(k).length);
  return endings.sort((a, b) => b.length - a.length)[0];
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Half of a UTF-16 pair without its other half: it cannot be encoded as UTF-8 or in a URL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The longest timer JavaScript keeps: setTimeout fires at once for anything longer (2^31 - 1
 * ms, about 24.8 days), which would turn a huge timeout into none at all.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The most retries a request may ask for. With backoff at its 8 s ceiling, ten retries already
 * make a call last over a minute; an outage longer than that wants a queue, not a loop.
 */
export const MAX_RETRIES = 10;

/** A header name: an HTTP token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value: visible characters, spaces and tabs; never CR, LF or NUL, which would split the request. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Checks a map of headers (client `defaultHeaders`, a request's `headers`); returns what is
 * wrong, naming the header, or undefined.
 */
export function headersProblem(
  headers: unknown,
  param: string,
): { param: string; expected: string; got: unknown } | undefined {
  if (!isPlainObject(headers)) return { param, expected: 'an object of header names to string values', got: headers };
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!HEADER_NAME.test(name))
      return {
        param: `${param}[${JSON.stringify(name)}]`,
        expected: "a header named with letters, digits and !#$%&'*+.^_`|~-",
        got: name,
      };
    if (typeof value !== 'string') return { param: `${param}.${name}`, expected: 'a string', got: value };
    if (!HEADER_VALUE.test(value))
      return {
        param: `${param}.${name}`,
        expected: 'a header value without CR, LF or other control characters',
        // A key read from a file often ends with a newline: the error must not show it.
        got: SECRET_HEADER.test(name) ? '[redacted]' : value,
      };
  }
  return undefined;
}

/** The per-request options every method takes: typed, so one added to `RequestOptions` must be listed. */
const REQUEST_OPTIONS: Record<keyof RequestOptions, true> = {
  signal: true,
  timeout: true,
  maxRetries: true,
  headers: true,
};
const REQUEST_OPTION_KEYS = Object.keys(REQUEST_OPTIONS);

/**
 * Checks a call's per-request options before anything is sent, for both clients (the
 * synchronous one refuses a `signal` before it gets here). `flags` are the method's own
 * options beyond `RequestOptions`, each a boolean (an entitlement read's `fresh`, `fallback`);
 * any other key is refused, suggesting the one meant, rather than ignored: a misspelled
 * `timout` would otherwise send with the default timeout.
 */
export function checkRequestOptions(operation: string, options: unknown, flags: readonly string[] = NONE): void {
  if (options === undefined || options === null) return;
  const fail = (param: string, expected: string, got: unknown): never => {
    const name = param ? `options.${param}` : 'options';
    throw new ValidationError(`${operation}: ${name} must be ${expected}, got ${show(got)}`, name);
  };
  if (typeof options !== 'object' || Array.isArray(options)) fail('', 'an object', options);
  const o = options as Record<string, unknown>;
  const unknown = unknownKey(o, REQUEST_OPTION_KEYS, 'options.', flags);
  if (unknown) throw new ValidationError(`${operation}: unknown option ${unknown.key}${unknown.hint}`, unknown.key);
  for (const flag of flags) if (o[flag] !== undefined && typeof o[flag] !== 'boolean') fail(flag, 'a boolean', o[flag]);
  if (o.timeout !== undefined && !(typeof o.timeout === 'number' && o.timeout > 0 && o.timeout <= MAX_TIMER_MS))
    fail('timeout', `a number of milliseconds above 0 and at most ${MAX_TIMER_MS}`, o.timeout);
  if (
    o.maxRetries !== undefined &&
    !(
      typeof o.maxRetries === 'number' &&
      Number.isInteger(o.maxRetries) &&
      o.maxRetries >= 0 &&
      o.maxRetries <= MAX_RETRIES
    )
  )
    fail('maxRetries', `an integer from 0 to ${MAX_RETRIES}`, o.maxRetries);
  if (o.signal !== undefined) {
    const signal = o.signal as { aborted?: unknown; addEventListener?: unknown };
    if (
      typeof signal !== 'object' ||
      signal === null ||
      typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function'
    )
      fail('signal', 'an AbortSignal', o.signal);
  }
  if (o.headers !== undefined) {
    const problem = headersProblem(o.headers, 'headers');
    if (problem) fail(problem.param, problem.expected, problem.got);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A short, safe rendering of what the caller passed. */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return `a ${typeof value}`;
}
