// The perf.yml schema: one zod schema gives validation, the output types (each build function is
// typed by them, so the compiler keeps both in step) and the JSON Schema for editors. The core keys
// are here; each suite's section is a part (./suite-config-part.ts) the schema is composed with.
//
// Input keys are kebab-case as written in YAML (`max-in-flight`); the output is camelCase with
// units in the names (`durationMs`). Every object is strict: unknown keys are errors, reported
// with the closest valid key. Cross-field rules run on the input shape, so issue paths are YAML
// paths and the loader can point at the line.
import { z } from 'zod';
import { BUDGET_METRICS } from '../core/metrics-catalogue.ts';
import { DURATION_BOUNDS, isWithin, NUMBER_BOUNDS } from './bounds.ts';
import {
  type AcceptRule,
  DEFAULT_GATED,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_REGRESSION_POLICY,
  type RegressionPolicy,
} from './regression-policy.ts';
import { defaultsSchema, SCENARIO_DEFAULTS } from './scenario-schema.ts';
import {
  type BudgetMap,
  budgetsSchema,
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
  strictObject,
  TARGET_URL_FORM,
  textSchema,
  tokenPathSchema,
  URL_CREDENTIALS_PROBLEM,
} from './schema-parts.ts';
import { suggestClosest } from './suggest.ts';
import type { SuiteConfigPart } from './suite-config-part.ts';

export {
  BUDGET_METRICS,
  type BudgetMetric,
  type BudgetValueKind,
} from '../core/metrics-catalogue.ts';
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

/** Where a service is and how it is started and watched (`target:`, and `base:` over it). */
export interface TargetConfig {
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
}

/**
 * The base service measured beside the target in the same job (`base:`). Its keys as written: the
 * target's where unset (see resolveBase in src/pipeline/base-target.ts). A base is measured only
 * when it has a URL (here or `--base-url`).
 */
export interface BaseConfig {
  target: Partial<TargetConfig>;
  /** Interleaved pairs (one side after the other) or concurrent (both loads at once). */
  mode: 'interleaved' | 'concurrent';
  /** Pairs per suite, over each suite's default; `all` applies to every suite not named. */
  pairs: Record<string, number>;
  /** Seed of the pair orders; absent: drawn at run time (and recorded in results.json). */
  seed?: number;
}

/** The validated perf.yml without its suite sections, with defaults applied. */
export interface CoreConfig {
  target: TargetConfig;
  /** The base service to measure beside the target, when `base:` is written. */
  base?: BaseConfig;
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

/** The values perf.yml gets when it does not set them. */
export const BUILT_IN_DEFAULTS = {
  ...SCENARIO_DEFAULTS,
  /** target.wait */
  waitMs: 60_000,
  /** monitor.interval */
  monitorIntervalMs: 500,
} as const;

/**
 * The default KPIs of every HTTP scenario (README, "Budgets"): p95 below 200 ms, error rate below
 * 0.1 %, service memory below 2 GB. A suite adds defaults for its own metrics in its config part.
 */
export const DEFAULT_BUDGETS: Readonly<BudgetMap> = {
  'latency.p95': { fail: 200 },
  'errors.rate': { fail: 0.001 },
  'memory.max': { fail: 2048 },
};

// --- sections ---------------------------------------------------------------------------------

const targetShape = {
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
};

function checkStartOrPid(
  target: { pid?: number | undefined; start?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (target.pid !== undefined && target.start !== undefined) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['pid'],
      message: 'set start or pid, not both: the started command is watched itself',
    });
  }
}

const targetSchema = strictObject(targetShape).superRefine(checkStartOrPid);

/** `base.pairs`: one count for every suite, or counts by suite name (`all` for the rest). */
const pairsSchema = z.union(
  [
    countSchema(NUMBER_BOUNDS.pairs),
    z.record(z.string(), countSchema(NUMBER_BOUNDS.pairs), {
      error: 'expected a count of pairs, or counts by suite name like {load: 5, stress: 1}',
    }),
  ],
  { error: 'expected a count of pairs, or counts by suite name like {load: 5, stress: 1}' },
);

const baseSchema = strictObject({
  ...targetShape,
  url: targetShape.url.describe('base URL of the base service (default --base-url)').optional(),
  mode: z
    .enum(['interleaved', 'concurrent'], { error: 'expected interleaved or concurrent' })
    .describe('interleaved pairs, or both loads at the same time (default interleaved)')
    .optional(),
  pairs: pairsSchema
    .describe('pairs per unit: a count, or counts by suite (default 5 for load and volume, 1 else)')
    .optional(),
  seed: countSchema(NUMBER_BOUNDS.pairSeed)
    .describe('seed of the pair orders (default drawn at run time, recorded in results.json)')
    .optional(),
}).superRefine(checkStartOrPid);

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

/** The core keys before the suites' sections, and after them (the order of the JSON Schema). */
const leadingShape = {
  target: targetSchema,
  base: baseSchema
    .describe('the base service, measured beside the target in the same job (keys over target)')
    .optional(),
  auth: authSchema.optional(),
  monitor: monitorSchema.describe('CPU and memory of the service under test').optional(),
  defaults: defaultsSchema.describe('defaults for every scenario').optional(),
  budgets: budgetsSchema.describe('global budgets, over the built-in defaults').optional(),
};
const trailingShape = {
  baseline: baselineSchema.describe('the baseline history this config compares with').optional(),
  regression: regressionSchema
    .describe('how regressions against the history are judged')
    .optional(),
  accept: acceptSchema.describe('known regressions accepted without a code change').optional(),
};
const coreSchema = strictObject({ ...leadingShape, ...trailingShape });
type CoreInput = z.output<typeof coreSchema>;

