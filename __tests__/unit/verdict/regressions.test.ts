import { describe, expect, it } from 'vitest';
import type { AcceptRule, RegressionPolicy } from '../../../src/config/regression-policy.ts';
import { DEFAULT_REGRESSION_POLICY } from '../../../src/config/regression-policy.ts';
import { createRandom } from '../../../src/core/random.ts';
import type { Check, Metric } from '../../../src/results/types.ts';
import { matchesKeyPattern } from '../../../src/verdict/key-pattern.ts';
import { benjaminiHochberg, checkRegressions } from '../../../src/verdict/regressions.ts';
import { metric } from '../../helpers/sample-result.ts';

// Ten runs of the same code: p95 about 100 ms, a few percent apart from run to run.
const QUIET_P95 = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99];
// Ten runs on a noisy runner: about 10 % apart.
const NOISY_P95 = [100, 115, 88, 107, 93, 120, 85, 104, 96, 110];

/** Three rounds around a value, 1 % apart: a run's rounds agree with each other more than runs do. */
function rounds(value: number): number[] {
  return [value * 0.99, value, value * 1.01];
}

/** One history run per value, each holding one metric. */
function history(name: string, values: readonly number[], scenario = 'list'): Metric[][] {
  return values.map((v) => [metric(scenario, name, v, rounds(v))]);
}

function only(checks: Check[]): Check {
  expect(checks).toHaveLength(1);
  return checks[0] as Check;
}

function check(
  name: string,
  value: number,
  past: readonly number[],
  options: {
    samples?: number[] | null;
    policy?: Partial<RegressionPolicy>;
    accept?: AcceptRule[];
  } = {},
): Check {
  const samples = options.samples === null ? undefined : (options.samples ?? rounds(value));
  const current = { ...metric('list', name, value), samples };
  return only(checkRegressions([current], history(name, past), options.policy, options.accept));
}

