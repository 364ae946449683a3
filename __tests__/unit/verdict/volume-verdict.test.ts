// The volume suite in the verdict: budget scopes of queries and steps, the `expect:` default, and
// growth exponents compared by difference against the history.
import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/results/types.ts';
import { parsePerfConfig } from '../../../src/suites/registry.ts';
import { budgetScopes, checkBudgets, limitFor } from '../../../src/verdict/budgets.ts';
import { checkRegressions } from '../../../src/verdict/regressions.ts';

const CONFIG = `target: { url: "http://127.0.0.1:8000" }
volume:
  steps: [1000, 10000]
  budgets: { latency.p99: 80ms }
  seed: { command: ./seed.sh }
  queries:
    - { name: page, request: { path: /p }, connections: 1, expect: flat }
    - name: search
      request: { path: /s }
      connections: 1
      expect: flat
      budgets: { growth.exponent: { warn: 0.9, fail: 1.5 }, latency.p95: 50ms }
    - { name: report, request: { path: /r }, connections: 1, expect: linear }
    - { name: free, request: { path: /f }, connections: 1 }
`;
const scopes = budgetScopes(parsePerfConfig(CONFIG, { file: 'perf.yml', env: {} }).config);

function growth(query: string, value: number, samples?: number[]): Metric {
  return {
    key: `volume/${query}/growth.exponent`,
    suite: 'volume',
    scenario: query,
    name: 'growth.exponent',
    unit: 'exponent',
    better: 'lower',
    value,
    ...(samples ? { samples } : {}),
  };
}

describe('budgetScopes: volume', () => {
  it.each([
    ['page', 'growth.exponent', { limit: { warn: 0.3 }, source: 'scenario' }],
    ['search', 'growth.exponent', { limit: { warn: 0.9, fail: 1.5 }, source: 'scenario' }],
    ['report', 'growth.exponent', { limit: { warn: 1.3 }, source: 'scenario' }],
    ['free', 'growth.exponent', undefined],
    ['search@1000', 'latency.p95', { limit: { fail: 50 }, source: 'scenario' }],
    ['search@10000', 'latency.p95', { limit: { fail: 50 }, source: 'scenario' }],
    ['page@10000', 'latency.p95', { limit: { fail: 200 }, source: 'global' }],
    ['page@1000', 'latency.p99', { limit: { fail: 80 }, source: 'suite' }],
    ['seed@1000', 'errors.rate', { limit: { fail: 0.001 }, source: 'global' }],
  ])('volume/%s %s', (scenario, name, expected) => {
    expect(limitFor({ suite: 'volume', scenario, name }, scopes)).toEqual(expected);
  });

  it('expect: flat warns above an exponent of 0.3, never fails by default', () => {
    const [flat, scan] = checkBudgets([growth('page', 0.05), growth('page', 0.85)], scopes);
    expect(flat).toMatchObject({ status: 'pass', metric: 'volume/page/growth.exponent' });
    expect(scan).toMatchObject({
      status: 'warn',
      warn: 0.3,
      message: 'growth.exponent 0.85 > 0.30 (warn level)',
    });
  });
});

describe('checkRegressions: growth exponents compare by difference', () => {
  const flatHistory = [0.02, -0.01, 0.03, 0.0, 0.01, 0.02, -0.02, 0.01, 0.0, 0.02].map((v) => [
    growth('page', v),
  ]);

  it('is gated by default', () => {
    expect(checkRegressions([growth('page', 0.02)], flatHistory)).toHaveLength(1);
  });

  it.each([
    // +0.03 would be +300 % relatively: still flat, no regression.
    [0.04, 'pass', 'regression'],
    [0.25, 'warn', 'regression'],
    [0.95, 'fail', 'regression'],
  ] as const)('flat history -> %f: %s', (value, status, kind) => {
    const [c] = checkRegressions([growth('page', value)], flatHistory);
    expect(c).toMatchObject({ status, kind, lowConfidence: false });
    expect(c?.change).toBeUndefined();
    expect(c?.changeInterval).toBeUndefined();
    expect(c?.message).toContain('absolute: exponents compare by difference');
  });

  it('a linear query getting slightly steeper is not a regression; a class jump is', () => {
    const linear = [1.0, 0.98, 1.02, 1.01, 0.99].map((v) => [growth('search', v)]);
    expect(checkRegressions([growth('search', 1.1)], linear)[0]?.status).toBe('pass');
    expect(checkRegressions([growth('search', 1.35)], linear)[0]?.status).toBe('warn');
    expect(checkRegressions([growth('search', 2)], linear)[0]?.status).toBe('fail');
  });

  it('with one baseline run the absolute floors alone decide, warning at most', () => {
    const one = [[growth('page', 0.01, [0.005, 0.015])]];
    expect(checkRegressions([growth('page', 0.15, [0.1, 0.2])], one)[0]).toMatchObject({
      status: 'pass',
      lowConfidence: true,
    });
    expect(checkRegressions([growth('page', 0.8, [0.7, 0.9])], one)[0]).toMatchObject({
      status: 'warn',
      lowConfidence: true,
    });
    // Without a spread on the history's side: reported, not judged.
    expect(checkRegressions([growth('page', 0.8, [0.7, 0.9])], [[growth('page', 0.01)]])).toEqual(
      [],
    );
  });

  it('a flatter query is an improvement', () => {
    const linear = [1.0, 0.98, 1.02, 1.01, 0.99].map((v) => [growth('search', v)]);
    expect(checkRegressions([growth('search', 0.05)], linear)[0]).toMatchObject({
      kind: 'improvement',
      status: 'pass',
    });
  });
});
