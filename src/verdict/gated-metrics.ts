// Which metrics a run is gated on: a few meaningful ones per scenario by default, the rest
// reported. Every gated metric is one more chance of a false alarm, and several of them say the
// same thing (p50, p90 and p95 of one scenario move together), so the default set keeps one
// latency figure per scenario, the tail only where there are enough requests to measure it, and
// throughput only where it is an outcome (in the open model the rate is the input). Pure.
import { splitVolumeStep } from '../results/growth.ts';
import type { Metric } from '../results/types.ts';
import { matchesKeyPattern } from './key-pattern.ts';

/** The `regression.metrics` entry that stands for the default set. */
export const DEFAULT_GATED = 'default';

/** Answers a scenario needs before its p99 is gated: below 1 000, p99 is the few slowest requests. */
export const MIN_ANSWERS_FOR_P99 = 1000;

/** What the default set needs to know of a measured scenario (`<suite>/<name>`). */
export interface ScenarioFacts {
  suite: string;
  name: string;
  /** Closed: connections send as fast as answers come; open: a fixed arrival rate. */
  model: 'closed' | 'open';
  /** Requests answered (any status). */
  answered: number;
}

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
): Set<string> {
  const adds = patterns.filter((p) => !p.startsWith('!'));
  const removes = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const facts = new Map(scenarios.map((s) => [`${s.suite}/${s.name}`, s]));
  const largestStep = largestVolumeSteps(metrics);
  const gated = new Set<string>();
  for (const metric of metrics) {
    const chosen = adds.some((pattern) =>
      pattern === DEFAULT_GATED
        ? isGatedByDefault(metric, facts.get(`${metric.suite}/${metric.scenario}`), largestStep)
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

/**
 * The default set. Load scenarios: p95, errors, p99 with at least MIN_ANSWERS_FOR_P99 answers,
 * throughput in the closed model. Volume: each query's growth exponent and its p95 at the largest
 * step. Stress: capacity and recovery. Video: seconds per video-minute and success rate. A
 * scenario whose facts are unknown (a results.json without them) keeps p99 and throughput.
 */
function isGatedByDefault(
  metric: Metric,
  facts: ScenarioFacts | undefined,
  largestStep: ReadonlyMap<string, number>,
): boolean {
  switch (metric.suite) {
    case 'load':
      if (metric.name === 'latency.p95' || metric.name === 'errors.rate') return true;
      if (metric.name === 'latency.p99') return !facts || facts.answered >= MIN_ANSWERS_FOR_P99;
      if (metric.name === 'throughput.rps') return !facts || facts.model === 'closed';
      return false;
    case 'volume': {
      if (metric.name === 'growth.exponent') return true;
      if (metric.name !== 'latency.p95') return false;
      const step = splitVolumeStep(metric.scenario);
      return step !== undefined && largestStep.get(step.query) === step.step;
    }
    case 'stress':
      return metric.name === 'capacity.rps' || metric.name === 'recovery.s';
    case 'video':
      return metric.name === 'seconds_per_minute' || metric.name === 'success.rate';
    default:
      return false;
  }
}

/** Per volume query, the largest step this run measured its p95 at. */
function largestVolumeSteps(metrics: readonly Metric[]): Map<string, number> {
  const largest = new Map<string, number>();
  for (const metric of metrics) {
    if (metric.suite !== 'volume' || metric.name !== 'latency.p95') continue;
    const step = splitVolumeStep(metric.scenario);
    if (step && step.step > (largest.get(step.query) ?? 0)) largest.set(step.query, step.step);
  }
  return largest;
}