describe('checkRegressions: statistical test (history >= minHistory)', () => {
  const P95 = 'latency.p95';
  const RPS = 'throughput.rps';
  const FLAT = [100, 100, 100, 100, 100];
  const RPS_PAST = [1000, 1010, 990, 1005, 995, 1000];
  // outcome: the status of a regression check, or `improvement` (whose status is always pass)
  it.each([
    ['known-different: +30 %, quiet history', P95, 130, QUIET_P95, 'fail', 0.3],
    ['+15 %, quiet history', P95, 115, QUIET_P95, 'warn', 0.15],
    ['known-equal: noise only', P95, 101, QUIET_P95, 'pass', 0.01],
    ['significant but below warn', P95, 106, QUIET_P95, 'pass', 0.06],
    ['+12 % (>= warn) inside the noise', P95, 114.24, NOISY_P95, 'pass', 0.12],
    ['+45 % stands out of a noisy history', P95, 147.9, NOISY_P95, 'fail', 0.45],
    ['big shift, perfectly quiet history', 'latency.p99', 130, FLAT, 'fail', 0.3],
    ['small wobble, perfectly quiet history', 'latency.p99', 100.5, FLAT, 'pass', 0.005],
    ['-25 %', P95, 75, QUIET_P95, 'improvement', -0.25],
    ['-12 % inside the noise is no improvement', P95, 89.76, NOISY_P95, 'pass', -0.12],
    ['throughput -30 %', RPS, 700, RPS_PAST, 'fail', -0.3],
    ['throughput -15 %', RPS, 850, RPS_PAST, 'warn', -0.15],
    ['throughput +30 %', RPS, 1300, RPS_PAST, 'improvement', 0.3],
  ] as const)('%s (%s %d) -> %s', (_, name, value, past, outcome, change) => {
    const c = check(name, value, past);
    const kind = outcome === 'improvement' ? 'improvement' : 'regression';
    const status = outcome === 'improvement' ? 'pass' : outcome;
    expect(c).toMatchObject({ status, kind, lowConfidence: false, historySize: past.length });
    expect(c.change).toBeCloseTo(change, 6);
    expect(c.method).toBe('robust-z+mann-whitney');
  });

  it('fills the numbers: baseline, a CI around the change that excludes 0, thresholds, message', () => {
    const c = check('latency.p95', 130, QUIET_P95);
    expect(c).toMatchObject({
      kind: 'regression',
      metric: 'load/list/latency.p95',
      status: 'fail',
      value: 130,
      unit: 'ms',
      baseline: 100,
      warn: 0.1,
      fail: 0.25,
      confidenceLevel: 0.95,
      historySize: 10,
    });
    const [lo, hi] = c.changeInterval ?? [Number.NaN, Number.NaN];
    expect(lo).toBeGreaterThan(0.2);
    expect(hi).toBeLessThan(0.4);
    expect((lo + hi) / 2).toBeCloseTo(0.3, 9);
    expect(c.message).toMatch(
      /^latency\.p95 \+30\.0 % \(95 % CI \+\d+\.\d % … \+\d+\.\d %\) vs median of 10 runs$/,
    );
  });

  it('a CI that includes 0 for noise, and says why a large change still passes', () => {
    const equal = check('latency.p95', 101, QUIET_P95);
    const [lo, hi] = equal.changeInterval ?? [Number.NaN, Number.NaN];
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    expect(check('latency.p95', 114.24, NOISY_P95).message).toMatch(/within run-to-run noise$/);
  });

  it('the rank test vetoes a history whose spread is hidden by identical runs', () => {
    // Eight identical runs and two slow ones: Qn, MAD and the IQR are 0, the 1 % floor makes any
    // +25 % look hugely significant, but the history has already seen runs as slow as this one.
    const lumpy = [100, 100, 100, 100, 100, 100, 100, 100, 135, 140];
    const withRounds = check('latency.p95', 125, lumpy, { samples: [124, 125, 126] });
    expect(withRounds).toMatchObject({ status: 'pass', method: 'robust-z+mann-whitney' });
    expect(withRounds.message).toMatch(/within the range of past runs \(rank test\)$/);
    // Without rounds the guard cannot reach 97.5 % with 1 value against 10 and is skipped.
    const alone = check('latency.p95', 125, lumpy, { samples: null });
    expect(alone).toMatchObject({ status: 'fail', method: 'robust-z' });
    // Beyond every past run, the guard agrees.
    expect(check('latency.p95', 160, lumpy).status).toBe('fail');
  });

  it('a history in two states: a run in the slower one is not a regression, a real shift is', () => {
    // bench:verdict, the unindexed search at 50 000 rows: all rounds of a run alike, 13 runs near
    // 29 ms and 7 near 38 ms. Qn alone measured the larger state's width and failed a run at 39 ms.
    const twoStates = [
      39.6, 38.1, 38.5, 37, 36.2, 29.8, 30, 28.9, 28.2, 28.1, 29.4, 28.5, 33.5, 27.4, 28.9, 27.6,
      29.8, 28.3, 37.7, 36,
    ];
    const slowState = check('latency.p95', 39.3, twoStates, { policy: { warn: 0.05, fail: 0.1 } });
    expect(slowState.status).toBe('pass');
    expect(slowState.message).toMatch(/within run-to-run noise$/);
    // Past every run by far: still found.
    expect(check('latency.p95', 60, twoStates, { policy: { warn: 0.05, fail: 0.1 } }).status).toBe(
      'fail',
    );
    // A one-state history keeps its power: +15 % over ~2 % noise fails.
    expect(check('latency.p95', 115, QUIET_P95, { policy: { warn: 0.05, fail: 0.1 } }).status).toBe(
      'fail',
    );
  });

  it('a too-quiet history does not make a small wobble significant (1 % spread floor)', () => {
    const glassy = [100, 100.01, 99.99, 100, 100.02, 99.98, 100, 100.01, 99.99, 100];
    const policy = { warn: 0.01 };
    expect(check('latency.p95', 102, glassy, { policy }).status).toBe('pass');
    expect(check('latency.p95', 104, glassy, { policy }).status).toBe('warn');
  });

  it('uses the runs that hold the key; historySize counts them', () => {
    const runs: Metric[][] = QUIET_P95.slice(0, 6).map((v, i) =>
      i % 3 === 0
        ? [metric('list', 'latency.p99', v)] // no p95 in this run
        : [metric('list', 'latency.p95', v, rounds(v)), metric('list', 'latency.p99', v)],
    );
    runs.push([metric('other', 'latency.p95', 500)]); // another scenario: not matched
    runs.push([{ ...metric('list', 'latency.p95', 5), unit: 's' }]); // another unit: not comparable
    runs.push([metric('list', 'latency.p95', Number.NaN)]);
    const checks = checkRegressions([metric('list', 'latency.p95', 130, rounds(130))], runs);
    // Low confidence never fails: a warning at most.
    expect(only(checks)).toMatchObject({ historySize: 4, lowConfidence: true, status: 'warn' });
    const five = checkRegressions(
      [metric('list', 'latency.p95', 130, rounds(130))],
      [...runs, [metric('list', 'latency.p95', 100, rounds(100))]],
    );
    expect(only(five)).toMatchObject({ historySize: 5, lowConfidence: false, status: 'fail' });
  });
});

