import { describe, expect, it } from 'vitest';
import type { RegressionPolicy } from '../../../src/config/regression-policy.ts';
import { createRandom, type Random } from '../../../src/core/random.ts';
import type { Check, Metric } from '../../../src/results/types.ts';
import { checkPairedRegressions, describePairedMethod } from '../../../src/verdict/paired.ts';
import { metric } from '../../helpers/sample-result.ts';

/** A metric whose samples are one value per pair and whose value is their mean. */
function paired(scenario: string, name: string, samples: readonly number[]): Metric {
  const finite = samples.filter(Number.isFinite);
  const value = finite.reduce((sum, v) => sum + v, 0) / Math.max(finite.length, 1);
  return metric(scenario, name, value, [...samples]);
}

function only(checks: Check[]): Check {
  expect(checks).toHaveLength(1);
  return checks[0] as Check;
}

function normal(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const P95 = 'latency.p95';
const ERRORS = 'errors.rate';

describe('checkPairedRegressions: simulated runs (seeded)', () => {
  const METRICS = 6;
  const PAIRS = 10;
  const NOISE = 0.03;
  const policy: Partial<RegressionPolicy> = { warn: 0.03, fail: 0.04 };
  const scenarios = Array.from({ length: METRICS }, (_, i) => `s${i}`);

  /**
   * `runs` runs of 6 gated p95s, 10 pairs each: head `shift` times base, each side with 3 %
   * lognormal noise of its own per pair, and with `shared` each pair's both sides multiplied by
   * one factor in 0.7..1.5 (a runner that is slow or fast for the pair's moment).
   */
  function simulate(seed: number, runs: number, shift: number, shared = false) {
    const random = createRandom(seed);
    const all: Check[][] = [];
    for (let run = 0; run < runs; run++) {
      const head: Metric[] = [];
      const base: Metric[] = [];
      for (const s of scenarios) {
        const h: number[] = [];
        const b: number[] = [];
        for (let i = 0; i < PAIRS; i++) {
          const moment = shared ? 0.7 + 0.8 * random() : 1;
          h.push(100 * shift * moment * Math.exp(NOISE * normal(random)));
          b.push(100 * moment * Math.exp(NOISE * normal(random)));
        }
        head.push(paired(s, P95, h));
        base.push(paired(s, P95, b));
      }
      all.push(checkPairedRegressions(head, base, policy));
    }
    const checks = all.flat();
    const widths = checks.map((c) => {
      const [low, high] = c.changeInterval ?? [0, 0];
      return Math.log1p(high) - Math.log1p(low);
    });
    return {
      checks,
      alarmedRuns: all.filter((r) => r.some((c) => c.status !== 'pass')).length / runs,
      failedRuns: all.filter((r) => r.some((c) => c.status === 'fail')).length / runs,
      flaggedMetrics: checks.filter((c) => c.status !== 'pass').length / checks.length,
      meanWidth: widths.reduce((sum, w) => sum + w, 0) / widths.length,
    };
  }

  it('checks every gated metric by the paired t on log ratios, with pairs and no history size', () => {
    const { checks } = simulate(1, 1, 1);
    expect(checks).toHaveLength(METRICS);
    for (const c of checks) {
      expect(c).toMatchObject({
        method: 'paired-t (log ratio)',
        pairs: PAIRS,
        lowConfidence: false,
      });
      expect(c.historySize).toBeUndefined();
      expect(c.message).toMatch(
        /^latency\.p95 [+-]\d+\.\d % \(95 % CI [+-].* … [+-].*\) vs base, 10 pairs/,
      );
    }
  });

  // Over 5000 runs these settings give: A/A any warn or fail in 1.4 % of runs, any fail in
  // 0.4 % (a 3-sigma estimate reaches the 4 % fail level); A/B any warn or fail in 99.95 % of
  // runs, each metric flagged in 87 % (its estimate must also reach 3 %). The assertions leave
  // room for the seeded sample's luck, not for a broken test.
  it('A/A: unchanged code warns or fails in few runs of 6 metrics, fails in fewer', () => {
    const aa = simulate(2, 1000, 1);
    expect(aa.alarmedRuns).toBeLessThanOrEqual(0.025);
    expect(aa.failedRuns).toBeLessThanOrEqual(0.01);
  });

  it('A/B: a 5 % slower head at 3 % noise per side and 10 pairs warns or fails in nearly every run', () => {
    const ab = simulate(3, 300, 1.05);
    expect(ab.alarmedRuns).toBeGreaterThanOrEqual(0.99);
    expect(ab.flaggedMetrics).toBeGreaterThan(0.8);
  });

  it('noise shared by both sides of a pair cancels: same verdicts, intervals as narrow as without it', () => {
    const aa = simulate(4, 1000, 1, true);
    expect(aa.alarmedRuns).toBeLessThanOrEqual(0.025);
    expect(aa.failedRuns).toBeLessThanOrEqual(0.01);
    const ab = simulate(5, 300, 1.05, true);
    expect(ab.alarmedRuns).toBeGreaterThanOrEqual(0.99);
    expect(ab.flaggedMetrics).toBeGreaterThan(0.8);
    // Per-pair log-ratio sd is 3 % * sqrt(2), so the interval is about 2 * t(0.975, 9) * 0.0424 /
    // sqrt(10) = 0.061 wide in log units (a little less on average: E[s] < sigma). The moment
    // factor alone spreads the sides by ~20 % (log), which an unpaired comparison would carry.
    const expected = (2 * 2.262 * NOISE * Math.SQRT2) / Math.sqrt(PAIRS);
    expect(aa.meanWidth).toBeGreaterThan(0.85 * expected);
    expect(aa.meanWidth).toBeLessThan(1.05 * expected);
    expect(ab.meanWidth).toBeLessThan(1.05 * expected);
  });

  it('without run-level control, a run of many metrics cries wolf more often', () => {
    const random = createRandom(6);
    const names = Array.from({ length: 30 }, (_, i) => `m${i}`);
    let controlled = 0;
    let uncontrolled = 0;
    for (let run = 0; run < 200; run++) {
      const side = () =>
        names.map((s) =>
          paired(
            s,
            P95,
            Array.from({ length: PAIRS }, () => 100 * Math.exp(NOISE * normal(random))),
          ),
        );
      const head = side();
      const base = side();
      const significanceOnly = { warn: 1e-6, fail: 10 };
      const alarm = (checks: Check[]) => checks.some((c) => c.status !== 'pass');
      if (alarm(checkPairedRegressions(head, base, significanceOnly))) controlled++;
      if (
        alarm(checkPairedRegressions(head, base, significanceOnly, [], { controlRunErrors: false }))
      )
        uncontrolled++;
    }
    expect(controlled / 200).toBeLessThan(0.05);
    expect(uncontrolled / 200).toBeGreaterThan(0.3);
  });
});

describe('checkPairedRegressions: single comparisons', () => {
  const BASE = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99];
  const scaled = (factor: number) => BASE.map((v) => v * factor);

  it('the interval and the change are the log ratios back-transformed; the message says so', () => {
    // Every pair exactly 10 % slower: the spread floor keeps the interval from collapsing.
    const c = only(
      checkPairedRegressions([paired('list', P95, scaled(1.1))], [paired('list', P95, BASE)]),
    );
    expect(c).toMatchObject({
      kind: 'regression',
      metric: 'load/list/latency.p95',
      status: 'warn',
      unit: 'ms',
      warn: 0.1,
      fail: 0.25,
      baseline: 100,
      confidenceLevel: 0.95,
      method: 'paired-t (log ratio)',
      lowConfidence: false,
      pairs: 10,
    });
    expect(c.value).toBeCloseTo(110, 9);
    expect(c.change).toBeCloseTo(0.1, 9);
    const [low, high] = c.changeInterval ?? [0, 0];
    // 0.5 % floor on the sd: +- t(0.975, 9) * 0.005 / sqrt(10) in log units.
    const half = (2.262 * 0.005) / Math.sqrt(10);
    expect(Math.log1p(low)).toBeCloseTo(Math.log(1.1) - half, 3);
    expect(Math.log1p(high)).toBeCloseTo(Math.log(1.1) + half, 3);
    expect(c.message).toBe('latency.p95 +10.0 % (95 % CI +9.6 % … +10.4 %) vs base, 10 pairs');
  });

  it('a 0.3 % wobble of near-identical pairs is not significant (spread floor)', () => {
    const c = only(
      checkPairedRegressions([paired('list', P95, scaled(1.003))], [paired('list', P95, BASE)], {
        warn: 0,
      }),
    );
    expect(c.status).toBe('pass');
    expect(c.changeInterval?.[0]).toBeLessThan(0);
  });

  it('identical samples on both sides pass, as no change', () => {
    const c = only(
      checkPairedRegressions([paired('list', P95, BASE)], [paired('list', P95, BASE)]),
    );
    expect(c).toMatchObject({ status: 'pass', kind: 'regression', change: 0 });
  });

  it('throughput: lower is worse; higher is an improvement', () => {
    const rps = 'throughput.rps';
    const base = [paired('list', rps, scaled(10))];
    const worse = only(checkPairedRegressions([paired('list', rps, scaled(7))], base));
    expect(worse).toMatchObject({ status: 'fail', kind: 'regression' });
    const better = only(checkPairedRegressions([paired('list', rps, scaled(13))], base));
    expect(better).toMatchObject({ status: 'pass', kind: 'improvement' });
  });

  it('a latency 20 % faster is an improvement, 5 % faster is not (below warn)', () => {
    const base = [paired('list', P95, BASE)];
    expect(only(checkPairedRegressions([paired('list', P95, scaled(0.8))], base))).toMatchObject({
      status: 'pass',
      kind: 'improvement',
    });
    expect(only(checkPairedRegressions([paired('list', P95, scaled(0.95))], base))).toMatchObject({
      status: 'pass',
      kind: 'regression',
    });
  });

  it('a sizeable change within pair-to-pair noise passes and says why', () => {
    const noisy = [100, 130, 75, 120, 85, 140, 70, 110, 90, 125];
    const c = only(
      checkPairedRegressions(
        [
          paired(
            'list',
            P95,
            noisy.map((v, i) => (i % 2 === 0 ? v * 1.4 : v * 0.95)),
          ),
        ],
        [paired('list', P95, noisy)],
      ),
    );
    expect(c.change).toBeGreaterThan(0.1);
    expect(c.status).toBe('pass');
    expect(c.message).toContain('within pair-to-pair noise');
  });

  it('accept rules turn a fail into a pass with the reason', () => {
    const c = only(
      checkPairedRegressions([paired('list', P95, scaled(1.4))], [paired('list', P95, BASE)], {}, [
        { metric: 'load/list/*', reason: 'new feature' },
      ]),
    );
    expect(c).toMatchObject({ status: 'pass', accepted: 'new feature' });
    expect(c.message).toContain('accepted (would fail): new feature');
  });

  it('one metric barely significant among 20 unchanged ones: chance over the run explains it', () => {
    const names = Array.from({ length: 20 }, (_, i) => `s${i}`);
    const noisy = [100, 103, 97, 102, 98, 101, 99, 104, 96, 100];
    const base = names.map((s) => paired(s, P95, BASE));
    const head = names.map((s, i) => paired(s, P95, i === 0 ? noisy.map((v) => v * 1.02) : BASE));
    // +2.0 % (CI +0.2 % … +3.8 %): significant alone at a 1 % warn level.
    const loose = { warn: 0.01 };
    expect(only(checkPairedRegressions(head.slice(0, 1), base.slice(0, 1), loose)).status).toBe(
      'warn',
    );
    const among = checkPairedRegressions(head, base, loose);
    expect(among[0]?.status).toBe('pass');
    expect(among[0]?.message).toContain("within what chance gives over the run's 20 comparisons");
  });
});

