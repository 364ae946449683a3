// Baseline histories as plain data: parse (never throws), append, serialize, build a record.
// Pure: no fs, no network. The stores do the I/O around these functions.
import { z } from 'zod';
import { type RunResult, SCHEMA_VERSION } from '../results/types.ts';
import { type BaselineHistory, type BaselineRecord, HISTORY_SCHEMA_VERSION } from './types.ts';

/** Records a history keeps by default (issue 3: the last 20 default-branch runs). */
export const DEFAULT_HISTORY_SIZE = 20;

/** Longest readable part of a history id, in characters. */
const MAX_ID_LENGTH = 48;

// JSON has no NaN: JSON.stringify writes it as null. Read null back as NaN so that one metric
// without a value (e.g. latency of a scenario where no request succeeded) does not make the whole
// record unreadable.
const jsonNumber = z.union([z.number(), z.null().transform(() => Number.NaN)]);

const unitSchema = z.enum([
  'ms',
  'rps',
  'ratio',
  'percent',
  'MB',
  's',
  'count',
  'exponent',
  'records/s',
  'x',
  'MB/s',
]);
const statusSchema = z.enum(['pass', 'warn', 'fail']);

const metricSchema = z.looseObject({
  key: z.string(),
  suite: z.string(),
  scenario: z.string(),
  name: z.string(),
  unit: unitSchema,
  better: z.enum(['lower', 'higher']),
  value: jsonNumber,
  samples: z.array(jsonNumber).optional(),
});

const checkSchema = z.looseObject({
  kind: z.enum(['budget', 'regression', 'improvement']),
  metric: z.string(),
  status: statusSchema,
  value: jsonNumber,
  unit: unitSchema,
  warn: jsonNumber.optional(),
  fail: jsonNumber.optional(),
  source: z.string().optional(),
  baseline: jsonNumber.optional(),
  change: jsonNumber.optional(),
  changeInterval: z.tuple([jsonNumber, jsonNumber]).optional(),
  confidenceLevel: jsonNumber.optional(),
  method: z.string().optional(),
  lowConfidence: z.boolean().optional(),
  historySize: z.number().optional(),
  accepted: z.string().optional(),
  message: z.string(),
});

const totalsSchema = z
  .looseObject({
    sent: z.number(),
    completed: z.number(),
    ok: z.number(),
    errorStatus: z.number().optional(),
    socketErrors: z.number(),
    timeouts: z.number(),
    late: z.number(),
    dropped: z.number(),
    statusCodes: z.record(z.string(), z.number()),
  })
  // Records written before errorStatus existed: the answers that were not ok.
  .transform((t) => ({ ...t, errorStatus: t.errorStatus ?? t.completed - t.ok }));

const roundSchema = z.looseObject({
  elapsedMs: jsonNumber,
  achievedRate: jsonNumber,
  totals: totalsSchema,
  histogram: z.string(),
  generatorCpuPercent: jsonNumber,
});

const scenarioSchema = z.looseObject({
  suite: z.string(),
  name: z.string(),
  model: z.enum(['closed', 'open']),
  request: z.looseObject({ method: z.string(), path: z.string() }),
  connections: z.number().optional(),
  targetRate: z.number().optional(),
  achievedRate: jsonNumber,
  rounds: z.array(roundSchema),
  totals: totalsSchema,
  histogram: z.string(),
});

const runResultSchema: z.ZodType<RunResult> = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.looseObject({ name: z.literal('perf-action'), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  config: z.looseObject({ file: z.string(), name: z.string() }),
  target: z.looseObject({ url: z.string() }),
  git: z.looseObject({ sha: z.string().optional(), ref: z.string().optional() }).optional(),
  environment: z.looseObject({
    os: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cores: z.number(),
    memoryMB: z.number(),
    node: z.string(),
    calibration: jsonNumber.optional(),
  }),
  scenarios: z.array(scenarioSchema),
  metrics: z.array(metricSchema),
  checks: z.array(checkSchema),
  verdict: statusSchema,
});

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

