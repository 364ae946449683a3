// The perf.yml schema: one zod schema gives validation, the output types below (the final
// transform is typed by them, so the compiler keeps both in step) and the JSON Schema for editors.
//
// Input keys are kebab-case as written in YAML (`max-in-flight`); the output is camelCase with
// units in the names (`durationMs`). Every object is strict: unknown keys are errors, reported
// with the closest valid key. Cross-field rules run on the input shape, so issue paths are YAML
// paths and the loader can point at the line.
import { z } from 'zod';
import { DEFAULT_HISTORY_SIZE } from '../baseline/history.ts';
import type { GrowthExpectation } from '../results/growth.ts';
import { findTemplateProblems } from '../suites/volume/seed-template.ts';
import { DEFAULT_GATED } from '../verdict/gated-metrics.ts';
import {
  type AcceptRule,
  DEFAULT_REGRESSION_POLICY,
  type RegressionPolicy,
} from '../verdict/regressions.ts';
import { COMBINED_LIMITS, DURATION_BOUNDS, isWithin, NUMBER_BOUNDS } from './bounds.ts';
import { BUDGET_METRICS } from '../core/metrics-catalogue.ts';
import {
  type BudgetMap,
  boundedNumberSchema,
  budgetsSchema,
  checkUniqueNames,
  countSchema,
  durationSchema,
  hasUrlCredentials,
  headerNameSchema,
  isHttpUrl,
  pathSchema,
  type RequestConfig,
  RULE,
  ratioSchema,
  requestSchema,
  slugSchema,
  strictObject,
  TARGET_URL_FORM,
  textSchema,
  tokenPathSchema,
  URL_CREDENTIALS_PROBLEM,
  unitSchema,
} from './schema-parts.ts';
import {
  buildStressConfig,
  checkStressPlan,
  type StressConfig,
  stressSectionSchema,
} from '../suites/stress/config.ts';
import { suggestClosest } from './suggest.ts';
import { checkDuration, showDuration, showDurationRange, showNumber } from './units.ts';
import {
  buildVideoConfig,
  DEFAULT_VIDEO_BUDGETS,
  type VideoConfig,
  videoSectionSchema,
} from '../suites/video/config.ts';

export { BUDGET_METRICS, type BudgetMetric, type BudgetValueKind } from '../core/metrics-catalogue.ts';
export {
  type BudgetLimit,
  type BudgetMap,
  describeUnknownKeys,
  HTTP_METHODS,
  type HttpMethod,
  hasUrlCredentials,
  isHttpUrl,
  type RequestConfig,
  TARGET_URL_FORM,
  URL_CREDENTIALS_PROBLEM,
} from './schema-parts.ts';

/** Log in once before the load; the token then goes into a header of every request. */
export interface AuthConfig {
  /** The login request (method defaults to POST). */
  login: RequestConfig;
  /** Where the token is in the JSON answer, as a dotted path (`data.token`, `items.0.token`). */
  token: string;
  /** The header that carries the token (default `Authorization`). */
  header: string;
  /** The header's value, with `{token}` where the token goes (default `Bearer {token}`). */
  format: string;
}

/** One load scenario, with every default applied. */
export interface LoadScenario {
  /** A slug, unique within the suite (`projects-list`). */
  name: string;
  request: RequestConfig;
  /** `closed`: `connections` concurrent connections; `open`: `rate` requests per second. */
  model: 'closed' | 'open';
  /** Closed model: the number of concurrent connections. */
  connections?: number;
  /** Open model: arrivals per second. */
  rate?: number;
  /** How long each round runs, in milliseconds; set unless `requests` is (closed model only). */
  durationMs?: number;
  /** Closed model: total requests per round, instead of a duration. */
  requests?: number;
  /** Warm-up before each round, in milliseconds, not measured (0 = none). */
  warmupMs: number;
  /** Measured rounds (>= 1). */
  rounds: number;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Open model: the most requests outstanding at once (later arrivals count as dropped). */
  maxInFlight?: number;
  /** The scenario's own budgets, as written (normalized). */
  budgets: BudgetMap;
}

/** One query of the volume suite: a load scenario run at every step. */
export interface VolumeQuery extends LoadScenario {
  /** How the query should scale with the data: gives a default `growth.exponent` budget. */
  expect?: GrowthExpectation;
}

