// Regression checks: is this run's metric really worse than the baseline history, and by how much?
//
// The two ways the naive gates fail: against the last stored run with a huge threshold nothing is
// ever caught; with a small fixed threshold, the run-to-run noise of a shared CI runner cries wolf.
// So a regression here needs BOTH
//   - practical size: the worsening is at least `warn` (or `fail`) of the reference value, and
//   - significance: the change is larger than the history's own run-to-run spread explains.
// See `assessStatistically` for the test and why it is built the way it is.
// The practical sizes, the run-level error control, the grading and the message's start are
// exported for the same-job comparison (paired.ts), so that both modes judge a change alike.
import {
  type AcceptRule,
  DEFAULT_REGRESSION_POLICY,
  type RegressionPolicy,
} from '../config/regression-policy.ts';
import { formatChange, formatValue } from '../core/format.ts';
import { createRandom, fnv1a } from '../core/random.ts';
import { isComparison } from '../results/check-kinds.ts';
import type { Check, Metric, Status, Unit } from '../results/types.ts';
import { selectGatedKeys } from './gated-metrics.ts';
import { matchesKeyPattern } from './key-pattern.ts';
import {
  bootstrapInterval,
  iqrScale,
  mannWhitneyMinP,
  mannWhitneyU,
  medianOf,
  qnScale,
  studentTCdf,
  studentTQuantile,
} from './statistics.ts';

/**
 * Absolute sizes of a worsening that matter, per unit, in the unit (`warn` and `fail`).
 *
 * Used when a relative change means nothing: when the reference is 0 or negative (an error rate of
 * 0 going to 0.2 % is an infinite relative change). For rates (`ratio`, `percent`) they also apply
 * as a minimum on top of the relative thresholds, because an error rate going from 0.001 % to
 * 0.003 % is +200 % but only two more errors in 100 000 requests: the ratio floors say a worsening
 * must be at least 0.1 percentage point to warn and 1 point to fail. The others are only for the
 * degenerate zero or negative reference.
 *
 * Exponents (`exponent`, the volume suite's growth) are always compared by difference, never
 * relatively: 0.02 to 0.05 is +150 % but both are flat, while 0.9 to 1.1 is +22 % and a real
 * change of class. A rise of 0.2 warns (10x the data then costs 10^0.2 = 1.6x more latency than
 * it did), 0.5 fails (3.2x more: flat turned sublinear, or sublinear turned linear).
 */
export const ABSOLUTE_FLOORS: Readonly<Record<Unit, { warn: number; fail: number }>> = {
  ratio: { warn: 0.001, fail: 0.01 },
  percent: { warn: 0.1, fail: 1 },
  ms: { warn: 1, fail: 5 },
  s: { warn: 1, fail: 2 },
  rps: { warn: 1, fail: 5 },
  MB: { warn: 1, fail: 10 },
  count: { warn: 1, fail: 5 },
  exponent: { warn: 0.2, fail: 0.5 },
  'records/s': { warn: 10, fail: 50 },
  x: { warn: 0.1, fail: 0.5 },
  'MB/s': { warn: 1, fail: 5 },
};

const RATE_UNITS: ReadonlySet<Unit> = new Set<Unit>(['ratio', 'percent']);

/**
 * Least worsening that counts even when the relative change is large: a latency that moves by a
 * fraction of a millisecond (+50 % on a 0.8 ms query) is scheduler noise on a shared runner and
 * matters to no user. Practical size, like the rate units' absolute floors.
 */
const LATENCY_FLOORS: Readonly<Partial<Record<Unit, { warn: number; fail: number }>>> = {
  ms: { warn: 0.5, fail: 1 },
  s: { warn: 1, fail: 2 },
};

/**
 * Floors of single metrics, by name, in place of their unit's (both tables above). Stress
 * recovery is counted in whole seconds of a low rate, where single seconds spike whatever the
 * service does: over 40 runs of the unstrained sample service (400 rps at 12 % of a core) it read
 * 0 s in 38, then 1 s and 3 s, while an isolated slow second showed in about half of the
 * cool-downs. A regression is a recovery slower by more than that.
 */
const METRIC_FLOORS: Readonly<Record<string, { warn: number; fail: number }>> = {
  'recovery.s': { warn: 2, fail: 5 },
};

/** Units compared by absolute difference whatever the reference (see ABSOLUTE_FLOORS). */
const ABSOLUTE_UNITS: ReadonlySet<Unit> = new Set<Unit>(['exponent']);

