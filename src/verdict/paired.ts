// Regression checks against the base branch measured beside the head in the same job, in pairs.
//
// The history mode compares one run with other runs, so a shared runner's run-to-run swings (a
// neighbour's build, a throttled CPU) are the noise any regression must stand out of. Here each
// pair measures head and base back to back or at once: whatever the machine does to that moment
// it does to both sides, and a per-pair comparison cancels it. Only what differs between the two
// measurements of one pair is left as noise, usually far less, so smaller regressions can be told
// apart from chance. The practical sizes, the run-level error control and the statuses are
// those of the history mode (regressions.ts); only the test differs.
import {
  type AcceptRule,
  DEFAULT_REGRESSION_POLICY,
  type RegressionPolicy,
} from '../config/regression-policy.ts';
import { isComparison } from '../results/check-kinds.ts';
import type { Check, Metric } from '../results/types.ts';
import { selectGatedKeys } from './gated-metrics.ts';
import {
  absoluteReason,
  changeHeadline,
  controlRunErrors,
  gradeComparison,
  type Judged,
  practicalSize,
  type RegressionOptions,
} from './regressions.ts';
import { studentTCdf, studentTQuantile } from './statistics.ts';

/** Fewer pairs than this leave no spread to test with: the percent rule alone decides. */
export const MIN_PAIRS_FOR_TEST = 3;

/**
 * Least pair-to-pair spread of the log ratio assumed (0.5 %). Head and base measured at the same
 * moment can agree so closely that the sample standard deviation of a few pairs comes out tiny
 * by luck; a 0.3 % wobble would then be "significant", and the practical size alone would decide,
 * which is the noisy fixed-threshold gate again. Half the history mode's 1 % floor, since pairing
 * removes the run-to-run part of the noise that floor stands for.
 */
export const PAIRED_SPREAD_FLOOR = 0.005;

const METHOD_LOG_RATIO = 'paired-t (log ratio)';
const METHOD_DIFFERENCE = 'paired-t (difference)';
const METHOD_PERCENT_ONLY = 'percent-only';

/** One gated metric's comparison, before thresholds become a status. */
interface PairedAssessment extends Judged {
  head: Metric;
  base: Metric;
  /** Pairs where both sides are finite: the pairs the decision used. */
  pairs: number;
  change?: number;
  interval?: [number, number];
  /** Absolute change in the unit, stated when the comparison is not relative. */
  difference: number;
  method: string;
  /** Why the comparison is absolute, when it is. */
  why: string;
}

/**
 * One check per gated head metric (default: what `policy.metrics` selects, as for
 * checkRegressions) that `base` holds with the same key and unit, both values finite.
 *
 * The samples of a metric are one value per pair, at the same index on both sides; a pair where
 * either side is not finite is dropped. From 3 pairs on, a paired t-test at `policy.confidence`:
 * on the log ratios ln(head / base) when the base value and every sample are positive (the change
 * is then exp(mean) - 1, a geometric mean of the pairs' ratios, with its interval), otherwise, and
 * always for exponents, on the differences head - base (no relative change or interval: an error
 * rate of 0 going to 0.2 % is no percentage). Significance is controlled over the run's tested
 * comparisons by Benjamini–Hochberg unless `options.controlRunErrors` is false; practical sizes
 * (`warn`, `fail` and the units' floors) and `accept` rules are the history mode's.
 *
 * With fewer than 3 pairs (the stress and video suites run one by default) there is no spread to
 * test against: head value against base value by the percent rule, low confidence, warning at
 * most. The result never holds NaN or Infinity.
 */
export function checkPairedRegressions(
  head: readonly Metric[],
  base: readonly Metric[],
  policy: Partial<RegressionPolicy> = {},
  accept: readonly AcceptRule[] = [],
  options: RegressionOptions = {},
): Check[] {
  const full: RegressionPolicy = { ...DEFAULT_REGRESSION_POLICY, ...definedOnly(policy) };
  const gated = options.gated ?? selectGatedKeys(head, [], full.metrics);
  const bases = new Map(base.map((m) => [m.key, m]));
  const assessed: PairedAssessment[] = [];
  for (const metric of head) {
    const other = bases.get(metric.key);
    if (!gated.has(metric.key) || other === undefined || other.unit !== metric.unit) continue;
    if (!Number.isFinite(metric.value) || !Number.isFinite(other.value)) continue;
    assessed.push(assess(metric, other, full));
  }
  const tested = assessed.filter((a) => !a.lowConfidence);
  if (options.controlRunErrors !== false) controlRunErrors(tested, full.confidence);
  return assessed.map((a) => toCheck(a, full, accept));
}

