// Statistics the regression checks need and `simple-statistics` lacks: a robust scale estimator
// with good efficiency (Qn), Student's t quantiles for fractional degrees of freedom, the
// Mann-Whitney U test with exact p-values (ties included), and a seeded bootstrap.
// Everything here is pure: no clock, no I/O, randomness only from a generator passed in.

import {
  errorFunction,
  gammaln,
  interquartileRange,
  median,
  medianAbsoluteDeviation,
} from 'simple-statistics';
import type { Random } from '../core/random.ts';

/** Consistency factor that turns a MAD into an estimate of a normal distribution's sigma. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Median absolute deviation scaled to estimate sigma (1.4826 * MAD), in the values' unit.
 * 0 for fewer than 2 values.
 */
export function scaledMad(values: readonly number[]): number {
  if (values.length < 2) return 0;
  return MAD_TO_SIGMA * medianAbsoluteDeviation([...values]);
}

// Asymptotic consistency factor of Qn at the normal distribution (Rousseeuw & Croux 1993).
const QN_CONSISTENCY = 2.2219;
// Small-sample correction factors of Qn for n = 2..9 (Croux & Rousseeuw 1992); above 9 a formula.
const QN_SMALL_SAMPLE: Readonly<Record<number, number>> = {
  2: 0.399,
  3: 0.994,
  4: 0.512,
  5: 0.844,
  6: 0.611,
  7: 0.857,
  8: 0.669,
  9: 0.872,
};

/**
 * The Qn scale estimator of Rousseeuw and Croux, an estimate of sigma in the values' unit: the
 * k-th smallest of the pairwise distances |x_i - x_j| (i < j), k = C(h, 2), h = floor(n/2) + 1,
 * times 2.2219 and a small-sample factor that makes it unbiased at the normal.
 *
 * Why not the MAD: both ignore up to half of the values being wild, but Qn uses the data about
 * twice as well at the normal (82 % efficiency against 37 %), so a history of 10 runs gives a
 * spread that can be trusted further, which keeps real regressions detectable. It also needs no
 * location estimate and copes with skewed data. 0 for fewer than 2 values. O(n^2 log n): fine for
 * histories of tens of runs.
 */
export function qnScale(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const distances: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) distances.push(Math.abs((values[i] ?? 0) - (values[j] ?? 0)));
  }
  distances.sort((a, b) => a - b);
  const h = Math.floor(n / 2) + 1;
  const k = (h * (h - 1)) / 2;
  const smallSample = QN_SMALL_SAMPLE[n] ?? (n % 2 === 1 ? n / (n + 1.4) : n / (n + 3.8));
  return QN_CONSISTENCY * smallSample * (distances[k - 1] ?? 0);
}

/** Consistency factor that turns an interquartile range into an estimate of a normal's sigma. */
const IQR_TO_SIGMA = 1 / 1.349;

/**
 * The interquartile range scaled to estimate sigma (IQR / 1.349), in the values' unit; 0 for
 * fewer than 4 values. Less efficient than Qn at the normal, but it sees a minority mode: when a
 * quarter or more of the values sit apart (runs that land in a slow state of the machine), the
 * middle half spans both modes, where Qn measures the width of the larger mode alone.
 */
export function iqrScale(values: readonly number[]): number {
  if (values.length < 4) return 0;
  return IQR_TO_SIGMA * interquartileRange([...values]);
}

/** The standard normal cumulative distribution function (absolute error below 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/**
 * The regularized incomplete beta function I_x(a, b), by its continued fraction (modified
 * Lentz), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(x > 0)) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b) - Math.log(a);
  const tiny = 1e-300;
  let c = 1;
  let d = 0;
  let fraction = 1;
  for (let step = 1; step <= 500; step++) {
    const m = Math.floor(step / 2);
    const numerator =
      step % 2 === 1
        ? (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(logFront) / fraction;
}

function logBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/** P(T <= t) for Student's t distribution with `df` > 0 degrees of freedom (fractional allowed). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (!Number.isFinite(df)) return normalCdf(t);
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The p-quantile of Student's t distribution with `df` > 0 degrees of freedom (fractional
 * allowed; Infinity gives the normal quantile), found by bisection on {@link studentTCdf}.
 * p must lie in (0, 1).
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return Number.NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p && hi < 1e300) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Which way a one-sided test looks: `greater` tests whether `x` tends to be larger than `y`. */
export type Alternative = 'greater' | 'less' | 'two-sided';

/** Outcome of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of `x`: pairs (x_i, y_j) with x_i > y_j, ties counting one half. Between 0 and m * n. */
  u: number;
  /** p-value for the chosen alternative. */
  p: number;
  /** True when p is exact (enumerated), false when from the normal approximation. */
  exact: boolean;
}

// Above this many values in total the exact distribution is replaced by the normal approximation.
const MANN_WHITNEY_EXACT_MAX = 60;

