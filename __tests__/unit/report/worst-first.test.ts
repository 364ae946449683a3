import { describe, expect, it } from 'vitest';
import { splitMetricKey } from '../../../src/report/metric-key.ts';
import {
  betterOfMetrics,
  excessOf,
  groupBySuiteWorstFirst,
  orderWorstFirst,
} from '../../../src/report/worst-first.ts';
import type { Check } from '../../../src/results/types.ts';
import { comparison } from '../../helpers/compared-result.ts';
import { metric, sampleResult } from '../../helpers/sample-result.ts';

const budget = (key: string, status: Check['status'], value: number, over: Partial<Check> = {}) =>
  ({
    kind: 'budget',
    metric: key,
    status,
    value,
    unit: 'ms',
    fail: 100,
    message: key,
    ...over,
  }) satisfies Check;

describe('splitMetricKey', () => {
  it.each([
    ['load/projects-list/latency.p95', ['load', 'projects-list', 'latency.p95']],
    ['volume/projects-page@1000/latency.p95', ['volume', 'projects-page@1000', 'latency.p95']],
    ['video/suite/run', ['video', 'suite', 'run']],
    ['stress/capacity', ['stress', '', 'capacity']],
    ['bare', ['', '', 'bare']],
  ])('%s', (key, [suite, scenario, name]) => {
    expect(splitMetricKey(key)).toEqual({ suite, scenario, name });
  });
});

describe('excessOf', () => {
  it('is the size of a change, and a budget’s excess over the limit it tripped', () => {
    expect(excessOf(comparison('load/a/latency.p95', 'ms', 10, 13, 'fail'), 'lower')).toBeCloseTo(
      0.3,
    );
    expect(excessOf(budget('load/a/latency.p95', 'fail', 150), 'lower')).toBeCloseTo(0.5);
    expect(
      excessOf(budget('load/a/throughput.rps', 'warn', 80, { warn: 100, fail: 50 }), 'higher'),
    ).toBeCloseTo(0.2);
    expect(excessOf(budget('load/a/run', 'fail', 1, { fail: undefined }), undefined)).toBe(
      undefined,
    );
  });
});

describe('orderWorstFirst and groupBySuiteWorstFirst', () => {
  const better = betterOfMetrics(sampleResult().metrics);

  it('puts failures, then warnings, then passes; the largest first; then by key', () => {
    const checks = [
      comparison('load/a/latency.p95', 'ms', 10, 11, 'pass'),
      comparison('load/b/latency.p95', 'ms', 10, 12.5, 'warn'),
      comparison('load/c/latency.p95', 'ms', 10, 13, 'fail'),
      comparison('load/d/latency.p95', 'ms', 10, 20, 'fail'),
      comparison('load/e/latency.p95', 'ms', 10, 20, 'fail'),
      budget('load/f/run', 'fail', 1, { fail: undefined }),
    ];
    expect(orderWorstFirst(checks, better).map((c) => c.metric)).toEqual([
      'load/f/run',
      'load/d/latency.p95',
      'load/e/latency.p95',
      'load/c/latency.p95',
      'load/b/latency.p95',
      'load/a/latency.p95',
    ]);
  });

  it('groups by suite, the suite of the worst check first', () => {
    const checks = [
      comparison('load/a/latency.p95', 'ms', 10, 13, 'fail'),
      comparison('volume/page@1000/latency.p95', 'ms', 10, 30, 'fail'),
      comparison('load/b/latency.p95', 'ms', 10, 12, 'warn'),
      comparison('volume/page@5000/latency.p95', 'ms', 10, 11, 'warn'),
    ];
    const metrics = betterOfMetrics([metric('a', 'latency.p95', 13)]);
    expect(groupBySuiteWorstFirst(checks, metrics).map((c) => c.metric)).toEqual([
      'volume/page@1000/latency.p95',
      'volume/page@5000/latency.p95',
      'load/a/latency.p95',
      'load/b/latency.p95',
    ]);
  });
});