/** Seeding through the service's API: a templated request, sent until the step's count is reached. */
export interface RequestSeed {
  kind: 'request';
  /** The request; `{{i}}`, `{{uuid}}`, `{{pick …}}`, `{{int …}}`, `{{float …}}` in path, headers, json, body. */
  request: RequestConfig;
  /** Records per request: the body is a JSON array of up to `batch` rendered `json` items. */
  batch?: number;
  /** Most requests in flight (default 4). */
  concurrency: number;
  /** Most requests per second; absent: as fast as `concurrency` allows. */
  rate?: number;
  /** Seed of the templates' random values (default 1): the same seed, the same records. */
  randomSeed: number;
  /** Per-request timeout in milliseconds (default 30 s). */
  timeoutMs: number;
}

/**
 * Seeding with a shell command, run once per step with `PERF_SEED_FROM` (records already seeded)
 * and `PERF_SEED_COUNT` (records there must be after it) in its environment.
 */
export interface CommandSeed {
  kind: 'command';
  command: string;
  /** How long one step's run may take, in milliseconds (default 10 min). */
  timeoutMs: number;
}

/** How the volume suite fills the service with data. */
export type SeedConfig = RequestSeed | CommandSeed;

/** How many records the service holds, asked of the service itself. */
export interface RecordCount {
  request: RequestConfig;
  /** Dotted JSON path of the count in the answer (`total`, `data.count`). */
  value: string;
}

/** The volume suite: seed to each step, measure the queries there, fit their growth. */
export interface VolumeConfig {
  /**
   * Record counts to measure at, strictly increasing (at least two): counts the suite seeds, or,
   * with `count`, the service's own totals (records already there count too).
   */
  steps: number[];
  /** Read before the first step (the steps become totals) and checked after each. */
  count?: RecordCount;
  seed: SeedConfig;
  /** Suite-level budgets, as written (normalized). */
  budgets: BudgetMap;
  queries: VolumeQuery[];
}

/** The validated perf.yml, with defaults applied. */
export interface PerfConfig {
  target: {
    /** Base URL of the service (http or https), as written. */
    url: string;
    /** Health path polled until it answers 2xx; absent = any HTTP answer from `url` counts. */
    health?: string;
    /** How long to wait for the service to become healthy, in milliseconds (default 60 s). */
    waitMs: number;
    /** A shell command that starts the service; the tool starts and stops it. */
    start?: string;
    /** A running process to watch (its whole tree), when the tool does not start the service. */
    pid?: number;
    /** A container (name or id) to watch through the Docker Engine API. */
    container?: string;
    /** The Docker Engine socket path. */
    dockerSocket?: string;
  };
  /** The resource monitor: CPU and memory of the service, and of the load generator. */
  monitor: {
    /** Time between samples, in milliseconds (default 500). */
    intervalMs: number;
    /** Off: no resource metrics at all. */
    isEnabled: boolean;
  };
  auth?: AuthConfig;
  /** Global budgets: DEFAULT_BUDGETS overlaid, metric by metric, by the user's global budgets. */
  budgets: BudgetMap;
  load?: {
    /** Suite-level budgets, as written (normalized). */
    budgets: BudgetMap;
    scenarios: LoadScenario[];
  };
  /** Weighted mixes ramped through stages: capacity, recovery, stability. */
  stress?: StressConfig;
  volume?: VolumeConfig;
  /** Concurrent video processing: upload, poll, seconds per minute of video at each level. */
  video?: VideoConfig;
  /** The baseline history this config compares with and saves to. */
  baseline: {
    /** Identity of the history (default `default`); never the target's address, which may change. */
    name: string;
    /** Runs kept in the rolling history (default 20). */
    history: number;
  };
  /** How regressions against the history are judged (DEFAULT_REGRESSION_POLICY overlaid). */
  regression: RegressionPolicy;
  /** Known regressions accepted without a code change: key pattern and the reason shown. */
  accept: AcceptRule[];
}

/** The values a scenario gets when neither it nor `defaults:` sets them. */
export const BUILT_IN_DEFAULTS = {
  durationMs: 10_000,
  warmupMs: 2_000,
  rounds: 3,
  timeoutMs: 10_000,
  /** target.wait */
  waitMs: 60_000,
  /** Open model: enough for 1000 requests outstanding, far more than a healthy service needs. */
  maxInFlight: 1000,
  /** volume.seed: requests in flight. */
  seedConcurrency: 4,
  /** volume.seed.request: per-request timeout (a bulk insert can take a while). */
  seedRequestTimeoutMs: 30_000,
  /** volume.seed.command: one step's run. */
  seedCommandTimeoutMs: 600_000,
  /** volume.seed: the templates' random seed. */
  randomSeed: 1,
  /** monitor.interval */
  monitorIntervalMs: 500,
} as const;

