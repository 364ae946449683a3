// The `stress:` section of perf.yml: weighted request mixes driven through stages of rising load,
// to find the level where the service stops meeting its stability limits, and how fast it recovers.

import { z } from 'zod';
import { COMBINED_LIMITS, DURATION_BOUNDS, isWithin, NUMBER_BOUNDS } from '../../config/bounds.ts';
import {
  type BudgetMap,
  boundedNumberSchema,
  budgetsSchema,
  checkUniqueNames,
  countSchema,
  durationSchema,
  type RequestConfig,
  RULE,
  ratioSchema,
  requestSchema,
  slugSchema,
  strictObject,
} from '../../config/schema-parts.ts';
import { defineConfigPart } from '../../config/suite-config-part.ts';
import { showDuration, showNumber } from '../../config/units.ts';

/** One request kind of a mix. */
export interface MixItem {
  /** A slug, unique within the mix: the kind's name in the time series. */
  name: string;
  /** Relative share of requests (e.g. 40 / 30 / 20 / 10, as in docs/architecture.md, "Default KPIs"). */
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

/** The default stability limits (docs/architecture.md, "Default KPIs"): error rate < 5 %, p95 < 2 s. */
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
  weight: boundedNumberSchema(NUMBER_BOUNDS.weight).describe('relative share of requests, like 40'),
  request: requestSchema('GET'),
});

const stageSchema = strictObject({
  rate: boundedNumberSchema(NUMBER_BOUNDS.rate, 'arrivals per second')
    .describe('open model: arrivals per second')
    .optional(),
  connections: countSchema(NUMBER_BOUNDS.connections)
    .describe('closed model: concurrent connections')
    .optional(),
  duration: durationSchema(DURATION_BOUNDS.stage).describe('how long the level is held'),
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
  'latency.p95': durationSchema(DURATION_BOUNDS.stabilityP95)
    .describe('a stage is stable while its p95 stays below this')
    .optional(),
});

/** An until-break level: a rate or a number of connections, whichever the stages set. */
const levelSchema = z
  .number({ error: 'expected a number (a rate, or connections, as the stages set)' })
  .meta({ minimum: NUMBER_BOUNDS.rate.min, maximum: NUMBER_BOUNDS.rate.max });