/**
 * Least between-run spread assumed, relative to the reference (1 %). A history of near-identical
 * runs would otherwise make every tiny wobble "significant"; the size thresholds alone would then
 * decide, which is the noisy fixed-threshold gate again.
 */
export const SPREAD_FLOOR = 0.01;

/**
 * Information in the Qn spread of n runs, in degrees of freedom of a Student t: 0.8 * (n - 1).
 * Fitted by simulation (normal run-to-run noise; the critical value that gives the nominal false
 * alarm rate, converted to t degrees of freedom): the fit is 0.6 to 0.7 per run at 5 and 7 runs,
 * 0.8 to 1.0 from 8 to 30 runs, so 0.8 is a compromise, a little eager at 5 to 7 runs. With the
 * normal quantile instead, unchanged code is called significantly worse about 3.8 % of the time at
 * 10 runs instead of 2.5 % (the unit tests measure this).
 */
const QN_DF_PER_RUN = 0.8;

/** Fewer history values than this give no usable spread, whatever `minHistory` says. */
const MIN_RUNS_FOR_SPREAD = 3;

const BOOTSTRAP_RESAMPLES = 2000;

/** What else decides the checks besides the metrics, the history and the policy. */
export interface RegressionOptions {
  /**
   * Keys of the metrics to gate; by default those `policy.metrics` selects without knowing the
   * scenarios' models and request counts (see selectGatedKeys).
   */
  gated?: ReadonlySet<string>;
  /**
   * Control false alarms over the whole run (default true): Benjamini–Hochberg over the
   * statistically tested comparisons. False gives each comparison its own level, which cries wolf
   * on a run of many metrics; it is there to show the difference (bench:verdict).
   */
  controlRunErrors?: boolean;
}

/**
 * One check per gated current metric (see RegressionOptions.gated) that has at least one value
 * in `history` (runs oldest first, metrics matched by key and unit; runs without the key are
 * skipped). Kind `regression` (pass / warn / fail) or `improvement` (pass): an improvement is a
 * change for the better at least as large as `warn` and as significant as a regression must be.
 * A regression that would warn or fail and matches an `accept` rule passes, with `accepted` set.
 *
 * Significance is judged over the run, not per check (see controlRunErrors): with 30 gated
 * metrics at 2.5 % each, unchanged code would be called worse somewhere in half of all runs.
 *
 * Low confidence (fewer than `minHistory` runs, no statistical test): a regression warns at most,
 * and a metric without a spread on both sides (fewer than two rounds or videos) gets no check: one
 * sample against one sample is no evidence either way.
 *
 * Metrics whose current value is not a finite number get no check; history values that are not
 * finite are ignored. The result never holds NaN or Infinity.
 */
export function checkRegressions(
  current: readonly Metric[],
  history: readonly (readonly Metric[])[],
  policy: Partial<RegressionPolicy> = {},
  accept: readonly AcceptRule[] = [],
  options: RegressionOptions = {},
): Check[] {
  const full: RegressionPolicy = { ...DEFAULT_REGRESSION_POLICY, ...definedOnly(policy) };
  const gated = options.gated ?? selectGatedKeys(current, [], full.metrics);
  const runs = history.map((run) => new Map(run.map((m) => [m.key, m])));
  const assessed: { metric: Metric; size: number; assessment: Assessment }[] = [];
  for (const metric of current) {
    if (!gated.has(metric.key) || !Number.isFinite(metric.value)) continue;
    const past = runs
      .map((run) => run.get(metric.key))
      .filter((m): m is Metric => m !== undefined && m.unit === metric.unit)
      .filter((m) => Number.isFinite(m.value));
    if (past.length === 0) continue;
    const assessment = assess(metric, past, full);
    if (assessment) assessed.push({ metric, size: past.length, assessment });
  }
  const tested = assessed.map((a) => a.assessment).filter((a) => !a.lowConfidence);
  if (options.controlRunErrors !== false) controlRunErrors(tested, full.confidence);
  return assessed.map(({ metric, size, assessment }) =>
    toCheck(metric, size, assessment, full, accept),
  );
}

