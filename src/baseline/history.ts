// Baseline histories as plain data: parse (never throws), append, serialize, build a record.
// Pure: no fs, no network. The stores do the I/O around these functions.
//
// What cannot be read is never lost: a file that cannot be read as a whole (truncated, too big,
// another schemaVersion, another name) is reported `unreadable`, and the stores refuse to save over
// it; a record that cannot be used (another schemaVersion, another shape, values no measurement
// gives) is skipped from comparisons but kept verbatim, and written back by the next save.
import { z } from 'zod';
import { FILE_LIMITS } from '../config/bounds.ts';
import { DEFAULT_HISTORY_SIZE } from '../config/regression-policy.ts';
import { fnv1a } from '../core/random.ts';
import { describeIssues, SCHEMA_VERSION } from '../results/schema.ts';
import { builtInRegistry, detailOf, type RunResult, runResultSchema } from '../suites/registry.ts';
import {
  type BaselineHistory,
  type BaselineRecord,
  HISTORY_SCHEMA_VERSION,
  type StoredRecord,
} from './types.ts';

/**
 * The largest history file this version reads, in bytes (32 MiB). A record of the bundled demo
 * (every suite, 19 scenarios) takes about 180 KB as written, so this holds 180 such runs; parsing
 * a file this size peaks near 200 MB. A bigger file is not read (and so never replaced) rather
 * than parsed whole into memory.
 */
export const MAX_HISTORY_BYTES = FILE_LIMITS.historyBytes;

/** Longest readable part of a history id, in characters. */
const MAX_ID_LENGTH = 48;

/** Skipped records named one by one in the warning; the rest are counted. */
const SKIPS_NAMED = 3;

// Outer shapes first, loosely, so that a record of another schemaVersion is reported as such
// (with its savedAt) rather than as "wrong shape".
const historyEnvelope = z.object({
  schemaVersion: z.number(),
  name: z.string(),
  records: z.array(z.unknown()),
});
const recordEnvelope = z.object({
  schemaVersion: z.number(),
  savedAt: z.string(),
  commit: z.string().optional(),
  ref: z.string().optional(),
  runId: z.string().optional(),
  result: z.unknown(),
});

/** What a history file holds, as far as this version can tell. */
export interface ParsedHistory {
  /** The history: its usable records, and every record read, to be written back. */
  history: BaselineHistory;
  /** One line per problem, for warnings (at most two: the file, and the records skipped). */
  warnings: string[];
  /**
   * Set when the file cannot be read as a whole: why. The history is then empty, and no store may
   * save over the file (the caller's warning tells the user how to start a new one).
   */
  unreadable?: string;
}

/** An empty history for `name`, in the current schema. */
export function emptyHistory(name: string): BaselineHistory {
  return { schemaVersion: HISTORY_SCHEMA_VERSION, name, records: [] };
}

/**
 * Reads a history file's text. Never throws. Text that cannot be read as a history (not JSON,
 * truncated, over {@link MAX_HISTORY_BYTES}, not a history, another schemaVersion, another `name`)
 * gives an empty history, `unreadable` and a warning. Records that cannot be used are skipped with
 * one warning saying how many and why (naming the first few by position and `savedAt`), and kept
 * in `stored`.
 *
 * @param text the file's content
 * @param name the history's identity (`baseline.name` in perf.yml), used in warnings
 * @param options.maxRecords newest records to read (`baseline.history`); older ones are left out
 */