describe('checkRegressions: little or no history', () => {
  it('gives no checks for an empty history or one without the metric', () => {
    expect(checkRegressions([metric('list', 'latency.p95', 100)], [])).toEqual([]);
    expect(checkRegressions([metric('list', 'latency.p95', 100)], [[], []])).toEqual([]);
    expect(
      checkRegressions(
        [metric('list', 'latency.p95', 100)],
        history('latency.p95', [100], 'other'),
      ),
    ).toEqual([]);
  });

  it.each([
    [115, 'warn', 0.15],
    [130, 'warn', 0.3],
    [105, 'pass', 0.05],
    [100, 'pass', 0],
  ] as const)(
    'one-run history, p95 %d vs 100: percent rule alone, warn at most -> %s',
    (value, status, change) => {
      const c = check('latency.p95', value, [100]);
      expect(c).toMatchObject({
        status,
        kind: 'regression',
        method: 'percent-only',
        lowConfidence: true,
        historySize: 1,
        baseline: 100,
      });
      expect(c.change).toBeCloseTo(change, 9);
      expect(c.message).toContain('vs 1 baseline run');
      // Low confidence is said once in the report, not on every check.
      expect(c.message).not.toContain('percent rule alone');
    },
  );

  it('percent-only: an informational interval from the rounds, reproducible; none without rounds', () => {
    const a = check('latency.p95', 115, [100, 101], { samples: [112, 115, 118] });
    const b = check('latency.p95', 115, [100, 101], { samples: [112, 115, 118] });
    expect(a.changeInterval).toEqual(b.changeInterval);
    const [lo, hi] = a.changeInterval ?? [Number.NaN, Number.NaN];
    expect(lo).toBeLessThanOrEqual(a.change ?? Number.NaN);
    expect(hi).toBeGreaterThanOrEqual(a.change ?? Number.NaN);
    expect(a.message).toMatch(/\(95 % CI .* rounds only\) vs median of 2 runs/);
  });

  it('percent-only: no check from one sample against one sample (no spread on a side)', () => {
    const current = (samples?: number[]) => [{ ...metric('list', 'latency.p95', 300), samples }];
    // No rounds, one round, or a history without rounds: reported, not gated.
    expect(checkRegressions(current(), history('latency.p95', [100]))).toEqual([]);
    expect(checkRegressions(current([300]), history('latency.p95', [100]))).toEqual([]);
    const bare = [[{ ...metric('list', 'latency.p95', 100), samples: [100] }]];
    expect(checkRegressions(current([290, 300, 310]), bare)).toEqual([]);
    // A spread on both sides: judged (and warned, never failed, at low confidence).
    expect(
      only(checkRegressions(current([290, 300, 310]), history('latency.p95', [100]))),
    ).toMatchObject({ status: 'warn' });
  });

  it('percent-only: rounds that straddle the baseline call nothing either way', () => {
    // +30 % on the value, but the rounds swing from -20 % to +80 %: one noisy run, not a regression.
    const noisy = check('latency.p95', 130, [100], { samples: [80, 130, 180] });
    expect(noisy).toMatchObject({ status: 'pass', kind: 'regression', lowConfidence: true });
    const [lo, hi] = noisy.changeInterval ?? [Number.NaN, Number.NaN];
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    expect(check('latency.p95', 70, [100], { samples: [20, 70, 120] }).kind).toBe('regression');
    // Consistent rounds keep the percent rule's verdict, capped at a warning.
    expect(check('latency.p95', 130, [100], { samples: [128, 130, 132] }).status).toBe('warn');
  });

  it('a sub-millisecond latency change is never a regression, however large in percent', () => {
    // 0.8 ms -> 1.2 ms is +50 % but 0.4 ms: below the 0.5 ms warn floor.
    expect(check('latency.p95', 1.2, [0.8], { samples: [1.19, 1.2, 1.21] }).status).toBe('pass');
    // 0.8 ms -> 1.5 ms: +0.7 ms warns, but stays under the 1 ms fail floor.
    expect(check('latency.p95', 1.5, [0.8], { samples: [1.49, 1.5, 1.51] }).status).toBe('warn');
    expect(check('latency.p95', 2, [0.8], { samples: [1.99, 2, 2.01] }).status).toBe('warn');
    expect(check('latency.p95', 2, [0.8, 0.8, 0.8, 0.8, 0.8]).status).toBe('fail');
  });

  it('percent-only never fails, however large the change: it warns and says why', () => {
    const wide = check('latency.p95', 130, [100], { samples: [118, 130, 142] });
    expect(wide).toMatchObject({ status: 'warn', lowConfidence: true });
    expect(wide.message).toContain('would fail, but low confidence warns at most');
    const clear = check('latency.p95', 300, [100], { samples: [260, 300, 340] });
    expect(clear.status).toBe('warn');
    expect(check('throughput.rps', 500, [1000], { samples: [480, 500, 520] }).status).toBe('warn');
  });

  it('percent-only improvements are reported and never fail', () => {
    expect(check('latency.p95', 50, [100])).toMatchObject({ kind: 'improvement', status: 'pass' });
    expect(check('throughput.rps', 2000, [1000])).toMatchObject({
      kind: 'improvement',
      status: 'pass',
    });
    expect(check('throughput.rps', 600, [1000])).toMatchObject({
      kind: 'regression',
      status: 'warn',
    });
  });
});