/** What run-level error control reads and adjusts of one statistically tested comparison. */
export interface RunControlled {
  significantlyWorse: boolean;
  significantlyBetter: boolean;
  /** One-sided p-values of the comparison's test. */
  pWorse: number;
  pBetter: number;
  /** Set by {@link controlRunErrors}: comparisons of the run the significance was controlled over. */
  comparisons?: number;
  /** Set by {@link controlRunErrors}: significantly worse alone, not among the run's comparisons. */
  lostToRunControl?: boolean;
}

/**
 * Benjamini–Hochberg over the run's tested comparisons, worse and better sides apart, at the
 * one-sided level of `confidence` ((1 - confidence) / 2 each): a comparison stays significant
 * only when its p-value is within its rank's share of that level. When the code did not change,
 * every null is true and this bounds the chance that ANY comparison of the run is called worse
 * by the level (2.5 % at 95 %), whatever the number of metrics; when it did change, several
 * metrics moving together lend each other weight, so real regressions are lost far less than
 * under Bonferroni. Comparisons of one run are positively dependent (the metrics of a scenario
 * move together), under which the bound holds. Mutates the significance fields in place.
 */
export function controlRunErrors(tested: readonly RunControlled[], confidence: number): void {
  const level = (1 - confidence) / 2;
  const keepWorse = benjaminiHochberg(
    tested.map((a) => a.pWorse),
    level,
  );
  const keepBetter = benjaminiHochberg(
    tested.map((a) => a.pBetter),
    level,
  );
  tested.forEach((a, i) => {
    a.comparisons = tested.length;
    if (a.significantlyWorse && !keepWorse[i]) {
      a.significantlyWorse = false;
      a.lostToRunControl = true;
    }
    if (a.significantlyBetter && !keepBetter[i]) a.significantlyBetter = false;
  });
}

/** Which of `pValues` the Benjamini–Hochberg step-up procedure rejects at `level`. */
export function benjaminiHochberg(pValues: readonly number[], level: number): boolean[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  let cut = -1;
  order.forEach(({ p }, rank) => {
    if (p <= ((rank + 1) / m) * level) cut = rank;
  });
  const rejected = new Array<boolean>(m).fill(false);
  for (let rank = 0; rank <= cut; rank++) rejected[(order[rank] as { i: number }).i] = true;
  return rejected;
}

function definedOnly(policy: Partial<RegressionPolicy>): Partial<RegressionPolicy> {
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined));
}

/**
 * A comparison's numbers, ready to become a status (see {@link gradeComparison}): a history
 * comparison's and a same-job paired one's alike.
 */
export interface Judged extends RunControlled {
  /** How much worse, in the metric's unit (negative: better). */
  worsening: number;
  /** The worsening at which it warns and fails, in the metric's unit. */
  warnAt: number;
  failAt: number;
  /** No statistical test behind the significance: it warns at most. */
  lowConfidence: boolean;
}

/** What the numbers say about one metric, before thresholds become a status. */
interface Assessment extends Judged {
  /** Median of the history values, in the metric's unit. */
  reference: number;
  /**
   * Relative change (value - reference) / reference; undefined when the reference is <= 0 or the
   * unit compares by difference (ABSOLUTE_UNITS).
   */
  change?: number;
  interval?: [number, number];
  /** Whether the interval came from round samples only (percent-only path). */
  intervalFromRounds: boolean;
  method: string;
  /** The z-score said "worse" but the rank test did not: past runs were as slow. */
  rankVetoedWorse: boolean;
}

/** How large a worsening of one metric must be to matter, against a reference value. */
export interface PracticalSize {
  /**
   * Whether the change is judged relative to the reference: false for a reference <= 0, an
   * exponent (ABSOLUTE_UNITS), or when the caller rules it out; then the unit's floors alone.
   */
  relative: boolean;
  /** The worsening at which it warns and fails, in the metric's unit. */
  warnAt: number;
  failAt: number;
  /**
   * Least spread the unit itself imposes on a test, in the metric's unit: a tenth of its absolute
   * warn floor for rates and for absolute comparisons (a spread far below what could ever warn
   * says nothing about noise), 0 for other relative ones (their floor is relative, the caller's).
   */
  unitSpreadFloor: number;
}

/**
 * The practical size of a change of `metric` against `reference`: `policy.warn` and `.fail` of
 * the reference, at least the unit's (or the metric's) floors, or those floors alone where a
 * relative change means nothing (see ABSOLUTE_FLOORS, LATENCY_FLOORS, METRIC_FLOORS).
 * `relativeAllowed` false forces the absolute comparison (a caller whose own estimate cannot be
 * relative, e.g. a ratio of samples with a zero among them).
 */
