import { describe, expect, it } from 'vitest';
import { countChecks, countsLine, HEADLINE_LIMIT, headline } from '../../../src/report/headline.ts';
import type { Check } from '../../../src/results/types.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import {
  allPassResult,
  baselineOf,
  comparison,
  manyFailuresResult,
  threeRegressionsResult,
} from '../../helpers/compared-result.ts';
import { COULD_NOT_RUN, SEEDING } from '../../helpers/sample-checks.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

const chars = (text: string) => [...text].length;

describe('headline', () => {
  it.each<[string, () => RunResult, string]>([
    [
      'regressions first, with the worst, then budgets, then the baseline',
      threeRegressionsResult,
      '❌ 3 regressions (worst: projects-list p99 +130.0 %) · 1 budget over · vs 12 runs of main@abc1234',
    ],
    [
      'budgets alone when nothing was compared',
      sampleResult,
      '❌ 2 budgets over (worst: sessions-rate p95 250.50 ms > 200.00 ms) · budgets only',
    ],
    ['a pass', allPassResult, '✅ no regressions · 3 budgets met · vs 12 runs of main@abc1234'],
    [
      'many failures in as few words',
      manyFailuresResult,
      '❌ 120 regressions (worst: projects-page-with-filters-30 p50 +88.0 %) · 30 budgets over · vs 12 runs of main@abc1234',
    ],
  ])('%s', (_name, build, expected) => {
    expect(headline(build())).toBe(expected);
  });

  it.each<[string, RunResult['baseline'], string]>([
    ['no store', undefined, 'budgets only'],
    ['an empty history', baselineOf(0), 'no baseline yet'],
    [
      'a store that could not be read',
      { ...baselineOf(0), unavailable: 'cache down' },
      'baseline unavailable, budgets only',
    ],
  ])('says what was compared with %s', (_name, baseline, says) => {
    const result = sampleResult();
    if (baseline) result.baseline = baseline;
    expect(headline(result).endsWith(` · ${says}`)).toBe(true);
  });

  it('counts warnings as regressions, under a warning icon, and names a higher-is-better budget', () => {
    const result = sampleResult();
    result.verdict = 'warn';
    result.baseline = baselineOf(3);
    result.checks = [
      comparison('load/projects-list/latency.p95', 'ms', 15, 18.5, 'warn', { lowConfidence: true }),
    ];
    expect(headline(result)).toBe(
      '⚠️ 1 regression (worst: projects-list p95 +23.3 %) · vs 3 runs of main@abc1234',
    );
    result.checks = [
      {
        kind: 'budget',
        metric: 'load/projects-list/throughput.rps',
        status: 'fail',
        value: 80,
        unit: 'rps',
        fail: 100,
        message: 'throughput.rps 80.0 req/s < 100.0 req/s',
      },
    ];
    result.verdict = 'fail';
    expect(headline(result)).toBe(
      // 121 characters whole: the scenario gives way.
      '❌ 1 budget over (worst: projects-… throughput.rps 80.0 req/s < 100.0 req/s) · no regressions · vs 3 runs of main@abc1234',
    );
  });

  it('names a check about a count by its message, not by `1 > 0`', () => {
    const result = sampleResult();
    result.checks = [SEEDING];
    expect(headline(result)).toBe(
      '❌ seeding failed at 1 step (worst: seed@400 seeding 200 -> 400 records failed: answered 500) · budgets only',
    );
  });

  it('names a check without limits by its message', () => {
    const result = sampleResult();
    result.checks = [COULD_NOT_RUN];
    expect(headline(result)).toBe(
      '❌ 1 suite could not run (worst: suite could not run: ffmpeg exited 1 (nothing measured)) · budgets only',
    );
  });

  it('fits 120 characters whatever the names: the scenario gives way first', () => {
    const result = threeRegressionsResult();
    const long = 'a-very-long-scenario-name-'.repeat(8);
    for (const check of result.checks) {
      check.metric = check.metric.replace('projects-list', long);
    }
    result.baseline = { ...baselineOf(12), name: 'n'.repeat(300) };
    const line = headline(result);
    expect(chars(line)).toBeLessThanOrEqual(HEADLINE_LIMIT);
    expect(line).toMatch(/^❌ 3 regressions \(worst: a-very-long-sc.*… p99 \+130\.0 %\) · /);
    expect(line).toContain(`vs 12 runs of ${'n'.repeat(23)}…@abc1234`);
  });

  it('fits a long message, and leaves the label out when no room is left', () => {
    const result = sampleResult();
    result.checks = [
      {
        kind: 'validity',
        metric: 'load/list/run',
        status: 'fail',
        value: 1,
        unit: 'count',
        message: `could not run: ${'x'.repeat(500)}`,
      },
    ];
    expect(chars(headline(result))).toBe(HEADLINE_LIMIT);
    expect(headline(result)).toMatch(
      /^❌ 1 scenario could not run \(worst: list could not run: x+…\) · budgets only$/,
    );
  });

  it('shows names and messages from elsewhere as one visible line', () => {
    const result = sampleResult();
    result.checks = [
      {
        kind: 'validity',
        metric: 'load/li\u001b[2Jst/run',
        status: 'fail',
        value: 1,
        unit: 'count',
        message: 'could not run: 502\nBad\u202eGateway',
      },
    ];
    expect(headline(result)).toBe(
      '❌ 1 scenario could not run (worst: li[2Jst could not run: 502 BadGateway) · budgets only',
    );
  });

  it('is one line for a hundred or a thousand failing checks', () => {
    const checks: Check[] = Array.from({ length: 1000 }, (_, i) =>
      comparison(`load/s${i}/latency.p95`, 'ms', 10, 20 + (i % 7), 'fail'),
    );
    const line = headline({ verdict: 'fail', checks, metrics: [], baseline: baselineOf(12) });
    expect(line).not.toContain('\n');
    expect(chars(line)).toBeLessThanOrEqual(HEADLINE_LIMIT);
  });
});