describe('checkRegressions: which metrics', () => {
  it('checks only the gated current metrics that the history has', () => {
    const names = ['latency.p50', 'latency.p95', 'latency.p99', 'latency.max', 'latency.mean'];
    const past = [100, 101, 99].map((v) => names.map((n) => metric('list', n, v, rounds(v))));
    const current = names
      .filter((n) => n !== 'latency.p99') // missing on the current side: no check
      .map((n) => metric('list', n, 200, rounds(200)));
    const checks = checkRegressions(current, past);
    expect(checks.map((c) => c.metric)).toEqual(['load/list/latency.p95']);
    const maxOnly = checkRegressions(current, past, { metrics: ['latency.max'] });
    expect(maxOnly.map((c) => c.metric)).toEqual(['load/list/latency.max']);
    const chosen = checkRegressions(current, past, {}, [], {
      gated: new Set(['load/list/latency.p50']),
    });
    expect(chosen.map((c) => c.metric)).toEqual(['load/list/latency.p50']);
  });

  it('skips a current metric whose value is not a number', () => {
    expect(
      checkRegressions(
        [metric('list', 'latency.p95', Number.NaN)],
        history('latency.p95', QUIET_P95),
      ),
    ).toEqual([]);
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_REGRESSION_POLICY).toEqual({
      warn: 0.1,
      fail: 0.25,
      confidence: 0.95,
      minHistory: 5,
      metrics: ['default'],
    });
  });
});

