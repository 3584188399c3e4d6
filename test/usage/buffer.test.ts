import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combine, UsageBuffer, type UsageReport, usageKey } from '../../src/usage/buffer.js';

const r = (behaviour: 'DELTA' | 'SET', value: number, resourceId?: string): UsageReport => ({
  customerId: 'c',
  featureId: 'f',
  resourceId,
  behaviour,
  value,
});

/** What one-by-one sending leaves on a meter that never goes below zero. */
function oneByOne(start: number, reports: UsageReport[]): number {
  return reports.reduce((v, x) => Math.max(0, x.behaviour === 'SET' ? x.value : v + x.value), start);
}

function fill(reports: UsageReport[]): UsageBuffer {
  const buffer = new UsageBuffer();
  for (const report of reports) {
    const key = usageKey(report.customerId, report.featureId, report.resourceId);
    const entry = buffer.get(key);
    if (entry) {
      // The reporter folds into an existing entry through combine(); insert() starts one.
      combine(entry, report.behaviour, report.value, 1);
    } else buffer.insert(key, report);
  }
  return buffer;
}

describe('the combining buffer', () => {
  it('sums DELTAs, lets a SET replace, adds DELTAs after a SET', () => {
    const cases: UsageReport[][] = [
      [r('DELTA', 2), r('DELTA', 3)],
      [r('DELTA', 2), r('SET', 10)],
      [r('SET', 10), r('DELTA', 5), r('DELTA', -3)],
      [r('DELTA', 4), r('SET', 1), r('DELTA', 2), r('SET', 7), r('DELTA', 1)],
      [r('SET', 3), r('DELTA', -5), r('DELTA', 4)],
    ];
    for (const reports of cases) {
      const [entry] = fill(reports).drain();
      assert.ok(entry);
      assert.equal(entry.reports, reports.length);
      const sent = entry.behaviour === 'SET' ? entry.value : 100 + entry.value;
      assert.equal(sent, oneByOne(100, reports), JSON.stringify(reports));
      if (reports.some((x) => x.behaviour === 'SET')) assert.equal(entry.behaviour, 'SET');
    }
  });

  it('keeps keys apart by customer, feature and resource', () => {
    const buffer = fill([r('DELTA', 1), r('DELTA', 1, 'r1'), r('DELTA', 1, 'r2'), r('DELTA', 1, 'r1')]);
    assert.equal(buffer.size, 3);
    assert.deepEqual(
      buffer.drain().map((e) => [e.resourceId, e.value]),
      [
        [undefined, 1],
        ['r1', 2],
        ['r2', 1],
      ],
    );
  });

  it('puts a taken entry back ahead of what came since', () => {
    const buffer = fill([r('SET', 5)]);
    const taken = buffer.remove(usageKey('c', 'f', undefined));
    assert.equal(buffer.size, 0);
    buffer.insert(usageKey('c', 'f', undefined), r('DELTA', 2));
    buffer.putBack(taken!);
    const [merged] = buffer.drain();
    assert.deepEqual([merged?.behaviour, merged?.value, merged?.reports], ['SET', 7, 2]);
  });

  it('remove() takes one key, drain() the rest', () => {
    const buffer = fill([r('DELTA', 1), r('DELTA', 1, 'x')]);
    assert.equal(buffer.remove(usageKey('c', 'f', 'x'))?.resourceId, 'x');
    assert.equal(buffer.remove(usageKey('c', 'f', 'x')), undefined);
    assert.deepEqual(
      buffer.drain().map((e) => e.resourceId),
      [undefined],
    );
    assert.equal(buffer.size, 0);
  });
});
