// The one schema of results.json (schemaVersion 1). The TypeScript types of src/results are derived
// from it (z.infer), and the same schema validates what is read back: baseline history records and
// the files `perf-action compare` is given. Change it only with a schemaVersion bump; adding an
// optional field is the one change older readers tolerate (unknown keys are ignored when parsing).
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

export { betterSchema, statusSchema, UNIT_RANGES, unitSchema } from '../core/metric-units.ts';

import { betterSchema, statusSchema, UNIT_RANGES, unitSchema } from '../core/metric-units.ts';

// z.number() rejects NaN and ±Infinity (JSON writes both as null).
export const count = z.number().int().nonnegative();
export const nonNegative = z.number().nonnegative();

/** One measured number with its meaning; `value` and every sample lie within its unit's range. */
export const metricSchema = z
  .object({
    /** `<suite>/<scenario>/<name>`, e.g. `load/projects-list/latency.p95`. */
    key: z.string(),
    suite: z.string(),
    scenario: z.string(),
    /** e.g. `latency.p95`, `throughput.rps`, `errors.rate`. */
    name: z.string(),
    unit: unitSchema,
    better: betterSchema,
    /** Over all rounds together (latency from the merged histogram). */
    value: z.number(),
    /** One value per measured round, where rounds ran. */
    samples: z.array(z.number()).optional(),
  })
  .superRefine((metric, context) => {
    const [min, max] = UNIT_RANGES[metric.unit];
    const outside = (value: number) => value < min || value > max;
    const range = `${min}..${max} ${metric.unit}`;
    if (outside(metric.value)) {
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: `${metric.key} ${metric.value} is outside ${range}`,
      });
    }
    const sample = metric.samples?.findIndex(outside) ?? -1;
    if (sample >= 0) {
      context.addIssue({
        code: 'custom',
        path: ['samples', sample],
        message: `${metric.key} sample ${metric.samples?.[sample]} is outside ${range}`,
      });
    }
  });

/**
 * What a check judges, and so where the report shows it:
 * - `budget`: a metric against a limit of perf.yml's `budgets:`;
 * - `regression`: a metric against the baseline history;
 * - `improvement`: a significant change for the better; reported, never fails;
 * - `validity`: whether the measurement happened and can be trusted (the load generator was
 *   saturated, a scenario or suite could not run, too few answers, a round hit its cap);
 * - `stability`: the stress suite's judgement of a run (capacity within the stages, recovery);
 * - `seeding`: the volume suite could not seed its data.
 *
 * The last three came without a schemaVersion bump, as a lesser evil than a history no version
 * reads: a perf-action older than them skips a record holding one (keeping it in the file).
 */
export const checkKindSchema = z.enum([
  'budget',
  'regression',
  'improvement',
  'validity',
  'stability',
  'seeding',
]);

/**
 * Results written before validity, stability and seeding were kinds of their own filed those
 * checks as `budget`, told apart by `source` (a budget's is `global`, `suite` or `scenario`): read
 * back, they take the kind they would have today, so that every reader sees one meaning per kind.
 */
const LEGACY_KIND_OF_SOURCE: Readonly<Record<string, z.infer<typeof checkKindSchema>>> = {
  validity: 'validity',
  run: 'validity',
  stability: 'stability',
  'volume seed': 'seeding',
};

/** One decision about the run (see {@link checkKindSchema}), with the numbers behind it. */
export const checkSchema = z
  .object({
    kind: checkKindSchema,
    /** The metric key the check is about. */
    metric: z.string(),
    status: statusSchema,
    /** The measured value, in the metric's unit. */
    value: z.number(),
    unit: unitSchema,
    /**
     * Budgets: the limits in the metric's unit; the comparison follows the metric's `better`.
     * Regressions: the relative change (0.1 = 10 %) at which a worsening warns or fails.
     */
    warn: z.number().optional(),
    fail: z.number().optional(),
    /**
     * Budgets: where the limit came from (`global`, `suite`, `scenario`). Other kinds name their
     * producer: `validity` (generator saturation), `run` (could not run, too few answers, capped),
     * `stability`, `volume seed`.
     */
    source: z.string().optional(),
    /** Regressions: the history's reference value, in the metric's unit. */
    baseline: z.number().optional(),
    /** Regressions: relative change of the value against `baseline`, signed (+0.12 = 12 % higher). */
    change: z.number().optional(),
    /** Regressions: confidence interval of `change` at `confidenceLevel`. */
    changeInterval: z.tuple([z.number(), z.number()]).optional(),
    /** Regressions: e.g. 0.95. */
    confidenceLevel: z.number().optional(),
    /** Regressions: how significance was judged, e.g. `robust-z`, `mann-whitney`, `percent-only`. */
    method: z.string().optional(),
    /** Regressions: too little history for a statistical test; the percent rule alone decided. */
    lowConfidence: z.boolean().optional(),
    /** Regressions: baseline runs the decision used. */
    historySize: count.optional(),
    /**
     * Regressions against a base measured in the same job: the pairs the decision used (then
     * `baseline` is the base's value and `change` the head's change from it).
     */
    pairs: count.optional(),
    /** Set when an `accept:` entry in perf.yml covers this metric: the reason given there. */
    accepted: z.string().optional(),
    /** One line a person reads, e.g. `latency.p95 212.4 ms > 200 ms`. */
    message: z.string(),
  })
  .transform((check) => {
    const kind = check.kind === 'budget' ? LEGACY_KIND_OF_SOURCE[check.source ?? ''] : undefined;
    return kind === undefined ? check : { ...check, kind };
  });

