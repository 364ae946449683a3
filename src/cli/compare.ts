// `perf-action compare BASE.json HEAD.json`: the same comparison a run makes, for two results files.
import { HISTORY_SCHEMA_VERSION } from '../baseline/types.ts';
import { FILE_LIMITS } from '../config/bounds.ts';
import { DEFAULT_REGRESSION_POLICY } from '../config/regression-policy.ts';
import { verdictOf } from '../core/worst-status.ts';
import { describeError, UsageError } from '../errors.ts';
import { readBoundedFile } from '../read-bounded-file.ts';
import { isComparison } from '../results/check-kinds.ts';
import { describeIssues } from '../results/schema.ts';
import { SCHEMA_VERSION } from '../results/types.ts';
import type { RunResult } from '../suites/registry.ts';
import { loadPerfConfig, runResultSchema } from '../suites/registry.ts';
import { compareWithHistory } from '../verdict/compare.ts';

/** Reads a results.json, or says in one line why it is not one. */
export async function readResults(file: string): Promise<RunResult> {
  let text: string;
  try {
    // Bounded: a FIFO or a huge file given by mistake must not hang or exhaust the process.
    text = await readBoundedFile(file, {
      maxBytes: FILE_LIMITS.resultsBytes,
      noun: 'results file',
    });
  } catch (error) {
    throw new UsageError(`${file}: ${describeError(error)}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: the results file is not JSON (${describeError(error)})`, {
      cause: error,
    });
  }
  const parsed = runResultSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const result = data as Partial<RunResult> | null;
  // What is wrong in a file that looks like one (a value out of range, a missing field) helps;
  // the list of what a file of another kind lacks does not.
  const what =
    result?.schemaVersion === SCHEMA_VERSION && Array.isArray(result.metrics)
      ? `: ${describeIssues(parsed.error)};`
      : '';
  throw new UsageError(
    `${file}${what || ' is'} not a perf-action results.json of schemaVersion ${SCHEMA_VERSION}`,
  );
}

/**
 * HEAD compared with BASE as a one-run history: the percent rule decides (low confidence), and
 * HEAD's own checks (budgets, validity, stability, seeding) are kept. Thresholds and accept rules come from `configPath` if given.
 */
export async function compareResults(
  basePath: string,
  headPath: string,
  configPath?: string,
): Promise<RunResult> {
  // One after the other: when both are bad, the line names the first, whatever the disk does.
  const base = await readResults(basePath);
  const head = await readResults(headPath);
  const config = configPath
    ? (await loadPerfConfig(configPath, process.env)).config
    : {
        baseline: { name: head.config?.name ?? 'default', history: 1 },
        regression: {
          ...DEFAULT_REGRESSION_POLICY,
          metrics: [...DEFAULT_REGRESSION_POLICY.metrics],
        },
        accept: [],
      };
  const history = {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    name: config.baseline.name,
    records: [
      {
        schemaVersion: HISTORY_SCHEMA_VERSION,
        savedAt: base.finishedAt,
        ...(base.git?.sha ? { commit: base.git.sha } : {}),
        result: base,
      },
    ],
  };
  const comparison = compareWithHistory(
    head.metrics,
    head.scenarios,
    head.environment,
    history,
    config,
  );
  const own = (head.checks ?? []).filter((c) => !isComparison(c));
  const checks = [...comparison.checks, ...own];
  return { ...head, baseline: comparison.summary, checks, verdict: verdictOf(checks) };
}
