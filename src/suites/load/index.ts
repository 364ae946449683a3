// The load suite: each scenario's warm-up and measured rounds through the engine (closed or open
// model), its latency, throughput, errors and the service's resources.

import type { LoadScenario } from '../../config/scenario-schema.ts';
import type { BudgetMap } from '../../config/schema-parts.ts';
import { plural } from '../../core/format.ts';
import { cpuUnitNote } from '../shared/cpu-note.ts';
import { runScenariosPaired } from '../shared/paired-scenario.ts';
import { runOptions } from '../shared/run-options.ts';
import { runLoadSuite } from '../shared/scenario-runner.ts';
import { scenarioTable } from '../shared/scenario-table.ts';
import { defineSuite } from '../suite.ts';
import { type LoadConfig, loadConfigPart } from './config.ts';

const CPU_METRIC = 'cpu.mean';

/** Answers a scenario needs before its p99 is gated: below 1 000, p99 is the few slowest requests. */
export const MIN_ANSWERS_FOR_P99 = 1000;

/**
 * The default "CPU < 80 % under normal load" KPI (README, "Budgets") as a budget of the load suite
 * (normal load; the stress suite drives the service to saturation on purpose). The KPI means the
 * machine's CPU, while the metric is percent of one core: 80 % of `cores` cores.
 */
function defaultCpuBudget(cores: number): BudgetMap {
  return { [CPU_METRIC]: { fail: 80 * Math.max(1, cores) } };
}

export const loadSuite = defineSuite<LoadConfig, LoadScenario>({
  name: 'load',
  config: loadConfigPart,
  plan: (config) => config.scenarios,
  unitName: (scenario) => scenario.name,
  describe: (config) => plural(config.scenarios.length, 'scenario'),
  run: (context, _config, units) =>
    runLoadSuite({
      ...runOptions(context),
      scenarios: [...units],
    }),
  defaultPairs: 5,
  runPaired: (contexts, _config, units, pairing) =>
    runScenariosPaired(
      units,
      { head: runOptions(contexts.head), base: runOptions(contexts.base) },
      pairing,
    ),
  confirmable: true,
  budgets: (config, { cores, global }) => {
    const cpu = CPU_METRIC in global || cores === undefined ? {} : defaultCpuBudget(cores);
    return {
      suite: { ...cpu, ...config.budgets },
      scenarios: Object.fromEntries(config.scenarios.map((s) => [`load/${s.name}`, s.budgets])),
    };
  },
  // p95 and errors always; p99 with enough answers to measure it; throughput where it is an
  // outcome (closed model: in the open model the rate is the input). Unknown facts keep both.
  isGatedByDefault: (metric, facts) => {
    if (metric.name === 'latency.p95' || metric.name === 'errors.rate') return true;
    if (metric.name === 'latency.p99') return !facts || facts.answered >= MIN_ANSWERS_FOR_P99;
    if (metric.name === 'throughput.rps') return !facts || facts.model === 'closed';
    return false;
  },
  report: (result) => {
    if (!result.scenarios.some((s) => s.suite === 'load')) return [];
    const watched = result.scenarios.some((s) => s.suite === 'load' && s.resources);
    return [
      {
        heading: 'Load',
        ...(watched ? { note: cpuUnitNote(result.environment) } : {}),
        table: scenarioTable(result, 'load'),
      },
    ];
  },
});