const stressScenarioSchema = strictObject({
  name: slugSchema,
  mix: z
    .array(mixItemSchema, { error: 'expected a list of {name, weight, request}' })
    .min(1, { error: 'expected at least one request in the mix' })
    .max(NUMBER_BOUNDS.mix.max, {
      error: `expected at most ${NUMBER_BOUNDS.mix.max} request kinds in the mix`,
    }),
  stages: z
    .array(stageSchema, { error: 'expected a list of stages like {rate: 50, duration: 10s}' })
    .min(1, { error: 'expected at least one stage' })
    .max(NUMBER_BOUNDS.stages.max, {
      error: `expected at most ${NUMBER_BOUNDS.stages.max} stages`,
    }),
  warmup: durationSchema(DURATION_BOUNDS.stressWarmup)
    .describe('unmeasured run at the first stage level before the stages (default 2s)')
    .optional(),
  cooldown: durationSchema(DURATION_BOUNDS.cooldown)
    .describe('held at the first stage level after the peak, to measure recovery (default 10s)')
    .optional(),
  limits: limitsSchema
    .describe('stability limits (default errors.rate 5%, latency.p95 2s)')
    .optional(),
  'until-break': z
    .boolean({ error: 'expected true or false' })
    .describe('after the stages, keep stepping the load up until the limits fail')
    .optional(),
  // Rates or connections, as the stages are: their range is checked with the rules below.
  step: levelSchema
    .describe('until-break: level added per step (default: the last step of the stages)')
    .optional(),
  'max-level': levelSchema
    .describe('until-break: the highest level tried (default 10x the last stage)')
    .optional(),
  timeout: durationSchema(DURATION_BOUNDS.requestTimeout)
    .describe('per-request timeout (default 10s)')
    .optional(),
  'max-in-flight': countSchema(NUMBER_BOUNDS.maxInFlight)
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
  const maxLevel = scenario['max-level'];
  if (untilBreak && maxLevel !== undefined && maxLevel > 0 && maxLevel <= last) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['max-level'],
      message: `max-level must be above the last stage's level (${last})`,
    });
  }
  const levelBound = isOpen ? NUMBER_BOUNDS.rate : NUMBER_BOUNDS.connections;
  for (const key of ['step', 'max-level'] as const) {
    const value = scenario[key];
    if (value === undefined) continue;
    if (isWithin(value, levelBound) && (isOpen || Number.isInteger(value))) continue;
    const range = `from ${showNumber(levelBound.min)} to ${showNumber(levelBound.max)}`;
    ctx.addIssue({
      code: 'custom',
      path: [key],
      input: value,
      message: isOpen
        ? `expected a number ${range} (arrivals per second, as the stages set)`
        : `expected an integer ${range} (connections, as the stages set)`,
    });
  }
  const areLevelsWithin =
    levels.every((level) => isWithin(level, levelBound)) &&
    (scenario.step === undefined || isWithin(scenario.step, levelBound)) &&
    (scenario['max-level'] === undefined || isWithin(scenario['max-level'], levelBound));
  if (untilBreak && areLevelsWithin) {
    const { stepLevel, maxLevel } = untilBreakOf(scenario, levels, isOpen);
    const phases = levels.length + untilBreakSteps(levels.at(-1) ?? 0, stepLevel, maxLevel);
    if (phases > COMBINED_LIMITS.stressPhases.max) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [scenario.step !== undefined ? 'step' : 'until-break'],
        message:
          `until-break from ${showNumber(last)} by ${showNumber(stepLevel)} up to ` +
          `${showNumber(maxLevel)} makes ${phases} phases with the stages; at most ` +
          `${COMBINED_LIMITS.stressPhases.max}: set a larger step or a lower max-level`,
      });
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

/** The `stress:` section as written, after validation. */
export type StressInput = z.output<typeof stressSectionSchema>;
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

/**
 * The until-break step and highest level, defaults applied: the default highest level is 10x the
 * last stage's, never beyond the most the engine runs (NUMBER_BOUNDS.rate or .connections).
 */
function untilBreakOf(
  input: { step?: number | undefined; 'max-level'?: number | undefined },
  levels: readonly number[],
  isOpen: boolean,
): { stepLevel: number; maxLevel: number } {
  const last = levels.at(-1) ?? 1;
  const ceiling = isOpen ? NUMBER_BOUNDS.rate.max : NUMBER_BOUNDS.connections.max;
  return {
    stepLevel: input.step ?? defaultStep(levels),
    maxLevel: input['max-level'] ?? Math.min(last * STRESS_DEFAULTS.maxLevelFactor, ceiling),
  };
}

/** How many until-break steps follow a last stage at `last` (the suite's loop, counted). */
function untilBreakSteps(last: number, stepLevel: number, maxLevel: number): number {
  if (!(stepLevel > 0) || maxLevel < last + stepLevel) return 0;
  // The same float steps as the suite's loop: level += step while level <= max.
  return Math.floor((maxLevel - last) / stepLevel + 1e-9);
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
    scenario.untilBreak = untilBreakOf(input, levels, model === 'open');
  }
  return scenario;
}

/**
 * Rules on a whole stress scenario with the global `defaults:` applied (its warm-up and timeout
 * may come from there): its planned length, and the open model's backlog. `path` is the
 * scenario's path in perf.yml.
 */