/**
 * How the requests of a round (or of all rounds) ended, as counts. A new outcome is a new field
 * here; older records without it fail to parse, so add it `.optional()` or bump schemaVersion.
 */
export const requestTotalsSchema = z
  .object({
    /** Requests issued, dropped ones included. */
    sent: count,
    /** Answered with any HTTP status: `ok + errorStatus`. */
    completed: count,
    /** Answered 2xx or 3xx. */
    ok: count,
    /**
     * Answered with a status outside 2xx/3xx (their codes are in `statusCodes`). Absent in records
     * written before it existed: read as `completed - ok`.
     */
    errorStatus: count.optional(),
    /** No whole HTTP answer: refused, reset, or closed before the answer ended. */
    socketErrors: count,
    /** No answer within the scenario's timeout. */
    timeouts: count,
    /** Open model: sends that left more than 1 ms after their intended time (not an outcome). */
    late: count,
    /**
     * Issued but never sent: the open model's in-flight cap held them until the end, or the
     * round's wall-clock cap ended it first.
     */
    dropped: count,
    /** Answers by HTTP status code (`"200"`, `"503"`). */
    statusCodes: z.record(z.string(), count),
  })
  // Every request issued ends as exactly one outcome. Records older than `errorStatus` counted
  // the open model's dropped sends outside `sent`, so only totals that state it are held to it.
  .superRefine((t, context) => {
    if (t.errorStatus === undefined) return;
    const outcomes = t.ok + t.errorStatus + t.socketErrors + t.timeouts + t.dropped;
    if (t.sent !== outcomes || t.completed !== t.ok + t.errorStatus) {
      context.addIssue({
        code: 'custom',
        message:
          `sent ${t.sent} is not ok ${t.ok} + errorStatus ${t.errorStatus} + socketErrors ` +
          `${t.socketErrors} + timeouts ${t.timeouts} + dropped ${t.dropped}, or completed ` +
          `${t.completed} is not ok + errorStatus`,
      });
    }
  })
  .transform((t) => ({ ...t, errorStatus: t.errorStatus ?? t.completed - t.ok }));

/** One measured round of a scenario. */
export const roundRunSchema = z.object({
  elapsedMs: nonNegative,
  achievedRate: nonNegative,
  totals: requestTotalsSchema,
  /**
   * Set when the round hit its wall-clock cap before sending all its requests (closed model with
   * a request count): the cap, in ms. The requests not sent by then are counted as dropped.
   */
  cappedAtMs: nonNegative.optional(),
  /** HdrHistogram compressed base64, latencies in microseconds ('' in baseline records). */
  histogram: z.string(),
  /** CPU of the load generator over the round, percent of one core. */
  generatorCpuPercent: nonNegative,
});

/** CPU (percent of one core; the environment states the cores) and memory of the service. */
export const resourceFiguresSchema = z.object({
  /** Highest CPU of the service, in percent of one core. */
  cpuMax: nonNegative,
  /** Mean CPU of the service, in percent of one core. */
  cpuMean: nonNegative,
  /** Highest memory of the service, in MB (MiB). */
  memoryMaxMB: nonNegative,
  /**
   * CPU that other work took from this machine while the window ran, mean, in percent of one
   * core: everything the machine ran but the service and perf-action, plus what a hypervisor gave
   * to other machines (steal). Only where both the service and the machine are watched (Linux).
   */
  otherCpuMean: nonNegative.optional(),
});

/** Details of one scenario's run that are not metrics: how it ran and what came back. */
export const scenarioRunSchema = z.object({
  suite: z.string(),
  name: z.string(),
  model: z.enum(['closed', 'open']),
  request: z.object({ method: z.string(), path: z.string() }),
  connections: count.optional(),
  /** Open model: asked-for requests/s. */
  targetRate: nonNegative.optional(),
  /** Answered requests/s over all rounds. */
  achievedRate: nonNegative,
  rounds: z.array(roundRunSchema),
  /** Over all rounds. */
  totals: requestTotalsSchema,
  /** HdrHistogram compressed base64 of all rounds merged, latencies in microseconds. */
  histogram: z.string(),
  /** The service over the measured rounds (CPU in percent of one core, memory in MB), when watched. */
  resources: resourceFiguresSchema.optional(),
});

