// Baseline history: the records saved from default-branch runs, and the store that keeps them.
import type { RunResult } from '../results/types.ts';

export const HISTORY_SCHEMA_VERSION = 1;

/** One saved run: its whole results (metrics with round samples, histograms, environment) plus where it came from. */
export interface BaselineRecord {
  schemaVersion: number;
  savedAt: string;
  commit?: string;
  ref?: string;
  /** e.g. the workflow run id, when saved by the action. */
  runId?: string;
  result: RunResult;
}

/** The rolling history of one config (`baseline.name`), oldest first. */
export interface BaselineHistory {
  schemaVersion: number;
  name: string;
  records: BaselineRecord[];
}

/**
 * Where histories live: a local directory, the Actions cache, or artifacts. `load` answers
 * undefined when there is no history; a store that cannot be reached throws, and the caller
 * degrades to "no baseline" with a warning.
 */
export interface BaselineStore {
  /** Short description for logs, e.g. `local dir .perf-baselines`. */
  readonly description: string;
  load(name: string): Promise<BaselineHistory | undefined>;
  save(history: BaselineHistory): Promise<void>;
}
