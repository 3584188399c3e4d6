import { ValidationError } from '../core/errors.js';

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

  /**
   * Refuses a key of `object` that is not in `known`, suggesting the one meant. `at` prefixes
   * the names (`features[0].`). When the key meant is required and missing, the message says so,
   * so the caller reads the whole mistake in one line.
   */
  private onlyKnownKeys(at: string, object: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      const meant = suggest(key, known);
      const hint =
        meant === undefined
          ? ` (known: ${known.join(', ')})`
          : `; did you mean ${at}${meant}?${object[meant] === undefined ? ` (${at}${meant} was not given)` : ''}`;
      throw new ValidationError(`${this.operation}: unknown parameter ${at}${key}${hint}`, `${at}${key}`);
    }
  }

  fail(param: string, expected: string, got: unknown): never {
    throw new ValidationError(`${this.operation}: ${param} must be ${expected}, got ${show(got)}`, param);
  }

  /** A required, non-blank string. */
  string(param: string): string {
    const value = this.params[param];
    if (value === undefined || value === null) this.fail(param, 'given (it is required)', value);
    if (typeof value !== 'string' || value.trim() === '') this.fail(param, 'a non-empty string', value);
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

  optionalObject(param: string): Record<string, unknown> | undefined {
    const value = this.params[param];
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) this.fail(param, 'an object', value);
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
