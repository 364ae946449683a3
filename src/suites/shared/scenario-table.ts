// The table of a suite's HTTP scenarios (requests, throughput, latency percentiles, errors, the
// service's CPU and memory, the budgets' status): the load suite's report section.
import { formatValue } from '../../core/format.ts';
import type { Cell, Table } from '../../core/report-section.ts';
import { verdictOf } from '../../core/worst-status.ts';
import { attemptedRequests, errorRate } from '../../results/scenario-metrics.ts';
import type { CoreRunResult, Metric, ScenarioRun } from '../../results/types.ts';
import { describeModel } from './describe-model.ts';

function metricOf(result: CoreRunResult, run: ScenarioRun, name: string): Metric | undefined {
  return result.metrics.find((m) => m.key === `${run.suite}/${run.name}/${name}`);
}

export function scenarioTable(result: CoreRunResult, suite: string): Table {
  const watched = result.scenarios.some((s) => s.suite === suite && s.resources);
  const rows = result.scenarios
    .filter((s) => s.suite === suite)
    .map((run): Cell[] => {
      const value = (name: string) => {
        const m = metricOf(result, run, name);
        return m ? formatValue(m.value, m.unit) : '–';
      };
      const checks = result.checks.filter((c) => c.metric.startsWith(`${run.suite}/${run.name}/`));
      const model = describeModel({
        model: run.model,
        connections: run.connections,
        rate: run.targetRate,
      });
      const t = run.totals;
      const resources = !watched
        ? []
        : run.resources
          ? [
              formatValue(run.resources.cpuMax, 'percent'),
              formatValue(run.resources.memoryMaxMB, 'MB'),
            ]
          : ['–', '–'];
      return [
        run.name,
        model,
        String(attemptedRequests(t)),
        value('throughput.rps'),
        value('latency.p50'),
        value('latency.p90'),
        value('latency.p95'),
        value('latency.p99'),
        value('latency.max'),
        formatValue(errorRate(t), 'ratio'),
        ...resources,
        checks.length === 0 ? '–' : { status: verdictOf(checks) },
      ];
    });
  return {
    header: [
      'Scenario',
      'Model',
      'Requests',
      'Throughput',
      'p50',
      'p90',
      'p95',
      'p99',
      'max',
      'Errors',
      ...(watched ? ['CPU max', 'Memory max'] : []),
      'Status',
    ],
    align: [
      'l',
      'l',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      ...(watched ? (['r', 'r'] as const) : []),
      'l',
    ],
    rows,
  };
}