export function practicalSize(
  metric: Pick<Metric, 'name' | 'unit' | 'value'>,
  reference: number,
  policy: Pick<RegressionPolicy, 'warn' | 'fail'>,
  relativeAllowed = true,
): PracticalSize {
  const named = METRIC_FLOORS[metric.name];
  const floors = named ?? ABSOLUTE_FLOORS[metric.unit];
  const sizeFloors = named ?? LATENCY_FLOORS[metric.unit];
  const isRate = RATE_UNITS.has(metric.unit);
  const relative =
    relativeAllowed &&
    reference > 0 &&
    Number.isFinite((metric.value - reference) / reference) &&
    !ABSOLUTE_UNITS.has(metric.unit);
  if (!relative) {
    return {
      relative,
      warnAt: floors.warn,
      failAt: floors.fail,
      unitSpreadFloor: floors.warn / 10,
    };
  }
  return {
    relative,
    warnAt: Math.max(policy.warn * reference, isRate ? floors.warn : (sizeFloors?.warn ?? 0)),
    failAt: Math.max(policy.fail * reference, isRate ? floors.fail : (sizeFloors?.fail ?? 0)),
    unitSpreadFloor: isRate ? floors.warn / 10 : 0,
  };
}

/** Undefined when there is nothing to judge by: low confidence and no spread on either side. */
function assess(
  metric: Metric,
  past: readonly Metric[],
  policy: RegressionPolicy,
): Assessment | undefined {
  const values = past.map((m) => m.value);
  const reference = medianOf(values) ?? 0;
  const x = metric.value;
  const size = practicalSize(metric, reference, policy);
  const { relative } = size;
  const direction = metric.better === 'lower' ? 1 : -1;
  const base = {
    reference,
    ...(relative ? { change: (x - reference) / reference } : {}),
    worsening: direction * (x - reference),
    warnAt: size.warnAt,
    failAt: size.failAt,
  };
  const spreadFloor = relative
    ? Math.max(SPREAD_FLOOR * reference, size.unitSpreadFloor)
    : size.unitSpreadFloor;
  if (values.length < Math.max(policy.minHistory, MIN_RUNS_FOR_SPREAD)) {
    // Too few runs to know the run-to-run noise: the percent rule decides, and only where both
    // sides have a spread of their own (rounds, videos): a change whose rounds-only interval
    // straddles 0 is not called either way, and one sample against one sample is not judged.
    const interval = roundsInterval(metric, past, policy.confidence, relative);
    if (!interval) return undefined;
    const [low, high] = interval;
    return {
      ...base,
      // Shown as the change's interval only where the change is relative.
      ...(relative ? { interval } : {}),
      intervalFromRounds: true,
      method: 'percent-only',
      lowConfidence: true,
      significantlyWorse: direction > 0 ? low > 0 : high < 0,
      significantlyBetter: direction > 0 ? high < 0 : low > 0,
      rankVetoedWorse: false,
      pWorse: 1,
      pBetter: 1,
    };
  }
  return { ...base, ...assessStatistically(metric, values, reference, spreadFloor, policy) };
}

