// Which check is worse: the one order of every list of checks in the reports, and so of the
// headline's "worst". Pure.
import { isComparison } from '../results/check-kinds.ts';
import type { Better, Check, Metric, Status } from '../results/types.ts';
import { trippedLimit } from './check-limits.ts';
import { splitMetricKey } from './metric-key.ts';

const RANK: Readonly<Record<Status, number>> = { fail: 0, warn: 1, pass: 2 };

/** Which direction is good for each metric key (checks do not carry it; their metrics do). */
export type BetterOf = (key: string) => Better | undefined;

export function betterOfMetrics(metrics: readonly Metric[]): BetterOf {
  const better = new Map(metrics.map((m) => [m.key, m.better]));
  return (key) => better.get(key);
}

/**
 * How far a check went past its reference, as a ratio, so that comparisons and the other checks
 * rank on one scale: a comparison's relative change (its size: a regression's is always in the bad
 * direction); any other check's excess over the limit it tripped (the fail limit when it failed,
 * else the warn limit), negative while within it. Undefined for a check with no number to rank by
 * (one without limits: a scenario that could not run, too few answers, a stress run's capacity):
 * it ranks first within its status.
 */
export function excessOf(check: Check, better: Better | undefined): number | undefined {
  if (isComparison(check)) return check.change === undefined ? 0 : Math.abs(check.change);
  const limit = trippedLimit(check);
  if (limit === undefined) return undefined;
  const over = better === 'higher' ? limit - check.value : check.value - limit;
  if (limit === 0) return over === 0 ? 0 : over > 0 ? Number.POSITIVE_INFINITY : -1;
  return over / Math.abs(limit);
}

/** Failures, then warnings, then passes; within each, the largest excess first; then by key. */
export function orderWorstFirst(checks: readonly Check[], betterOf: BetterOf): Check[] {
  const keyed = checks.map((check) => ({
    check,
    excess: excessOf(check, betterOf(check.metric)) ?? Number.POSITIVE_INFINITY,
  }));
  keyed.sort(
    (a, b) =>
      RANK[a.check.status] - RANK[b.check.status] ||
      byExcess(a.excess, b.excess) ||
      (a.check.metric < b.check.metric ? -1 : a.check.metric > b.check.metric ? 1 : 0),
  );
  return keyed.map(({ check }) => check);
}

/**
 * Larger first; equal within rounding (`+30.0 %` computed three ways) is a tie, so that the key
 * decides and equal changes list in a stable, readable order.
 */
function byExcess(a: number, b: number): number {
  if (a === b || Math.abs(a - b) < 1e-9) return 0;
  return a > b ? -1 : 1;
}

/**
 * Worst first, grouped by suite: the suite of the worst check comes first with all its checks
 * (worst first), then the suite of the worst check left, and so on.
 */
export function groupBySuiteWorstFirst(checks: readonly Check[], betterOf: BetterOf): Check[] {
  const groups = new Map<string, Check[]>();
  for (const check of orderWorstFirst(checks, betterOf)) {
    const { suite } = splitMetricKey(check.metric);
    const group = groups.get(suite) ?? [];
    group.push(check);
    groups.set(suite, group);
  }
  return [...groups.values()].flat();
}