describe('checkRegressions: thresholds from a partial policy', () => {
  it.each([
    [{}, 'warn', 0.1, 0.25],
    [{ fail: 0.1 }, 'fail', 0.1, 0.1],
    [{ warn: 0.2 }, 'pass', 0.2, 0.25],
    [{ warn: 0.05, fail: 0.12 }, 'fail', 0.05, 0.12],
    [{ warn: undefined, fail: undefined }, 'warn', 0.1, 0.25],
  ] as const)('%o: +15 %% in a quiet history -> %s', (policy, status, warn, fail) => {
    expect(check('latency.p95', 115, QUIET_P95, { policy })).toMatchObject({ status, warn, fail });
  });

  it('minHistory and confidence come from the policy', () => {
    expect(check('latency.p95', 115, QUIET_P95, { policy: { minHistory: 11 } })).toMatchObject({
      method: 'percent-only',
      lowConfidence: true,
    });
    // A stricter confidence widens the interval.
    const normal = check('latency.p95', 115, QUIET_P95);
    const strict = check('latency.p95', 115, QUIET_P95, { policy: { confidence: 0.999 } });
    expect(strict.confidenceLevel).toBe(0.999);
    const width = (c: Check) => (c.changeInterval?.[1] ?? 0) - (c.changeInterval?.[0] ?? 0);
    expect(width(strict)).toBeGreaterThan(width(normal));
    expect(strict.message).toContain('99.9 % CI');
  });

  it('a history shorter than 3 runs never gets the statistical test, whatever minHistory says', () => {
    expect(check('latency.p95', 115, [100, 101], { policy: { minHistory: 1 } })).toMatchObject({
      method: 'percent-only',
    });
    // 3 rounds against 3 runs: the rank test cannot reach 97.5 % (min p = 1/20), so z alone.
    expect(check('latency.p95', 115, [100, 101, 99], { policy: { minHistory: 1 } }).method).toBe(
      'robust-z',
    );
  });
});

describe('checkRegressions: zero, tiny and negative baselines', () => {
  const zeros = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

  it.each([
    // 0 -> 0.2 %: 0.2 percentage point is above the 0.1 point warn floor, below the 1 point fail floor
    [0.002, 'warn'],
    [0.02, 'fail'],
    [0.0005, 'pass'],
    [0, 'pass'],
  ] as const)('errors.rate 0 -> %d: %s, absolute comparison', (value, status) => {
    const c = check('errors.rate', value, zeros);
    expect(c).toMatchObject({ status, kind: 'regression', baseline: 0, lowConfidence: false });
    expect(c.change).toBeUndefined();
    expect(c.changeInterval).toBeUndefined();
    expect(c.message).toContain('absolute: zero baseline');
  });

  it('stress recovery: a few seconds is per-second noise; it warns from 2 s and fails from 5 s', () => {
    const recoveryMetric = (value: number): Metric => ({
      ...metric('ramp', 'recovery.s', value),
      key: 'stress/ramp/recovery.s',
      suite: 'stress',
      unit: 's',
    });
    const recovery = (value: number, past: readonly number[]) =>
      only(
        checkRegressions(
          [recoveryMetric(value)],
          past.map((v) => [recoveryMetric(v)]),
          {},
          [],
          { gated: new Set(['stress/ramp/recovery.s']) },
        ),
      );
    const quiet = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0];
    expect(recovery(1, quiet).status).toBe('pass');
    expect(recovery(3, quiet).status).toBe('warn');
    expect(recovery(6, quiet).status).toBe('fail');
    // From a recovery of 10 s, relative: +20 % is 2 s, under the 5 s it takes to fail.
    expect(recovery(12, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]).status).toBe('warn');
  });

  it('states the absolute change in the message', () => {
    expect(check('errors.rate', 0.002, zeros).message).toBe(
      'errors.rate 0.00 % → 0.20 % (+0.20 %, absolute: zero baseline) vs median of 10 runs',
    );
  });

  it('zero baseline with a one-run history: the floors alone', () => {
    expect(check('errors.rate', 0.002, [0])).toMatchObject({ status: 'warn', lowConfidence: true });
    expect(check('errors.rate', 0, [0])).toMatchObject({ status: 'pass', kind: 'regression' });
  });

  it('a tiny error rate tripling is not a regression: rates also need the absolute floor', () => {
    const tiny = [0.00001, 0.00001, 0.00001, 0.00001, 0.00001, 0.00001];
    const c = check('errors.rate', 0.00003, tiny);
    expect(c.change).toBeCloseTo(2, 9);
    expect(c.status).toBe('pass');
    // 0.001 % -> 0.08 %: clearly significant and +7900 %, but below the 0.1 point warn floor.
    const significant = check('errors.rate', 0.0008, tiny);
    expect(significant.status).toBe('pass');
    expect(significant.message).not.toContain('noise');
    expect(check('errors.rate', 0.00003, [0.00001]).status).toBe('pass');
    // A real jump of the rate still warns or fails.
    expect(check('errors.rate', 0.003, tiny).status).toBe('warn');
    expect(check('errors.rate', 0.05, tiny).status).toBe('fail');
  });

  it('a negative reference compares absolute differences, without crashing', () => {
    const negative = [-5, -4, -6, -5, -5.5];
    const worse = check('latency.p95', 10, negative);
    expect(worse).toMatchObject({ status: 'fail', baseline: -5 });
    expect(worse.change).toBeUndefined();
    expect(worse.message).toContain('absolute: baseline below 0');
    expect(check('latency.p95', -5.2, negative).status).toBe('pass');
    expect(check('latency.p95', -20, negative)).toMatchObject({
      kind: 'improvement',
      status: 'pass',
    });
  });
});