/**
 * The seed's KPIs: p95 below 200 ms, error rate below 0.1 %, service memory below 2 GB, video
 * processed in under 60 s per minute of video (and every video processed).
 */
export const DEFAULT_BUDGETS: Readonly<BudgetMap> = {
  'latency.p95': { fail: 200 },
  'errors.rate': { fail: 0.001 },
  'memory.max': { fail: 2048 },
  ...DEFAULT_VIDEO_BUDGETS,
};

// --- sections ---------------------------------------------------------------------------------

const targetSchema = strictObject({
  url: z
    .string({ error: `expected ${TARGET_URL_FORM}` })
    .superRefine((url, ctx) => {
      // Checked first: the other message shows the value, and this one must not.
      if (hasUrlCredentials(url))
        ctx.addIssue({ code: 'custom', message: URL_CREDENTIALS_PROBLEM });
      else if (!isHttpUrl(url))
        ctx.addIssue({ code: 'custom', message: `expected ${TARGET_URL_FORM}` });
    })
    .describe('base URL of the service'),
  health: pathSchema.describe('health path, polled until it answers 2xx').optional(),
  wait: durationSchema(DURATION_BOUNDS.wait)
    .describe('how long to wait for health (default 60s)')
    .optional(),
  start: textSchema('a shell command').describe('command that starts the service').optional(),
  pid: countSchema(NUMBER_BOUNDS.pid)
    .describe('a running process whose tree the resource monitor watches (instead of start)')
    .optional(),
  container: textSchema('a container name or id')
    .describe('a container the resource monitor watches through the Docker Engine API')
    .optional(),
  'docker-socket': textSchema('a socket path like /var/run/docker.sock')
    .describe('Docker Engine socket (default DOCKER_HOST when unix://, else /var/run/docker.sock)')
    .optional(),
}).superRefine((target, ctx) => {
  if (target.pid !== undefined && target.start !== undefined) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['pid'],
      message: 'set start or pid, not both: the started command is watched itself',
    });
  }
});

const monitorSchema = strictObject({
  interval: durationSchema(DURATION_BOUNDS.monitorInterval)
    .describe('time between resource samples (default 500ms)')
    .optional(),
  enabled: z
    .boolean({ error: 'expected true or false' })
    .describe('watch CPU and memory of the service (default true)')
    .optional(),
});

const authSchema = strictObject({
  login: requestSchema('POST'),
  token: tokenPathSchema.describe('JSON path of the token in the login answer'),
  header: headerNameSchema
    .describe('header that carries the token (default Authorization)')
    .optional(),
  format: z
    .string({ error: 'expected a string containing {token}' })
    .refine((format) => format.includes('{token}'), {
      error: 'expected a string containing {token}, like "Bearer {token}"',
    })
    .describe('header value, {token} replaced (default "Bearer {token}")')
    .optional(),
});

const scenarioDefaultsShape = {
  duration: durationSchema(DURATION_BOUNDS.duration).optional(),
  warmup: durationSchema(DURATION_BOUNDS.warmup).optional(),
  rounds: countSchema(NUMBER_BOUNDS.rounds).optional(),
  timeout: durationSchema(DURATION_BOUNDS.requestTimeout)
    .describe('per-request timeout')
    .optional(),
};

const defaultsSchema = strictObject(scenarioDefaultsShape);

const scenarioShape = {
  name: slugSchema,
  request: requestSchema('GET'),
  connections: countSchema(NUMBER_BOUNDS.connections)
    .describe('closed model: concurrent connections')
    .optional(),
  rate: boundedNumberSchema(NUMBER_BOUNDS.rate, 'requests per second')
    .describe('open model: requests per second')
    .optional(),
  ...scenarioDefaultsShape,
  requests: countSchema(NUMBER_BOUNDS.requests)
    .describe('closed model: requests per round, instead of duration')
    .optional(),
  'max-in-flight': countSchema(NUMBER_BOUNDS.maxInFlight)
    .describe('open model: most requests outstanding (default 1000)')
    .optional(),
  budgets: budgetsSchema.optional(),
};

