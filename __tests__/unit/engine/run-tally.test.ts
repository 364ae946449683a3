// The one tally of request outcomes: each outcome counted once with its request, the identity at
// every step, what `failed` counts, and that adding tallies keeps every count.
import { describe, expect, it } from 'vitest';
import type { ExchangeOutcome } from '../../../src/engine/exchange.ts';
import { RunTally, resultOf } from '../../../src/engine/run-tally.ts';

/** sent = ok + errorStatus + socketErrors + timeouts + dropped, and completed = ok + errorStatus. */
function expectIdentity(t: RunTally): void {
  expect(t.ok + t.errorStatus + t.socketErrors + t.timeouts + t.dropped).toBe(t.sent);
  expect(t.completed).toBe(t.ok + t.errorStatus);
  expect(t.failed).toBe(t.sent - t.ok);
}

const OUTCOMES: [ExchangeOutcome, number][] = [
  [200, 5],
  [204, 6],
  [301, 7],
  [404, 8],
  [503, 9],
  ['timeout', 1000],
  ['error', 3],
  ['aborted', 2],
];

describe('RunTally', () => {
  it('counts each ended request once, as sent and as its one outcome', () => {
    const t = new RunTally();
    OUTCOMES.forEach(([outcome, latencyMs], i) => {
      t.record(outcome, latencyMs, 10, 100 + i);
      expectIdentity(t);
    });
    expect(t).toMatchObject({
      sent: 8,
      ok: 3,
      errorStatus: 2,
      socketErrors: 1,
      timeouts: 1,
      dropped: 1,
      completed: 5,
      failed: 5,
      bodyBytes: 80,
    });
    expect(t.statusCodes).toStrictEqual({ 200: 1, 204: 1, 301: 1, 404: 1, 503: 1 });
    // Answers and the timeout have a latency; the socket error and the dropped request have none.
    expect(t.histogram.count).toBe(6);
    expect(t.histogram.maxMs).toBeGreaterThanOrEqual(1000);
    // The last outcome from the service was the socket error; a drop is the run's, not its.
    expect(t.lastOutcomeAt).toBe(106);
  });

  it('counts requests that were never sent as sent and dropped, so failed', () => {
    const t = new RunTally();
    t.record(200, 5, 0, 1);
    t.drop(4);
    expectIdentity(t);
    expect(t).toMatchObject({ sent: 5, ok: 1, dropped: 4, failed: 4 });
    expect(t.histogram.count).toBe(1);
  });

  it('adds another tally into itself, every count and latency', () => {
    const a = new RunTally();
    const b = new RunTally();
    a.record(200, 5, 1, 10);
    b.record(500, 50, 2, 20);
    b.record('timeout', 300, 0, 30);
    b.drop(1);
    b.late = 2;
    a.add(b);
    expectIdentity(a);
    expect(a).toMatchObject({
      sent: 4,
      ok: 1,
      errorStatus: 1,
      timeouts: 1,
      dropped: 1,
      late: 2,
      bodyBytes: 3,
      lastOutcomeAt: 30,
    });
    expect(a.statusCodes).toStrictEqual({ 200: 1, 500: 1 });
    expect(a.histogram.count).toBe(3);
  });

  it('becomes an engine result with the same counts, and a rate over the elapsed time', () => {
    const t = new RunTally();
    for (let i = 0; i < 10; i++) t.record(i < 9 ? 200 : 500, 5, 0, i);
    t.drop(2);
    const result = resultOf(t, {
      model: 'open',
      elapsedMs: 2000,
      cpuStart: process.cpuUsage(),
      cpuWallMs: 2000,
      targetRate: 6,
    });
    expect(result).toMatchObject({
      model: 'open',
      sent: 12,
      completed: 10,
      ok: 9,
      errorStatus: 1,
      dropped: 2,
      achievedRate: 5,
      targetRate: 6,
      elapsedMs: 2000,
    });
    expect(result).not.toHaveProperty('connections');
    expect(result).not.toHaveProperty('cappedAtMs');
  });
});
