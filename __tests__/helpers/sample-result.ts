// A constructed RunResult for report and verdict tests: plain data, no run needed.
import type { Metric, RequestTotals, ScenarioRun } from '../../src/results/types.ts';
import type { RunResult } from '../../src/suites/registry.ts';

/** Request totals of `ok` answered requests, the rest zero unless given. */
export function requestTotals(ok = 0, over: Partial<RequestTotals> = {}): RequestTotals {
  return {
    sent: ok,
    completed: ok,
    ok,
    errorStatus: 0,
    socketErrors: 0,
    timeouts: 0,
    late: 0,
    dropped: 0,
    statusCodes: ok > 0 ? { '200': ok } : {},
    ...over,
  };
}

export function metric(
  scenario: string,
  name: string,
  value: number,
  samples: number[] = [value, value, value],
): Metric {
  const unit = name.startsWith('latency.') ? 'ms' : name === 'throughput.rps' ? 'rps' : 'ratio';
  return {
    key: `load/${scenario}/${name}`,
    suite: 'load',
    scenario,
    name,
    unit,
    better: name === 'throughput.rps' ? 'higher' : 'lower',
    value,
    samples,
  };
}

function scenarioRun(name: string, over: Partial<ScenarioRun>): ScenarioRun {
  const totals = {
    sent: 1000,
    completed: 1000,
    ok: 1000,
    errorStatus: 0,
    socketErrors: 0,
    timeouts: 0,
    late: 0,
    dropped: 0,
    statusCodes: { '200': 1000 },
  };
  return {
    suite: 'load',
    name,
    model: 'closed',
    request: { method: 'GET', path: '/api/projects' },
    connections: 50,
    achievedRate: 2500,
    rounds: [1, 2, 3].map(() => ({
      elapsedMs: 400,
      achievedRate: 2500,
      totals,
      histogram: 'x',
      generatorCpuPercent: 50,
    })),
    totals,
    histogram: 'x',
    ...over,
  };
}

/** Two scenarios: a closed one that passes, an open one whose p95 broke its budget. */
export function sampleResult(): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: 'perf-action', version: '0.1.0' },
    startedAt: '2026-11-27T08:00:00.000Z',
    finishedAt: '2026-11-27T08:00:12.500Z',
    config: { file: 'examples/perf.yml', name: 'default' },
    target: { url: 'http://127.0.0.1:8000' },
    environment: {
      os: 'linux 6.1',
      arch: 'x64',
      cpuModel: 'Test CPU',
      cores: 2,
      memoryMB: 24000,
      node: '24.21.0',
      calibration: 12.5,
    },
    scenarios: [
      scenarioRun('projects-list', {}),
      scenarioRun('sessions-rate', {
        model: 'open',
        connections: undefined,
        targetRate: 200,
        achievedRate: 198.5,
        request: { method: 'GET', path: '/api/test-sessions' },
        totals: {
          sent: 600,
          completed: 599,
          ok: 597,
          errorStatus: 2,
          socketErrors: 0,
          timeouts: 1,
          late: 3,
          dropped: 0,
          statusCodes: { '200': 597, '503': 2 },
        },
      }),
    ],
    metrics: [
      metric('projects-list', 'latency.p50', 8.123),
      metric('projects-list', 'latency.p90', 15.5),
      metric('projects-list', 'latency.p95', 19.871),
      metric('projects-list', 'latency.p99', 40.2),
      metric('projects-list', 'latency.max', 88.4),
      metric('projects-list', 'latency.mean', 9.7),
      metric('projects-list', 'throughput.rps', 2500),
      metric('projects-list', 'errors.rate', 0),
      metric('sessions-rate', 'latency.p50', 12),
      metric('sessions-rate', 'latency.p95', 250.5),
      metric('sessions-rate', 'throughput.rps', 198.5),
      metric('sessions-rate', 'errors.rate', 0.005),
    ],
    checks: [
      {
        kind: 'budget',
        metric: 'load/projects-list/latency.p95',
        status: 'pass',
        value: 19.871,
        unit: 'ms',
        fail: 200,
        source: 'global',
        message: 'latency.p95 19.871 ms <= 200.00 ms',
      },
      {
        kind: 'budget',
        metric: 'load/sessions-rate/latency.p95',
        status: 'fail',
        value: 250.5,
        unit: 'ms',
        fail: 200,
        source: 'global',
        message: 'latency.p95 250.50 ms > 200.00 ms',
      },
      {
        kind: 'budget',
        metric: 'load/sessions-rate/errors.rate',
        status: 'warn',
        value: 0.005,
        unit: 'ratio',
        warn: 0.001,
        fail: 0.01,
        source: 'scenario',
        message: 'errors.rate 0.50 % > 0.10 % (warn level)',
      },
    ],
    verdict: 'fail',
  };
}