describe('checkRegressions: accepted regressions', () => {
  const reason = 'new auth middleware, see #42';

  it.each([
    ['load/*/latency.p95', true],
    ['load/list/latency.p95', true],
    ['load/**', true],
    ['**/latency.p95', true],
    ['load/*/latency.p99', false],
    ['stress/**', false],
    ['load/*', false],
  ])('rule %s matches: %s', (pattern, matches) => {
    const c = check('latency.p95', 130, QUIET_P95, { accept: [{ metric: pattern, reason }] });
    if (matches) {
      expect(c).toMatchObject({ status: 'pass', accepted: reason, kind: 'regression' });
      expect(c.message).toContain(`accepted (would fail): ${reason}`);
    } else {
      expect(c.status).toBe('fail');
      expect(c.accepted).toBeUndefined();
    }
  });

  it('a warn can be accepted too; a passing check or an improvement is not marked accepted', () => {
    const rule = [{ metric: 'load/**', reason }];
    expect(check('latency.p95', 115, QUIET_P95, { accept: rule })).toMatchObject({
      status: 'pass',
      accepted: reason,
    });
    expect(check('latency.p95', 115, QUIET_P95, { accept: rule }).message).toContain('would warn');
    expect(check('latency.p95', 101, QUIET_P95, { accept: rule }).accepted).toBeUndefined();
    expect(check('latency.p95', 75, QUIET_P95, { accept: rule }).accepted).toBeUndefined();
  });
});

describe('matchesKeyPattern', () => {
  it.each([
    ['load/a/latency.p99', 'load/*/latency.p99', true],
    ['load/a/latency.p99', 'load/a/latency.p99', true],
    ['load/a/b/latency.p99', 'load/*/latency.p99', false],
    ['load/a/b/latency.p99', 'load/**/latency.p99', true],
    ['load/latency.p99', 'load/**/latency.p99', true],
    ['load/a/latency.p99', '**', true],
    ['load/a/latency.p99', 'load/**', true],
    ['stress/a/latency.p99', 'load/**', false],
    ['load/a/latency.p99', '*/a/*', true],
    ['load/a/latency.p99', 'load/*', false],
    ['load/a/latency.p95', 'load/*/latency.p99', false],
    ['load/a/latencyXp99', 'load/a/latency.p99', false], // the dot is literal
    ['load/projects-list/latency.p99', 'load/projects-*/latency.*', true],
    ['load/(a)+/x', 'load/(a)+/x', true], // regex characters are literal
    ['load/aa/x', 'load/(a)+/x', false],
    ['xload/a/latency.p99', 'load/*/latency.p99', false], // anchored
  ])('%s ~ %s: %s', (key, pattern, expected) => {
    expect(matchesKeyPattern(key, pattern)).toBe(expected);
  });
});

