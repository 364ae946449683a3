import { describe, expect, it } from 'vitest';
import type { Check, RoundRun, ScenarioRun } from '../../../src/results/types.ts';
import { capInvalidRegressions, generatorChecks } from '../../../src/verdict/validity.ts';

const TOTALS = {
  sent: 0,
  completed: 0,
  ok: 0,
  socketErrors: 0,
  timeouts: 0,
  late: 0,
  dropped: 0,
  errorStatus: 0,
  statusCodes: {},
};

function round(elapsedMs: number, generatorCpuPercent: number): RoundRun {
  return { elapsedMs, achievedRate: 0, totals: TOTALS, histogram: '', generatorCpuPercent };
}

function scenario(name: string, rounds: RoundRun[]): ScenarioRun {
  return {
    suite: 'load',
    name,
    model: 'closed',
    request: { method: 'GET', path: '/' },
    achievedRate: 0,
    rounds,
    totals: TOTALS,
    histogram: '',
  };
}

function regression(metric: string, status: Check['status']): Check {
  return { kind: 'regression', metric, status, value: 1, unit: 'ms', message: `${metric} +30 %` };
}

describe('generatorChecks', () => {
  it('warns for a scenario whose generator was saturated, weighting rounds by their time', () => {
    const checks = generatorChecks([
      scenario('busy', [round(2000, 97), round(1000, 91)]),
      scenario('calm', [round(3000, 40)]),
    ]);
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      kind: 'validity',
      metric: 'load/busy/generator.cpu',
      status: 'warn',
      unit: 'percent',
      warn: 90,
      source: 'validity',
    });
    expect(checks[0]?.value).toBeCloseTo(95, 5);
    expect(checks[0]?.message).toMatch(/^generator\.cpu 95 % of one core: .*saturated/);
  });

  it('does not judge runs too short for a CPU figure to mean anything', () => {
    // 3 x 150 ms at 99 %: start-up work, not a saturated generator.
    expect(
      generatorChecks([scenario('tiny', [round(150, 99), round(150, 99), round(150, 99)])]),
    ).toEqual([]);
  });

  it('leaves a long run just under the threshold alone', () => {
    expect(generatorChecks([scenario('near', [round(5000, 89.9)])])).toEqual([]);
  });
});

describe('capInvalidRegressions', () => {
  it('turns the failing regressions of an invalid scenario into warnings, and nothing else', () => {
    const invalid = generatorChecks([scenario('busy', [round(2000, 99)])]);
    const checks = [
      regression('load/busy/latency.p95', 'fail'),
      regression('load/busy/latency.p50', 'warn'),
      regression('load/busy-other/latency.p95', 'fail'),
      { ...regression('load/busy/errors.rate', 'fail'), kind: 'budget' as const },
      { ...regression('load/busy/requests', 'fail'), kind: 'validity' as const },
    ];
    const capped = capInvalidRegressions(checks, invalid);
    expect(capped.map((c) => c.status)).toEqual(['warn', 'warn', 'fail', 'fail', 'fail']);
    expect(capped[0]?.message).toBe(
      'load/busy/latency.p95 +30 %; not failed: the load generator was saturated',
    );
    expect(capped[1]).toBe(checks[1]);
  });
});
