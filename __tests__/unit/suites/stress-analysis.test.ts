// The stress suite's pure judgements: figures of tallies, whether a phase held the limits, the
// capacity, and when the service was back after the peak.
import { describe, expect, it } from 'vitest';
import { RunTally } from '../../../src/engine/run-tally.ts';
import type { Tally } from '../../../src/engine/staged.ts';
import {
  breachOf,
  type CooldownSecond,
  capacityOf,
  figuresOf,
  findRecovery,
  mergeKinds,
} from '../../../src/suites/stress/analysis.ts';
import type { StabilityLimits } from '../../../src/suites/stress/config.ts';
import type { LoadFigures, StressPhaseRow } from '../../../src/suites/stress/results.ts';
import { requestTotals } from '../../helpers/sample-result.ts';

const LIMITS: StabilityLimits = { errorRate: 0.05, p95Ms: 2000 };

function figures(over: Partial<LoadFigures> = {}): LoadFigures {
  return {
    requests: 100,
    achievedRps: 50,
    p50Ms: 5,
    p95Ms: 10,
    p99Ms: 20,
    errorRate: 0,
    ...over,
  };
}

/** The outcome counts a test sets; `completed` and `failed` follow from them. */
type Counts = Partial<Pick<Tally, 'sent' | 'ok' | 'errorStatus' | 'socketErrors' | 'timeouts'>> & {
  statusCodes?: Record<string, number>;
};

function tally(latenciesMs: number[], over: Counts = {}): Tally {
  const t = new RunTally();
  for (const ms of latenciesMs) t.histogram.recordMillis(ms);
  Object.assign(t, over);
  return t;
}

describe('figuresOf and mergeKinds', () => {
  it('counts every failure kind against the requests sent', () => {
    // 10 sent: 7 answered (5 ok, 2 non-2xx), 1 socket error, 2 timeouts.
    const t = tally([1, 2, 3, 4, 5, 6, 7, 100, 100], {
      sent: 10,
      ok: 5,
      errorStatus: 2,
      socketErrors: 1,
      timeouts: 2,
    });
    const f = figuresOf(t, 2000);
    expect(f.requests).toBe(10);
    expect(f.achievedRps).toBeCloseTo(3.5, 9);
    expect(f.errorRate).toBeCloseTo(0.5, 9);
    expect(f.p50Ms).toBeGreaterThan(4);
    expect(f.p50Ms).toBeLessThan(6);
    expect(f.p99Ms).toBeGreaterThan(99);
  });

  it('gives zeros, not NaN, for an empty tally or a zero duration', () => {
    const f = figuresOf(new RunTally(), 0);
    expect(f.requests).toBe(0);
    expect(f.achievedRps).toBe(0);
    expect(f.errorRate).toBe(0);
  });

  it('adds the kinds together', () => {
    const all = mergeKinds(
      new Map([
        ['a', tally([1, 1], { sent: 2, ok: 2, statusCodes: { '200': 2 } })],
        [
          'b',
          tally([9], { sent: 2, ok: 0, errorStatus: 1, timeouts: 1, statusCodes: { '500': 1 } }),
        ],
      ]),
    );
    expect(all).toMatchObject({ sent: 4, completed: 3, ok: 2, timeouts: 1 });
    expect(all.statusCodes).toStrictEqual({ '200': 2, '500': 1 });
    expect(all.histogram.percentileMs(100)).toBeGreaterThan(8.9);
  });
});

describe('breachOf', () => {
  it.each<[string, Partial<LoadFigures>, string | undefined]>([
    ['everything well within', {}, undefined],
    ['errors just under the limit', { errorRate: 0.0499 }, undefined],
    ['errors at the limit', { errorRate: 0.05 }, 'errors 5.00 % >= 5.00 %'],
    ['errors over the limit', { errorRate: 0.2 }, 'errors 20.00 % >= 5.00 %'],
    ['p95 just under the limit', { p95Ms: 1999.9 }, undefined],
    ['p95 at the limit', { p95Ms: 2000 }, 'p95 2.00 s >= 2.00 s'],
    ['p95 over the limit', { p95Ms: 2500 }, 'p95 2.50 s >= 2.00 s'],
    [
      'both over',
      { errorRate: 0.1, p95Ms: 3000 },
      'errors 10.00 % >= 5.00 %, p95 3.00 s >= 2.00 s',
    ],
    ['no requests at all', { requests: 0, errorRate: 0, p95Ms: 0 }, 'no request sent'],
  ])('%s', (_, over, expected) => {
    expect(breachOf(figures(over), LIMITS)).toBe(expected);
  });
});

function row(
  level: number,
  status: StressPhaseRow['status'],
  over: Partial<StressPhaseRow> = {},
): StressPhaseRow {
  return {
    ...figures({ achievedRps: level * 0.9 }),
    kind: status === 'cooldown' ? 'cooldown' : 'stage',
    level,
    startMs: 0,
    durationMs: 1000,
    status,
    generatorCpuPercent: 10,
    totals: requestTotals(),
    byKind: {},
    ...(status === 'broke' ? { reason: `p95 broke at ${level}` } : {}),
    ...over,
  };
}

