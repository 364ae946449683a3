// Compares a run with its baseline history: regression and improvement checks, and what to tell
// the reader about the history (its size, its newest run, whether it came from another machine).

import type { BaselineHistory } from '../baseline/types.ts';
import type { PerfConfig } from '../config/schema.ts';
import type { BaselineSummary, Check, Environment, Metric } from '../results/types.ts';
import { checkRegressions } from './regressions.ts';

/** Calibration scores further apart than this ratio mean a different kind of machine. */
const CALIBRATION_TOLERANCE = 0.25;

/** Regression checks of `metrics` against `history`, and the summary for results.json. */
export function compareWithHistory(
  metrics: Metric[],
  environment: Environment,
  history: BaselineHistory | undefined,
  config: Pick<PerfConfig, 'baseline' | 'regression' | 'accept'>,
): { checks: Check[]; summary: BaselineSummary } {
  const records = history?.records ?? [];
  const summary: BaselineSummary = { name: config.baseline.name, runs: records.length };
  const newest = records.at(-1);
  if (!newest) return { checks: [], summary };
  if (newest.commit !== undefined) summary.newestCommit = newest.commit;
  summary.newestAt = newest.savedAt;
  const note = environmentNote(
    environment,
    records.map((r) => r.result.environment),
  );
  if (note) summary.environmentNote = note;
  const checks = checkRegressions(
    metrics,
    records.map((r) => r.result.metrics),
    config.regression,
    config.accept,
  );
  return { checks, summary };
}

/**
 * What differs between this machine and the ones the baseline ran on, or undefined when they are
 * alike: another CPU model, another core count, or a calibration score off by more than 25 %.
 */
export function environmentNote(current: Environment, past: Environment[]): string | undefined {
  const differences = new Set<string>();
  for (const env of past) {
    if (env.cpuModel !== current.cpuModel) {
      differences.add(`CPU ${env.cpuModel} → ${current.cpuModel}`);
    }
    if (env.cores !== current.cores) differences.add(`${env.cores} → ${current.cores} cores`);
    if (env.calibration !== undefined && current.calibration !== undefined && env.calibration > 0) {
      const ratio = current.calibration / env.calibration;
      if (Math.abs(ratio - 1) > CALIBRATION_TOLERANCE) {
        differences.add(`calibration ${env.calibration} → ${current.calibration}`);
      }
    }
  }
  if (differences.size === 0) return undefined;
  return `baseline runs came from a different machine (${[...differences].join('; ')}): compare with care`;
}