describe('countsLine', () => {
  it('counts regressions, budgets over, improvements and unchanged checks', () => {
    expect(countsLine(threeRegressionsResult())).toBe(
      '3 regressions · 1 budget over · 1 improvement · 2 unchanged',
    );
  });

  it('adds accepted regressions apart (they pass, but did not stay unchanged)', () => {
    const result = allPassResult();
    const [first] = result.checks.filter((c) => c.kind === 'regression');
    if (first) first.accepted = 'new cache warms up';
    expect(countChecks(result.checks)).toMatchObject({ unchanged: 3, accepted: 1 });
    expect(countsLine(result)).toBe(
      '0 regressions · 0 budgets over · 0 improvements · 3 unchanged · 1 accepted',
    );
  });

  it('names what else went wrong by what happened: validity first, then stability, then seeding', () => {
    const check = (kind: Check['kind'], metric: string, status: Check['status']): Check => ({
      kind,
      metric,
      status,
      value: 1,
      unit: 'count',
      message: `${metric} ${status}`,
    });
    const checks = [
      check('seeding', 'volume/seed@400/seed.failed', 'fail'),
      check('stability', 'stress/mix/recovery.s', 'fail'),
      check('stability', 'stress/mix/capacity.level', 'pass'),
      check('validity', 'load/a/generator.cpu', 'warn'),
      check('validity', 'load/b/generator.cpu', 'warn'),
      check('validity', 'load/c/requests', 'fail'),
      check('validity', 'load/d/cap', 'fail'),
      check('validity', 'load/e/run', 'fail'),
    ];
    expect(countChecks(checks)).toMatchObject({ budgetsOver: 0, budgetsMet: 0, stabilityMet: 1 });
    expect(countsLine({ checks })).toBe(
      '0 regressions · 0 budgets over · 0 improvements · 0 unchanged · too few answers in 1 scenario · ' +
        'cap hit in 1 scenario · 1 scenario could not run · ' +
        'generator saturated in 2 scenarios · 1 stress run did not recover · seeding failed at 1 step',
    );
  });

  it('counts passing stability checks in a passing headline, never as budgets', () => {
    const result = sampleResult();
    result.verdict = 'pass';
    result.checks = [
      {
        kind: 'stability',
        metric: 'stress/mix/capacity.level',
        status: 'pass',
        value: 40,
        unit: 'rps',
        message: 'capacity.level stable: held every level up to 40 req/s',
      },
    ];
    expect(headline(result)).toBe('✅ 1 stability check passed · budgets only');
  });
});