/** The fields of a scenario that decide its load model. */
interface ModelFields {
  connections?: number | undefined;
  rate?: number | undefined;
  duration?: number | undefined;
  requests?: number | undefined;
  'max-in-flight'?: number | undefined;
}

/** Cross-field rules of a scenario's load model (also a volume query's). */
function checkModel(scenario: ModelFields, ctx: z.RefinementCtx): void {
  const isOpen = scenario.rate !== undefined;
  if (isOpen && scenario.connections !== undefined) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      message:
        'set either connections (closed model: concurrent connections) or rate ' +
        '(open model: requests per second), not both',
    });
  } else if (!isOpen && scenario.connections === undefined) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      message:
        'set connections (closed model: concurrent connections) or rate ' +
        '(open model: requests per second)',
    });
  }
  if (scenario.requests !== undefined) {
    if (isOpen) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: ['requests'],
        message: 'requests applies to the closed model (connections) only; with rate, set duration',
      });
    } else if (scenario.duration !== undefined) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: ['requests'],
        message: 'set either duration or requests, not both',
      });
    }
  }
  if (scenario['max-in-flight'] !== undefined && scenario.connections !== undefined) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['max-in-flight'],
      message: 'max-in-flight applies to the open model (rate) only',
    });
  }
}

const scenarioSchema = strictObject(scenarioShape).superRefine(checkModel);

const loadSchema = strictObject({
  budgets: budgetsSchema.optional(),
  scenarios: z
    .array(scenarioSchema, { error: 'expected a list of scenarios' })
    .min(1, { error: 'expected at least one scenario' }),
}).superRefine((load, ctx) => checkUniqueNames(load.scenarios, 'scenarios', 'scenario', ctx));

// --- volume -----------------------------------------------------------------------------------

const EXPECTATIONS = [
  'flat',
  'logarithmic',
  'linear',
] as const satisfies readonly GrowthExpectation[];

/** The scenario name that keys the seeding metrics (`volume/seed@<step>/seed.rate`). */
export const SEED_SCENARIO = 'seed';

const volumeQuerySchema = strictObject({
  ...scenarioShape,
  expect: z
    .enum(EXPECTATIONS, { error: `expected one of ${EXPECTATIONS.join(', ')}` })
    .describe('how the query should scale: flat warns above b = 0.3 by default')
    .optional(),
}).superRefine((query, ctx) => {
  if (query.name === SEED_SCENARIO) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: `'${SEED_SCENARIO}' is reserved for the seeding metrics; pick another name`,
    });
  }
  checkModel(query, ctx);
});

/** The last step must be at least this many times the first. */
const MIN_STEP_SPAN = 2;

const stepsSchema = z
  .array(countSchema(NUMBER_BOUNDS.stepRecords), {
    error: 'expected a list of record counts like [1000, 10000, 50000]',
  })
  .min(2, { error: 'expected at least two steps (the growth is fitted between them)' })
  .max(NUMBER_BOUNDS.steps.max, { error: `expected at most ${NUMBER_BOUNDS.steps.max} steps` })
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      if ((steps[i] ?? 0) <= (steps[i - 1] ?? 0)) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `steps must increase, got ${steps[i]} after ${steps[i - 1]}`,
        });
        return;
      }
    }
    const [first = 1, last = 1] = [steps[0], steps.at(-1)];
    if (steps.length >= 2 && last < MIN_STEP_SPAN * first) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        message:
          `steps must span at least a factor of ${MIN_STEP_SPAN} (got ${first} to ${last}): ` +
          'over a narrower range the growth exponent is mostly noise; 10x or more is best',
      });
    }
  })
  .describe('record counts to seed to and measure at, increasing');