/**
 * The statistical test, used once the history has `minHistory` runs.
 *
 * Unit of evidence: one run. The rounds of a run share the machine's state at that time (other
 * jobs on the runner, CPU frequency, a cold cache), so they are not independent measurements: their
 * spread understates how much a whole run moves. The history's BETWEEN-RUN spread is exactly the
 * noise a new run of unchanged code would show, so the current run's value is compared with it.
 *
 * 1. Robust z (prediction of one new run): z = (value - median) / s_pred, where
 *    s = max(Qn(history values), IQR / 1.349, 1 % of the median) and s_pred = s * sqrt(1 + pi / (2n))
 *    adds the uncertainty of the median of n runs itself. Qn rather than 1.4826 * MAD: same
 *    robustness to up to half of the runs being wild, twice the efficiency, so a 10-run history
 *    yields a spread nearly as trustworthy as a standard deviation would (more detection for the
 *    same false-alarm rate). The IQR beside it is for metrics whose runs fall into two states: on
 *    this machine the sample service's unindexed search at 50 000 rows ran at ~29 ms in 13 of 20
 *    runs and ~38 ms in 7 (all rounds of a run alike), Qn measured the larger mode's width alone
 *    (11 %) and an unchanged run in the slow state failed at +33 %; the IQR spans both modes. The
 *    spread of a few runs is itself uncertain, so the critical value is a Student t
 *    quantile with 0.8 * (n - 1) degrees of freedom instead of the normal's, which would raise
 *    the false alarms by half at 10 runs (see QN_DF_PER_RUN for the fit).
 * 2. The change's interval is value +- t * s_pred, relative to the median, two-sided at
 *    `confidence`: "where the value of a run of the baseline code would fall", expressed as the
 *    change. A change is significant when this interval excludes 0 on its side, i.e. a one-sided
 *    test at (1 + confidence) / 2 (97.5 % by default). The displayed interval and the decision
 *    therefore never contradict each other (but for the rank guard's veto, which the message
 *    states), and the stricter one-sided level pays for the several metrics checked per scenario
 *    (p50, p95, p99, throughput and errors are all tested).
 * 3. Rank guard (Mann-Whitney U, one-sided, exact, at the same level): the current run's round
 *    samples (or its value when there are none) against the history's run values. Rounds are
 *    correlated, so this test alone would be too eager; it is therefore only NECESSARY, never
 *    sufficient: it vetoes a z-score that looks significant only because the history's spread is
 *    understated, as when most past runs were identical and a few were slow (Qn and MAD are then
 *    ~0 and the 1 % floor rules): if the current rounds do not sit above nearly all past runs,
 *    the change is within what the history has already seen. It is skipped when it could not
 *    reject at the level whatever the data (too few values: 1 / C(m + n, m) > alpha), and the
 *    method says whether it ran (`robust-z+mann-whitney` or `robust-z`).
 *
 * For rates (`ratio`, `percent`) the spread floor is also at least a tenth of the unit's absolute
 * warn floor (see ABSOLUTE_FLOORS). With a zero or negative reference the same test runs on
 * absolute differences, the spread floored at that tenth alone, and no relative interval is
 * reported.
 *
 * What decides detection in practice: simulating 10-run histories with a 15 % true shift against
 * a 10 % fail level, both "no fail in 10 A/A runs" and "fail in 9 of 10 A/B runs" hold when the
 * run-to-run noise of the metric is about 2 % or less; at 3 % and more the point estimate itself
 * falls under the 10 % level too often, whatever the test. Less noise per run (longer or more
 * rounds) is then the remedy, not a looser test.
 */
function assessStatistically(
  metric: Metric,
  values: readonly number[],
  reference: number,
  spreadFloor: number,
  policy: RegressionPolicy,
): Pick<
  Assessment,
  | 'interval'
  | 'intervalFromRounds'
  | 'method'
  | 'lowConfidence'
  | 'significantlyWorse'
  | 'significantlyBetter'
  | 'rankVetoedWorse'
  | 'pWorse'
  | 'pBetter'
> {
  const n = values.length;
  const scale = Math.max(qnScale(values), iqrScale(values), spreadFloor);
  const spread = scale * Math.sqrt(1 + Math.PI / (2 * n));
  const alpha = (1 - policy.confidence) / 2;
  const df = QN_DF_PER_RUN * (n - 1);
  const t = studentTQuantile(1 - alpha, df);
  const x = metric.value;
  const z = (x - reference) / spread;
  const higherIsWorse = metric.better === 'lower';
  const zWorse = higherIsWorse ? z : -z;

  const rounds = (metric.samples ?? []).filter(Number.isFinite);
  const sample = rounds.length > 0 ? rounds : [x];
  const canRank = mannWhitneyMinP(sample.length, n) <= alpha;
  const rankSays = (side: 'greater' | 'less') =>
    !canRank || mannWhitneyU(sample, values, side).p <= alpha;
  const worseSide = higherIsWorse ? 'greater' : 'less';
  const betterSide = higherIsWorse ? 'less' : 'greater';

  const lo = (x - t * spread - reference) / reference;
  const hi = (x + t * spread - reference) / reference;
  const interval: [number, number] | undefined =
    reference > 0 && !ABSOLUTE_UNITS.has(metric.unit) && Number.isFinite(lo) && Number.isFinite(hi)
      ? [lo, hi]
      : undefined;
  return {
    ...(interval ? { interval } : {}),
    intervalFromRounds: false,
    method: canRank ? 'robust-z+mann-whitney' : 'robust-z',
    lowConfidence: false,
    significantlyWorse: zWorse >= t && rankSays(worseSide),
    significantlyBetter: -zWorse >= t && rankSays(betterSide),
    rankVetoedWorse: zWorse >= t && !rankSays(worseSide),
    pWorse: 1 - studentTCdf(zWorse, df),
    pBetter: studentTCdf(zWorse, df),
  };
}

