// The part of perf.yml one suite owns: its key, the schema of its section, the rules that need the
// global `defaults:`, and how the section becomes the suite's typed config. The whole perf.yml
// schema is composed from the core keys and these parts (./schema.ts `composeConfigSchema`), so a
// suite adds its section without an edit here.
import type { z } from 'zod';
import type { ScenarioDefaults } from './scenario-schema.ts';
import type { BudgetMap } from './schema-parts.ts';

/** What a section may use of the rest of perf.yml. */
export interface ConfigContext {
  /** `defaults:` as written (empty when absent). */
  defaults: ScenarioDefaults;
}

/** Issue paths are YAML key paths from the document's root. */
export type ConfigPath = readonly (string | number)[];

export interface SuiteConfigPart<Config = unknown> {
  /** The section's key in perf.yml, also the suite's name. */
  key: string;
  /** The section as written: strict, described for the JSON Schema. */
  schema: z.ZodType;
  /** Rules that hold only with `defaults:` applied (a plan's length); issues at `path` + key. */
  check?: (
    section: unknown,
    context: ConfigContext,
    path: ConfigPath,
    ctx: z.RefinementCtx,
  ) => void;
  /** The section with every default applied. */
  build: (section: unknown, context: ConfigContext) => Config;
  /** Global budgets the suite's own metrics get by default (the strategy's KPIs for them). */
  defaultBudgets?: Readonly<BudgetMap>;
}

/** A part whose functions see the section as its schema parses it. */
export function defineConfigPart<Schema extends z.ZodType, Config>(part: {
  key: string;
  schema: Schema;
  check?: (
    section: z.output<Schema>,
    context: ConfigContext,
    path: ConfigPath,
    ctx: z.RefinementCtx,
  ) => void;
  build: (section: z.output<Schema>, context: ConfigContext) => Config;
  defaultBudgets?: Readonly<BudgetMap>;
}): SuiteConfigPart<Config> {
  return part as SuiteConfigPart<Config>;
}