const seedSchema = strictObject({
  request: requestSchema('POST', { templated: true })
    .describe('templated request: {{i}} {{uuid}} {{pick a b}} {{int 1 9}} {{float 0 1}}')
    .optional(),
  command: textSchema('a shell command')
    .describe('runs once per step with PERF_SEED_FROM and PERF_SEED_COUNT set')
    .optional(),
  batch: countSchema(NUMBER_BOUNDS.seedBatch)
    .describe('records per request: the body is a JSON array')
    .optional(),
  concurrency: countSchema(NUMBER_BOUNDS.seedConcurrency)
    .describe('requests in flight (default 4)')
    .optional(),
  rate: boundedNumberSchema(NUMBER_BOUNDS.seedRate, 'requests per second')
    .describe('most requests per second')
    .optional(),
  'random-seed': z
    .int({ error: 'expected an integer' })
    .describe('seed of the random template values (default 1)')
    .optional(),
  // Its range depends on the kind of seeding: checked with the seed's rules below.
  timeout: unitSchema(
    (value) => checkDuration(value),
    'a duration like 30s (a request: 10ms to 1h; a command, per step: 1s to 24h)',
  )
    .meta({
      minimum: DURATION_BOUNDS.seedRequestTimeout.min,
      maximum: DURATION_BOUNDS.seedCommandTimeout.max,
    })
    .describe('per request (default 30s), or per step for a command (default 10m)')
    .optional(),
}).superRefine((seed, ctx) => {
  if ((seed.request === undefined) === (seed.command === undefined)) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      message: 'set either request (seed through the API) or command (a seed script), not both',
    });
    return;
  }
  const timeoutBound =
    seed.command !== undefined
      ? DURATION_BOUNDS.seedCommandTimeout
      : DURATION_BOUNDS.seedRequestTimeout;
  if (
    seed.timeout !== undefined &&
    (seed.timeout < timeoutBound.min || seed.timeout > timeoutBound.max)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['timeout'],
      input: seed.timeout,
      message:
        `expected a duration ${showDurationRange(timeoutBound)} ` +
        `(per ${seed.command !== undefined ? 'step of a seed command' : 'seed request'})`,
    });
  }
  if (seed.command !== undefined) {
    for (const key of ['batch', 'concurrency', 'rate', 'random-seed'] as const) {
      if (seed[key] === undefined) continue;
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [key],
        message: `${key} applies to request seeding only`,
      });
    }
    return;
  }
  const request = seed.request;
  if (request === undefined) return;
  if (seed.batch !== undefined && request.json === undefined) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['batch'],
      message: 'batch needs request.json (the template of one item of the array)',
    });
  }
  for (const problem of findTemplateProblems(request)) {
    ctx.addIssue({ code: 'custom', path: ['request', ...problem.path], message: problem.message });
  }
});

const recordCountSchema = strictObject({
  request: requestSchema('GET'),
  value: tokenPathSchema.describe('JSON path of the record count in the answer, like total'),
});

const volumeSchema = strictObject({
  steps: stepsSchema,
  count: recordCountSchema
    .describe('asks the service how many records it holds: the steps are then totals')
    .optional(),
  seed: seedSchema,
  defaults: defaultsSchema.describe('defaults for the queries, over the global ones').optional(),
  budgets: budgetsSchema.optional(),
  queries: z
    .array(volumeQuerySchema, { error: 'expected a list of queries' })
    .min(1, { error: 'expected at least one query' }),
}).superRefine((volume, ctx) => checkUniqueNames(volume.queries, 'queries', 'query', ctx));

const baselineSchema = strictObject({
  name: textSchema('a name like default')
    .describe('identity of the baseline history (default "default")')
    .optional(),
  history: countSchema(NUMBER_BOUNDS.history)
    .describe('runs kept in the rolling history (default 20)')
    .optional(),
});

/**
 * An entry of `regression.metrics`: `default`, a metric name (checked against the catalogue, with a
 * suggestion), a key glob with `/` as in `accept:`, or any of those after `!` to remove.
 */
const gatedPattern = z
  .string({ error: 'expected a metric name like latency.p95, a key pattern, or default' })
  .superRefine((entry, ctx) => {
    const pattern = entry.startsWith('!') ? entry.slice(1) : entry;
    if (pattern === DEFAULT_GATED || pattern.includes('/') || pattern.includes('*')) {
      if (pattern.trim() === '' || /\s/.test(pattern)) {
        ctx.addIssue({ code: 'custom', message: `'${entry}' is not a metric key pattern` });
      }
      return;
    }
    if (Object.hasOwn(BUDGET_METRICS, pattern)) return;
    const hint = suggestClosest(pattern, [...Object.keys(BUDGET_METRICS), DEFAULT_GATED]);
    ctx.addIssue({
      code: 'custom',
      message: `unknown metric '${pattern}'${hint ? ` (did you mean '${hint}'?)` : ''}`,
    });
  });

