// The `stress:` section of perf.yml: weighted request mixes driven through stages of rising load,
// to find the level where the service stops meeting its stability limits, and how fast it recovers.
import { z } from 'zod';
import {
  type BudgetMap,
  budgetsSchema,
  checkUniqueNames,
  countSchema,
  durationSchema,
  positiveNumberSchema,
  type RequestConfig,
  RULE,
  ratioSchema,
  requestSchema,
  slugSchema,
  strictObject,
} from './schema-parts.ts';

/** One request kind of a mix. */
export interface MixItem {
  /** A slug, unique within the mix: the kind's name in the time series. */
  name: string;
  /** Relative share of requests (the seed's 40 / 30 / 20 / 10). */
  weight: number;
  request: RequestConfig;
}

/** One stage: a load level held for a while. */
export interface StressStage {
  /** Arrivals per second (open model) or connections (closed model). */
  level: number;
  durationMs: number;
}

/** When a stage counts as stable. */
export interface StabilityLimits {
  /** The error rate must stay below this (0..1). */
  errorRate: number;
  /** p95 latency must stay below this, in milliseconds. */
  p95Ms: number;
}

/** One stress scenario, with every default applied. */
export interface StressScenario {
  name: string;
  /** `open`: stages set `rate`; `closed`: stages set `connections`. */
  model: 'open' | 'closed';
  mix: MixItem[];
  stages: StressStage[];
  /** Unmeasured load at the first stage's level before the stages (0 = none), in milliseconds. */
  warmupMs: number;
  /** Held at the first stage's level after the peak; recovery is measured there. */
  cooldownMs: number;
  limits: StabilityLimits;
  /** Keep stepping up after the last stage until the limits fail or `maxLevel` is passed. */
  untilBreak?: { stepLevel: number; maxLevel: number };
  timeoutMs: number;
  /** Open model: most requests outstanding; later arrivals wait, and time out after timeoutMs. */
  maxInFlight: number;
  /** Seed of the kind choice: the same seed sends the same sequence of kinds. */
  seed: number;
  budgets: BudgetMap;
}

export interface StressConfig {
  /** Suite-level budgets, as written (normalized). */
  budgets: BudgetMap;
  scenarios: StressScenario[];
}

/** The seed's stability limits: error rate < 5 %, p95 < 2 s. */
export const DEFAULT_STABILITY_LIMITS: Readonly<StabilityLimits> = { errorRate: 0.05, p95Ms: 2000 };

const STRESS_DEFAULTS = {
  warmupMs: 2_000,
  cooldownMs: 10_000,
  timeoutMs: 10_000,
  maxInFlight: 1000,
  seed: 1,
  /** until-break: the highest level tried, as a multiple of the last stage's level. */
  maxLevelFactor: 10,
} as const;

const mixItemSchema = strictObject({
  name: slugSchema,
  weight: positiveNumberSchema().describe('relative share of requests, like 40'),
  request: requestSchema('GET'),
});

const stageSchema = strictObject({
  rate: positiveNumberSchema().describe('open model: arrivals per second').optional(),
  connections: countSchema().describe('closed model: concurrent connections').optional(),
  duration: durationSchema().describe('how long the level is held'),
}).superRefine((stage, ctx) => {
  if ((stage.rate === undefined) === (stage.connections === undefined)) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      message:
        'set either rate (open model: arrivals per second) or connections (closed model), not both',
    });
  }
});

const limitsSchema = strictObject({
  'errors.rate': ratioSchema('a stage is stable while its error rate stays below this').optional(),
  'latency.p95': durationSchema()
    .describe('a stage is stable while its p95 stays below this')
    .optional(),
});