export function parseHistory(
  text: string,
  name: string,
  options: { maxRecords?: number } = {},
): ParsedHistory {
  const label = `baseline history '${name}'`;
  const unreadable = (why: string) => unreadableHistory(name, why);
  // UTF-16 code units: as many as the bytes of ASCII JSON, a cheap first bound.
  const oversize = checkHistorySize(name, text.length);
  if (oversize) return oversize;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return unreadable(`is not valid JSON (${reason}): truncated or corrupt`);
  }
  const envelope = historyEnvelope.safeParse(raw);
  if (!envelope.success) {
    return unreadable(`is not a baseline history (${describeIssues(envelope.error)})`);
  }
  const { schemaVersion, records } = envelope.data;
  if (schemaVersion !== HISTORY_SCHEMA_VERSION) {
    const savedAt = records.slice(-SKIPS_NAMED).map(savedAtOf).join(', ');
    return unreadable(
      `has schemaVersion ${schemaVersion} (this version reads ${HISTORY_SCHEMA_VERSION}): ` +
        `${records.length} record(s)${savedAt ? `, the newest saved ${savedAt}` : ''}`,
    );
  }
  if (envelope.data.name !== name) {
    return unreadable(`is a file of history '${envelope.data.name}'`);
  }

  const warnings: string[] = [];
  const maxRecords = options.maxRecords ?? Number.POSITIVE_INFINITY;
  const first = Math.max(0, records.length - maxRecords);
  if (first > 0) {
    warnings.push(
      `${label} holds ${records.length} records; read the newest ${records.length - first} ` +
        '(baseline.history), and the older ones leave the history with the next save',
    );
  }
  const usable: BaselineRecord[] = [];
  const stored: StoredRecord[] = [];
  const skips: string[] = [];
  for (let index = first; index < records.length; index++) {
    const json = records[index];
    const outcome = parseRecord(json);
    if (typeof outcome === 'string') {
      skips.push(`record ${index + 1} saved ${savedAtOf(json)}: ${outcome}`);
    } else {
      usable.push(outcome);
    }
    stored.push({ json, isUsable: typeof outcome !== 'string' });
  }
  if (skips.length > 0) {
    const more = skips.length > SKIPS_NAMED ? `; and ${skips.length - SKIPS_NAMED} more` : '';
    warnings.push(
      `${label}: skipped ${skips.length} of ${stored.length} record(s), not compared (kept until ` +
        `they age out): ${skips.slice(0, SKIPS_NAMED).join('; ')}${more}`,
    );
  }
  return { history: { schemaVersion, name, records: usable, stored }, warnings };
}

/**
 * The outcome for a history file of `bytes` bytes when it is over {@link MAX_HISTORY_BYTES} (it is
 * then not read: unreadable), else undefined. Stores call it with the file's size before reading.
 */
export function checkHistorySize(name: string, bytes: number): ParsedHistory | undefined {
  if (bytes <= MAX_HISTORY_BYTES) return undefined;
  return unreadableHistory(
    name,
    `is ${formatMB(bytes)}, over the ${formatMB(MAX_HISTORY_BYTES)} this version reads`,
  );
}

function unreadableHistory(name: string, why: string): ParsedHistory {
  return {
    history: emptyHistory(name),
    warnings: [
      `baseline history '${name}' ${why}; compared with no baseline, and kept as it is (never saved over)`,
    ],
    unreadable: why,
  };
}

/** A usable record, or why it cannot be used. */
function parseRecord(candidate: unknown): BaselineRecord | string {
  const envelope = recordEnvelope.safeParse(candidate);
  if (!envelope.success) return `not a baseline record (${describeIssues(envelope.error)})`;
  const record = envelope.data;
  if (record.schemaVersion !== HISTORY_SCHEMA_VERSION) {
    return `record schemaVersion ${record.schemaVersion} (this version reads ${HISTORY_SCHEMA_VERSION})`;
  }
  const resultVersion = (record.result as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (resultVersion !== SCHEMA_VERSION) {
    return `results schemaVersion ${String(resultVersion)} (this version reads ${SCHEMA_VERSION})`;
  }
  const result = runResultSchema.safeParse(record.result);
  if (!result.success) return `results not usable (${describeIssues(result.error)})`;
  const parsed: BaselineRecord = {
    schemaVersion: record.schemaVersion,
    savedAt: record.savedAt,
    result: result.data,
  };
  if (record.commit !== undefined) parsed.commit = record.commit;
  if (record.ref !== undefined) parsed.ref = record.ref;
  if (record.runId !== undefined) parsed.runId = record.runId;
  return parsed;
}

function savedAtOf(candidate: unknown): string {
  const savedAt = (candidate as { savedAt?: unknown } | null)?.savedAt;
  return typeof savedAt === 'string' ? savedAt.slice(0, 40) : '(unknown time)';
}

function formatMB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Appends a record and keeps the newest `max` (oldest first), unusable stored records included. A
 * record with the same `runId` as one already kept replaces it, so that a re-run attempt of the
 * same workflow run does not count the same commit twice. Returns a new history; the argument is
 * not changed.
 *
 * @param max records to keep, an integer >= 1 (default 20)
 */
export function appendRecord(
  history: BaselineHistory,
  record: BaselineRecord,
  max: number = DEFAULT_HISTORY_SIZE,
): BaselineHistory {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`history size must be an integer >= 1, got ${max}`);
  }
  const entries = entriesOf(history);
  const others =
    record.runId === undefined
      ? entries
      : entries.filter((entry) => runIdOf(entry.json) !== record.runId);
  const kept = [...others, { json: record as unknown, record }].slice(-max);
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    name: history.name,
    records: kept.flatMap((entry) => (entry.record ? [entry.record] : [])),
    stored: kept.map((entry) => ({ json: entry.json, isUsable: entry.record !== undefined })),
  };
}