const regressionSchema = strictObject({
  warn: ratioSchema('worsening that warns, like 10%').optional(),
  fail: ratioSchema('worsening that fails, like 25%').optional(),
  confidence: ratioSchema('confidence a regression needs, like 95%').optional(),
  'min-history': countSchema(NUMBER_BOUNDS.minHistory)
    .describe('baseline runs needed for the statistical test (default 5)')
    .optional(),
  metrics: z
    .array(gatedPattern, { error: 'expected a list of metric names or key patterns' })
    .describe(
      'what is gated on regressions: default, metric names, key patterns as in accept; !pattern removes',
    )
    .optional(),
}).superRefine((policy, ctx) => {
  if (policy.warn !== undefined && policy.fail !== undefined && policy.warn >= policy.fail) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['warn'],
      message: 'warn must be smaller than fail',
    });
  }
  if (policy.confidence !== undefined && (policy.confidence < 0.5 || policy.confidence >= 1)) {
    ctx.addIssue({
      code: 'custom',
      path: ['confidence'],
      input: policy.confidence,
      message: 'expected a confidence from 50% up to (not including) 100%',
    });
  }
});

const acceptSchema = z.array(
  strictObject({
    metric: textSchema('a metric key pattern like load/*/latency.p99').describe(
      'metric key pattern: * within a segment, ** across',
    ),
    reason: textSchema('a reason, shown in the report'),
  }),
  { error: 'expected a list of {metric, reason}' },
);

const strictInputShape = strictObject({
  target: targetSchema,
  auth: authSchema.optional(),
  monitor: monitorSchema.describe('CPU and memory of the service under test').optional(),
  defaults: defaultsSchema.describe('defaults for every scenario').optional(),
  budgets: budgetsSchema.describe('global budgets, over the built-in defaults').optional(),
  load: loadSchema.optional(),
  stress: stressSectionSchema
    .describe('ramp a weighted request mix through stages to find capacity and recovery')
    .optional(),
  volume: volumeSchema
    .describe('seed the service to each step, measure the queries, fit their growth')
    .optional(),
  video: videoSectionSchema
    .describe('upload videos, poll their processing, at rising numbers in flight')
    .optional(),
  baseline: baselineSchema.describe('the baseline history this config compares with').optional(),
  regression: regressionSchema
    .describe('how regressions against the history are judged')
    .optional(),
  accept: acceptSchema.describe('known regressions accepted without a code change').optional(),
});

const inputSchema = strictInputShape.superRefine(checkPlans);

type ConfigInput = z.output<typeof strictInputShape>;
type ScenarioInput = z.output<typeof scenarioSchema>;
type ScenarioDefaults = NonNullable<ConfigInput['defaults']>;

// --- rules on values combined, with defaults applied ------------------------------------------

/**
 * Rules where each value is within its bound but together they cannot run: a scenario's sends per
 * round and its planned length (with `defaults:` applied), a stress scenario's plan, the
 * regression test's history. Issue paths are full YAML paths.
 */
function checkPlans(input: ConfigInput, ctx: z.RefinementCtx): void {
  const defaults = input.defaults ?? {};
  input.load?.scenarios.forEach((scenario, index) => {
    checkScenarioPlan(scenario, defaults, ['load', 'scenarios', index], ctx);
  });
  if (input.volume) {
    const volumeDefaults = { ...defaults, ...input.volume.defaults };
    input.volume.queries.forEach((query, index) => {
      checkScenarioPlan(query, volumeDefaults, ['volume', 'queries', index], ctx);
    });
  }
  input.stress?.scenarios.forEach((scenario, index) => {
    checkStressPlan(
      scenario,
      { timeoutMs: defaults.timeout, warmupMs: defaults.warmup },
      ['stress', 'scenarios', index],
      ctx,
    );
  });
  const minHistory = input.regression?.['min-history'];
  const history = input.baseline?.history ?? DEFAULT_HISTORY_SIZE;
  if (
    isWithin(minHistory, NUMBER_BOUNDS.minHistory) &&
    isWithin(history, NUMBER_BOUNDS.history) &&
    minHistory > history
  ) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['regression', 'min-history'],
      message: `min-history (${minHistory}) is more than the ${history} runs baseline.history keeps: the statistical test could never run`,
    });
  }
}

