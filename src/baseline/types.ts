// Baseline history: the records saved from default-branch runs, and the store that keeps them.
import type { RunResult } from '../suites/registry.ts';

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

/** One record as a history file holds it. */
export interface StoredRecord {
  /** The record's JSON, verbatim (fields this version does not know included): a save writes it back unchanged. */
  json: unknown;
  /** Whether this version could read it; the readable ones are `records`, in the same order. */
  isUsable: boolean;
}

/** The rolling history of one config (`baseline.name`), oldest first. */
export interface BaselineHistory {
  schemaVersion: number;
  name: string;
  /** The records this version can compare with (valid shape, values within their units' ranges). */
  records: BaselineRecord[];
  /**
   * Every record read from the file, usable or not, so that a save never drops a record it could
   * not read (another schemaVersion, another shape, garbage values) before it ages out of the
   * window. Absent for a history built in memory: `records` is then all of it.
   */
  stored?: StoredRecord[];
}

/** How much of a history to read. */
export interface LoadOptions {
  /** Newest records to read (`baseline.history`); older ones are left out, and dropped by the next save. */
  maxRecords?: number;
}

/** What became of a save: which stores hold the new history, which do not and why. */
export interface SaveReport {
  /** Descriptions of the stores that saved it. */
  saved: string[];
  /** The stores that did not, each with one line saying why. */
  failed: Array<{ store: string; reason: string }>;
}

/**
 * Where histories live: a local directory, the Actions cache, or artifacts. `load` answers
 * undefined when there is no history; a store that cannot be reached throws, and the caller
 * degrades to "no baseline" with a warning. `save` never replaces a history the store could not
 * read (it refuses, throwing); a single store throws when it did not save, and reports itself as
 * saved otherwise.
 */
export interface BaselineStore {
  /** Short description for logs, e.g. `local dir .perf-baselines`. */
  readonly description: string;
  load(name: string, options?: LoadOptions): Promise<BaselineHistory | undefined>;
  save(history: BaselineHistory): Promise<SaveReport>;
}