describe('capacityOf', () => {
  it.each<[string, StressPhaseRow[], ReturnType<typeof capacityOf>]>([
    [
      'every level held: the last one',
      [row(10, 'held'), row(20, 'held'), row(40, 'held'), row(10, 'cooldown')],
      { level: 40, rps: 36 },
    ],
    [
      'broke at the third: the second, and where it broke',
      [row(10, 'held'), row(20, 'held'), row(40, 'broke'), row(10, 'cooldown')],
      { level: 20, rps: 18, brokeAt: { level: 40, reason: 'p95 broke at 40' } },
    ],
    [
      'broke at the first: level 0',
      [row(10, 'broke'), row(20, 'stopped'), row(10, 'cooldown')],
      { level: 0, rps: 0, brokeAt: { level: 10, reason: 'p95 broke at 10' } },
    ],
    [
      'stopped rows after the break are ignored',
      [row(10, 'held'), row(20, 'broke'), row(30, 'stopped', { achievedRps: 999 })],
      { level: 10, rps: 9, brokeAt: { level: 20, reason: 'p95 broke at 20' } },
    ],
    [
      'a stopped row alone does not count as held',
      [row(10, 'held'), row(20, 'stopped', { achievedRps: 999 })],
      { level: 10, rps: 9 },
    ],
    [
      'the cool-down is ignored however it went',
      [row(10, 'held'), row(20, 'held'), row(10, 'cooldown', { achievedRps: 999 })],
      { level: 20, rps: 18 },
    ],
    [
      'a broke row without a reason still says it broke',
      [row(10, 'held'), row(20, 'broke', { reason: undefined })],
      { level: 10, rps: 9, brokeAt: { level: 20, reason: 'broke' } },
    ],
    ['no phases at all', [], { level: 0, rps: 0 }],
  ])('%s', (_, rows, expected) => {
    expect(capacityOf(rows)).toStrictEqual(expected);
  });
});

/** Cool-down seconds at offsets 0, 1, 2, ... with these p95s (ms) and error rates. */
function cooldown(...seconds: [p95Ms: number, errorRate?: number, requests?: number][]) {
  return seconds.map(
    ([p95Ms, errorRate = 0, requests = 50], i): CooldownSecond => ({
      offsetS: i,
      figures: figures({ p95Ms, errorRate, requests }),
    }),
  );
}

describe('findRecovery', () => {
  // Pre-peak p95 10 ms: back means p95 <= 12 ms (20 %, more than the 1 ms floor).
  it.each<[string, number, CooldownSecond[], number | undefined]>([
    ['back at once', 10, cooldown([11], [10], [12]), 0],
    ['back at second 2 and stays', 10, cooldown([500], [40], [12], [9], [11]), 2],
    [
      'one lucky second before a bad one is not recovery',
      10,
      cooldown([500], [9], [300], [10], [10]),
      3,
    ],
    ['never back', 10, cooldown([500], [400], [300], [200]), undefined],
    ['just over the tolerance is not back', 10, cooldown([12.1], [12.1], [12.1]), undefined],
    [
      'a good last second counts on its own (no next second to check)',
      10,
      cooldown([500], [11]),
      1,
    ],
    // Sub-millisecond p95: 20 % of 0.2 ms would be 0.04 ms; the 1 ms floor applies.
    ['the 1 ms floor for a sub-millisecond p95', 0.2, cooldown([1.1], [1.15]), 0],
    ['over the 1 ms floor', 0.2, cooldown([1.3], [1.3]), undefined],
    ['an error rate at the limit is not back', 10, cooldown([10, 0.05], [10, 0.05]), undefined],
    ['errors below the limit are back', 10, cooldown([10, 0.2], [10, 0.04], [10, 0]), 1],
    ['a second without requests is not back', 10, cooldown([0, 0, 0], [0, 0, 0]), undefined],
    ['no cool-down seconds', 10, [], undefined],
  ])('%s', (_, prePeakP95Ms, seconds, expected) => {
    const found = findRecovery(prePeakP95Ms, seconds, LIMITS);
    expect(found.seconds).toBe(expected);
  });

  it('reports the tolerance: 20 % of the pre-peak p95, at least 1 ms', () => {
    expect(findRecovery(10, [], LIMITS).toleranceMs).toBeCloseTo(2, 9);
    expect(findRecovery(0.2, [], LIMITS).toleranceMs).toBe(1);
    expect(findRecovery(100, [], LIMITS).toleranceMs).toBeCloseTo(20, 9);
  });

  it('counts from the cool-down second offsets it is given', () => {
    const seconds = cooldown([500], [10], [10]).map((s) => ({ ...s, offsetS: s.offsetS + 0.5 }));
    expect(findRecovery(10, seconds, LIMITS).seconds).toBe(1.5);
  });
});
