import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/core/random.ts';
import {
  binomial,
  bootstrapInterval,
  iqrScale,
  mannWhitneyMinP,
  mannWhitneyU,
  medianOf,
  normalCdf,
  qnScale,
  regularizedIncompleteBeta,
  scaledMad,
  studentTCdf,
  studentTQuantile,
} from '../../../src/verdict/statistics.ts';

describe('scaledMad', () => {
  it.each([
    [[1, 1, 2, 2, 4, 6, 9], 1.4826], // median 2, deviations 1 1 0 0 2 4 7 -> MAD 1
    [[10, 10, 10, 10], 0],
    [[1, 2, 3, 4, 100], 1.4826], // median 3, deviations 2 1 0 1 97 -> MAD 1: the outlier does not count
    [[5], 0],
    [[], 0],
  ])('%j -> %d', (values, expected) => {
    expect(scaledMad(values)).toBeCloseTo(expected, 10);
  });
});

describe('iqrScale', () => {
  it('is 0 for fewer than 4 values and for identical values', () => {
    expect(iqrScale([])).toBe(0);
    expect(iqrScale([1, 2, 9])).toBe(0);
    expect(iqrScale([5, 5, 5, 5, 5])).toBe(0);
  });

  it('estimates sigma of normal samples (IQR / 1.349)', () => {
    const random = createRandom(7);
    const normal = () => {
      const u = Math.max(random(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    };
    const values = Array.from({ length: 4000 }, () => 10 + 2 * normal());
    expect(iqrScale(values)).toBeGreaterThan(1.9);
    expect(iqrScale(values)).toBeLessThan(2.1);
  });

  it('sees a minority mode that Qn does not: runs in two states, 13 near 29 and 7 near 38', () => {
    const low = [27.4, 27.6, 28.1, 28.2, 28.3, 28.5, 28.7, 28.9, 28.9, 29.4, 29.8, 29.8, 30];
    const high = [35.4, 36, 36.2, 37, 37.7, 38.1, 38.5];
    const values = [...low, ...high];
    expect(iqrScale(values)).toBeGreaterThan(2 * qnScale(values));
  });
});

describe('qnScale', () => {
  it.each([
    // distances 1 3 7 2 6 4 -> sorted 1 2 3 4 6 7; h = 3, k = 3 -> 3; factor for n = 4 is 0.512
    [[1, 2, 4, 8], 2.2219 * 0.512 * 3],
    // 1..10: distance d occurs 10 - d times; h = 6, k = 15 -> nine 1s then 2; factor 10 / 13.8
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2.2219 * (10 / 13.8) * 2],
    // n = 11 (odd): h = 6, k = 15 -> ten 1s then 2; factor 11 / 12.4
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 2.2219 * (11 / 12.4) * 2],
    [[3, 3, 3, 3, 3], 0],
    [[7], 0],
    [[], 0],
  ])('%j -> %d', (values, expected) => {
    expect(qnScale(values)).toBeCloseTo(expected, 10);
  });

  it('moves with scale, ignores location and the order of values', () => {
    const values = [12, 9.5, 10.2, 11.1, 8.7, 10, 10.9, 9.1];
    const base = qnScale(values);
    expect(qnScale(values.map((v) => v * 3 + 1000))).toBeCloseTo(base * 3, 9);
    expect(qnScale([...values].reverse())).toBeCloseTo(base, 12);
  });

  it('stays put when up to half the values go wild (breakdown point 50 %)', () => {
    const values = [100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.4];
    const wild = [...values.slice(0, 6), 1e6, -1e6, 5e5, 1e9];
    expect(qnScale(wild)).toBeLessThan(5 * qnScale(values));
  });

  it('estimates sigma of normal data without bias (simulation, seeded)', () => {
    const random = createRandom(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    for (const n of [5, 10, 20]) {
      let sum = 0;
      const trials = 4000;
      for (let i = 0; i < trials; i++)
        sum += qnScale(Array.from({ length: n }, () => 3 * normal()));
      expect(sum / trials).toBeGreaterThan(3 * 0.95);
      expect(sum / trials).toBeLessThan(3 * 1.05);
    }
  });
});

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1.959964, 0.975],
    [-1.644854, 0.05],
    [3, 0.99865],
  ])('Phi(%d) = %d', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 5);
  });
});

describe('regularizedIncompleteBeta', () => {
  it.each([0.01, 0.2, 0.5, 0.77, 0.99])('matches closed forms at x = %d', (x) => {
    expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 12);
    expect(regularizedIncompleteBeta(x, 3, 1)).toBeCloseTo(x ** 3, 12);
    expect(regularizedIncompleteBeta(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 12);
  });

  it('is 1/2 at x = 1/2 when a = b, and clamps outside (0, 1)', () => {
    expect(regularizedIncompleteBeta(0.5, 2.5, 2.5)).toBeCloseTo(0.5, 12);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });
});

