// Request-body plumbing in the manner of Django REST framework, which the real API runs on:
// camelCase or snake_case keys in, field errors as {"field": ["message"]} out.

import { ErrorAnswer } from './error-answer.js';
import { CHARGE_PERIODS, type ChargePeriod } from '../core/enums.js';

const toCamel = (key: string) => key.replace(/(?<=[^_])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Top-level keys and the keys of `features` items go to camelCase. `metadata` and
 *  `properties` are user data and keep their keys exactly as sent. */
export function camelizeBody(body: Record<string, unknown>): Record<string, unknown> {
  // Object.fromEntries defines own properties, so a `__proto__` key stays a plain key.
  const camelItem = (item: unknown) =>
    isPlainObject(item) ? Object.fromEntries(Object.entries(item).map(([k, v]) => [toCamel(k), v])) : item;
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => {
      const key = toCamel(k);
      return [key, key === 'features' && Array.isArray(v) ? v.map(camelItem) : v];
    }),
  );
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const REQUIRED = 'This field is required.';

/** Collects every field error of one request, like a DRF serializer, then throws them at once. */
export class Fields {
  private readonly errors: Record<string, string[]> = {};
  constructor(readonly body: Record<string, unknown>) {}

  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  has(field: string): boolean {
    return field in this.errors;
  }

  /** Throws a 400 with all collected errors, if any. */
  done(): void {
    if (Object.keys(this.errors).length > 0) throw new ErrorAnswer(400, this.errors);
  }

  string(
    field: string,
    opts: { required?: boolean; allowBlank?: boolean; allowNull?: boolean; max?: number } = {},
  ): string | null | undefined {
    const v = this.body[field];
    if (v === undefined) {
      if (opts.required) this.add(field, REQUIRED);
      return undefined;
    }
    if (v === null) {
      if (!opts.allowNull) this.add(field, 'This field may not be null.');
      return null;
    }
    if (typeof v !== 'string') {
      this.add(field, 'Not a valid string.');
      return undefined;
    }
    if (v.trim() === '' && !opts.allowBlank) {
      this.add(field, 'This field may not be blank.');
      return undefined;
    }
    if (opts.max !== undefined && v.length > opts.max) {
      this.add(field, `Ensure this field has no more than ${opts.max} characters.`);
      return undefined;
    }
    return v;
  }

  choice<T extends string>(field: string, choices: readonly T[], required = true): T | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) {
      if (required) this.add(field, v === null ? 'This field may not be null.' : REQUIRED);
      return undefined;
    }
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      this.add(field, `"${typeof v === 'string' ? v : JSON.stringify(v)}" is not a valid choice.`);
      return undefined;
    }
    return v as T;
  }

  chargePeriod(field = 'chargePeriod'): ChargePeriod | undefined {
    return this.choice(field, CHARGE_PERIODS);
  }

  /** DRF IntegerField: an integral number, or a string of digits. */
  integer(field: string, opts: { required?: boolean; min?: number } = {}): number | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) {
      if (opts.required ?? true) this.add(field, v === null ? 'This field may not be null.' : REQUIRED);
      return undefined;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) {
      this.add(field, 'A valid integer is required.');
      return undefined;
    }
    if (opts.min !== undefined && n < opts.min) {
      this.add(field, `Ensure this value is greater than or equal to ${opts.min}.`);
      return undefined;
    }
    return n;
  }

  object(field: string): Record<string, unknown> | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) return undefined;
    if (!isPlainObject(v)) {
      this.add(field, `Expected a dictionary of items but got type "${Array.isArray(v) ? 'list' : typeof v}".`);
      return undefined;
    }
    return v;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isEmail = (s: string) => EMAIL.test(s);

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
