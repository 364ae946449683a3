// The load suite's section of perf.yml: suite budgets and the scenarios.
import { z } from 'zod';
import {
  buildScenario,
  checkScenarioPlan,
  type LoadScenario,
  scenarioSchema,
} from '../../config/scenario-schema.ts';
import {
  type BudgetMap,
  budgetsSchema,
  checkUniqueNames,
  strictObject,
} from '../../config/schema-parts.ts';
import { defineConfigPart } from '../../config/suite-config-part.ts';

/** The load suite with every default applied. */
export interface LoadConfig {
  /** Suite-level budgets, as written (normalized). */
  budgets: BudgetMap;
  scenarios: LoadScenario[];
}

const loadSchema = strictObject({
  budgets: budgetsSchema.optional(),
  scenarios: z
    .array(scenarioSchema, { error: 'expected a list of scenarios' })
    .min(1, { error: 'expected at least one scenario' }),
}).superRefine((load, ctx) => checkUniqueNames(load.scenarios, 'scenarios', 'scenario', ctx));

export const loadConfigPart = defineConfigPart({
  key: 'load',
  schema: loadSchema,
  check: (load, { defaults }, path, ctx) => {
    load.scenarios.forEach((scenario, index) => {
      checkScenarioPlan(scenario, defaults, [...path, 'scenarios', index], ctx);
    });
  },
  build: (load, { defaults }): LoadConfig => ({
    budgets: load.budgets ?? {},
    scenarios: load.scenarios.map((scenario) => buildScenario(scenario, defaults)),
  }),
});