describe('checkRegressions: calibration on simulated runs (seeded)', () => {
  // Runs of unchanged code: a run-level effect shared by its 3 rounds plus round noise.
  function simulate(
    seed: number,
    shift: number,
    trials: number,
    policy: Partial<RegressionPolicy>,
    flagged: (c: Check) => boolean = (c) => c.status !== 'pass',
  ) {
    const random = createRandom(seed);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const run = (factor: number) => {
      const r = 0.05 * normal();
      const samples = [0, 1, 2].map(() => 100 * factor * (1 + r + 0.02 * normal()));
      return metric('list', 'latency.p95', samples.reduce((sum, v) => sum + v, 0) / 3, samples);
    };
    let count = 0;
    for (let i = 0; i < trials; i++) {
      const past = Array.from({ length: 10 }, () => [run(1)]);
      if (flagged(only(checkRegressions([run(shift)], past, policy)))) count++;
    }
    return count / trials;
  }
  // warn at any size: the status then says whether the change was judged significant.
  const significanceOnly = { warn: 0, fail: 100 };

  it('calls unchanged code significantly worse at about the nominal one-sided 2.5 %', () => {
    const rate = simulate(1, 1, 3000, significanceOnly);
    // The normal quantile instead of the t would give about 3.8 % here; df = n - 1 about 3 %.
    expect(rate).toBeGreaterThan(0.012);
    expect(rate).toBeLessThan(0.032);
  });

  it('detects a shift of about 6 run-to-run standard deviations nearly always', () => {
    expect(simulate(2, 1.3, 500, significanceOnly)).toBeGreaterThan(0.97);
  });

  it('never fails unchanged code with ~5 % run-to-run noise at the default 25 % fail level', () => {
    expect(simulate(3, 1, 1000, {}, (c) => c.status === 'fail')).toBe(0);
  });

  it('fails a +40 % regression under ~5 % noise in nearly every run', () => {
    expect(simulate(4, 1.4, 500, {}, (c) => c.status === 'fail')).toBeGreaterThan(0.97);
  });
});