/**
 * The Mann-Whitney U (Wilcoxon rank-sum) test of `x` against `y`.
 *
 * p-values are exact up to 60 values in total, ties included: the distribution of x's rank sum
 * (mid-ranks for ties) over all C(m + n, m) equally likely assignments is enumerated group by
 * group of tied values. Beyond that, the normal approximation with tie and continuity corrections.
 * Either sample empty: U = 0 and p = 1 (no evidence).
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative = 'greater',
): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return { u: 0, p: 1, exact: true };
  const groups = tieGroups(x, y);
  // Ranks are doubled so that mid-ranks of ties stay integers.
  let rankSum2 = 0;
  for (const g of groups) rankSum2 += g.fromX * g.midRank2;
  const u = rankSum2 / 2 - (m * (m + 1)) / 2;
  const total = m + n;
  if (total <= MANN_WHITNEY_EXACT_MAX) {
    const dist = rankSumDistribution(groups, m);
    let atLeast = 0;
    let atMost = 0;
    let all = 0;
    dist.forEach((weight, sum2) => {
      all += weight;
      if (sum2 >= rankSum2) atLeast += weight;
      if (sum2 <= rankSum2) atMost += weight;
    });
    return { u, p: pickTail(atLeast / all, atMost / all, alternative), exact: true };
  }
  const tieTerm = groups.reduce((s, g) => s + g.size ** 3 - g.size, 0) / (total * (total - 1));
  const sd = Math.sqrt(((m * n) / 12) * (total + 1 - tieTerm));
  const mean = (m * n) / 2;
  if (sd === 0) return { u, p: 1, exact: false };
  const greater = 1 - normalCdf((u - mean - 0.5) / sd);
  const less = normalCdf((u - mean + 0.5) / sd);
  return { u, p: pickTail(greater, less, alternative), exact: false };
}

function pickTail(greater: number, less: number, alternative: Alternative): number {
  const p =
    alternative === 'greater'
      ? greater
      : alternative === 'less'
        ? less
        : 2 * Math.min(greater, less);
  return Math.min(1, Math.max(0, p));
}

interface TieGroup {
  size: number;
  fromX: number;
  /** Twice the group's mid-rank (ranks start at 1). */
  midRank2: number;
}

function tieGroups(x: readonly number[], y: readonly number[]): TieGroup[] {
  const all = [...x.map((v) => ({ v, isX: true })), ...y.map((v) => ({ v, isX: false }))];
  all.sort((a, b) => a.v - b.v);
  const groups: TieGroup[] = [];
  let start = 0;
  while (start < all.length) {
    let end = start;
    let fromX = 0;
    while (end < all.length && all[end]?.v === all[start]?.v) {
      if (all[end]?.isX) fromX++;
      end++;
    }
    const size = end - start;
    groups.push({ size, fromX, midRank2: 2 * start + size + 1 });
    start = end;
  }
  return groups;
}

/**
 * How many of the C(m + n, m) ways to pick m positions give each doubled rank sum: picking k of
 * a group's t tied positions can happen in C(t, k) ways and adds k times its doubled mid-rank.
 */
function rankSumDistribution(groups: readonly TieGroup[], m: number): Map<number, number> {
  // layer[j]: doubled rank sum -> number of ways with j positions picked so far.
  let layer: Map<number, number>[] = [new Map([[0, 1]])];
  for (const g of groups) {
    const next: Map<number, number>[] = [];
    for (let j = 0; j < layer.length; j++) {
      const row = layer[j];
      if (!row) continue;
      for (let k = 0; k <= g.size && j + k <= m; k++) {
        const ways = binomial(g.size, k);
        const target = next[j + k] ?? new Map<number, number>();
        next[j + k] = target;
        for (const [sum2, count] of row) {
          const key = sum2 + k * g.midRank2;
          target.set(key, (target.get(key) ?? 0) + count * ways);
        }
      }
    }
    layer = next;
  }
  return layer[m] ?? new Map();
}

/** C(n, k) as a float (exact while it fits in 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const kk = Math.min(k, n - k);
  let result = 1;
  for (let i = 1; i <= kk; i++) result = (result * (n - kk + i)) / i;
  return Math.round(result);
}

/**
 * The smallest one-sided p-value the Mann-Whitney test can give for samples of sizes m and n:
 * 1 / C(m + n, m). When it exceeds the significance level, the test cannot reject whatever the
 * data, so running it would only veto.
 */
export function mannWhitneyMinP(m: number, n: number): number {
  if (m <= 0 || n <= 0) return 1;
  return 1 / binomial(m + n, m);
}

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** Two-sided confidence level, e.g. 0.95. */
  level: number;
  /** The generator; pass a seeded one (`createRandom` of core/random.ts) for reproducible intervals. */
  random: Random;
  /** Number of resamples; default 2000. */
  resamples?: number;
}

/**
 * Percentile bootstrap confidence interval of `statistic` over independent samples: each
 * resample draws every group with replacement, keeping its size. Resamples for which the
 * statistic is not a finite number are dropped; undefined when fewer than half of them remain
 * or a group is empty. The result assumes the values inside each group are independent.
 */
export function bootstrapInterval(
  groups: readonly (readonly number[])[],
  statistic: (resampled: number[][]) => number,
  options: BootstrapOptions,
): [number, number] | undefined {
  if (groups.length === 0 || groups.some((g) => g.length === 0)) return undefined;
  const resamples = options.resamples ?? 2000;
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const drawn = groups.map((g) => g.map(() => g[Math.floor(options.random() * g.length)] ?? 0));
    const s = statistic(drawn);
    if (Number.isFinite(s)) stats.push(s);
  }
  if (stats.length < resamples / 2) return undefined;
  stats.sort((a, b) => a - b);
  const alpha = (1 - options.level) / 2;
  return [quantileSorted(stats, alpha), quantileSorted(stats, 1 - alpha)];
}

// Linear interpolation between order statistics (type 7), on an ascending array.
function quantileSorted(sorted: readonly number[], p: number): number {
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

/** The median of finite values; undefined when there are none. */
export function medianOf(values: readonly number[]): number | undefined {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? undefined : median(finite);
}