/**
 * The whole perf.yml schema for these suites: parses the plain data of the YAML document (after
 * `${env:…}` interpolation) into the core config with each configured suite's section built under
 * its key. Issue paths are YAML key paths.
 */
export function composeConfigSchema(parts: readonly SuiteConfigPart[]) {
  const sections = Object.fromEntries(parts.map((part) => [part.key, part.schema.optional()]));
  return strictObject({ ...leadingShape, ...sections, ...trailingShape })
    .superRefine((input, ctx) => {
      const all = input as Record<string, unknown> & CoreInput;
      const context = { defaults: all.defaults ?? {} };
      for (const part of parts) {
        const section = all[part.key];
        if (section !== undefined) part.check?.(section, context, [part.key], ctx);
      }
      checkHistory(all, ctx);
      checkPairsKeys(all, parts, ctx);
    })
    .transform((input) => {
      const all = input as Record<string, unknown> & CoreInput;
      const context = { defaults: all.defaults ?? {} };
      const config: ParsedConfig = { ...buildCore(all, parts) };
      for (const part of parts) {
        const section = all[part.key];
        if (section !== undefined) config[part.key] = part.build(section, context);
      }
      return config;
    });
}

/** perf.yml parsed: the core config and each configured suite's section under its key. */
export type ParsedConfig = CoreConfig & Record<string, unknown>;

/** A schema composed by `composeConfigSchema`. */
export type ComposedConfigSchema = ReturnType<typeof composeConfigSchema>;

/** The regression test needs no more history than the baseline keeps. */
function checkHistory(input: CoreInput, ctx: z.RefinementCtx): void {
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

/** `base.pairs` names suites this config knows (or `all`). */
function checkPairsKeys(
  input: CoreInput,
  parts: readonly SuiteConfigPart[],
  ctx: z.RefinementCtx,
): void {
  const pairs = input.base?.pairs;
  if (pairs === undefined || typeof pairs === 'number') return;
  const known = [...parts.map((part) => part.key), ALL_SUITES];
  for (const key of Object.keys(pairs)) {
    if (known.includes(key)) continue;
    const hint = suggestClosest(key, known);
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['base', 'pairs', key],
      message: `unknown suite '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; expected one of ${known.join(', ')}`,
    });
  }
}

/** The key of `base.pairs` that applies to every suite not named. */
export const ALL_SUITES = 'all';

type TargetInput = Partial<z.output<typeof targetSchema>>;

/** The target keys as written, unset ones left out (`wait` only where `waitMs` is given a default). */
function buildTarget(input: TargetInput): Partial<TargetConfig> {
  const target: Partial<TargetConfig> = {};
  if (input.url !== undefined) target.url = input.url;
  if (input.wait !== undefined) target.waitMs = input.wait;
  if (input.health !== undefined) target.health = input.health;
  if (input.start !== undefined) target.start = input.start;
  if (input.pid !== undefined) target.pid = input.pid;
  if (input.container !== undefined) target.container = input.container;
  if (input['docker-socket'] !== undefined) target.dockerSocket = input['docker-socket'];
  return target;
}

function buildBase(input: NonNullable<CoreInput['base']>): BaseConfig {
  const { mode, pairs, seed, ...target } = input;
  return {
    target: buildTarget(target),
    mode: mode ?? 'interleaved',
    pairs: typeof pairs === 'number' ? { [ALL_SUITES]: pairs } : { ...pairs },
    ...(seed !== undefined ? { seed } : {}),
  };
}

function buildCore(input: CoreInput, parts: readonly SuiteConfigPart[]): CoreConfig {
  const target: TargetConfig = {
    ...buildTarget(input.target),
    url: input.target.url,
    waitMs: input.target.wait ?? BUILT_IN_DEFAULTS.waitMs,
  };

  const regression = input.regression ?? {};
  const config: CoreConfig = {
    target,
    monitor: {
      intervalMs: input.monitor?.interval ?? BUILT_IN_DEFAULTS.monitorIntervalMs,
      isEnabled: input.monitor?.enabled ?? true,
    },
    budgets: {
      ...structuredClone(DEFAULT_BUDGETS),
      ...Object.assign({}, ...parts.map((part) => structuredClone(part.defaultBudgets ?? {}))),
      ...input.budgets,
    },
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
  if (input.base) config.base = buildBase(input.base);
  if (input.auth) {
    config.auth = {
      login: input.auth.login,
      token: input.auth.token,
      header: input.auth.header ?? 'Authorization',
      format: input.auth.format ?? 'Bearer {token}',
    };
  }
  return config;
}

/**
 * The JSON Schema (draft 2020-12) of perf.yml as written, for editors
 * (`# yaml-language-server: $schema=…`) and the CLI's `schema` command. Unknown keys are marked
 * forbidden (`additionalProperties: false`).
 */
export function configJsonSchema(schema: ComposedConfigSchema): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return { ...json, title: 'perf-action configuration (perf.yml)' };
}