/** The key a scenario's planned length is blamed on: the one of its own that sets it, if any. */
function planKey(scenario: ScenarioInput): string[] {
  if (scenario.rounds !== undefined) return ['rounds'];
  if (scenario.duration !== undefined) return ['duration'];
  if (scenario.warmup !== undefined) return ['warmup'];
  return [];
}

function checkScenarioPlan(
  scenario: ScenarioInput,
  defaults: ScenarioDefaults,
  path: readonly (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const durationMs = scenario.duration ?? defaults.duration ?? BUILT_IN_DEFAULTS.durationMs;
  const warmupMs = scenario.warmup ?? defaults.warmup ?? BUILT_IN_DEFAULTS.warmupMs;
  const rounds = scenario.rounds ?? defaults.rounds ?? BUILT_IN_DEFAULTS.rounds;
  const isEachWithin =
    isWithin(durationMs, DURATION_BOUNDS.duration) &&
    isWithin(warmupMs, DURATION_BOUNDS.warmup) &&
    isWithin(rounds, NUMBER_BOUNDS.rounds) &&
    (scenario.rate === undefined || isWithin(scenario.rate, NUMBER_BOUNDS.rate)) &&
    (scenario.connections === undefined ||
      isWithin(scenario.connections, NUMBER_BOUNDS.connections)) &&
    (scenario.requests === undefined || isWithin(scenario.requests, NUMBER_BOUNDS.requests));
  if (!isEachWithin) return;
  if (scenario.rate !== undefined) {
    const sends = (scenario.rate * durationMs) / 1000;
    const limit = COMBINED_LIMITS.sendsPerRound;
    if (sends < limit.min || sends > limit.max) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [...path, 'rate'],
        message:
          `rate ${showNumber(scenario.rate)}/s for ${showDuration(durationMs)} schedules ` +
          `${showNumber(Math.round(sends * 1000) / 1000)} requests per round; expected ` +
          `${showNumber(limit.min)} to ${showNumber(limit.max)}: change the rate or the duration`,
      });
    }
  }
  if (scenario.requests !== undefined && scenario.connections !== undefined) {
    if (scenario.requests < scenario.connections) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [...path, 'requests'],
        message:
          `requests (${showNumber(scenario.requests)}) is below connections ` +
          `(${showNumber(scenario.connections)}): some connections would never send`,
      });
    }
  } else {
    const totalMs = rounds * (warmupMs + durationMs);
    if (totalMs > COMBINED_LIMITS.scenarioMs.max) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [...path, ...planKey(scenario)],
        message:
          `${rounds} rounds of ${showDuration(warmupMs)} warm-up and ${showDuration(durationMs)} ` +
          `run ${showDuration(totalMs)}; at most ${showDuration(COMBINED_LIMITS.scenarioMs.max)} per scenario`,
      });
    }
  }
}

function buildScenario(scenario: ScenarioInput, defaults: ScenarioDefaults): LoadScenario {
  const result: LoadScenario = {
    name: scenario.name,
    request: scenario.request,
    model: scenario.rate !== undefined ? 'open' : 'closed',
    warmupMs: scenario.warmup ?? defaults.warmup ?? BUILT_IN_DEFAULTS.warmupMs,
    rounds: scenario.rounds ?? defaults.rounds ?? BUILT_IN_DEFAULTS.rounds,
    timeoutMs: scenario.timeout ?? defaults.timeout ?? BUILT_IN_DEFAULTS.timeoutMs,
    budgets: scenario.budgets ?? {},
  };
  if (scenario.rate !== undefined) {
    result.rate = scenario.rate;
    result.maxInFlight = scenario['max-in-flight'] ?? BUILT_IN_DEFAULTS.maxInFlight;
  } else {
    result.connections = scenario.connections;
  }
  // An explicit `requests` beats a duration inherited from `defaults:`.
  if (scenario.requests !== undefined) result.requests = scenario.requests;
  else result.durationMs = scenario.duration ?? defaults.duration ?? BUILT_IN_DEFAULTS.durationMs;
  return result;
}

