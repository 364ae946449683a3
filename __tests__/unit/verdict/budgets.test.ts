import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../../src/core/worst-status.ts';
import { type BudgetScopes, checkBudgets, limitFor } from '../../../src/verdict/budgets.ts';
import { metric } from '../../helpers/sample-result.ts';

const scopes: BudgetScopes = {
  global: { 'latency.p95': { fail: 200 }, 'errors.rate': { fail: 0.001 } },
  suites: { load: { 'latency.p99': { warn: 300, fail: 500 } } },
  scenarios: {
    'load/create': { 'latency.p95': { fail: 500 }, 'errors.rate': { fail: 0.05 } },
    'load/list': { 'throughput.rps': { warn: 150, fail: 100 } },
  },
};

describe('limitFor', () => {
  it.each([
    ['list', 'latency.p95', { fail: 200 }, 'global'],
    ['create', 'latency.p95', { fail: 500 }, 'scenario'],
    ['list', 'latency.p99', { warn: 300, fail: 500 }, 'suite'],
    ['list', 'throughput.rps', { warn: 150, fail: 100 }, 'scenario'],
  ])('%s %s -> %o from %s', (scenario, name, limit, source) => {
    expect(limitFor({ suite: 'load', scenario, name }, scopes)).toEqual({ limit, source });
  });

  it('gives none for a metric no scope mentions', () => {
    expect(
      limitFor({ suite: 'load', scenario: 'list', name: 'latency.max' }, scopes),
    ).toBeUndefined();
  });
});

describe('checkBudgets', () => {
  it.each([
    // lower is better: a limit is the most the metric may be
    ['list', 'latency.p95', 199.9, 'pass'],
    ['list', 'latency.p95', 200, 'pass'],
    ['list', 'latency.p95', 200.001, 'fail'],
    ['list', 'latency.p99', 299, 'pass'],
    ['list', 'latency.p99', 301, 'warn'],
    ['list', 'latency.p99', 501, 'fail'],
    ['create', 'latency.p95', 450, 'pass'],
    ['create', 'errors.rate', 0.04, 'pass'],
    ['list', 'errors.rate', 0.002, 'fail'],
    ['list', 'errors.rate', 0, 'pass'],
    // higher is better: a limit is the least the metric may be
    ['list', 'throughput.rps', 200, 'pass'],
    ['list', 'throughput.rps', 120, 'warn'],
    ['list', 'throughput.rps', 99, 'fail'],
  ] as const)('%s %s = %d -> %s', (scenario, name, value, status) => {
    const [check] = checkBudgets([metric(scenario, name, value)], scopes);
    expect(check?.status).toBe(status);
    expect(check?.metric).toBe(`load/${scenario}/${name}`);
    expect(check?.value).toBe(value);
  });

  it('skips metrics without a budget and says where a limit came from', () => {
    const checks = checkBudgets(
      [metric('list', 'latency.max', 900), metric('create', 'latency.p95', 600)],
      scopes,
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ source: 'scenario', status: 'fail', fail: 500 });
    expect(checks[0]?.message).toBe('latency.p95 600.00 ms > 500.00 ms');
  });

  it('labels a warning with its level', () => {
    const [check] = checkBudgets([metric('list', 'latency.p99', 350)], scopes);
    expect(check?.message).toBe('latency.p99 350.00 ms > 300.00 ms (warn level)');
  });
});

describe('verdictOf', () => {
  it.each([
    [[], 'pass'],
    [['pass', 'pass'], 'pass'],
    [['pass', 'warn'], 'warn'],
    [['warn', 'fail', 'pass'], 'fail'],
  ] as const)('%o -> %s', (statuses, verdict) => {
    expect(verdictOf(statuses.map((status) => ({ status })))).toBe(verdict);
  });
});
