// The volume suite: seed the service to each step, measure the queries there, fit how their
// latency grows with the data. One unit: the sweep, since each step builds on the data before it.

import type { BudgetMap } from '../../config/schema-parts.ts';
import { plural } from '../../core/format.ts';
import type { Metric } from '../../results/types.ts';
import { runOptions } from '../shared/run-options.ts';
import { defineSuite, type SuiteContext } from '../suite.ts';
import { type VolumeConfig, volumeConfigPart } from './config.ts';
import { EXPECTED_GROWTH_WARN, GROWTH_METRIC, splitVolumeStep } from './growth.ts';
import { volumeSection } from './report.ts';
import {
  runVolumePaired,
  runVolumeSuite,
  type VolumeSuiteOptions,
  type VolumeSuiteOutput,
} from './run.ts';

/** The largest step at which this run measured the query's p95. */
function largestStep(metrics: readonly Metric[], query: string): number {
  let largest = 0;
  for (const metric of metrics) {
    if (metric.suite !== 'volume' || metric.name !== 'latency.p95') continue;
    const step = splitVolumeStep(metric.scenario);
    if (step?.query === query && step.step > largest) largest = step.step;
  }
  return largest;
}

function nothingMeasured(): VolumeSuiteOutput {
  return { scenarios: [], metrics: [], checks: [] };
}

/** The sweep's options against one service. */
function volumeOptions(context: SuiteContext, volume: VolumeConfig): VolumeSuiteOptions {
  return { ...runOptions(context), volume, env: context.env };
}

export const volumeSuite = defineSuite<VolumeConfig, VolumeConfig>({
  name: 'volume',
  config: volumeConfigPart,
  plan: (config) => (config.queries.length > 0 ? [config] : []),
  unitName: () => 'sweep',
  describe: (config) =>
    `${plural(config.queries.length, 'query', 'queries')} at ${plural(config.steps.length, 'step')}`,
  announce: (config) =>
    `${plural(config.queries.length, 'query', 'queries')} at ${config.steps.join(', ')} records`,
  run: (context, _config, units) => {
    const [volume] = units;
    if (!volume) return Promise.resolve(nothingMeasured());
    return runVolumeSuite(volumeOptions(context, volume));
  },
  defaultPairs: 5,
  runPaired: (contexts, _config, units, pairing) => {
    const [volume] = units;
    if (!volume) return Promise.resolve({ head: nothingMeasured(), base: nothingMeasured() });
    const head = volumeOptions(contexts.head, volume);
    return runVolumePaired({ head, base: volumeOptions(contexts.base, volume) }, pairing);
  },
  // A query's budgets apply to it at every step (`volume/<query>@<step>`) and to its growth
  // (`volume/<query>`); `expect:` adds a warn-only growth budget unless the query sets one itself.
  budgets: (config) => {
    const scenarios: Record<string, BudgetMap> = {};
    for (const q of config.queries) {
      const expected: BudgetMap =
        q.expect === undefined ? {} : { [GROWTH_METRIC]: { warn: EXPECTED_GROWTH_WARN[q.expect] } };
      scenarios[`volume/${q.name}`] = { ...expected, ...q.budgets };
      for (const step of config.steps) scenarios[`volume/${q.name}@${step}`] = q.budgets;
    }
    return { suite: config.budgets, scenarios };
  },
  // Each query's growth exponent, and its p95 at the largest step this run measured.
  isGatedByDefault: (metric, _facts, all) => {
    if (metric.name === GROWTH_METRIC) return true;
    if (metric.name !== 'latency.p95') return false;
    const step = splitVolumeStep(metric.scenario);
    return step !== undefined && largestStep(all, step.query) === step.step;
  },
  // A query's growth is keyed without the step: judged by the busiest of its steps.
  windows: (result) =>
    result.scenarios.flatMap((scenario) => {
      const step = scenario.suite === 'volume' ? splitVolumeStep(scenario.name) : undefined;
      return step
        ? [{ scenario: `volume/${step.query}`, resources: scenario.resources, isAlias: true }]
        : [];
    }),
  report: (result) => {
    const section = volumeSection(result);
    return section ? [section] : [];
  },
});