describe('checkPairedRegressions: error rates and zeros', () => {
  it('an error rate of 0 on both sides passes, all numbers finite (JSON round trip)', () => {
    const zeros = Array<number>(10).fill(0);
    const c = only(
      checkPairedRegressions([paired('list', ERRORS, zeros)], [paired('list', ERRORS, zeros)]),
    );
    expect(c).toMatchObject({ status: 'pass', method: 'paired-t (difference)', pairs: 10 });
    expect(c.change).toBeUndefined();
    expect(c.changeInterval).toBeUndefined();
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(c.message).toBe(
      'errors.rate 0.00 % → 0.00 % (+0.00 %, absolute: zero base) vs base, 10 pairs',
    );
  });

  it('a head error rate of 2 % against 0 in every pair fails by difference', () => {
    const c = only(
      checkPairedRegressions(
        [paired('list', ERRORS, Array<number>(10).fill(0.02))],
        [paired('list', ERRORS, Array<number>(10).fill(0))],
      ),
    );
    expect(c).toMatchObject({ status: 'fail', method: 'paired-t (difference)', baseline: 0 });
    expect(c.message).toContain('0.00 % → 2.00 % (+2.00 %, absolute: zero base)');
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });

  it('a zero among positive error rates compares by difference with the absolute floors', () => {
    const base = [0.01, 0, 0.02, 0.01, 0.01];
    const c = only(
      checkPairedRegressions(
        [
          paired(
            'list',
            ERRORS,
            base.map((v) => v + 0.02),
          ),
        ],
        [paired('list', ERRORS, base)],
      ),
    );
    expect(c).toMatchObject({ status: 'fail', method: 'paired-t (difference)' });
    expect(c.message).toContain('absolute: a pair at or below 0');
  });
});