describe('studentTCdf', () => {
  it.each([-3, -0.5, 0, 0.7, 2, 10])('equals the closed forms for df 1 and 2 at t = %d', (t) => {
    expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 10);
    expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 10);
  });

  it('tends to the normal for large df and rejects df <= 0', () => {
    expect(studentTCdf(1.5, 1e7)).toBeCloseTo(normalCdf(1.5), 5);
    expect(studentTCdf(1.5, Number.POSITIVE_INFINITY)).toBe(normalCdf(1.5));
    expect(studentTCdf(1, 0)).toBeNaN();
  });
});

describe('studentTQuantile', () => {
  // Values from printed t tables.
  it.each([
    [0.975, 1, 12.706],
    [0.95, 1, 6.314],
    [0.95, 2, 2.92],
    [0.95, 3, 2.353],
    [0.95, 9, 1.833],
    [0.975, 9, 2.262],
    [0.99, 5, 3.365],
    [0.95, 30, 1.697],
    [0.975, Number.POSITIVE_INFINITY, 1.96],
  ])('t(%d; df %d) = %d', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 3);
  });

  it('is odd around 1/2, inverts the CDF for fractional df and rejects bad input', () => {
    expect(studentTQuantile(0.05, 4)).toBeCloseTo(-studentTQuantile(0.95, 4), 10);
    expect(studentTQuantile(0.5, 4)).toBe(0);
    const q = studentTQuantile(0.975, 7.2);
    expect(studentTCdf(q, 7.2)).toBeCloseTo(0.975, 9);
    expect(q).toBeGreaterThan(studentTQuantile(0.975, 8));
    expect(q).toBeLessThan(studentTQuantile(0.975, 7));
    for (const [p, df] of [
      [0, 3],
      [1, 3],
      [0.9, 0],
      [Number.NaN, 3],
    ]) {
      expect(studentTQuantile(p ?? 0, df ?? 0)).toBeNaN();
    }
  });
});

/** Brute force: every way to pick which m of the pooled values are "x", ranks with mid-ranks. */
function bruteForceGreaterP(x: number[], y: number[]): number {
  const pooled = [...x, ...y];
  const sorted = [...pooled].sort((a, b) => a - b);
  const rank = (v: number) => {
    const first = sorted.indexOf(v);
    const last = sorted.lastIndexOf(v);
    return (first + last) / 2 + 1;
  };
  const ranks = pooled.map(rank);
  const observed = x.reduce((s, v) => s + rank(v), 0);
  let atLeast = 0;
  let all = 0;
  const pick = (start: number, left: number, sum: number) => {
    if (left === 0) {
      all++;
      if (sum >= observed - 1e-9) atLeast++;
      return;
    }
    for (let i = start; i <= ranks.length - left; i++) pick(i + 1, left - 1, sum + (ranks[i] ?? 0));
  };
  pick(0, x.length, 0);
  return atLeast / all;
}

