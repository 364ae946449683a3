import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/engine/histogram.ts';
import {
  errorRate,
  measurementFigures,
  overallRate,
  scenarioMetrics,
  sumTotals,
} from '../../../src/results/scenario-metrics.ts';
import type { RequestTotals } from '../../../src/results/types.ts';

function totals(over: Partial<RequestTotals>): RequestTotals {
  return {
    sent: 0,
    completed: 0,
    ok: 0,
    errorStatus: 0,
    socketErrors: 0,
    timeouts: 0,
    late: 0,
    dropped: 0,
    statusCodes: {},
    ...over,
  };
}

describe('errorRate', () => {
  it.each([
    ['nothing attempted', totals({}), 0],
    ['all ok', totals({ completed: 100, ok: 100 }), 0],
    ['non-2xx/3xx answers count', totals({ completed: 100, ok: 90 }), 0.1],
    [
      'socket errors and timeouts count',
      totals({ completed: 98, ok: 98, socketErrors: 1, timeouts: 1 }),
      0.02,
    ],
    ['dropped sends count', totals({ completed: 90, ok: 90, dropped: 10 }), 0.1],
  ])('%s', (_label, t, expected) => {
    expect(errorRate(t)).toBeCloseTo(expected, 12);
  });
});

describe('sumTotals', () => {
  it('adds counts and status codes', () => {
    const sum = sumTotals([
      totals({ sent: 2, completed: 2, ok: 1, statusCodes: { '200': 1, '500': 1 } }),
      totals({ sent: 3, completed: 2, ok: 2, timeouts: 1, statusCodes: { '200': 2 } }),
    ]);
    expect(sum).toEqual(
      totals({ sent: 5, completed: 4, ok: 3, timeouts: 1, statusCodes: { '200': 3, '500': 1 } }),
    );
  });
});

describe('overallRate', () => {
  it('is answers over total measured time, not a mean of round rates', () => {
    const rate = overallRate([
      { elapsedMs: 1000, totals: totals({ completed: 100 }) },
      { elapsedMs: 3000, totals: totals({ completed: 100 }) },
    ]);
    expect(rate).toBe(50);
  });
  it('is 0 with no time', () => {
    expect(overallRate([])).toBe(0);
  });
});

describe('scenarioMetrics', () => {
  it('keys, units, directions, values and per-round samples', () => {
    const h = LatencyHistogram.create();
    for (let i = 1; i <= 100; i++) h.recordMillis(i);
    const overall = measurementFigures(h, totals({ completed: 100, ok: 99 }), 250);
    const metrics = scenarioMetrics('load', 'list', overall, [
      overall,
      { ...overall, 'throughput.rps': 240 },
    ]);
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    expect(Object.keys(byName)).toEqual([
      'latency.p50',
      'latency.p90',
      'latency.p95',
      'latency.p99',
      'latency.max',
      'latency.mean',
      'throughput.rps',
      'errors.rate',
    ]);
    expect(byName['latency.p95']).toMatchObject({
      key: 'load/list/latency.p95',
      suite: 'load',
      scenario: 'list',
      unit: 'ms',
      better: 'lower',
    });
    expect(byName['latency.p95']?.value).toBeGreaterThanOrEqual(95);
    expect(byName['latency.p95']?.value).toBeLessThan(95.1);
    expect(byName['throughput.rps']).toMatchObject({ unit: 'rps', better: 'higher', value: 250 });
    expect(byName['throughput.rps']?.samples).toEqual([250, 240]);
    expect(byName['errors.rate']).toMatchObject({ unit: 'ratio', value: 0.01 });
  });
});