describe('checkPairedRegressions: few pairs, missing and odd data', () => {
  it('fewer than 3 pairs: the percent rule on the values, low confidence, warns at most', () => {
    const huge = only(
      checkPairedRegressions([paired('list', P95, [200])], [paired('list', P95, [100])]),
    );
    expect(huge).toMatchObject({
      status: 'warn',
      lowConfidence: true,
      method: 'percent-only',
      pairs: 1,
      change: 1,
    });
    expect(huge.changeInterval).toBeUndefined();
    expect(huge.message).toBe(
      'latency.p95 +100.0 % vs base, 1 pair; would fail, but low confidence warns at most',
    );
    const two = only(
      checkPairedRegressions([paired('list', P95, [112, 114])], [paired('list', P95, [100, 100])]),
    );
    expect(two).toMatchObject({ status: 'warn', pairs: 2, lowConfidence: true });
    const small = only(
      checkPairedRegressions([paired('list', P95, [105])], [paired('list', P95, [100])]),
    );
    expect(small.status).toBe('pass');
    const faster = only(
      checkPairedRegressions([paired('list', P95, [70])], [paired('list', P95, [100])]),
    );
    expect(faster).toMatchObject({ status: 'pass', kind: 'improvement' });
  });

  it('no check without a base metric of the same key and unit, nor for an ungated one', () => {
    const head = paired('list', P95, [110, 111, 112]);
    expect(checkPairedRegressions([head], [])).toEqual([]);
    expect(checkPairedRegressions([head], [paired('other', P95, [100, 100, 100])])).toEqual([]);
    const inSeconds: Metric = { ...paired('list', P95, [0.1, 0.1, 0.1]), unit: 's' };
    expect(checkPairedRegressions([head], [inSeconds])).toEqual([]);
    const p50 = paired('list', 'latency.p50', [110, 111, 112]);
    expect(checkPairedRegressions([p50], [paired('list', 'latency.p50', [1, 1, 1])])).toEqual([]);
    // Gated by name in the policy, or by the caller's set.
    expect(
      checkPairedRegressions([p50], [paired('list', 'latency.p50', [100, 100, 100])], {
        metrics: ['latency.p50'],
      }),
    ).toHaveLength(1);
    expect(
      checkPairedRegressions([head], [paired('list', P95, [100, 100, 100])], {}, [], {
        gated: new Set(),
      }),
    ).toEqual([]);
  });

  it('drops pairs where either side is not finite', () => {
    const head = paired('list', P95, [110, Number.NaN, 110, 110, Number.POSITIVE_INFINITY, 110]);
    const base = paired('list', P95, [100, 100, Number.NaN, 100, 100, 100]);
    const c = only(checkPairedRegressions([head], [base]));
    expect(c.pairs).toBe(3);
    expect(c.change).toBeCloseTo(0.1, 9);
    expect(c.method).toBe('paired-t (log ratio)');
  });

  it('describes the method once for the report', () => {
    const base = [paired('a', P95, [100, 100, 100]), paired('b', ERRORS, [0, 0, 0])];
    const head = [paired('a', P95, [101, 100, 99]), paired('b', ERRORS, [0, 0, 0])];
    const few = checkPairedRegressions([paired('c', P95, [100])], [paired('c', P95, [100])]);
    const checks = [...checkPairedRegressions(head, base), ...few];
    expect(describePairedMethod(checks, { confidence: 0.95 })).toBe(
      'Each metric is compared pair by pair with the base measured in this job (paired t on log ' +
        'ratios, on differences where a value is zero or an exponent), false alarms controlled ' +
        "over the run's 2 comparisons (Benjamini–Hochberg): unchanged code is called worse in at " +
        'most 2.5 % of runs. Low confidence for 1 comparison (fewer than 3 pairs): the percent ' +
        'rule alone, so they warn at most.',
    );
    expect(describePairedMethod(checks.slice(0, 1), { confidence: 0.95 })).toContain(
      "(paired t on log ratios), false alarms controlled over the run's 1 comparison ",
    );
    expect(describePairedMethod([], { confidence: 0.95 })).toBeUndefined();
  });
});

