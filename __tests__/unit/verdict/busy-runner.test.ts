import { describe, expect, it } from 'vitest';
import type { Check } from '../../../src/results/types.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import {
  BUSY_RUNNER_PERCENT,
  capBusyRegressions,
  describeBusyRunner,
  findBusyScenarios,
} from '../../../src/verdict/busy-runner.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

const figures = (otherCpuMean?: number) => ({
  cpuMax: 90,
  cpuMean: 80,
  memoryMaxMB: 100,
  ...(otherCpuMean !== undefined ? { otherCpuMean } : {}),
});

function resultWith(others: Record<string, number | undefined>): RunResult {
  const base = sampleResult();
  const template = base.scenarios[0] as RunResult['scenarios'][number];
  return {
    ...base,
    scenarios: Object.entries(others).map(([key, other]) => {
      const [suite = 'load', name = 'x'] = key.split('/');
      return { ...template, suite, name, resources: figures(other) };
    }),
  };
}

function regression(metric: string, status: Check['status']): Check {
  return {
    kind: 'regression',
    metric,
    status,
    value: 120,
    unit: 'ms',
    baseline: 100,
    change: 0.2,
    message: 'latency.p95 +20.0 % vs median of 10 runs',
  };
}

describe('findBusyScenarios', () => {
  it('without baseline runs: the scenarios beside other work over the limit, with how much', () => {
    const busy = findBusyScenarios(
      resultWith({
        'load/quiet': 3,
        'load/edge': BUSY_RUNNER_PERCENT,
        'load/busy': 80,
        'load/unknown': undefined,
      }),
    );
    expect([...busy]).toEqual([
      ['load/edge', { other: BUSY_RUNNER_PERCENT, usual: 0 }],
      ['load/busy', { other: 80, usual: 0 }],
    ]);
  });

  it('judges against the baseline runs of the same scenario: work that comes with the service is usual', () => {
    // A container runtime's port proxy carries every request: 40 % of a core in every run.
    const baseline = [30, 40, 45].map((proxy) =>
      resultWith({ 'load/list': proxy, 'load/other': 2 }),
    );
    const busy = findBusyScenarios(resultWith({ 'load/list': 60, 'load/other': 30 }), baseline);
    expect([...busy]).toEqual([['load/other', { other: 30, usual: 2 }]]);
    const neighbour = findBusyScenarios(resultWith({ 'load/list': 70 }), baseline);
    expect(neighbour.get('load/list')).toEqual({ other: 70, usual: 40 });
  });

  it('a volume query is busy under its own name when any of its steps was (the most of them)', () => {
    const busy = findBusyScenarios(
      resultWith({ 'volume/search@1000': 2, 'volume/search@5000': 60, 'volume/search@20000': 40 }),
    );
    expect(busy.get('volume/search@5000')?.other).toBe(60);
    expect(busy.get('volume/search')?.other).toBe(60);
    expect(busy.has('volume/search@1000')).toBe(false);
  });

  it('reads stress runs and video levels too', () => {
    const busy = findBusyScenarios({
      scenarios: [],
      stress: [
        { name: 'ramp', resources: figures(50) } as NonNullable<RunResult['stress']>[number],
      ],
      video: {
        videos: [],
        levels: [
          { level: 1, videos: 3, succeeded: 3, failed: 0, windowMs: 900, rows: [] },
          {
            level: 2,
            videos: 3,
            succeeded: 3,
            failed: 0,
            windowMs: 900,
            rows: [],
            resources: {
              ...figures(70),
              sampleCount: 2,
              generatorCpuMax: 5,
              isGeneratorSaturated: false,
            },
          },
        ],
      },
    });
    expect([...busy.keys()]).toEqual(['stress/ramp', 'video/c2']);
  });
});

describe('capBusyRegressions', () => {
  const busy = new Map([['load/list', { other: 48.4, usual: 0 }]]);

  it('turns a busy scenario’s regression fail into a warning that says why', () => {
    const [capped] = capBusyRegressions([regression('load/list/latency.p95', 'fail')], busy);
    expect(capped?.status).toBe('warn');
    expect(capped?.message).toBe(
      'latency.p95 +20.0 % vs median of 10 runs; the runner was busy (other work took 48 % of a core): warns at most, re-run to judge',
    );
    const [usual] = capBusyRegressions(
      [regression('load/list/latency.p95', 'fail')],
      new Map([['load/list', { other: 70, usual: 40 }]]),
    );
    expect(usual?.message).toContain('(other work took 70 % of a core, 40 % in the baseline runs)');
  });

  it('leaves quiet scenarios, warnings, passes, improvements and budgets alone', () => {
    const checks: Check[] = [
      regression('load/other/latency.p95', 'fail'),
      regression('load/list/latency.p95', 'warn'),
      regression('load/list/latency.p99', 'pass'),
      { ...regression('load/list/throughput.rps', 'pass'), kind: 'improvement' },
      { ...regression('load/list/latency.p95', 'fail'), kind: 'budget' },
    ];
    expect(capBusyRegressions(checks, busy)).toEqual(checks);
  });
});

describe('describeBusyRunner', () => {
  it('names up to three scenarios, counts the rest, and leaves out a volume query’s own key', () => {
    const busy = findBusyScenarios(
      resultWith({ 'load/a': 30, 'load/b': 40, 'volume/q@1000': 50, 'load/c': 60, 'load/d': 70 }),
    );
    expect(describeBusyRunner(busy)).toBe(
      'Busy runner during load/a (other work took 30 % of a core), load/b (other work took 40 % of a core), volume/q@1000 (other work took 50 % of a core) and 2 more: their regressions warn at most.',
    );
    expect(describeBusyRunner(new Map())).toBeUndefined();
  });
});
