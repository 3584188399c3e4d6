// The emulated clock, billing-period arithmetic and the server's timestamp formats.
//
// The clock ticks with real time (so timestamps differ and increase like a real server's)
// and tests can push it forward with advanceClock() to make periods end without waiting.
// It never goes backwards: period and cancellation bookkeeping assume time only grows.

import { performance } from 'node:perf_hooks';
import type { ChargePeriod } from '../core/enums.js';

const DAY_MS = 86_400_000;
/** The last instant the API's timestamps (`YYYY-...`) can write. */
const LAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export class Clock {
  private readonly initialMs: number;
  private startedAt = performance.now();
  private offsetMs = 0;

  constructor(initial?: Date | number) {
    const ms = initial === undefined ? Date.now() : typeof initial === 'number' ? initial : initial.getTime();
    if (!Number.isFinite(ms)) throw new RangeError(`Invalid emulator clock start: ${String(initial)}`);
    this.initialMs = ms;
  }

  /** Milliseconds since the epoch, with sub-millisecond (microsecond) resolution. */
  nowMs(): number {
    return this.initialMs + this.offsetMs + (performance.now() - this.startedAt);
  }

  now(): Date {
    return new Date(Math.floor(this.nowMs()));
  }

  /** Moves time forward; a step that would leave the timestamp formats' range is refused, changing nothing. */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advanceClock(ms) needs a finite number >= 0, got ${String(ms)}`);
    }
    if (this.nowMs() + ms > LAST_MS) {
      throw new RangeError(
        `advanceClock(${String(ms)}) would move the clock past 9999-12-31, beyond the API's 4-digit years; the clock is unchanged`,
      );
    }
    this.offsetMs += ms;
  }

  /** Back to the initial instant, ticking again from there. */
  reset(): void {
    this.offsetMs = 0;
    this.startedAt = performance.now();
  }
}

// ---- billing periods -------------------------------------------------------------------

/** A period length: calendar months (month ends clamp: Jan 31 + 1 month = Feb 28/29) or days. */
export type Interval = { months: number } | { days: number };

/** ONE_TIME has no period: it never renews and has no period end. */
export function intervalOf(period: ChargePeriod): Interval | null {
  switch (period) {
    case 'ONE_TIME':
      return null;
    case 'DAILY':
      return { days: 1 };
    case 'WEEKLY':
      return { days: 7 };
    case 'MONTHLY':
      return { months: 1 };
    case 'THREE_MONTHS':
      return { months: 3 };
    case 'SIX_MONTHS':
      return { months: 6 };
    case 'YEARLY':
      return { months: 12 };
  }
}

function addMonths(ms: number, n: number): number {
  const whole = Math.floor(ms);
  const d = new Date(whole);
  const total = d.getUTCMonth() + n;
  const year = d.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  const out = Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  return out + (ms - whole);
}

/** The k-th boundary after `anchor` (k = 0 is the anchor itself). Always anchored on the
 *  original start, so a subscription started on the 31st renews on the 31st where it can. */
export function boundary(anchor: number, interval: Interval, k: number): number {
  return 'months' in interval ? addMonths(anchor, k * interval.months) : anchor + k * interval.days * DAY_MS;
}

/** Index of the period containing `t`: the largest k >= 0 with boundary(k) <= t. */
export function periodIndexAt(anchor: number, interval: Interval, t: number): number {
  if (t <= anchor) return 0;
  let k: number;
  if ('months' in interval) {
    const a = new Date(anchor);
    const b = new Date(t);
    const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
    k = Math.max(0, Math.floor(months / interval.months));
  } else {
    k = Math.floor((t - anchor) / (interval.days * DAY_MS));
  }
  while (k > 0 && boundary(anchor, interval, k) > t) k--;
  while (boundary(anchor, interval, k + 1) <= t) k++;
  return k;
}

// ---- wire formats ----------------------------------------------------------------------

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function parts(ms: number) {
  const whole = Math.floor(ms);
  const d = new Date(whole);
  const micros = d.getUTCMilliseconds() * 1000 + Math.min(999, Math.floor((ms - whole) * 1000));
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return { date, time, micros: pad(micros, 6) };
}

/** `2025-06-04T06:03:30.195790Z`: customer and subscription timestamps. */
export function isoMicros(ms: number): string {
  const p = parts(ms);
  return `${p.date}T${p.time}.${p.micros}Z`;
}

/** `2025-05-22 08:27:45.430732`: usage and event timestamps (UTC, no T, no Z). */
export function spaceMicros(ms: number): string {
  const p = parts(ms);
  return `${p.date} ${p.time}.${p.micros}`;
}

/** `2025-07-01 00:00:00`: entitlement resetAt. */
export function spaceSeconds(ms: number): string {
  const p = parts(ms);
  return `${p.date} ${p.time}`;
}

/** `YYYY-MM-DD` as midnight UTC, or null if it is not a real calendar date. */
export function parseDateOnly(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

/** Event timestamps: `YYYY-MM-DD HH:MM:SS[.ffffff]`, also with `T` and a trailing `Z` (Django
 *  parses both). Returns whether the string is a valid date-time. */
export function isValidTimestamp(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m || parseDateOnly(m[1] ?? '') === null) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
}