/** Every record in file order, with its usable form when there is one. */
function entriesOf(history: BaselineHistory): Array<{ json: unknown; record?: BaselineRecord }> {
  if (!history.stored) return history.records.map((record) => ({ json: record, record }));
  const usable = history.stored.filter((entry) => entry.isUsable).length;
  if (usable !== history.records.length) {
    throw new Error(
      `history '${history.name}': ${usable} stored records are usable, but ${history.records.length} records are given`,
    );
  }
  let next = 0;
  return history.stored.map((entry) =>
    entry.isUsable ? { json: entry.json, record: history.records[next++] } : { json: entry.json },
  );
}

function runIdOf(json: unknown): string | undefined {
  const runId = (json as { runId?: unknown } | null)?.runId;
  return typeof runId === 'string' ? runId : undefined;
}

/**
 * The file form of a history: indented JSON with a final newline (diffs well when committed).
 * Stored records are written back verbatim; without them, the records.
 */
export function serializeHistory(history: BaselineHistory): string {
  const records = history.stored ? history.stored.map((entry) => entry.json) : history.records;
  const file = { schemaVersion: history.schemaVersion, name: history.name, records };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Builds the record of one run. To keep histories small (20 records of every scenario's
 * histograms), the per-round histograms (`scenarios[].rounds[].histogram`) are replaced by the
 * empty string; the merged `scenarios[].histogram` and every metric's per-round `samples` are
 * kept, and they are what comparisons use. `commit` and `ref` default to `result.git`.
 *
 * @param meta.savedAt ISO 8601 time of the save
 * @param meta.runId e.g. the workflow run id (GITHUB_RUN_ID)
 */
export function makeRecord(
  result: RunResult,
  meta: { commit?: string; ref?: string; runId?: string; savedAt: string },
): BaselineRecord {
  // A scenario that could not run, measured too few answers or hit its wall-clock cap measured
  // nothing a later run should be compared with: its metrics stay out of the history.
  const unmeasured = new Set(
    result.checks
      .filter((check) => check.source === 'run' && check.status === 'fail')
      .map((check) => check.metric.slice(0, check.metric.lastIndexOf('/'))),
  );
  // The base measured beside the run is that job's evidence, not the history's: left out.
  const { sameJob: _base, ...own } = result;
  const slim: RunResult = {
    ...own,
    metrics: result.metrics.filter((m) => !unmeasured.has(`${m.suite}/${m.scenario}`)),
    scenarios: result.scenarios.map((scenario) => ({
      ...scenario,
      rounds: scenario.rounds.map((round) => ({ ...round, histogram: '' })),
    })),
  };
  // The verdict compares metrics; a suite's detail keeps what later reports need (not a stress
  // run's second-by-second series, which is for its own report).
  for (const suite of builtInRegistry.suites) {
    const detail = detailOf(suite, result);
    if (detail !== undefined && suite.compactDetail) {
      (slim as Record<string, unknown>)[suite.name] = suite.compactDetail(detail);
    }
  }
  const record: BaselineRecord = {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    savedAt: meta.savedAt,
    result: slim,
  };
  const commit = meta.commit ?? result.git?.sha;
  const ref = meta.ref ?? result.git?.ref;
  if (commit !== undefined) record.commit = commit;
  if (ref !== undefined) record.ref = ref;
  if (meta.runId !== undefined) record.runId = meta.runId;
  return record;
}

/**
 * The id of a history in file names, cache keys and artifact names: the name itself when it is
 * already lowercase letters, digits and `_` (e.g. `default`); otherwise a slug of it (runs of other
 * characters become `_`) plus `_` and 8 hex digits of a hash of the exact name, so that `My App`
 * and `my_app` stay apart.
 *
 * There is no `-` in an id on purpose: cache restore keys are prefix matches, and
 * `<prefix>-<branch>-<id>-` must never match the keys of another id (`default` vs `default-2`).
 */
export function historyId(name: string): string {
  if (/^[a-z0-9_]+$/.test(name) && name.length <= MAX_ID_LENGTH) return name;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_ID_LENGTH);
  return `${slug || 'history'}_${fnv1a(name).toString(16).padStart(8, '0')}`;
}
