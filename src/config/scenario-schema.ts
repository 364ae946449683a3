// One scenario of measured requests, as the load suite runs it and the volume suite runs each of
// its queries: the keys, the load model's rules, the plan's length check and the defaults applied.
import type { z } from 'zod';
import { COMBINED_LIMITS, DURATION_BOUNDS, isWithin, NUMBER_BOUNDS } from './bounds.ts';
import {
  type BudgetMap,
  boundedNumberSchema,
  budgetsSchema,
  countSchema,
  durationSchema,
  type RequestConfig,
  RULE,
  requestSchema,
  slugSchema,
  strictObject,
} from './schema-parts.ts';
import { showDuration, showNumber } from './units.ts';

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

/** The values a scenario gets when neither it nor `defaults:` sets them. */
export const SCENARIO_DEFAULTS = {
  durationMs: 10_000,
  warmupMs: 2_000,
  rounds: 3,
  timeoutMs: 10_000,
  /** Open model: enough for 1000 requests outstanding, far more than a healthy service needs. */
  maxInFlight: 1000,
} as const;

export const scenarioDefaultsShape = {
  duration: durationSchema(DURATION_BOUNDS.duration).optional(),
  warmup: durationSchema(DURATION_BOUNDS.warmup).optional(),
  rounds: countSchema(NUMBER_BOUNDS.rounds).optional(),
  timeout: durationSchema(DURATION_BOUNDS.requestTimeout)
    .describe('per-request timeout')
    .optional(),
};

export const defaultsSchema = strictObject(scenarioDefaultsShape);

/** `defaults:` as written: what every scenario (and volume query) inherits. */
export type ScenarioDefaults = z.output<typeof defaultsSchema>;

export const scenarioShape = {
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
export function checkModel(scenario: ModelFields, ctx: z.RefinementCtx): void {
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

export const scenarioSchema = strictObject(scenarioShape).superRefine(checkModel);

export type ScenarioInput = z.output<typeof scenarioSchema>;

/** The key a scenario's planned length is blamed on: the one of its own that sets it, if any. */
function planKey(scenario: ScenarioInput): string[] {
  if (scenario.rounds !== undefined) return ['rounds'];
  if (scenario.duration !== undefined) return ['duration'];
  if (scenario.warmup !== undefined) return ['warmup'];
  return [];
}

export function checkScenarioPlan(
  scenario: ScenarioInput,
  defaults: ScenarioDefaults,
  path: readonly (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const durationMs = scenario.duration ?? defaults.duration ?? SCENARIO_DEFAULTS.durationMs;
  const warmupMs = scenario.warmup ?? defaults.warmup ?? SCENARIO_DEFAULTS.warmupMs;
  const rounds = scenario.rounds ?? defaults.rounds ?? SCENARIO_DEFAULTS.rounds;
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

export function buildScenario(scenario: ScenarioInput, defaults: ScenarioDefaults): LoadScenario {
  const result: LoadScenario = {
    name: scenario.name,
    request: scenario.request,
    model: scenario.rate !== undefined ? 'open' : 'closed',
    warmupMs: scenario.warmup ?? defaults.warmup ?? SCENARIO_DEFAULTS.warmupMs,
    rounds: scenario.rounds ?? defaults.rounds ?? SCENARIO_DEFAULTS.rounds,
    timeoutMs: scenario.timeout ?? defaults.timeout ?? SCENARIO_DEFAULTS.timeoutMs,
    budgets: scenario.budgets ?? {},
  };
  if (scenario.rate !== undefined) {
    result.rate = scenario.rate;
    result.maxInFlight = scenario['max-in-flight'] ?? SCENARIO_DEFAULTS.maxInFlight;
  } else {
    result.connections = scenario.connections;
  }
  // An explicit `requests` beats a duration inherited from `defaults:`.
  if (scenario.requests !== undefined) result.requests = scenario.requests;
  else result.durationMs = scenario.duration ?? defaults.duration ?? SCENARIO_DEFAULTS.durationMs;
  return result;
}
