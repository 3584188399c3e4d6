// The journal format's replay, and what a reporter does with what an earlier process left.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageEntry } from '../../src/usage/buffer.js';
import { jobPromise, type Sender, type UsageFailure, UsageReporter } from '../../src/usage/flusher.js';
import { reporterConfig } from './helpers.js';
import { recordLine, replay, sendingLine, settledLine, stateLines } from '../../src/usage/outbox.js';

const report = (customerId: string, behaviour: 'DELTA' | 'SET', value: number) => ({
  customerId,
  featureId: 'f',
  behaviour,
  value,
});
const brief = (e: UsageEntry) => [e.customerId, e.behaviour, e.value, e.reports];

describe('journal replay', () => {
  it('combines records, moves a sent entry out, and knows what each outcome means', () => {
    const lines = [
      recordLine(report('a', 'DELTA', 2)),
      recordLine(report('a', 'DELTA', 3)),
      recordLine(report('b', 'SET', 7)),
      recordLine(report('c', 'DELTA', 1)),
    ];
    const entry = (c: string) => ({ customerId: c, featureId: 'f', resourceId: undefined }) as UsageEntry;
    lines.push(sendingLine(1, entry('a')), sendingLine(2, entry('b')), sendingLine(3, entry('c')));
    lines.push(recordLine(report('a', 'DELTA', 10)), recordLine(report('b', 'DELTA', 1)));
    lines.push(settledLine(1, 'delivered'), settledLine(2, 'kept'));
    const r = replay(lines.join('').split('\n'));
    assert.equal(r.skipped, 0);
    assert.deepEqual(r.waiting.map(brief).sort(), [
      ['a', 'DELTA', 10, 1],
      ['b', 'SET', 8, 2],
    ]);
    assert.deepEqual(r.inFlight.map(brief), [['c', 'DELTA', 1, 1]], 'sent with no outcome: in flight');
    assert.equal(r.nextId, 4);
  });

  it('skips what it cannot read and counts it', () => {
    const r = replay(['["R","a"', 'not json', '["X"]', '["O",9,"d"]', recordLine(report('a', 'DELTA', 1)).trim()]);
    assert.equal(r.skipped, 4);
    assert.deepEqual(r.waiting.map(brief), [['a', 'DELTA', 1, 1]]);
  });

  it('stateLines() replays to the same state', () => {
    const waiting = replay([recordLine(report('a', 'SET', 4)), recordLine(report('a', 'DELTA', 1))]).waiting;
    const inFlight = replay([recordLine(report('b', 'DELTA', 5))]).waiting.map((entry) => ({ id: 7, entry }));
    const r = replay(stateLines({ waiting, inFlight }).join('').split('\n'));
    assert.deepEqual(r.waiting.map(brief), [['a', 'SET', 5, 2]]);
    assert.deepEqual(r.inFlight.map(brief), [['b', 'DELTA', 5, 1]]);
    assert.equal(r.nextId, 8);
  });
});

describe('UsageReporter.adopt', () => {
  it('sends waiting entries and in-flight SETs again; hands in-flight DELTAs to onError, unsent', async () => {
    const sent: unknown[] = [];
    const failures: UsageFailure[] = [];
    const sender: Sender = (entry, done) => {
      sent.push(brief(entry));
      done();
    };
    const reporter = new UsageReporter(reporterConfig({ onError: (f) => failures.push(f) }), {
      sender,
      defer: () => {},
    });
    const lines = [
      recordLine(report('wait', 'DELTA', 3)),
      recordLine(report('set', 'SET', 9)),
      recordLine(report('delta', 'DELTA', 4)),
      sendingLine(1, { customerId: 'set', featureId: 'f' } as UsageEntry),
      sendingLine(2, { customerId: 'delta', featureId: 'f' } as UsageEntry),
    ];
    reporter.adopt(replay(lines.join('').split('\n')));
    assert.deepEqual(
      failures.map((f) => [f.customerId, f.value, f.outcomeUnknown, f.retrying]),
      [['delta', 4, true, false]],
    );
    await jobPromise(reporter.flush());
    assert.deepEqual(sent.sort(), [
      ['set', 'SET', 9, 1],
      ['wait', 'DELTA', 3, 1],
    ]);
  });
});

describe('UsageReporter over an outbox that fails', () => {
  /** An outbox whose every method but append throws while `failing`, as a broken disk would make one. */
  function brokenOutbox() {
    const events: string[] = [];
    const box = {
      failing: true,
      events,
      append: () => {},
      sending: (id: number) => {
        if (box.failing) throw new Error('EIO: i/o error, write');
        events.push(`S${id}`);
      },
      settled: (id: number) => {
        if (box.failing) throw new Error('EIO: i/o error, write');
        events.push(`O${id}`);
      },
      due: true,
      compact: () => {
        throw new Error('EIO: i/o error, rename');
      },
      close: () => {},
    };
    return box;
  }

  function reporterOver(outbox: ReturnType<typeof brokenOutbox>, sender: Sender) {
    const failures: UsageFailure[] = [];
    const reporter = new UsageReporter(reporterConfig({ onError: (f) => failures.push(f) }), {
      sender,
      defer: () => {},
      outbox,
    });
    return { reporter, failures };
  }

  it('a rewrite that throws after record() accepted the report does not reach the caller', () => {
    const { reporter } = reporterOver(brokenOutbox(), (_e, done) => done());
    assert.equal(reporter.record(report('a', 'DELTA', 1)), true);
  });

  it('"sending" that throws: nothing is sent, the flush resolves with the entry kept, and a later one delivers it once', async () => {
    const outbox = brokenOutbox();
    const sent: unknown[] = [];
    const { reporter, failures } = reporterOver(outbox, (entry, done) => {
      sent.push(brief(entry));
      done();
    });
    reporter.record(report('a', 'DELTA', 2));
    const first = await jobPromise(reporter.flush());
    assert.deepEqual(sent, []);
    assert.deepEqual(
      first.failed.map((f) => [f.value, f.retrying, f.outcomeUnknown, f.error.constructor.name]),
      [[2, true, false, 'ParityDealsError']],
    );
    assert.equal(reporter.held, 1);
    outbox.failing = false;
    reporter.record(report('a', 'DELTA', 3));
    const second = await jobPromise(reporter.flush());
    assert.deepEqual([second.delivered, second.reports, sent, failures], [1, 2, [['a', 'DELTA', 5, 2]], []]);
    // One request in the outbox, sent and settled: the refused one left nothing there.
    assert.deepEqual(
      outbox.events.map((e) => e[0]),
      ['S', 'O'],
    );
    assert.equal(outbox.events[0]?.slice(1), outbox.events[1]?.slice(1));
  });

  it('"settled" that throws: the settle goes on, the key is freed and the flush resolves', async () => {
    const outbox = brokenOutbox();
    const { reporter } = reporterOver(outbox, (_e, done) => {
      outbox.failing = true;
      done();
    });
    outbox.failing = false;
    reporter.record(report('a', 'DELTA', 2));
    const result = await jobPromise(reporter.flush());
    assert.deepEqual([result.delivered, result.failed, reporter.held], [1, [], 0]);
  });
});