/**
 * Percent-only path: a percentile bootstrap interval of the ratio of medians (`relative`) or of
 * their difference, of the current round samples and the history's pooled round samples, seeded
 * by the metric key so it is reproducible. Undefined when a side has fewer than two samples. Informational only: it treats rounds as independent, which they are not, so it
 * is narrower than the truth (the check says so with `lowConfidence`).
 */
function roundsInterval(
  metric: Metric,
  past: readonly Metric[],
  confidence: number,
  relative: boolean,
): [number, number] | undefined {
  const now = (metric.samples ?? []).filter(Number.isFinite);
  const before = past.flatMap((m) => m.samples ?? []).filter(Number.isFinite);
  if (now.length < 2 || before.length < 2) return undefined;
  return bootstrapInterval(
    [now, before],
    ([a = [], b = []]) => {
      const ref = medianOf(b) ?? 0;
      if (!relative) return (medianOf(a) ?? 0) - ref;
      return ref > 0 ? (medianOf(a) ?? 0) / ref - 1 : Number.NaN;
    },
    {
      level: confidence,
      random: createRandom(fnv1a(metric.key)),
      resamples: BOOTSTRAP_RESAMPLES,
    },
  );
}

function toCheck(
  metric: Metric,
  historySize: number,
  a: Assessment,
  policy: RegressionPolicy,
  accept: readonly AcceptRule[],
): Check {
  const grade = gradeComparison(
    metric.key,
    a,
    accept,
    a.rankVetoedWorse ? 'within the range of past runs (rank test)' : 'within run-to-run noise',
  );
  const interval = a.interval
    ? { bounds: a.interval, confidence: policy.confidence, fromRounds: a.intervalFromRounds }
    : undefined;
  const head = changeHeadline(metric, a.reference, {
    change: a.change,
    difference: metric.value - a.reference,
    interval,
    why: absoluteReason(metric.unit, a.reference),
  });
  const against = historySize === 1 ? 'vs 1 baseline run' : `vs median of ${historySize} runs`;
  return {
    kind: grade.kind,
    metric: metric.key,
    status: grade.status,
    value: metric.value,
    unit: metric.unit,
    warn: policy.warn,
    fail: policy.fail,
    baseline: a.reference,
    ...(a.change !== undefined ? { change: a.change } : {}),
    ...(a.interval ? { changeInterval: a.interval } : {}),
    confidenceLevel: policy.confidence,
    method: a.method,
    lowConfidence: a.lowConfidence,
    historySize,
    ...(grade.accepted !== undefined ? { accepted: grade.accepted } : {}),
    message: [`${head} ${against}`, ...grade.notes].join('; '),
  };
}

/** What a comparison comes to once its size and significance meet the thresholds. */
export interface Grade {
  /** `improvement` (always passing) or `regression`. */
  kind: 'regression' | 'improvement';
  status: Status;
  /** The reason of the `accept:` rule that turned a warn or fail into a pass. */
  accepted?: string;
  /** Why the status is not what the size alone would say, for the check's message. */
  notes: string[];
}

/**
 * The status of a comparison: fail or warn when significantly worse by at least `failAt` or
 * `warnAt`, an improvement when significantly better by at least `warnAt`, pass otherwise; a low
 * confidence comparison warns at most, and an `accept` rule matching `key` turns a warn or fail
 * into a pass. `withinNoise` is the note for a worsening large enough to warn that its test did
 * not call significant (the run's error control has a note of its own).
 */
