import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../../src/config/schema.ts';
import { ConfigError } from '../../../src/errors.ts';
import { parsePerfConfig } from '../../../src/suites/registry.ts';
import { DEFAULT_VIDEO_BUDGETS } from '../../../src/suites/video/config.ts';

function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const TARGET = ['target:', '  url: http://127.0.0.1:8000'];

/** Global budgets written as `lines` (already indented by two spaces). */
function globalBudgets(...lines: string[]): string {
  return yaml(...TARGET, 'budgets:', ...lines.map((line) => `  ${line}`));
}

function parse(text: string) {
  return parsePerfConfig(text, { file: 'perf.yml', env: {} }).config;
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('budgets: accepted limits', () => {
  it.each([
    ['latency.p95: 150ms', 'latency.p95', { fail: 150 }],
    ['latency.p95: 150', 'latency.p95', { fail: 150 }],
    ['latency.p99: 1.5s', 'latency.p99', { fail: 1500 }],
    ['latency.max: 0.25ms', 'latency.max', { fail: 0.25 }],
    ['latency.p50: { warn: 20ms, fail: 50ms }', 'latency.p50', { warn: 20, fail: 50 }],
    ['latency.mean: { warn: 20ms }', 'latency.mean', { warn: 20 }],
    ['latency.p90: { fail: 1s }', 'latency.p90', { fail: 1000 }],
    ['errors.rate: 0.5%', 'errors.rate', { fail: 0.005 }],
    ['errors.rate: 0.002', 'errors.rate', { fail: 0.002 }],
    ['errors.rate: 0%', 'errors.rate', { fail: 0 }],
    ['errors.rate: 100%', 'errors.rate', { fail: 1 }],
    ['errors.rate: { warn: 0.1%, fail: 1% }', 'errors.rate', { warn: 0.001, fail: 0.01 }],
    ['throughput.rps: 100', 'throughput.rps', { fail: 100 }],
    ['throughput.rps: { warn: 200, fail: 100 }', 'throughput.rps', { warn: 200, fail: 100 }],
  ])('%s', (line, metric, limit) => {
    expect(parse(globalBudgets(line)).budgets[metric]).toStrictEqual(limit);
  });

  it('overlays the user global budgets on the defaults, metric by metric', () => {
    expect(
      parse(globalBudgets('latency.p95: { warn: 150ms }', 'latency.p99: 1s')).budgets,
    ).toStrictEqual({
      ...DEFAULT_BUDGETS,
      ...DEFAULT_VIDEO_BUDGETS,
      'latency.p95': { warn: 150 },
      'latency.p99': { fail: 1000 },
    });
  });

  it('keeps suite and scenario budgets as written, without defaults', () => {
    const config = parse(
      yaml(
        ...TARGET,
        'load:',
        '  budgets: { latency.p99: 300ms }',
        '  scenarios:',
        '    - name: a',
        '      request: { path: / }',
        '      connections: 1',
        '      budgets: { errors.rate: 5%, latency.p95: { warn: 1s, fail: 2s } }',
      ),
    );
    expect(config.load?.budgets).toStrictEqual({ 'latency.p99': { fail: 300 } });
    expect(config.load?.scenarios[0]?.budgets).toStrictEqual({
      'errors.rate': { fail: 0.05 },
      'latency.p95': { warn: 1000, fail: 2000 },
    });
  });
});

describe('budgets: rejected limits', () => {
  it.each([
    [
      'a ratio metric given a duration',
      'errors.rate: 200ms',
      `perf.yml:4:3 'budgets.errors.rate': expected a percent like 0.1% or a ratio between 0 and 1, got "200ms"`,
    ],
    [
      'a ratio above 100%',
      'errors.rate: 150%',
      `perf.yml:4:3 'budgets.errors.rate': expected a percent <= 100%, got "150%"`,
    ],
    [
      'a bare number above 1 for a ratio',
      'errors.rate: 5',
      `perf.yml:4:3 'budgets.errors.rate': expected a percent like 0.1% or a ratio between 0 and 1, got 5`,
    ],
    [
      'a duration metric given a percent',
      'latency.p95: 0.1%',
      `perf.yml:4:3 'budgets.latency.p95': expected a duration like 500ms, 20s or 2m, got "0.1%"`,
    ],
    [
      'a zero duration',
      'latency.p95: 0ms',
      `perf.yml:4:3 'budgets.latency.p95': expected a duration > 0, got "0ms"`,
    ],
    [
      'a rate metric given a duration',
      'throughput.rps: 100ms',
      `perf.yml:4:3 'budgets.throughput.rps': expected a number > 0, or a mapping with warn and/or fail, got "100ms"`,
    ],
    [
      'a limit of the wrong type',
      'latency.p95: [1, 2]',
      `perf.yml:4:3 'budgets.latency.p95': expected a duration like 500ms, 20s or 2m, or a mapping with warn and/or fail, got a list`,
    ],
    [
      'a bad warn inside a mapping',
      'latency.p95: { warn: 1 parsec, fail: 1s }',
      `perf.yml:4:18 'budgets.latency.p95.warn': expected a duration like 500ms, 20s or 2m, got "1 parsec"`,
    ],
    [
      'a misspelt warn',
      'latency.p95: { wran: 1s, fail: 2s }',
      "perf.yml:4:18 'budgets.latency.p95.wran': unknown key 'wran' (did you mean 'warn'?)",
    ],
    [
      'a mapping without warn or fail',
      'latency.p95: {}',
      "perf.yml:4:3 'budgets.latency.p95': set warn, fail or both",
    ],
    [
      'warn above fail (lower is better)',
      'latency.p95: { warn: 300ms, fail: 200ms }',
      "perf.yml:4:3 'budgets.latency.p95': warn must be below fail (lower is better for latency.p95), got warn 300 ms and fail 200 ms",
    ],
    [
      'warn equal to fail',
      'errors.rate: { warn: 1%, fail: 0.01 }',
      "perf.yml:4:3 'budgets.errors.rate': warn must be below fail (lower is better for errors.rate), got warn 1% and fail 1%",
    ],
    [
      'warn below fail (higher is better)',
      'throughput.rps: { warn: 100, fail: 200 }',
      "perf.yml:4:3 'budgets.throughput.rps': warn must be above fail (higher is better for throughput.rps), got warn 100 rps and fail 200 rps",
    ],
    [
      'a misspelt metric',
      'latncy.p95: 200ms',
      "perf.yml:4:3 'budgets.latncy.p95': unknown metric 'latncy.p95' (did you mean 'latency.p95'?)",
    ],
    [
      'a metric named in the singular',
      'error.rate: 1%',
      "perf.yml:4:3 'budgets.error.rate': unknown metric 'error.rate' (did you mean 'errors.rate'?)",
    ],
    [
      'an unknown metric with nothing close',
      'cpu: 80%',
      "perf.yml:4:3 'budgets.cpu': unknown metric 'cpu' (expected one of: 'latency.p50', 'latency.p90', 'latency.p95', 'latency.p99', 'latency.max', 'latency.mean', 'errors.rate', 'throughput.rps', 'growth.exponent', 'seed.rate', 'capacity.rps', 'capacity.level', 'recovery.s', 'cpu.max', 'cpu.mean', 'memory.max', 'seconds_per_minute', 'realtime_factor', 'success.rate', 'upload.throughput')",
    ],
  ])('rejects %s', (_, line, expected) => {
    expect(errorOf(globalBudgets(line))).toBe(expected);
  });

  it('points at budgets in a scenario', () => {
    expect(
      errorOf(
        yaml(
          ...TARGET,
          'load:',
          '  scenarios:',
          '    - name: a',
          '      request: { path: / }',
          '      connections: 1',
          '      budgets:',
          '        latency.p95: fast',
        ),
      ),
    ).toBe(
      `perf.yml:9:9 'load.scenarios[0].budgets.latency.p95': expected a duration like 500ms, 20s or 2m, got "fast"`,
    );
  });
});