/** Facts about the machine that ran the load, so results from different machines are not compared blindly. */
export const environmentSchema = z.object({
  os: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  memoryMB: nonNegative,
  node: z.string(),
  /** Operations per millisecond of a fixed CPU-bound task measured at start; higher is faster. */
  calibration: nonNegative.optional(),
});

/** The baseline history a run was compared with. */
export const baselineSummarySchema = z.object({
  /** `baseline.name` of the config. */
  name: z.string(),
  /** Runs in the history (0: no baseline yet, budgets alone decided). */
  runs: count,
  /** The newest baseline run's commit and save time. */
  newestCommit: z.string().optional(),
  newestAt: z.string().optional(),
  /** Set when the baseline runs came from a different kind of machine: what differs. */
  environmentNote: z.string().optional(),
  /** This run's CPU speed score against the baseline runs', beside their own spread: explains, never flags. */
  speedNote: z.string().optional(),
  /** One line on how the regressions were judged: the test, the run-level false-alarm control, low confidence. */
  errorControl: z.string().optional(),
  /** Set when the history could not be read (store down): why. Budgets alone decided. */
  unavailable: z.string().optional(),
  /** The scenarios measured while other work took the runner's CPU: their regressions warn at most. */
  busyRunner: z.string().optional(),
});

// --- the stress suite (results.json `stress`) ---

/**
 * The base service measured beside the head in the same job (perf.yml `base:`): where it was, how
 * the pairs ran, and everything it measured, in the head's shapes (its metrics' `samples` are one
 * value per pair, at the same index as the head's).
 */
export const sameJobCoreSchema = z.looseObject({
  /** The base's URL (credentials stripped) and commit, when known. */
  target: z.object({ url: z.string() }),
  git: z.object({ sha: z.string().optional(), ref: z.string().optional() }).optional(),
  mode: z.enum(['interleaved', 'concurrent']),
  /** Seed of the pair orders (src/core/pair-order.ts). */
  seed: count,
  /** Pairs per suite that ran. */
  pairs: z.record(z.string(), count),
  /** Each unit's pair orders, by `<suite>/<unit>`. */
  orders: z.record(z.string(), z.array(z.enum(['head-first', 'base-first']))),
  scenarios: z.array(scenarioRunSchema),
  metrics: z.array(metricSchema),
  /** The base's own checks (validity: a base that could not be measured is no comparison). */
  checks: z.array(checkSchema),
});

/** Resources of the service (all watched sources added up) and of the generator over one window. */
export const resourceSummarySchema = resourceFiguresSchema.extend({
  /** Service sample times in the window. */
  sampleCount: count,
  /** Highest CPU of the load generator, in percent of one core (0 without samples). */
  generatorCpuMax: nonNegative,
  /** The generator's mean CPU reached the saturation level: results may be the generator's limit. */
  isGeneratorSaturated: z.boolean(),
});

/** results.json. */
/**
 * results.json without the suites' own details: each suite that keeps one (stress runs, video levels)
 * adds it under its name when the registry composes the whole schema (src/suites/registry.ts).
 * Unknown keys are kept, so a record read by this schema alone loses nothing.
 */
export const coreRunResultSchema = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('perf-action'), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The config file the run used and the baseline identity. */
  config: z.object({ file: z.string(), name: z.string() }),
  /** The target's URL (credentials stripped). */
  target: z.object({ url: z.string() }),
  /** Commit facts, when known (passed in by the entry point). */
  git: z.object({ sha: z.string().optional(), ref: z.string().optional() }).optional(),
  environment: environmentSchema,
  /** What the run was compared with; absent when no baseline history was consulted. */
  baseline: baselineSummarySchema.optional(),
  /** The base measured beside this run in the same job, when there was one. */
  sameJob: sameJobCoreSchema.optional(),
  scenarios: z.array(scenarioRunSchema),
  metrics: z.array(metricSchema),
  checks: z.array(checkSchema),
  verdict: statusSchema,
});

/** The first few problems of a failed parse, as `path: message`, for one line of a warning or error. */
export function describeIssues(error: z.ZodError, shown = 2): string {
  const lines = error.issues.slice(0, shown).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > shown ? `, and ${error.issues.length - shown} more` : '';
  return `${lines.join('; ')}${more}`;
}

/**
 * results.json as JSON Schema (draft 2020-12), for other tools. The unit ranges of metrics are a
 * refinement JSON Schema cannot state; they are named in the metric's description.
 */
export function resultsJsonSchema(runResultSchema: z.ZodObject): Record<string, unknown> {
  const ranges = Object.entries(UNIT_RANGES)
    .map(([unit, [min, max]]) => `${unit} ${min}..${max}`)
    .join(', ');
  const schema = runResultSchema.extend({
    metrics: z.array(metricSchema.describe(`a metric; value and samples within: ${ranges}`)),
  });
  return {
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    title: `perf-action results.json (schemaVersion ${SCHEMA_VERSION})`,
  };
}