function buildConfig(input: ConfigInput): PerfConfig {
  const target: PerfConfig['target'] = {
    url: input.target.url,
    waitMs: input.target.wait ?? BUILT_IN_DEFAULTS.waitMs,
  };
  if (input.target.health !== undefined) target.health = input.target.health;
  if (input.target.start !== undefined) target.start = input.target.start;
  if (input.target.pid !== undefined) target.pid = input.target.pid;
  if (input.target.container !== undefined) target.container = input.target.container;
  if (input.target['docker-socket'] !== undefined) {
    target.dockerSocket = input.target['docker-socket'];
  }

  const regression = input.regression ?? {};
  const config: PerfConfig = {
    target,
    monitor: {
      intervalMs: input.monitor?.interval ?? BUILT_IN_DEFAULTS.monitorIntervalMs,
      isEnabled: input.monitor?.enabled ?? true,
    },
    budgets: { ...structuredClone(DEFAULT_BUDGETS), ...input.budgets },
    baseline: {
      name: input.baseline?.name ?? 'default',
      history: input.baseline?.history ?? DEFAULT_HISTORY_SIZE,
    },
    regression: {
      warn: regression.warn ?? DEFAULT_REGRESSION_POLICY.warn,
      fail: regression.fail ?? DEFAULT_REGRESSION_POLICY.fail,
      confidence: regression.confidence ?? DEFAULT_REGRESSION_POLICY.confidence,
      minHistory: regression['min-history'] ?? DEFAULT_REGRESSION_POLICY.minHistory,
      metrics: regression.metrics ?? [...DEFAULT_REGRESSION_POLICY.metrics],
    },
    accept: input.accept ?? [],
  };
  if (input.auth) {
    config.auth = {
      login: input.auth.login,
      token: input.auth.token,
      header: input.auth.header ?? 'Authorization',
      format: input.auth.format ?? 'Bearer {token}',
    };
  }
  if (input.load) {
    const defaults = input.defaults ?? {};
    config.load = {
      budgets: input.load.budgets ?? {},
      scenarios: input.load.scenarios.map((scenario) => buildScenario(scenario, defaults)),
    };
  }
  if (input.stress) {
    config.stress = buildStressConfig(input.stress, {
      timeoutMs: input.defaults?.timeout,
      warmupMs: input.defaults?.warmup,
    });
  }
  if (input.video) config.video = buildVideoConfig(input.video);
  if (input.volume) config.volume = buildVolume(input.volume, input.defaults ?? {});
  return config;
}

type VolumeInput = NonNullable<ConfigInput['volume']>;

function buildSeed(seed: VolumeInput['seed']): SeedConfig {
  if (seed.command !== undefined) {
    return {
      kind: 'command',
      command: seed.command,
      timeoutMs: seed.timeout ?? BUILT_IN_DEFAULTS.seedCommandTimeoutMs,
    };
  }
  const result: RequestSeed = {
    kind: 'request',
    // The schema's rule guarantees one of request and command.
    request: seed.request as RequestConfig,
    concurrency: seed.concurrency ?? BUILT_IN_DEFAULTS.seedConcurrency,
    randomSeed: seed['random-seed'] ?? BUILT_IN_DEFAULTS.randomSeed,
    timeoutMs: seed.timeout ?? BUILT_IN_DEFAULTS.seedRequestTimeoutMs,
  };
  if (seed.batch !== undefined) result.batch = seed.batch;
  if (seed.rate !== undefined) result.rate = seed.rate;
  return result;
}

function buildVolume(volume: VolumeInput, globalDefaults: ScenarioDefaults): VolumeConfig {
  const defaults = { ...globalDefaults, ...volume.defaults };
  return {
    steps: volume.steps,
    ...(volume.count ? { count: volume.count } : {}),
    seed: buildSeed(volume.seed),
    budgets: volume.budgets ?? {},
    queries: volume.queries.map((query): VolumeQuery => {
      const built: VolumeQuery = buildScenario(query, defaults);
      if (query.expect !== undefined) built.expect = query.expect;
      return built;
    }),
  };
}

/**
 * The whole perf.yml schema: parses the plain data of the YAML document (after `${env:…}`
 * interpolation) into a PerfConfig. Issue paths are YAML key paths.
 */
export const perfConfigSchema = inputSchema.transform(buildConfig);

/** What perf.yml may contain, before defaults (keys as written in YAML). */
export type PerfConfigInput = z.input<typeof perfConfigSchema>;

/**
 * The JSON Schema (draft 2020-12) of perf.yml as written, for editors
 * (`# yaml-language-server: $schema=…`) and the CLI's `schema` command. Unknown keys are marked
 * forbidden (`additionalProperties: false`).
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(perfConfigSchema, { io: 'input', unrepresentable: 'any' });
  return { ...schema, title: 'perf-action configuration (perf.yml)' };
}
