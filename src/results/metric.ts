// The one way a metric is made: its unit and which direction is good come from the catalogue
// (src/core/metrics-catalogue.ts), so a suite names what it measured and nothing else.
import { BUDGET_METRICS, type MetricName } from '../core/metrics-catalogue.ts';
import type { Metric } from './types.ts';

/** A measured metric of `<suite>/<scenario>`, keyed `<suite>/<scenario>/<name>`. */
export function makeMetric(
  at: { suite: string; scenario: string },
  name: MetricName,
  value: number,
  samples?: readonly number[],
): Metric {
  const { unit, better } = BUDGET_METRICS[name];
  return {
    key: `${at.suite}/${at.scenario}/${name}`,
    suite: at.suite,
    scenario: at.scenario,
    name,
    unit,
    better,
    value,
    ...(samples ? { samples: [...samples] } : {}),
  };
}
