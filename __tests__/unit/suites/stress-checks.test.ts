// The stress suite's verdicts and metrics on hand-built runs: where it broke decides pass or fail,
// a saturated load generator softens a fail to a warning, recovery is its own check.
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../src/results/types.ts';
import { capacityOf } from '../../../src/suites/stress/analysis.ts';
import type { StressPhaseRow, StressRun } from '../../../src/suites/stress/results.ts';
import { stabilityChecks, stressMetrics } from '../../../src/suites/stress/run.ts';
import { requestTotals } from '../../helpers/sample-result.ts';

function row(
  kind: StressPhaseRow['kind'],
  level: number,
  status: StressPhaseRow['status'],
  reason?: string,
): StressPhaseRow {
  return {
    kind,
    level,
    startMs: 0,
    durationMs: 2000,
    requests: level * 2,
    achievedRps: level * 0.95,
    p50Ms: 4,
    p95Ms: 8,
    p99Ms: 12,
    errorRate: 0,
    status,
    generatorCpuPercent: 20,
    totals: requestTotals(level * 2),
    byKind: {},
    ...(reason ? { reason } : {}),
  };
}

const RECOVERED: NonNullable<StressRun['recovery']> = {
  prePeakP95Ms: 8,
  toleranceMs: 1.6,
  cooldownMs: 5000,
  isRecovered: true,
  seconds: 2,
};

/** A run through `phases`, its capacity as the suite finds it. */
function run(phases: StressPhaseRow[], over: Partial<StressRun> = {}): StressRun {
  return {
    name: 'mix',
    model: 'open',
    mix: [{ name: 'list', weight: 1, method: 'GET', path: '/a' }],
    limits: { errorRate: 0.05, p95Ms: 2000 },
    untilBreak: false,
    phases,
    capacity: capacityOf(phases),
    recovery: RECOVERED,
    seconds: [],
    totals: requestTotals(),
    ...over,
  };
}

function capacityCheck(checks: Check[]): Check {
  const check = checks.find((c) => c.metric === 'stress/mix/capacity.level');
  if (!check) throw new Error('no capacity check');
  return check;
}

const P95 = 'p95 2.50 s >= 2.00 s';

describe('stabilityChecks: capacity', () => {
  it('passes when every level held', () => {
    const check = capacityCheck(
      stabilityChecks(
        run([row('stage', 10, 'held'), row('stage', 40, 'held'), row('cooldown', 10, 'cooldown')]),
      ),
    );
    expect(check).toMatchObject({
      kind: 'stability',
      status: 'pass',
      value: 40,
      unit: 'count',
      source: 'stability',
      message: 'capacity.level stable: held every level up to 40 req/s',
    });
  });

  it('fails when it broke within the configured stages, naming the level and why', () => {
    const check = capacityCheck(
      stabilityChecks(
        run([
          row('stage', 10, 'held'),
          row('stage', 40, 'broke', P95),
          row('stage', 80, 'stopped'),
          row('cooldown', 10, 'cooldown'),
        ]),
      ),
    );
    expect(check.status).toBe('fail');
    expect(check.value).toBe(10);
    expect(check.message).toBe(`capacity.level stable up to 10 req/s; broke at 40 req/s (${P95})`);
  });

  it('passes with until-break when a step broke: finding the break is the point', () => {
    const check = capacityCheck(
      stabilityChecks(
        run(
          [
            row('stage', 10, 'held'),
            row('stage', 20, 'held'),
            row('step', 30, 'held'),
            row('step', 40, 'broke', P95),
            row('cooldown', 10, 'cooldown'),
          ],
          { untilBreak: true },
        ),
      ),
    );
    expect(check.status).toBe('pass');
    expect(check.value).toBe(30);
    expect(check.message).toBe(`capacity.level stable up to 30 req/s; broke at 40 req/s (${P95})`);
  });

  it('fails with until-break when a configured stage broke', () => {
    const check = capacityCheck(
      stabilityChecks(
        run(
          [
            row('stage', 10, 'held'),
            row('stage', 20, 'broke', P95),
            row('cooldown', 10, 'cooldown'),
          ],
          { untilBreak: true },
        ),
      ),
    );
    expect(check.status).toBe('fail');
  });

  it('fails with until-break when it broke at the first level', () => {
    const check = capacityCheck(
      stabilityChecks(
        run([row('stage', 10, 'broke', P95), row('cooldown', 10, 'cooldown')], {
          untilBreak: true,
        }),
      ),
    );
    expect(check.status).toBe('fail');
    expect(check.value).toBe(0);
    expect(check.message).toBe(
      `capacity.level broke at the first level; broke at 10 req/s (${P95})`,
    );
  });

  it('turns a fail into a warning when the load generator was saturated', () => {
    const check = capacityCheck(
      stabilityChecks(
        run([row('stage', 10, 'held'), row('stage', 40, 'broke', P95)], {
          generatorSaturated: true,
          recovery: undefined,
        }),
      ),
    );
    expect(check.status).toBe('warn');
    expect(check.message).toContain('broke at 40 req/s');
    expect(check.message).toContain('load generator was saturated');
  });

  it('leaves a pass a pass when the generator was saturated', () => {
    const check = capacityCheck(
      stabilityChecks(
        run([row('stage', 10, 'held'), row('step', 20, 'broke', P95)], {
          untilBreak: true,
          generatorSaturated: true,
        }),
      ),
    );
    expect(check.status).toBe('pass');
    expect(check.message).not.toContain('saturated');
  });

  it('speaks of connections and counts in the closed model', () => {
    const check = capacityCheck(
      stabilityChecks(
        run([row('stage', 2, 'held'), row('stage', 8, 'broke', P95)], { model: 'closed' }),
      ),
    );
    expect(check.unit).toBe('count');
    expect(check.message).toBe(
      `capacity.level stable up to 2 connections; broke at 8 connections (${P95})`,
    );
  });
});