const stressScenarioSchema = strictObject({
  name: slugSchema,
  mix: z
    .array(mixItemSchema, { error: 'expected a list of {name, weight, request}' })
    .min(1, { error: 'expected at least one request in the mix' }),
  stages: z
    .array(stageSchema, { error: 'expected a list of stages like {rate: 50, duration: 10s}' })
    .min(1, { error: 'expected at least one stage' }),
  warmup: durationSchema({ allowZero: true })
    .describe('unmeasured run at the first stage level before the stages (default 2s)')
    .optional(),
  cooldown: durationSchema()
    .describe('held at the first stage level after the peak, to measure recovery (default 10s)')
    .optional(),
  limits: limitsSchema
    .describe('stability limits (default errors.rate 5%, latency.p95 2s)')
    .optional(),
  'until-break': z
    .boolean({ error: 'expected true or false' })
    .describe('after the stages, keep stepping the load up until the limits fail')
    .optional(),
  step: positiveNumberSchema()
    .describe('until-break: level added per step (default: the last step of the stages)')
    .optional(),
  'max-level': positiveNumberSchema()
    .describe('until-break: the highest level tried (default 10x the last stage)')
    .optional(),
  timeout: durationSchema().describe('per-request timeout (default 10s)').optional(),
  'max-in-flight': countSchema()
    .describe('open model: most requests outstanding (default 1000)')
    .optional(),
  seed: z.int({ error: 'expected an integer' }).describe('seed of the kind choice').optional(),
  budgets: budgetsSchema.optional(),
}).superRefine((scenario, ctx) => {
  checkUniqueNames(scenario.mix, 'mix', 'mix request', ctx);
  const isOpen = scenario.stages[0]?.rate !== undefined;
  scenario.stages.forEach((stage, index) => {
    if ((stage.rate !== undefined) !== isOpen) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: ['stages', index],
        message: `every stage must set ${isOpen ? 'rate' : 'connections'}, like the first one`,
      });
    }
  });
  const levels = scenario.stages.map((s) => s.rate ?? s.connections ?? 0);
  for (let i = 1; i < levels.length; i++) {
    if ((levels[i] ?? 0) > (levels[i - 1] ?? 0)) continue;
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['stages', i],
      message: `stages must ramp up: level ${levels[i]} after ${levels[i - 1]}`,
    });
    return;
  }
  const untilBreak = scenario['until-break'] === true;
  for (const key of ['step', 'max-level'] as const) {
    if (scenario[key] !== undefined && !untilBreak) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [key],
        message: `${key} applies with until-break: true only`,
      });
    }
  }
  const last = levels.at(-1) ?? 0;
  if (untilBreak && scenario['max-level'] !== undefined && scenario['max-level'] <= last) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['max-level'],
      message: `max-level must be above the last stage's level (${last})`,
    });
  }
  if (!isOpen) {
    for (const key of ['step', 'max-level'] as const) {
      const value = scenario[key];
      if (value !== undefined && !Number.isInteger(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: value,
          message: 'expected a whole number of connections',
        });
      }
    }
  }
  if (scenario['max-in-flight'] !== undefined && !isOpen) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['max-in-flight'],
      message: 'max-in-flight applies to the open model (rate) only',
    });
  }
});

/** The `stress:` section as written. */
export const stressSectionSchema = strictObject({
  budgets: budgetsSchema.optional(),
  scenarios: z
    .array(stressScenarioSchema, { error: 'expected a list of stress scenarios' })
    .min(1, { error: 'expected at least one scenario' }),
}).superRefine((stress, ctx) => checkUniqueNames(stress.scenarios, 'scenarios', 'scenario', ctx));

type StressInput = z.output<typeof stressSectionSchema>;
type StressScenarioInput = StressInput['scenarios'][number];

/**
 * The level added per until-break step when none is given: the last step of the stages, or the
 * single stage's level (so 50 goes 100, 150, ...).
 */
function defaultStep(levels: readonly number[]): number {
  const last = levels.at(-1) ?? 1;
  const before = levels.at(-2);
  return before === undefined ? last : last - before;
}

function buildScenario(input: StressScenarioInput, defaults: StressDefaults): StressScenario {
  const { timeoutMs: timeoutDefaultMs, warmupMs: warmupDefaultMs } = defaults;
  const stages = input.stages.map((s) => ({
    level: s.rate ?? s.connections ?? 1,
    durationMs: s.duration,
  }));
  const levels = stages.map((s) => s.level);
  const model = input.stages[0]?.rate !== undefined ? 'open' : 'closed';
  const scenario: StressScenario = {
    name: input.name,
    model,
    mix: input.mix,
    stages,
    warmupMs: input.warmup ?? warmupDefaultMs ?? STRESS_DEFAULTS.warmupMs,
    cooldownMs: input.cooldown ?? STRESS_DEFAULTS.cooldownMs,
    limits: {
      errorRate: input.limits?.['errors.rate'] ?? DEFAULT_STABILITY_LIMITS.errorRate,
      p95Ms: input.limits?.['latency.p95'] ?? DEFAULT_STABILITY_LIMITS.p95Ms,
    },
    timeoutMs: input.timeout ?? timeoutDefaultMs ?? STRESS_DEFAULTS.timeoutMs,
    maxInFlight: input['max-in-flight'] ?? STRESS_DEFAULTS.maxInFlight,
    seed: input.seed ?? STRESS_DEFAULTS.seed,
    budgets: input.budgets ?? {},
  };
  if (input['until-break'] === true) {
    const last = levels.at(-1) ?? 1;
    scenario.untilBreak = {
      stepLevel: input.step ?? defaultStep(levels),
      maxLevel: input['max-level'] ?? last * STRESS_DEFAULTS.maxLevelFactor,
    };
  }
  return scenario;
}

/** What the global `defaults:` section sets that a stress scenario inherits. */
export interface StressDefaults {
  timeoutMs?: number | undefined;
  warmupMs?: number | undefined;
}

/** The `stress:` section with defaults applied (the scenario's own, then `defaults:`, then built-in). */
export function buildStressConfig(input: StressInput, defaults: StressDefaults = {}): StressConfig {
  return {
    budgets: input.budgets ?? {},
    scenarios: input.scenarios.map((s) => buildScenario(s, defaults)),
  };
}
