// RunResults compared with a baseline history, at the sizes a PR comment must handle: every check
// passing, a few regressions, and more than a hundred failing checks. Plain data, no run needed.

import { DEFAULT_REGRESSION_POLICY } from '../../src/config/regression-policy.ts';
import type { BaselineSummary, Check, Metric, Unit } from '../../src/results/types.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import { describeRegressionMethod } from '../../src/verdict/regressions.ts';
import { metric, sampleResult } from './sample-result.ts';

/** The baseline line's method sentence, as the verdict writes it for `checks`. */
function errorControlOf(checks: readonly Check[]): Partial<BaselineSummary> {
  const method = describeRegressionMethod(checks, DEFAULT_REGRESSION_POLICY);
  return method ? { errorControl: method } : {};
}

/** A baseline of `runs` runs of `main`, newest at commit abc1234…. */
export function baselineOf(runs: number, extra: Partial<BaselineSummary> = {}): BaselineSummary {
  const summary = {
    name: 'main',
    runs,
    newestCommit: 'abc1234def5678901234567890abcdef12345678',
    newestAt: '2026-11-26T21:14:03.000Z',
    ...extra,
  };
  return summary;
}

/** A regression check of `key` (`<suite>/<scenario>/<name>`) from `baseline` to `value`. */
export function comparison(
  key: string,
  unit: Unit,
  baseline: number,
  value: number,
  status: Check['status'],
  over: Partial<Check> = {},
): Check {
  const change = (value - baseline) / baseline;
  const lowConfidence = over.lowConfidence ?? false;
  return {
    kind: 'regression',
    metric: key,
    status,
    value,
    unit,
    warn: 0.1,
    fail: 0.2,
    baseline,
    change,
    ...(lowConfidence
      ? { method: 'percent-only', lowConfidence: true, historySize: 1 }
      : {
          changeInterval: (change < 0
            ? [change * 1.2, change * 0.8]
            : [change * 0.8, change * 1.2]) as [number, number],
          confidenceLevel: 0.95,
          method: 'mann-whitney',
          lowConfidence: false,
          historySize: 12,
        }),
    message: `${key.slice(key.lastIndexOf('/') + 1)} ${(change * 100).toFixed(1)} %`,
    ...over,
  };
}

function suiteMetric(key: string, unit: Unit, value: number): Metric {
  const [suite = '', scenario = '', name = ''] = [
    key.slice(0, key.indexOf('/')),
    key.slice(key.indexOf('/') + 1, key.lastIndexOf('/')),
    key.slice(key.lastIndexOf('/') + 1),
  ];
  return {
    key,
    suite,
    scenario,
    name,
    unit,
    better: name === 'throughput.rps' ? 'higher' : 'lower',
    value,
    samples: [value, value, value],
  };
}

/** The sample run, every budget met and every gated metric unchanged against 12 runs. */
export function allPassResult(): RunResult {
  const result = sampleResult();
  for (const check of result.checks) check.status = 'pass';
  const set = (key: string, value: number, message: string) => {
    const measured = result.metrics.find((m) => m.key === key);
    if (measured) measured.value = value;
    const budget = result.checks.find((c) => c.metric === key);
    if (budget) Object.assign(budget, { value, message });
  };
  set('load/sessions-rate/latency.p95', 150.2, 'latency.p95 150.20 ms <= 200.00 ms');
  set('load/sessions-rate/errors.rate', 0.0005, 'errors.rate 0.05 % <= 0.10 %');
  result.checks.push(
    comparison('load/projects-list/latency.p95', 'ms', 19.5, 19.871, 'pass'),
    comparison('load/projects-list/throughput.rps', 'rps', 2480, 2500, 'pass'),
    comparison('load/sessions-rate/latency.p95', 'ms', 151.0, 150.2, 'pass'),
    comparison('load/sessions-rate/errors.rate', 'ratio', 0.0005, 0.0005, 'pass'),
  );
  result.baseline = baselineOf(12);
  result.verdict = 'pass';
  return result;
}

/**
 * Three regressions in two suites (one of them a volume step, `projects-page@1000`), one budget
 * over, one improvement; the baseline states its run-level error control.
 */
export function threeRegressionsResult(): RunResult {
  const result = sampleResult();
  result.metrics.push(
    suiteMetric('volume/projects-page@1000/latency.p95', 'ms', 28.3),
    suiteMetric('volume/projects-page@1000/latency.p50', 'ms', 9.1),
  );
  result.checks = [
    ...result.checks.filter((c) => c.status !== 'warn'),
    comparison('load/projects-list/latency.p99', 'ms', 17.48, 40.2, 'fail'),
    comparison('load/projects-list/latency.p95', 'ms', 15.1, 19.871, 'fail'),
    comparison('load/projects-list/throughput.rps', 'rps', 2490, 2500, 'pass'),
    comparison('load/sessions-rate/latency.p50', 'ms', 14.4, 12, 'pass', {
      kind: 'improvement',
    }),
    comparison('volume/projects-page@1000/latency.p95', 'ms', 23.1, 28.3, 'warn'),
    comparison('volume/projects-page@1000/latency.p50', 'ms', 9.0, 9.1, 'pass'),
  ];
  result.baseline = baselineOf(12, errorControlOf(result.checks));
  result.verdict = 'fail';
  return result;
}

/**
 * 30 load scenarios with long names, each with four failing regressions against 12 runs and a
 * failing budget: 150 failing checks.
 */
export function manyFailuresResult(): RunResult {
  const result = sampleResult();
  const [template] = result.scenarios;
  if (!template) throw new Error('sample-result has no scenario');
  const names = Array.from({ length: 30 }, (_, i) => `projects-page-with-filters-${i + 1}`);
  result.scenarios = names.map((name) => ({ ...template, name }));
  result.metrics = [];
  result.checks = [];
  names.forEach((name, i) => {
    const slower = 1.3 + i / 50;
    const latency = (stat: string, base: number) => {
      const key = `load/${name}/latency.${stat}`;
      result.metrics.push(metric(name, `latency.${stat}`, base * slower));
      result.checks.push(comparison(key, 'ms', base, base * slower, 'fail'));
    };
    latency('p50', 8 + i);
    latency('p95', 160 + 2 * i);
    latency('p99', 300 + 3 * i);
    result.metrics.push(metric(name, 'throughput.rps', 2500 / slower));
    result.checks.push(
      comparison(`load/${name}/throughput.rps`, 'rps', 2500, 2500 / slower, 'fail'),
      {
        kind: 'budget',
        metric: `load/${name}/latency.p95`,
        status: 'fail',
        value: (160 + 2 * i) * slower,
        unit: 'ms',
        fail: 200,
        source: 'global',
        message: `latency.p95 ${((160 + 2 * i) * slower).toFixed(2)} ms > 200.00 ms`,
      },
    );
  });
  result.baseline = baselineOf(12, errorControlOf(result.checks));
  result.verdict = 'fail';
  return result;
}
