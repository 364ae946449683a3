// Which metrics a run is gated on: a few meaningful ones per scenario by default (each suite says
// which of its own), the rest reported. Every gated metric is one more chance of a false alarm, and several of them say the
// same thing (p50, p90 and p95 of one scenario move together), so the default set keeps one
// latency figure per scenario, the tail only where there are enough requests to measure it, and
// throughput only where it is an outcome (in the open model the rate is the input). Pure.
import { DEFAULT_GATED } from '../config/regression-policy.ts';
import type { Metric } from '../results/types.ts';
import { builtInRegistry } from '../suites/registry.ts';
import type { AnySuite, ScenarioFacts as SuiteScenarioFacts } from '../suites/suite.ts';
import { matchesKeyPattern } from './key-pattern.ts';

/** What the default set needs to know of a measured scenario (`<suite>/<name>`). */
export interface ScenarioFacts extends SuiteScenarioFacts {
  suite: string;
  name: string;
}

export { MIN_ANSWERS_FOR_P99 } from '../suites/load/index.ts';

/**
 * Keys of `metrics` that the verdict gates on: those chosen by `patterns` (perf.yml's
 * `regression.metrics`). A pattern is `default` (the default set), a metric name (`latency.p99`,
 * in every suite and scenario), or a key glob with `/` as in `accept:` (`load/**` + `/latency.p50`);
 * one starting with `!` removes what it matches. Additions first, then removals, whatever the order.
 */
export function selectGatedKeys(
  metrics: readonly Metric[],
  scenarios: readonly ScenarioFacts[],
  patterns: readonly string[],
  suites: readonly AnySuite[] = builtInRegistry.suites,
): Set<string> {
  const adds = patterns.filter((p) => !p.startsWith('!'));
  const removes = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const facts = new Map(scenarios.map((s) => [`${s.suite}/${s.name}`, s]));
  const bySuite = new Map(suites.map((suite) => [suite.name, suite]));
  const gated = new Set<string>();
  for (const metric of metrics) {
    const chosen = adds.some((pattern) =>
      pattern === DEFAULT_GATED
        ? (bySuite
            .get(metric.suite)
            ?.isGatedByDefault(metric, facts.get(`${metric.suite}/${metric.scenario}`), metrics) ??
          false)
        : matchesMetric(metric, pattern),
    );
    if (chosen && !removes.some((pattern) => matchesMetric(metric, pattern))) gated.add(metric.key);
  }
  return gated;
}

function matchesMetric(metric: Metric, pattern: string): boolean {
  return pattern.includes('/')
    ? matchesKeyPattern(metric.key, pattern)
    : matchesKeyPattern(metric.name, pattern);
}
