// What the suites of a run measured, gathered suite by suite (one accumulator for the run, the
// confirming re-run and each side of a same-job comparison).
import type { Check, Metric, ScenarioRun } from '../results/types.ts';
import type { AnySuite, SuiteOutput } from '../suites/suite.ts';

/** What the suites measured, together. */
export interface SuiteRuns {
  scenarios: ScenarioRun[];
  metrics: Metric[];
  /** Checks the suites decided themselves (validity, stability, seeding). */
  checks: Check[];
  /** Each suite's own account, under its name (absent when empty). */
  details: Record<string, unknown>;
}

export function emptyRuns(): SuiteRuns {
  return { scenarios: [], metrics: [], checks: [], details: {} };
}

/** Adds what a suite handed over; an empty detail (no stress run, say) is left out. */
export function addOutput(runs: SuiteRuns, suite: AnySuite, out: SuiteOutput): void {
  runs.scenarios.push(...out.scenarios);
  runs.metrics.push(...out.metrics);
  runs.checks.push(...out.checks);
  const isEmpty =
    out.detail === undefined || (Array.isArray(out.detail) && out.detail.length === 0);
  if (!isEmpty) runs.details[suite.name] = out.detail;
}
