// Compares a run with its baseline history: regression and improvement checks, and what to tell
// the reader about the history (its size, its newest run, whether it came from another machine,
// how the checks were judged).

import type { BaselineHistory } from '../baseline/types.ts';
import type { CoreConfig } from '../config/schema.ts';
import type { BaselineSummary, Check, Environment, Metric, ScenarioRun } from '../results/types.ts';
import type { AnySuite } from '../suites/suite.ts';
import { type ScenarioFacts, selectGatedKeys } from './gated-metrics.ts';
import { checkRegressions, describeRegressionMethod } from './regressions.ts';
import { medianOf, qnScale } from './statistics.ts';

/** Total memory further apart than this share means another kind of machine (VMs of one size differ a little). */
const MEMORY_TOLERANCE = 0.1;

/** Regression checks of `metrics` against `history`, and the summary for results.json. */
export function compareWithHistory(
  metrics: Metric[],
  scenarios: readonly ScenarioRun[],
  environment: Environment,
  history: BaselineHistory | undefined,
  config: Pick<CoreConfig, 'baseline' | 'regression' | 'accept'>,
  suites?: readonly AnySuite[],
): { checks: Check[]; summary: BaselineSummary } {
  const records = history?.records ?? [];
  const summary: BaselineSummary = { name: config.baseline.name, runs: records.length };
  const newest = records.at(-1);
  if (!newest) return { checks: [], summary };
  if (newest.commit !== undefined) summary.newestCommit = newest.commit;
  summary.newestAt = newest.savedAt;
  const past = records.map((r) => r.result.environment);
  const note = environmentNote(environment, past);
  if (note) summary.environmentNote = note;
  const speed = speedNote(environment, past);
  if (speed) summary.speedNote = speed;
  const checks = checkRegressions(
    metrics,
    records.map((r) => r.result.metrics),
    config.regression,
    config.accept,
    {
      gated: selectGatedKeys(
        metrics,
        scenarios.map(scenarioFacts),
        config.regression.metrics,
        suites,
      ),
    },
  );
  const method = describeRegressionMethod(checks, config.regression);
  if (method) summary.errorControl = method;
  return { checks, summary };
}

/** What the default gated set needs to know of a measured scenario. */
export function scenarioFacts(run: ScenarioRun): ScenarioFacts {
  return {
    suite: run.suite,
    name: run.name,
    model: run.model === 'open' ? 'open' : 'closed',
    answered: run.totals.completed,
  };
}

/**
 * What differs between this machine and the ones the baseline ran on, or undefined when they are
 * alike. Facts only: another CPU model, core count or amount of memory. A speed score measured
 * in a fraction of a second moves with whatever else the runner does, so it never decides this
 * (see speedNote).
 */
export function environmentNote(current: Environment, past: Environment[]): string | undefined {
  const differences = new Set<string>();
  for (const env of past) {
    if (env.cpuModel !== current.cpuModel) {
      differences.add(`CPU ${env.cpuModel} → ${current.cpuModel}`);
    }
    if (env.cores !== current.cores) differences.add(`${env.cores} → ${current.cores} cores`);
    const larger = Math.max(env.memoryMB, current.memoryMB);
    if (larger > 0 && Math.abs(env.memoryMB - current.memoryMB) / larger > MEMORY_TOLERANCE) {
      differences.add(`${env.memoryMB} → ${current.memoryMB} MB of memory`);
    }
  }
  if (differences.size === 0) return undefined;
  return `baseline runs came from a different machine (${[...differences].join('; ')}): compare with care`;
}

/**
 * The calibration score of this run as a ratio of the baseline runs' median, beside the runs' own
 * spread of that score, so a reader can tell a slower runner from the score's noise. It explains;
 * it never flags. Undefined without scores.
 */
export function speedNote(current: Environment, past: Environment[]): string | undefined {
  const scores = past
    .map((e) => e.calibration)
    .filter((c): c is number => c !== undefined && c > 0);
  const reference = medianOf(scores);
  if (current.calibration === undefined || reference === undefined || reference <= 0)
    return undefined;
  const ratio = current.calibration / reference;
  const noise =
    scores.length >= 3
      ? ` (the baseline runs' own scores vary ±${Math.round((qnScale(scores) / reference) * 100)} %)`
      : '';
  return `CPU speed score ${ratio.toFixed(2)}× the baseline runs' median${noise}`;
}
