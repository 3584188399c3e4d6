import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  boundary,
  Clock,
  isoMicros,
  isValidTimestamp,
  parseDateOnly,
  periodIndexAt,
  spaceMicros,
  spaceSeconds,
} from '../../src/testing/clock.js';
import { startEmulator, type Emulator } from '../../src/testing/index.js';
import { call, DAY, subscribed } from './helpers.js';

describe('clock arithmetic', () => {
  it('adds calendar months anchored on the start, clamping month ends', () => {
    const jan31 = Date.UTC(2024, 0, 31, 10);
    const m = { months: 1 };
    assert.equal(new Date(boundary(jan31, m, 1)).toISOString(), '2024-02-29T10:00:00.000Z');
    assert.equal(new Date(boundary(jan31, m, 2)).toISOString(), '2024-03-31T10:00:00.000Z');
    assert.equal(new Date(boundary(jan31, m, 13)).toISOString(), '2025-02-28T10:00:00.000Z');
    assert.equal(new Date(boundary(jan31, { days: 7 }, 2)).toISOString(), '2024-02-14T10:00:00.000Z');
  });

  it('finds the period containing an instant', () => {
    const jan31 = Date.UTC(2024, 0, 31, 10);
    const m = { months: 1 };
    assert.equal(periodIndexAt(jan31, m, jan31), 0);
    assert.equal(periodIndexAt(jan31, m, Date.UTC(2024, 1, 29, 9, 59)), 0);
    assert.equal(periodIndexAt(jan31, m, Date.UTC(2024, 1, 29, 10)), 1);
    assert.equal(periodIndexAt(jan31, m, Date.UTC(2024, 2, 31, 9)), 1);
    assert.equal(periodIndexAt(jan31, { months: 12 }, Date.UTC(2030, 0, 1)), 5);
    assert.equal(periodIndexAt(jan31, { days: 1 }, jan31 + 10.5 * DAY), 10);
    assert.equal(periodIndexAt(jan31, m, jan31 - DAY), 0);
  });

  it('formats the wire timestamps with microseconds', () => {
    const t = Date.UTC(2025, 5, 4, 6, 3, 30, 195) + 0.79;
    assert.equal(isoMicros(t), '2025-06-04T06:03:30.195790Z');
    assert.equal(spaceMicros(t), '2025-06-04 06:03:30.195790');
    assert.equal(spaceSeconds(t), '2025-06-04 06:03:30');
  });

  it('parses dates and validates timestamps strictly', () => {
    assert.equal(parseDateOnly('2024-02-29'), Date.UTC(2024, 1, 29));
    assert.equal(parseDateOnly('2025-02-29'), null);
    assert.equal(parseDateOnly('2025-1-01'), null);
    assert.ok(isValidTimestamp('2025-05-22 08:27:45.430732'));
    assert.ok(isValidTimestamp('2025-05-22T08:27:45Z'));
    assert.ok(!isValidTimestamp('2025-05-22 24:00:00'));
    assert.ok(!isValidTimestamp('yesterday'));
  });

  it('ticks with real time, advances, never goes back, and resets to the start', async () => {
    const c = new Clock(Date.UTC(2020, 0, 1));
    c.advance(DAY);
    assert.equal(c.now().toISOString().slice(0, 10), '2020-01-02');
    assert.throws(() => c.advance(-1), RangeError);
    assert.throws(() => c.advance(Number.NaN), RangeError);
    const before = c.nowMs();
    await new Promise((r) => setTimeout(r, 5));
    assert.ok(c.nowMs() > before);
    c.reset();
    assert.equal(c.now().toISOString().slice(0, 10), '2020-01-01');
    assert.throws(() => new Clock(Number.NaN), RangeError);
  });
});

