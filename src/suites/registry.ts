// Every suite perf-action runs, in the order they run, and what is composed from them: the perf.yml
// schema, the results.json schema and their types. A new suite is its folder and one line in
// BUILT_IN; a test may register its own with `createRegistry`.
import type { z } from 'zod';
import { loadConfig } from '../config/load-config.ts';
import { type LoadedConfig, parseConfig } from '../config/parse-config.ts';
import {
  type ComposedConfigSchema,
  type CoreConfig,
  composeConfigSchema,
  configJsonSchema,
} from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { coreRunResultSchema, resultsJsonSchema, sameJobCoreSchema } from '../results/schema.ts';
import type { CoreRunResult, SameJob } from '../results/types.ts';
import { loadSuite } from './load/index.ts';
import { stressSuite } from './stress/index.ts';
import type { AnySuite, Suite } from './suite.ts';
import { videoSuite } from './video/index.ts';
import { volumeSuite } from './volume/index.ts';

/**
 * The built-in suites in the order they run. Stress after volume: it may leave the service
 * strained, and its writes must not shift the volume steps. Video last: it is the longest.
 */
const BUILT_IN = { load: loadSuite, volume: volumeSuite, stress: stressSuite, video: videoSuite };

type ConfigOf<S> = S extends Suite<infer Config, infer _Unit, infer _Detail> ? Config : never;
type DetailOf<S> = S extends Suite<infer _Config, infer _Unit, infer Detail> ? Detail : never;
type BuiltIn = typeof BUILT_IN;

/** The validated perf.yml, with defaults applied: the core keys and each built-in suite's section. */
export type PerfConfig = CoreConfig & { [Name in keyof BuiltIn]?: ConfigOf<BuiltIn[Name]> };

/** results.json: the core result and each built-in suite's detail under its name. */
export type RunResult = CoreRunResult & BuiltInDetails & { sameJob?: SameJob & BuiltInDetails };

/** Each built-in suite's detail under its name (the head's at the top, the base's in `sameJob`). */
type BuiltInDetails = { [Name in keyof BuiltIn]?: DetailOf<BuiltIn[Name]> };

export interface SuiteRegistry {
  /** In the order they run. */
  suites: readonly AnySuite[];
  /** The perf.yml schema for these suites. */
  configSchema: ComposedConfigSchema;
  /** The results.json schema for these suites. */
  resultSchema: z.ZodObject;
}

/** A registry of these suites (names unique), with the schemas composed from them. */
export function createRegistry(suites: readonly AnySuite[]): SuiteRegistry {
  const names = suites.map((suite) => suite.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new Error(`suite '${twice}' is registered twice`);
  const details = Object.fromEntries(
    suites.flatMap((suite) =>
      suite.detailSchema ? [[suite.name, suite.detailSchema.optional()]] : [],
    ),
  );
  return {
    suites,
    configSchema: composeConfigSchema(suites.map((suite) => suite.config)),
    // The base's details have the head's shapes: one schema each, used on both sides.
    resultSchema: coreRunResultSchema.extend({
      ...details,
      sameJob: sameJobCoreSchema.extend(details).optional(),
    }),
  };
}

/** The suites perf-action ships. */
export const builtInRegistry = createRegistry(Object.values(BUILT_IN));

/** The results.json schema of the built-in suites: what every results.json perf-action writes fits. */
export const runResultSchema = builtInRegistry.resultSchema as unknown as z.ZodType<RunResult>;

/** The JSON Schema (draft 2020-12) of results.json (`perf-action schema --results`). */
export function runResultJsonSchema(registry: SuiteRegistry = builtInRegistry) {
  return resultsJsonSchema(registry.resultSchema);
}

/** The JSON Schema of perf.yml as written (`perf-action schema`). */
export function perfConfigJsonSchema(registry: SuiteRegistry = builtInRegistry) {
  return configJsonSchema(registry.configSchema);
}

/** Parses perf.yml text for the registry's suites (see parseConfig). Throws ConfigError. */
export function parsePerfConfig(
  text: string,
  options: { file: string; env: Readonly<Record<string, string | undefined>> },
  registry: SuiteRegistry = builtInRegistry,
): LoadedConfig<PerfConfig> {
  return parseConfig(text, {
    ...options,
    schema: registry.configSchema,
  }) as LoadedConfig<PerfConfig>;
}

/** Reads and parses perf.yml for the registry's suites (see loadConfig). Throws ConfigError. */
export async function loadPerfConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  registry: SuiteRegistry = builtInRegistry,
): Promise<LoadedConfig<PerfConfig>> {
  return (await loadConfig(file, env, registry.configSchema)) as LoadedConfig<PerfConfig>;
}

/** A suite's section of the config, when it is configured with something to run. */
export function configOf(suite: AnySuite, config: CoreConfig): unknown {
  const section = (config as CoreConfig & Record<string, unknown>)[suite.name];
  return section !== undefined && suite.plan(section).length > 0 ? section : undefined;
}

/** The suite's detail in a result, if it kept one. */
export function detailOf(suite: AnySuite, result: CoreRunResult): unknown {
  return (result as Record<string, unknown>)[suite.name];
}

/** The suites to run: the requested ones (each must be known and configured), else all configured. */
export function selectSuites(
  registry: SuiteRegistry,
  config: CoreConfig,
  requested: readonly string[] | undefined,
): AnySuite[] {
  const known = registry.suites.map((suite) => suite.name);
  const configured = registry.suites.filter((suite) => configOf(suite, config) !== undefined);
  if (requested === undefined || requested.length === 0) {
    if (configured.length === 0) {
      const keys = known.map((name) => `${name}:`);
      throw new UsageError(
        `perf.yml configures no suite (expected ${keys.slice(0, -1).join(', ')} or ${keys.at(-1)})`,
      );
    }
    return configured;
  }
  for (const name of requested) {
    if (!known.includes(name)) {
      throw new UsageError(`unknown suite '${name}' (expected one of: ${known.join(', ')})`);
    }
    if (!configured.some((suite) => suite.name === name)) {
      throw new UsageError(`suite '${name}' is not configured in the config file`);
    }
  }
  return configured.filter((suite) => requested.includes(suite.name));
}