describe('stabilityChecks: recovery', () => {
  const phases = [
    row('stage', 10, 'held'),
    row('stage', 40, 'held'),
    row('cooldown', 10, 'cooldown'),
  ];

  it('passes when the service recovered, with the seconds it took', () => {
    const checks = stabilityChecks(run(phases));
    expect(checks).toHaveLength(2);
    expect(checks[1]).toMatchObject({
      metric: 'stress/mix/recovery.s',
      status: 'pass',
      value: 2,
      unit: 's',
      message: 'recovery.s 2.00 s: p95 back within 9.600 ms after the peak',
    });
  });

  it('fails when it never recovered, valued at the whole cool-down', () => {
    const checks = stabilityChecks(
      run(phases, {
        recovery: { prePeakP95Ms: 8, toleranceMs: 1.6, cooldownMs: 5000, isRecovered: false },
      }),
    );
    expect(checks[1]).toMatchObject({
      metric: 'stress/mix/recovery.s',
      status: 'fail',
      value: 5,
      message: 'recovery.s did not recover within 5.00 s: p95 stayed above 9.600 ms',
    });
  });

  it('has no recovery check without a cool-down', () => {
    const checks = stabilityChecks(run([row('stage', 10, 'held')], { recovery: undefined }));
    expect(checks.map((c) => c.metric)).toStrictEqual(['stress/mix/capacity.level']);
  });
});

describe('stressMetrics', () => {
  const phases = [
    row('stage', 10, 'held'),
    row('stage', 40, 'held'),
    row('cooldown', 10, 'cooldown'),
  ];

  it('gives capacity (higher is better) and recovery (lower is better) with their units', () => {
    const metrics = stressMetrics(run(phases));
    expect(metrics).toStrictEqual([
      {
        key: 'stress/mix/capacity.rps',
        suite: 'stress',
        scenario: 'mix',
        name: 'capacity.rps',
        unit: 'rps',
        better: 'higher',
        value: 38,
      },
      {
        key: 'stress/mix/capacity.level',
        suite: 'stress',
        scenario: 'mix',
        name: 'capacity.level',
        unit: 'count',
        better: 'higher',
        value: 40,
      },
      {
        key: 'stress/mix/recovery.s',
        suite: 'stress',
        scenario: 'mix',
        name: 'recovery.s',
        unit: 's',
        better: 'lower',
        value: 2,
      },
    ]);
  });

  it('counts connections in the closed model', () => {
    const metrics = stressMetrics(run(phases, { model: 'closed' }));
    expect(metrics.find((m) => m.name === 'capacity.level')?.unit).toBe('count');
  });

  it('values recovery at the cool-down length when the service never recovered', () => {
    const metrics = stressMetrics(
      run(phases, {
        recovery: { prePeakP95Ms: 8, toleranceMs: 1.6, cooldownMs: 7000, isRecovered: false },
      }),
    );
    expect(metrics.find((m) => m.name === 'recovery.s')?.value).toBe(7);
  });

  it('has no recovery metric without a cool-down', () => {
    const metrics = stressMetrics(run([row('stage', 10, 'held')], { recovery: undefined }));
    expect(metrics.map((m) => m.name)).toStrictEqual(['capacity.rps', 'capacity.level']);
  });

  it('adds the service resources only when they were watched', () => {
    expect(stressMetrics(run(phases)).some((m) => m.name.startsWith('cpu'))).toBe(false);
    const metrics = stressMetrics(
      run(phases, { resources: { cpuMax: 150, cpuMean: 80, memoryMaxMB: 300 } }),
    );
    const resources = metrics.filter(
      (m) => !m.name.startsWith('capacity') && m.name !== 'recovery.s',
    );
    expect(resources).toStrictEqual([
      expect.objectContaining({
        key: 'stress/mix/cpu.max',
        unit: 'percent',
        better: 'lower',
        value: 150,
      }),
      expect.objectContaining({
        key: 'stress/mix/cpu.mean',
        unit: 'percent',
        better: 'lower',
        value: 80,
      }),
      expect.objectContaining({
        key: 'stress/mix/memory.max',
        unit: 'MB',
        better: 'lower',
        value: 300,
      }),
    ]);
  });
});