export function gradeComparison(
  key: string,
  a: Judged,
  accept: readonly AcceptRule[],
  withinNoise: string,
): Grade {
  const worseBy = Math.max(a.worsening, 0);
  const betterBy = Math.max(-a.worsening, 0);
  let level: Status = 'pass';
  if (a.significantlyWorse && worseBy > 0 && worseBy >= a.failAt) level = 'fail';
  else if (a.significantlyWorse && worseBy > 0 && worseBy >= a.warnAt) level = 'warn';
  // Low confidence never fails: without a measured noise level, a short baseline cannot tell a
  // real +30 % from a noisy runner. The report says so once, not on every row.
  const capped = a.lowConfidence && level === 'fail';
  if (capped) level = 'warn';
  const isImprovement = a.significantlyBetter && betterBy > 0 && betterBy >= a.warnAt;
  const rule = level === 'pass' ? undefined : accept.find((r) => matchesKeyPattern(key, r.metric));

  const notes: string[] = [];
  if (capped) notes.push('would fail, but low confidence warns at most');
  else if (level === 'pass' && !isImprovement && worseBy > 0 && worseBy >= a.warnAt) {
    notes.push(
      a.lostToRunControl
        ? `within what chance gives over the run's ${a.comparisons} comparisons`
        : withinNoise,
    );
  }
  if (rule) notes.push(`accepted (would ${level}): ${rule.reason}`);
  return {
    kind: isImprovement ? 'improvement' : 'regression',
    status: rule ? 'pass' : level,
    ...(rule ? { accepted: rule.reason } : {}),
    notes,
  };
}

/**
 * Why a comparison against `reference` is absolute rather than relative, for the message: the
 * unit compares by difference, or the reference (named `noun`) is zero, negative or too close to 0.
 */
export function absoluteReason(unit: Unit, reference: number, noun = 'baseline'): string {
  if (ABSOLUTE_UNITS.has(unit)) return `${unit}s compare by difference`;
  if (reference === 0) return `zero ${noun}`;
  return reference < 0 ? `${noun} below 0` : `${noun} too close to 0`;
}

/** What {@link changeHeadline} states about a change. */
export interface ChangeFigures {
  /** Relative change; undefined for an absolute comparison. */
  change?: number | undefined;
  /** Absolute change in the metric's unit, stated when `change` is undefined. */
  difference: number;
  /** Interval of `change`, stated with it. */
  interval?: { bounds: [number, number]; confidence: number; fromRounds?: boolean } | undefined;
  /** Why the comparison is absolute (see {@link absoluteReason}). */
  why: string;
}

/**
 * The start of a comparison's message: `latency.p95 +5.1 % (95 % CI +3.9 % … +6.4 %)`, or for an
 * absolute comparison `errors.rate 0 % → 0.2 % (+0.2 %, absolute: zero baseline)`.
 */
export function changeHeadline(
  metric: Pick<Metric, 'name' | 'unit' | 'value'>,
  reference: number,
  figures: ChangeFigures,
): string {
  const { change, interval } = figures;
  if (change === undefined) {
    const diff = figures.difference;
    const signed = `${diff >= 0 ? '+' : ''}${formatValue(diff, metric.unit)}`;
    const from = formatValue(reference, metric.unit);
    const to = formatValue(metric.value, metric.unit);
    return `${metric.name} ${from} → ${to} (${signed}, absolute: ${figures.why})`;
  }
  let head = `${metric.name} ${formatChange(change)}`;
  if (interval) {
    const level = `${Number((interval.confidence * 100).toFixed(1))} %`;
    const source = interval.fromRounds ? ', rounds only' : '';
    const [low, high] = interval.bounds;
    head += ` (${level} CI ${formatChange(low)} … ${formatChange(high)}${source})`;
  }
  return head;
}

/**
 * One line on how the run's regressions were judged, for the report (once, not per row): the
 * test and how many comparisons its false alarms are controlled over, and the low-confidence
 * comparisons that warn at most. Undefined when nothing was compared.
 */
export function describeRegressionMethod(
  checks: readonly Check[],
  policy: Pick<RegressionPolicy, 'confidence' | 'minHistory'>,
): string | undefined {
  const compared = checks.filter((c) => isComparison(c) && c.method !== undefined);
  const tested = compared.filter((c) => !c.lowConfidence).length;
  const low = compared.length - tested;
  const parts: string[] = [];
  if (tested > 0) {
    const share = Number((((1 - policy.confidence) / 2) * 100).toFixed(2));
    parts.push(
      `Each metric is tested against the history's run-to-run spread (robust z), false alarms ` +
        `controlled over the run's ${tested} comparison${tested === 1 ? '' : 's'} ` +
        `(Benjamini–Hochberg): unchanged code is called worse in at most ${share} % of runs.`,
    );
  }
  if (low > 0) {
    const needed = Math.max(policy.minHistory, MIN_RUNS_FOR_SPREAD);
    parts.push(
      `Low confidence for ${low} comparison${low === 1 ? '' : 's'} (fewer than ${needed} ` +
        'baseline runs): the percent rule alone, so they warn at most.',
    );
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}