describe('checkPairedRegressions: outputs are always finite (seeded random inputs)', () => {
  function walkNumbers(value: unknown, visit: (n: number, path: string) => void, path = ''): void {
    if (typeof value === 'number') visit(value, path);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walkNumbers(v, visit, `${path}.${k}`);
    }
  }

  it('holds over 400 random pairings with zeros, negatives, tiny and huge values and NaN', () => {
    const random = createRandom(2026);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const names = ['latency.p50', P95, 'throughput.rps', ERRORS];
    const scales = [0, 1e-300, 1e-9, 0.001, 1, 100, 1e6, 1e300];
    const value = (scale: number) => {
      const r = random();
      if (r < 0.1) return 0;
      if (r < 0.15) return 0 - scale * random();
      if (r < 0.18) return Number.NaN;
      return scale * (0.5 + random());
    };
    let checked = 0;
    for (let trial = 0; trial < 400; trial++) {
      const name = pick(names);
      const pairs = Math.floor(random() * 8);
      const side = (scale: number) => ({
        ...metric('list', name, value(scale)),
        samples: Array.from({ length: pairs }, () => value(scale)),
      });
      const policy: Partial<RegressionPolicy> = {
        warn: pick([0, 0.05, 0.1]),
        fail: pick([0.1, 0.25, 2]),
        confidence: pick([0.9, 0.95, 0.99]),
        metrics: ['**'],
      };
      const checks = checkPairedRegressions([side(pick(scales))], [side(pick(scales))], policy, [
        { metric: '**', reason: 'r' },
      ]);
      for (const c of checks) {
        checked++;
        walkNumbers(c, (n, path) => {
          if (!Number.isFinite(n)) throw new Error(`trial ${trial}: ${path} = ${n}`);
        });
        expect(JSON.parse(JSON.stringify(c))).toEqual(c);
        if (c.kind === 'improvement') expect(c.status).toBe('pass');
        if (c.changeInterval) expect(c.changeInterval[0]).toBeLessThanOrEqual(c.changeInterval[1]);
        expect(c.message).not.toMatch(/NaN|Infinity/);
      }
    }
    expect(checked).toBeGreaterThan(250);
  });
});
