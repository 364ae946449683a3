// The volume suite's section of perf.yml: steps, seeding, the record count, the queries.
import { z } from 'zod';
import { DURATION_BOUNDS, NUMBER_BOUNDS } from '../../config/bounds.ts';
import {
  buildScenario,
  checkModel,
  checkScenarioPlan,
  defaultsSchema,
  type LoadScenario,
  scenarioShape,
} from '../../config/scenario-schema.ts';
import {
  type BudgetMap,
  boundedNumberSchema,
  budgetsSchema,
  checkUniqueNames,
  countSchema,
  type RequestConfig,
  RULE,
  requestSchema,
  strictObject,
  textSchema,
  tokenPathSchema,
  unitSchema,
} from '../../config/schema-parts.ts';
import { defineConfigPart } from '../../config/suite-config-part.ts';
import { checkDuration, showDurationRange } from '../../config/units.ts';
import type { GrowthExpectation } from './growth.ts';
import { findTemplateProblems } from './seed-template.ts';

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

/** Seeding's values when the section does not set them. */
export const SEED_DEFAULTS = {
  /** Requests in flight. */
  concurrency: 4,
  /** A request's timeout (a bulk insert can take a while). */
  requestTimeoutMs: 30_000,
  /** A command's run per step. */
  commandTimeoutMs: 600_000,
  /** The templates' random seed. */
  randomSeed: 1,
} as const;

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
  // Its range depends on the kind of seeding: checked with the seeding rules below.
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

type VolumeInput = z.output<typeof volumeSchema>;

function buildSeed(seed: VolumeInput['seed']): SeedConfig {
  if (seed.command !== undefined) {
    return {
      kind: 'command',
      command: seed.command,
      timeoutMs: seed.timeout ?? SEED_DEFAULTS.commandTimeoutMs,
    };
  }
  const result: RequestSeed = {
    kind: 'request',
    // The schema's rule guarantees one of request and command.
    request: seed.request as RequestConfig,
    concurrency: seed.concurrency ?? SEED_DEFAULTS.concurrency,
    randomSeed: seed['random-seed'] ?? SEED_DEFAULTS.randomSeed,
    timeoutMs: seed.timeout ?? SEED_DEFAULTS.requestTimeoutMs,
  };
  if (seed.batch !== undefined) result.batch = seed.batch;
  if (seed.rate !== undefined) result.rate = seed.rate;
  return result;
}

function buildVolume(
  volume: VolumeInput,
  globalDefaults: z.output<typeof defaultsSchema>,
): VolumeConfig {
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

export const volumeConfigPart = defineConfigPart({
  key: 'volume',
  schema: volumeSchema.describe(
    'seed the service to each step, measure the queries, fit their growth',
  ),
  check: (volume, { defaults }, path, ctx) => {
    const queryDefaults = { ...defaults, ...volume.defaults };
    volume.queries.forEach((query, index) => {
      checkScenarioPlan(query, queryDefaults, [...path, 'queries', index], ctx);
    });
  },
  build: (volume, { defaults }) => buildVolume(volume, defaults),
});
