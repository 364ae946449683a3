// The types of results.json, derived from its one schema (./schema.ts). Other code and checks rely
// on this shape: change the schema only with a schemaVersion bump.
import type { z } from 'zod';
import type {
  baselineSummarySchema,
  checkKindSchema,
  checkSchema,
  coreRunResultSchema,
  environmentSchema,
  metricSchema,
  requestTotalsSchema,
  resourceFiguresSchema,
  roundRunSchema,
  sameJobCoreSchema,
  scenarioRunSchema,
} from './schema.ts';

export type { Better, Status, Unit } from '../core/metric-units.ts';
export { SCHEMA_VERSION } from './schema.ts';
/** One measured number with its meaning. */
export type Metric = z.infer<typeof metricSchema>;
/** One decision about the run (budget, regression, improvement, validity, stability, seeding). */
export type Check = z.infer<typeof checkSchema>;
/** What a check judges (see `checkKindSchema`). */
export type CheckKind = z.infer<typeof checkKindSchema>;
/** Details of one scenario's run that are not metrics: how it ran and what came back. */
export type ScenarioRun = z.infer<typeof scenarioRunSchema>;
/** CPU (percent of one core) and memory (MB) of the service. */
export type ResourceFigures = z.infer<typeof resourceFiguresSchema>;
/** How the requests of a round, or of all rounds, ended. */
export type RequestTotals = z.infer<typeof requestTotalsSchema>;
/** One measured round of a scenario. */
export type RoundRun = z.infer<typeof roundRunSchema>;
/** Facts about the machine that ran the load. */
export type Environment = z.infer<typeof environmentSchema>;
/** The baseline history a run was compared with. */
export type BaselineSummary = z.infer<typeof baselineSummarySchema>;
/** results.json without the suites' own details (see `coreRunResultSchema`). */
export type CoreRunResult = z.infer<typeof coreRunResultSchema>;
/** The base measured beside the run in the same job, without the suites' details. */
export type SameJob = z.infer<typeof sameJobCoreSchema>;