describe('checkRegressions: outputs are always finite (seeded random inputs)', () => {
  function walkNumbers(value: unknown, visit: (n: number, path: string) => void, path = ''): void {
    if (typeof value === 'number') visit(value, path);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walkNumbers(v, visit, `${path}.${k}`);
    }
  }

  it('holds over 400 random histories with zeros, negatives, tiny and huge values, gaps and NaN', () => {
    const random = createRandom(2024);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const names = ['latency.p50', 'latency.p95', 'throughput.rps', 'errors.rate'];
    const scales = [0, 1e-9, 0.001, 1, 100, 1e6, 1e12];
    const value = (scale: number) => {
      const r = random();
      if (r < 0.05) return 0;
      if (r < 0.1) return -scale * random();
      if (r < 0.12) return Number.NaN;
      return scale * (0.5 + random());
    };
    let checked = 0;
    for (let trial = 0; trial < 400; trial++) {
      const name = pick(names);
      const scale = pick(scales);
      const withSamples = random() < 0.7;
      const make = (): Metric => {
        const v = value(scale);
        const samples = withSamples ? [value(scale), v, value(scale)] : undefined;
        return { ...metric('list', name, v), samples };
      };
      const runs = Array.from({ length: Math.floor(random() * 13) }, () =>
        random() < 0.15 ? [] : [make()],
      );
      const policy: Partial<RegressionPolicy> = {
        warn: pick([0, 0.05, 0.1]),
        fail: pick([0.1, 0.25, 2]),
        minHistory: pick([1, 3, 5, 10]),
        confidence: pick([0.9, 0.95, 0.99]),
      };
      const checks = checkRegressions([make()], runs, policy, [{ metric: '**', reason: 'r' }]);
      for (const c of checks) {
        checked++;
        walkNumbers(c, (n, path) => {
          if (!Number.isFinite(n)) throw new Error(`trial ${trial}: ${path} = ${n}`);
        });
        expect(['pass', 'warn', 'fail']).toContain(c.status);
        if (c.kind === 'improvement') expect(c.status).toBe('pass');
        if (c.changeInterval) expect(c.changeInterval[0]).toBeLessThanOrEqual(c.changeInterval[1]);
        expect(c.message).not.toMatch(/NaN|Infinity/);
        expect(c.historySize).toBeGreaterThan(0);
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

describe('checkRegressions: false alarms over the whole run', () => {
  // 300 runs of unchanged code, 30 gated metrics each, 2 % normal run-to-run noise, against a
  // 10-run history of the same code. A warn level of ~0 makes every significant worsening show.
  const METRICS = 30;
  const RUNS = 300;
  const policy = { warn: 1e-6, fail: 10 };
  function normal(random: () => number): number {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  function runsWithAnyWarning(controlRunErrors: boolean): number {
    const random = createRandom(20261205);
    const value = () => 1000 * (1 + 0.02 * normal(random));
    let alarms = 0;
    for (let run = 0; run < RUNS; run++) {
      const names = Array.from({ length: METRICS }, (_, i) => `s${i}`);
      const past = Array.from({ length: 10 }, () =>
        names.map((s) => metric(s, 'latency.p95', value(), undefined)),
      ).map((r) => r.map((x) => ({ ...x, samples: undefined })));
      const current = names.map((s) => ({
        ...metric(s, 'latency.p95', value()),
        samples: undefined,
      }));
      const checks = checkRegressions(current, past, policy, [], { controlRunErrors });
      if (checks.some((c) => c.status !== 'pass')) alarms++;
    }
    return alarms / RUNS;
  }

  it('keeps the run-level false alarm rate near the one-sided level; per check it is many times that', () => {
    const controlled = runsWithAnyWarning(true);
    const uncontrolled = runsWithAnyWarning(false);
    // Nominal 2.5 %; the t approximation of the Qn spread makes it a little eager at 10 runs.
    expect(controlled).toBeLessThan(0.06);
    expect(uncontrolled).toBeGreaterThan(0.3);
  });

  it('still finds a regression that several metrics share, and says when the run explains one', () => {
    const names = Array.from({ length: 20 }, (_, i) => `s${i}`);
    const past = QUIET_P95.map((v) => names.map((s) => metric(s, 'latency.p95', v, rounds(v))));
    // Five scenarios 30 % slower: all found.
    const current = names.map((s, i) =>
      metric(s, 'latency.p95', i < 5 ? 130 : 100, rounds(i < 5 ? 130 : 100)),
    );
    const checks = checkRegressions(current, past);
    expect(checks.filter((c) => c.status === 'fail')).toHaveLength(5);
    // One metric barely past the per-check level among 20: chance explains it over the run.
    const lone = names.map((s, i) =>
      metric(s, 'latency.p95', i === 0 ? 105.5 : 100, rounds(i === 0 ? 105.5 : 100)),
    );
    const loose = { warn: 0.05 };
    const alone = checkRegressions(
      lone.slice(0, 1),
      past.map((r) => r.slice(0, 1)),
      loose,
    );
    expect(alone[0]?.status).toBe('warn');
    const among = checkRegressions(lone, past, loose);
    expect(among[0]).toMatchObject({ status: 'pass' });
    expect(among[0]?.message).toContain("within what chance gives over the run's 20 comparisons");
  });
});

describe('benjaminiHochberg', () => {
  it.each([
    [[0.01, 0.02, 0.03, 0.5], 0.05, [true, true, true, false]],
    [[0.5, 0.01, 0.04], 0.05, [false, true, false]],
    [[0.02, 0.02], 0.025, [true, true]],
    [[0.03, 0.04], 0.025, [false, false]],
    [[], 0.05, []],
  ])('%o at %d -> %o', (p, level, expected) => {
    expect(benjaminiHochberg(p, level)).toEqual(expected);
  });
});