function definedOnly(policy: Partial<RegressionPolicy>): Partial<RegressionPolicy> {
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined));
}

/** The finite pairs of two sample lists, by index. */
function zipFinite(head: readonly number[], base: readonly number[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < Math.min(head.length, base.length); i++) {
    const h = head[i] as number;
    const b = base[i] as number;
    if (Number.isFinite(h) && Number.isFinite(b)) pairs.push([h, b]);
  }
  return pairs;
}

function assess(head: Metric, base: Metric, policy: RegressionPolicy): PairedAssessment {
  const pairs = zipFinite(head.samples ?? [], base.samples ?? []);
  const direction = head.better === 'lower' ? 1 : -1;
  const reference = base.value;
  if (pairs.length < MIN_PAIRS_FOR_TEST) return assessByPercent(head, base, pairs.length, policy);

  const size = practicalSize(head, reference, policy);
  const positive = pairs.every(([h, b]) => h > 0 && b > 0);
  if (size.relative && positive) {
    const ratios = pairs.map(([h, b]) => Math.log(h / b));
    // A rate's unit floor is absolute; in log units it is that share of the reference.
    const floor = Math.max(PAIRED_SPREAD_FLOOR, size.unitSpreadFloor / reference);
    const test = pairedT(ratios, floor, policy.confidence);
    const change = Math.expm1(test.mean);
    const interval: [number, number] = [Math.expm1(test.low), Math.expm1(test.high)];
    if ([test.mean, change, ...interval].every(Number.isFinite)) {
      return {
        head,
        base,
        pairs: pairs.length,
        change,
        interval,
        difference: head.value - reference,
        worsening: direction * change * reference,
        warnAt: size.warnAt,
        failAt: size.failAt,
        lowConfidence: false,
        method: METHOD_LOG_RATIO,
        why: '',
        ...significance(test, direction, policy.confidence),
      };
    }
  }

  // A ratio with a zero (an error rate of 0 in some pair) is no ratio: differences, and the
  // unit's absolute floors as for a zero reference.
  const absolute = practicalSize(head, reference, policy, false);
  const test = pairedT(
    pairs.map(([h, b]) => h - b),
    absolute.unitSpreadFloor,
    policy.confidence,
  );
  return {
    head,
    base,
    pairs: pairs.length,
    difference: test.mean,
    worsening: direction * test.mean,
    warnAt: absolute.warnAt,
    failAt: absolute.failAt,
    lowConfidence: false,
    method: METHOD_DIFFERENCE,
    why: !size.relative
      ? absoluteReason(head.unit, reference, 'base')
      : positive
        ? 'ratios out of range'
        : 'a pair at or below 0',
    ...significance(test, direction, policy.confidence),
  };
}

/**
 * Too few pairs for a spread: the head's value against the base's, judged by size alone. Called
 * "significant" whichever way it moved, so the thresholds decide; it warns at most (low
 * confidence), as the history mode's percent rule does.
 */
function assessByPercent(
  head: Metric,
  base: Metric,
  pairs: number,
  policy: RegressionPolicy,
): PairedAssessment {
  const reference = base.value;
  const size = practicalSize(head, reference, policy);
  const worsening = (head.better === 'lower' ? 1 : -1) * (head.value - reference);
  return {
    head,
    base,
    pairs,
    ...(size.relative ? { change: (head.value - reference) / reference } : {}),
    difference: head.value - reference,
    worsening,
    warnAt: size.warnAt,
    failAt: size.failAt,
    lowConfidence: true,
    method: METHOD_PERCENT_ONLY,
    why: absoluteReason(head.unit, reference, 'base'),
    significantlyWorse: worsening > 0,
    significantlyBetter: worsening < 0,
    pWorse: 1,
    pBetter: 1,
  };
}

/** A one-sample t-test of paired differences (or log ratios) against 0. */
interface PairedT {
  mean: number;
  /** Two-sided interval of the mean at the confidence asked. */
  low: number;
  high: number;
  /** One-sided p-values that the true mean is above, below 0. */
  pAbove: number;
  pBelow: number;
}

/**
 * Student's t on `values` (at least 2), their standard deviation taken as at least `floor`.
 * A zero standard error (a zero floor and identical values) leaves a mean of 0 unremarkable and
 * any other mean certain.
 */
