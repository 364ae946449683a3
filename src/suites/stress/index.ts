// The stress suite: each scenario ramps a weighted request mix through its stages to find the
// service's capacity, then holds the first level again to see how fast it recovers.

import { z } from 'zod';
import { plural } from '../../core/format.ts';
import { runOptions } from '../shared/run-options.ts';
import { defineSuite } from '../suite.ts';
import { type StressConfig, type StressScenario, stressConfigPart } from './config.ts';
import { stressSections } from './report.ts';
import { type StressRun, stressRunSchema } from './results.ts';
import { runStressSuite } from './run.ts';

export const stressSuite = defineSuite<StressConfig, StressScenario, StressRun[]>({
  name: 'stress',
  config: stressConfigPart,
  plan: (config) => config.scenarios,
  unitName: (scenario) => scenario.name,
  describe: (config) => plural(config.scenarios.length, 'scenario'),
  run: async (context, _config, units) => {
    const out = await runStressSuite({
      ...runOptions(context),
      scenarios: [...units],
    });
    return { scenarios: [], metrics: out.metrics, checks: out.checks, detail: out.runs };
  },
  detailSchema: z.array(stressRunSchema),
  // The per-second series is for this run's charts; a baseline record keeps the phases.
  compactDetail: (runs) => runs.map((run) => ({ ...run, seconds: [] })),
  budgets: (config) => ({
    suite: config.budgets,
    scenarios: Object.fromEntries(config.scenarios.map((s) => [`stress/${s.name}`, s.budgets])),
  }),
  isGatedByDefault: (metric) => metric.name === 'capacity.rps' || metric.name === 'recovery.s',
  windows: (_result, runs) =>
    (runs ?? []).map((run) => ({ scenario: `stress/${run.name}`, resources: run.resources })),
  report: (result, runs) =>
    (runs ?? []).flatMap((run) => stressSections(run, result.checks, result.environment)),
});