describe('mannWhitneyU', () => {
  it.each([
    // complete separation, m = n = 3: one arrangement in C(6, 3) = 20
    [[4, 5, 6], [1, 2, 3], 'greater', 9, 1 / 20],
    [[4, 5, 6], [1, 2, 3], 'less', 9, 1],
    [[4, 5, 6], [1, 2, 3], 'two-sided', 9, 2 / 20],
    [[1, 2, 3], [4, 5, 6], 'less', 0, 1 / 20],
    // ranks of x among {1..5}: 1 3 5 -> W = 9, U = 3; 6 of the 10 subsets have U >= 3, 6 have U <= 3
    [[1, 3, 5], [2, 4], 'greater', 3, 6 / 10],
    [[1, 3, 5], [2, 4], 'less', 3, 6 / 10],
    // ties: pooled 1 2 2 3, mid-ranks 1 2.5 2.5 4; W_x = 3.5 (U = 0.5); the 6 subsets give
    // W = 3.5 3.5 5 5 6.5 6.5 -> P(W <= 3.5) = 2/6
    [[1, 2], [2, 3], 'less', 0.5, 2 / 6],
    [[1, 2], [2, 3], 'greater', 0.5, 1],
    // m = 3 against n = 10 runs: U >= 26 happens in 1 + 1 + 2 + 3 + 4 = 11 of C(13, 3) = 286 ways
    [[10.5, 10.6, 6.5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'greater', 26, 11 / 286],
    // all tied: no evidence either way
    [[5, 5], [5, 5, 5], 'greater', 3, 1],
  ] as const)('%j vs %j (%s): U = %d, p = %d', (x, y, alternative, u, p) => {
    const result = mannWhitneyU(x, y, alternative);
    expect(result.u).toBeCloseTo(u, 12);
    expect(result.p).toBeCloseTo(p, 12);
    expect(result.exact).toBe(true);
  });

  it('agrees with brute-force enumeration on random small samples with ties', () => {
    const random = createRandom(5);
    for (let trial = 0; trial < 60; trial++) {
      const m = 1 + Math.floor(random() * 4);
      const n = 1 + Math.floor(random() * 6);
      // few distinct values, so ties are common
      const draw = () => Math.floor(random() * 5);
      const x = Array.from({ length: m }, draw);
      const y = Array.from({ length: n }, draw);
      expect(mannWhitneyU(x, y, 'greater').p).toBeCloseTo(bruteForceGreaterP(x, y), 12);
      expect(mannWhitneyU(x, y, 'less').p).toBeCloseTo(bruteForceGreaterP(y, x), 12);
    }
  });

  it('gives U + U(y, x) = m * n and p = 1 for an empty sample', () => {
    const x = [3, 1, 4, 1, 5];
    const y = [9, 2, 6, 5, 3, 5];
    expect(mannWhitneyU(x, y).u + mannWhitneyU(y, x).u).toBe(30);
    expect(mannWhitneyU([], y)).toEqual({ u: 0, p: 1, exact: true });
    expect(mannWhitneyU(x, [])).toEqual({ u: 0, p: 1, exact: true });
  });

  it('switches to the normal approximation above 60 values and stays close to the exact p', () => {
    const random = createRandom(9);
    const x = Array.from({ length: 30 }, () => random() + 0.15);
    const y = Array.from({ length: 30 }, () => random());
    const exact = mannWhitneyU(x, y, 'greater');
    const approx = mannWhitneyU([...x, 0.6], y, 'greater');
    expect(exact.exact).toBe(true);
    expect(approx.exact).toBe(false);
    expect(approx.p).toBeGreaterThan(0);
    expect(Math.abs(approx.p - exact.p)).toBeLessThan(0.03);
    const separated = mannWhitneyU(
      Array.from({ length: 40 }, (_, i) => 100 + i),
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(separated.p).toBeLessThan(1e-10);
  });
});

describe('mannWhitneyMinP and binomial', () => {
  it.each([
    [3, 10, 1 / 286],
    [1, 10, 1 / 11],
    [1, 19, 1 / 20],
    [0, 5, 1],
  ])('min p for m = %d, n = %d is %d', (m, n, p) => {
    expect(mannWhitneyMinP(m, n)).toBeCloseTo(p, 15);
  });

  it.each([
    [5, 2, 10],
    [13, 3, 286],
    [50, 25, 126410606437752],
    [4, 5, 0],
    [4, -1, 0],
  ])('C(%d, %d) = %d', (n, k, c) => {
    expect(binomial(n, k)).toBe(c);
  });
});

describe('bootstrapInterval', () => {
  const shiftOfMedians = ([a = [], b = []]: number[][]) => (medianOf(a) ?? 0) - (medianOf(b) ?? 0);
  const a = [10.2, 9.8, 10.5, 10.1, 9.9, 10.3, 10, 10.4];
  const b = [12.1, 11.8, 12.4, 12, 11.9, 12.2, 12.3, 11.7];

  it('is reproducible with a seed and changes with another', () => {
    const first = bootstrapInterval([b, a], shiftOfMedians, {
      level: 0.95,
      random: createRandom(1),
    });
    const again = bootstrapInterval([b, a], shiftOfMedians, {
      level: 0.95,
      random: createRandom(1),
    });
    const other = bootstrapInterval([b, a], shiftOfMedians, {
      level: 0.95,
      random: createRandom(2),
    });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('covers the true shift and excludes 0 for clearly different samples', () => {
    const [lo, hi] =
      bootstrapInterval([b, a], shiftOfMedians, { level: 0.95, random: createRandom(3) }) ?? [];
    expect(lo).toBeGreaterThan(1.5);
    expect(hi).toBeLessThan(2.5);
    expect(lo).toBeLessThanOrEqual(hi ?? 0);
  });

  it('narrows as the level drops, collapses on constant data, and gives up without data', () => {
    const wide = bootstrapInterval([b, a], shiftOfMedians, {
      level: 0.99,
      random: createRandom(4),
    });
    const narrow = bootstrapInterval([b, a], shiftOfMedians, {
      level: 0.5,
      random: createRandom(4),
    });
    expect((wide?.[1] ?? 0) - (wide?.[0] ?? 0)).toBeGreaterThan(
      (narrow?.[1] ?? 0) - (narrow?.[0] ?? 0),
    );
    const constant = bootstrapInterval(
      [
        [5, 5, 5],
        [5, 5],
      ],
      shiftOfMedians,
      {
        level: 0.95,
        random: createRandom(1),
      },
    );
    expect(constant).toEqual([0, 0]);
    expect(
      bootstrapInterval([[], a], shiftOfMedians, { level: 0.95, random: createRandom(1) }),
    ).toBeUndefined();
    expect(
      bootstrapInterval([a], () => Number.NaN, { level: 0.95, random: createRandom(1) }),
    ).toBeUndefined();
  });
});

describe('medianOf', () => {
  it('ignores values that are not finite', () => {
    expect(medianOf([3, Number.NaN, 1, 2, Number.POSITIVE_INFINITY])).toBe(2);
    expect(medianOf([Number.NaN])).toBeUndefined();
    expect(medianOf([])).toBeUndefined();
  });
});