function pairedT(values: readonly number[], floor: number, confidence: number): PairedT {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  const se = Math.max(Math.sqrt(variance), floor) / Math.sqrt(n);
  const df = n - 1;
  if (!(se > 0)) {
    return {
      mean,
      low: mean,
      high: mean,
      pAbove: mean > 0 ? 0 : 1,
      pBelow: mean < 0 ? 0 : 1,
    };
  }
  const t = studentTQuantile(1 - (1 - confidence) / 2, df);
  const statistic = mean / se;
  return {
    mean,
    low: mean - t * se,
    high: mean + t * se,
    pAbove: 1 - studentTCdf(statistic, df),
    pBelow: studentTCdf(statistic, df),
  };
}

/**
 * The test's verdict in the metric's direction (1: higher is worse), each side one-sided at
 * (1 - confidence) / 2, so that it agrees with the two-sided interval excluding 0.
 */
function significance(
  test: PairedT,
  direction: number,
  confidence: number,
): Pick<Judged, 'significantlyWorse' | 'significantlyBetter' | 'pWorse' | 'pBetter'> {
  const alpha = (1 - confidence) / 2;
  const pWorse = direction > 0 ? test.pAbove : test.pBelow;
  const pBetter = direction > 0 ? test.pBelow : test.pAbove;
  return {
    pWorse,
    pBetter,
    significantlyWorse: pWorse <= alpha,
    significantlyBetter: pBetter <= alpha,
  };
}

function toCheck(
  a: PairedAssessment,
  policy: RegressionPolicy,
  accept: readonly AcceptRule[],
): Check {
  const grade = gradeComparison(a.head.key, a, accept, 'within pair-to-pair noise');
  const headline = changeHeadline(a.head, a.base.value, {
    change: a.change,
    difference: a.difference,
    interval: a.interval ? { bounds: a.interval, confidence: policy.confidence } : undefined,
    why: a.why,
  });
  const against = `vs base, ${a.pairs} pair${a.pairs === 1 ? '' : 's'}`;
  return {
    kind: grade.kind,
    metric: a.head.key,
    status: grade.status,
    value: a.head.value,
    unit: a.head.unit,
    warn: policy.warn,
    fail: policy.fail,
    baseline: a.base.value,
    ...(a.change !== undefined ? { change: a.change } : {}),
    ...(a.interval ? { changeInterval: a.interval } : {}),
    confidenceLevel: policy.confidence,
    method: a.method,
    lowConfidence: a.lowConfidence,
    pairs: a.pairs,
    ...(grade.accepted !== undefined ? { accepted: grade.accepted } : {}),
    message: [`${headline} ${against}`, ...grade.notes].join('; '),
  };
}

/**
 * One line on how the run's same-job comparisons were judged, for the report (once, not per
 * row): the paired test and how many comparisons its false alarms are controlled over, and the
 * comparisons with too few pairs that warn at most. Undefined when nothing was compared in pairs.
 */
export function describePairedMethod(
  checks: readonly Check[],
  policy: Pick<RegressionPolicy, 'confidence'>,
): string | undefined {
  const compared = checks.filter((c) => isComparison(c) && c.pairs !== undefined);
  const tested = compared.filter((c) => !c.lowConfidence);
  const low = compared.length - tested.length;
  const parts: string[] = [];
  if (tested.length > 0) {
    const byRatio = tested.some((c) => c.method === METHOD_LOG_RATIO);
    const byDifference = tested.some((c) => c.method === METHOD_DIFFERENCE);
    const test =
      byRatio && byDifference
        ? 'paired t on log ratios, on differences where a value is zero or an exponent'
        : byRatio
          ? 'paired t on log ratios'
          : 'paired t on differences';
    const share = Number((((1 - policy.confidence) / 2) * 100).toFixed(2));
    const n = tested.length;
    parts.push(
      `Each metric is compared pair by pair with the base measured in this job (${test}), ` +
        `false alarms controlled over the run's ${n} comparison${n === 1 ? '' : 's'} ` +
        `(Benjamini–Hochberg): unchanged code is called worse in at most ${share} % of runs.`,
    );
  }
  if (low > 0) {
    parts.push(
      `Low confidence for ${low} comparison${low === 1 ? '' : 's'} (fewer than ` +
        `${MIN_PAIRS_FOR_TEST} pairs): the percent rule alone, so they warn at most.`,
    );
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}