describe('emulated time', () => {
  let emu: Emulator;
  const START = Date.UTC(2025, 0, 31, 9, 0, 0);
  before(async () => {
    emu = await startEmulator({ now: START });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  const meter = async (customerId: string, featureId: string) =>
    (
      await call(emu, 'GET', `/entitlements?customer_id=${customerId}&feature_id=${featureId}`, undefined, {
        edge: true,
      })
    ).body.entitlements[0];

  it('now() and advanceClock() move the emulated clock; reset() puts it back', () => {
    assert.equal(emu.now().toISOString().slice(0, 16), '2025-01-31T09:00');
    emu.advanceClock(2 * DAY);
    assert.equal(emu.now().toISOString().slice(0, 16), '2025-02-02T09:00');
    assert.throws(() => emu.advanceClock(-5), RangeError);
    emu.reset();
    assert.equal(emu.now().toISOString().slice(0, 16), '2025-01-31T09:00');
  });

  it('rolls the billing period and resets monthly meters; NEVER meters keep their usage', async () => {
    const { subscriptionId } = await subscribed(emu, 'c1');
    await call(emu, 'POST', '/report/usage/', {
      customerId: 'c1',
      featureId: 'api-calls',
      value: 700,
      behaviour: 'SET',
    });
    await call(emu, 'POST', '/report/usage/', { customerId: 'c1', featureId: 'seats', value: 4, behaviour: 'SET' });
    assert.equal((await meter('c1', 'api-calls')).resetAt, '2025-02-28 09:00:00');

    emu.advanceClock(27 * DAY); // Feb 27
    assert.equal((await meter('c1', 'api-calls')).currentUsage, 700);
    emu.advanceClock(DAY + 1000); // just past Feb 28 09:00
    const api = await meter('c1', 'api-calls');
    assert.deepEqual([api.currentUsage, api.remaining, api.resetAt], [0, 10000, '2025-03-31 09:00:00']);
    assert.equal((await meter('c1', 'seats')).currentUsage, 4);
    const s = emu.state().subscriptions.find((x) => x.id === subscriptionId);
    assert.equal(s?.currentPeriodStart.slice(0, 10), '2025-02-28');
    assert.equal(s?.currentPeriodEnd?.slice(0, 10), '2025-03-31');
    assert.deepEqual(
      emu.state().usage.map((u) => [u.featureId, u.value]),
      [
        ['api-calls', 0],
        ['seats', 4],
      ],
    );
  });

  it('a jump over many periods lands in the right one; usage reported after a reset counts', async () => {
    await subscribed(emu, 'c1', 'premium-plan', 'YEARLY');
    await call(emu, 'POST', '/report/usage/', {
      customerId: 'c1',
      featureId: 'api-calls',
      value: 5,
      behaviour: 'DELTA',
    });
    emu.advanceClock(400 * DAY); // 2026-03-07
    await call(emu, 'POST', '/report/usage/', {
      customerId: 'c1',
      featureId: 'api-calls',
      value: 3,
      behaviour: 'DELTA',
    });
    const api = await meter('c1', 'api-calls');
    assert.equal(api.currentUsage, 3, 'the monthly meter reset inside the yearly period');
    assert.equal(api.resetAt, '2026-03-31 09:00:00');
    const [s] = emu.state().subscriptions;
    assert.equal(s?.currentPeriodStart.slice(0, 10), '2026-01-31');
    assert.equal(s?.currentPeriodEnd?.slice(0, 10), '2027-01-31');
  });

  it('seeded subscriptions can start in the past', async () => {
    const seeded = emu.seed({
      subscriptions: [
        { id: 'sub-old', customerId: 'old', planIdentifier: 'plan-pro-monthly', startedAt: '2024-12-15T00:00:00Z' },
      ],
      usage: [{ customerId: 'old', featureId: 'api-calls', value: 42 }],
    });
    assert.equal(seeded.subscriptions[0]?.currentPeriodStart, '2025-01-15T00:00:00.000000Z');
    assert.equal(seeded.subscriptions[0]?.currentPeriodEnd, '2025-02-15T00:00:00.000000Z');
    assert.equal((await meter('old', 'api-calls')).currentUsage, 42);
    emu.advanceClock(16 * DAY);
    assert.equal((await meter('old', 'api-calls')).currentUsage, 0);
  });
});