export function checkStressPlan(
  input: StressScenarioInput,
  defaults: StressDefaults,
  path: readonly (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const isOpen = input.stages[0]?.rate !== undefined;
  const levels = input.stages.map((s) => s.rate ?? s.connections ?? 0);
  const last = input.stages.at(-1);
  const warmupMs = input.warmup ?? defaults.warmupMs ?? STRESS_DEFAULTS.warmupMs;
  const cooldownMs = input.cooldown ?? STRESS_DEFAULTS.cooldownMs;
  const timeoutMs = input.timeout ?? defaults.timeoutMs ?? STRESS_DEFAULTS.timeoutMs;
  const levelBound = isOpen ? NUMBER_BOUNDS.rate : NUMBER_BOUNDS.connections;
  const isEachWithin =
    input.stages.every(
      (stage) =>
        (stage.rate !== undefined) === isOpen &&
        isWithin(stage.duration, DURATION_BOUNDS.stage) &&
        isWithin(stage.rate ?? stage.connections, levelBound),
    ) &&
    isWithin(
      warmupMs,
      input.warmup !== undefined ? DURATION_BOUNDS.stressWarmup : DURATION_BOUNDS.warmup,
    ) &&
    isWithin(cooldownMs, DURATION_BOUNDS.cooldown) &&
    isWithin(timeoutMs, DURATION_BOUNDS.requestTimeout) &&
    (input.step === undefined || isWithin(input.step, levelBound)) &&
    (input['max-level'] === undefined || isWithin(input['max-level'], levelBound));
  if (!isEachWithin) return;
  const untilBreak =
    input['until-break'] === true ? untilBreakOf(input, levels, isOpen) : undefined;
  const steps = untilBreak
    ? untilBreakSteps(levels.at(-1) ?? 0, untilBreak.stepLevel, untilBreak.maxLevel)
    : 0;
  const stagesMs = input.stages.reduce((sum, stage) => sum + stage.duration, 0);
  const totalMs = warmupMs + stagesMs + steps * (last?.duration ?? 0) + cooldownMs;
  if (totalMs > COMBINED_LIMITS.stressMs.max) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: [...path, 'stages'],
      message:
        `the scenario would run ${showDuration(totalMs)} (warm-up, stages` +
        `${steps > 0 ? `, ${steps} until-break steps` : ''} and cool-down); at most ` +
        `${showDuration(COMBINED_LIMITS.stressMs.max)}: every second keeps a latency histogram per request kind`,
    });
  }
  if (isOpen) {
    const top = untilBreak ? untilBreak.maxLevel : Math.max(...levels);
    const backlog = (top * timeoutMs) / 1000;
    if (backlog > COMBINED_LIMITS.stressBacklog.max) {
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [...path, input.timeout !== undefined ? 'timeout' : 'stages'],
        message:
          `rate ${showNumber(top)}/s with timeout ${showDuration(timeoutMs)} lets ` +
          `${showNumber(Math.round(backlog))} arrivals wait for a slot at once; at most ` +
          `${showNumber(COMBINED_LIMITS.stressBacklog.max)}: lower the timeout or the rate`,
      });
    }
    input.stages.forEach((stage, index) => {
      const sends = ((stage.rate ?? 0) * stage.duration) / 1000;
      if (sends >= 1) return;
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [...path, 'stages', index],
        message:
          `rate ${showNumber(stage.rate ?? 0)}/s for ${showDuration(stage.duration)} schedules no ` +
          'request: make the stage longer or the rate higher',
      });
    });
  }
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

export const stressConfigPart = defineConfigPart({
  key: 'stress',
  schema: stressSectionSchema.describe(
    'ramp a weighted request mix through stages to find capacity and recovery',
  ),
  check: (stress, { defaults }, path, ctx) => {
    stress.scenarios.forEach((scenario, index) => {
      checkStressPlan(
        scenario,
        { timeoutMs: defaults.timeout, warmupMs: defaults.warmup },
        [...path, 'scenarios', index],
        ctx,
      );
    });
  },
  build: (stress, { defaults }) =>
    buildStressConfig(stress, { timeoutMs: defaults.timeout, warmupMs: defaults.warmup }),
});
