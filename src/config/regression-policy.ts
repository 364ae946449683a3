// How runs are compared, as perf.yml sets it: the regression policy, accepted regressions and the
// history's size, with their defaults. Plain data, read by the config schema, the verdict and the
// baseline stores.

/** The `regression.metrics` entry that stands for the default set. */
export const DEFAULT_GATED = 'default';

/** Records a history keeps by default: the last 20 default-branch runs. */
export const DEFAULT_HISTORY_SIZE = 20;

/** How regressions are judged. Relative thresholds are fractions: 0.1 = 10 %. */
export interface RegressionPolicy {
  /** Relative worsening that warns (when significant); default 0.10 (warning > 10 %, docs/architecture.md). */
  warn: number;
  /** Relative worsening that fails (when significant); default 0.25 (critical > 25 %, docs/architecture.md). */
  fail: number;
  /**
   * Confidence level of the change's two-sided interval, default 0.95. A change counts as
   * significant when that interval lies wholly on one side of zero.
   */
  confidence: number;
  /** Baseline runs that hold the metric needed for the statistical test (at least 3 are); default 5. */
  minHistory: number;
  /**
   * Which metrics are gated: `default` (a few meaningful ones per scenario, see gated-metrics.ts),
   * metric names, key globs as in `accept:`, and `!` patterns that remove. The rest is reported.
   */
  metrics: string[];
}

/**
 * The default KPIs' levels (docs/architecture.md, "Default KPIs": warning > 10 %, critical > 25 %)
 * at 95 % confidence, from 5 baseline runs.
 */
export const DEFAULT_REGRESSION_POLICY: Readonly<RegressionPolicy> = Object.freeze({
  warn: 0.1,
  fail: 0.25,
  confidence: 0.95,
  minHistory: 5,
  metrics: [DEFAULT_GATED],
});

/** An `accept:` entry of perf.yml: a known regression that must not fail the run. */
export interface AcceptRule {
  /**
   * Glob over metric keys: `*` matches within one segment, `**` across segments; e.g.
   * `load/**` (every load metric) or `load/projects-*` + `/latency.p99`.
   */
  metric: string;
  /** Why it is accepted; shown in the report. */
  reason: string;
}