/** An empty history for `name`, in the current schema. */
export function emptyHistory(name: string): BaselineHistory {
  return { schemaVersion: HISTORY_SCHEMA_VERSION, name, records: [] };
}

/**
 * Reads a history file's text. Never throws: text that is not JSON or not a history gives an
 * empty history plus a warning; a record of another schemaVersion (record level, history level,
 * or its `result.schemaVersion`) or of the wrong shape is skipped with a warning naming its
 * `savedAt`. A history saved under another `name` is ignored with a warning.
 *
 * @param text the file's content
 * @param name the history's identity (`baseline.name` in perf.yml), used in warnings
 */
export function parseHistory(
  text: string,
  name: string,
): { history: BaselineHistory; warnings: string[] } {
  const warnings: string[] = [];
  const label = `baseline history '${name}'`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warnings.push(`${label} is not valid JSON (${reason}); starting an empty history`);
    return { history: emptyHistory(name), warnings };
  }
  const envelope = historyEnvelope.safeParse(raw);
  if (!envelope.success) {
    warnings.push(
      `${label} is not a baseline history (${describeIssues(envelope.error)}); starting an empty history`,
    );
    return { history: emptyHistory(name), warnings };
  }
  const { schemaVersion, records } = envelope.data;
  if (schemaVersion !== HISTORY_SCHEMA_VERSION) {
    const savedAt = records.map(savedAtOf).join(', ');
    warnings.push(
      `${label} has schemaVersion ${schemaVersion} (this version reads ${HISTORY_SCHEMA_VERSION}): ` +
        `skipped ${records.length} record(s)${savedAt ? ` saved ${savedAt}` : ''}`,
    );
    return { history: emptyHistory(name), warnings };
  }
  if (envelope.data.name !== name) {
    warnings.push(
      `${label}: the file holds history '${envelope.data.name}' instead; starting an empty history`,
    );
    return { history: emptyHistory(name), warnings };
  }
  const kept: BaselineRecord[] = [];
  records.forEach((candidate, index) => {
    const outcome = parseRecord(candidate);
    if (typeof outcome === 'string') {
      warnings.push(
        `${label}: skipped record ${index + 1} saved ${savedAtOf(candidate)}: ${outcome}`,
      );
    } else {
      kept.push(outcome);
    }
  });
  return { history: { schemaVersion, name, records: kept }, warnings };
}

/** A valid record, or why it is skipped. */
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
  if (!result.success) return `results of the wrong shape (${describeIssues(result.error)})`;
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
  return typeof savedAt === 'string' ? savedAt : '(unknown time)';
}

/** The first few issues of a zod error, as `path: message`. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? `, and ${error.issues.length - 3} more` : '';
  return `${shown.join('; ')}${more}`;
}

/**
 * Appends a record and keeps the newest `max` (oldest first). A record with the same `runId` as
 * one already kept replaces it, so that a re-run attempt of the same workflow run does not count
 * the same commit twice. Returns a new history; the argument is not changed.
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
  const others =
    record.runId === undefined
      ? history.records
      : history.records.filter((kept) => kept.runId !== record.runId);
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    name: history.name,
    records: [...others, record].slice(-max),
  };
}

/** The file form of a history: indented JSON with a final newline (diffs well when committed). */
export function serializeHistory(history: BaselineHistory): string {
  return `${JSON.stringify(history, null, 2)}\n`;
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
  const slim: RunResult = {
    ...result,
    scenarios: result.scenarios.map((scenario) => ({
      ...scenario,
      rounds: scenario.rounds.map((round) => ({ ...round, histogram: '' })),
    })),
    // The verdict compares metrics; a stress run's second-by-second series is for its own report.
    ...(result.stress ? { stress: result.stress.map((run) => ({ ...run, seconds: [] })) } : {}),
  };
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
  return `${slug || 'history'}_${fnv1a(name)}`;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits: short, stable, dependency-free. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
