import { describe, expect, it } from 'vitest';
import type { BaselineHistory } from '../../../src/baseline/types.ts';
import { DEFAULT_REGRESSION_POLICY } from '../../../src/config/regression-policy.ts';
import type { Environment } from '../../../src/results/types.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import { compareWithHistory, environmentNote, speedNote } from '../../../src/verdict/compare.ts';
import { metric, sampleResult } from '../../helpers/sample-result.ts';

const env: Environment = {
  os: 'linux',
  arch: 'x64',
  cpuModel: 'CPU A',
  cores: 2,
  memoryMB: 1000,
  node: '24',
  calibration: 100,
};

const config = {
  baseline: { name: 'default', history: 20 },
  regression: { ...DEFAULT_REGRESSION_POLICY, metrics: [...DEFAULT_REGRESSION_POLICY.metrics] },
  accept: [],
};

function historyOf(p95s: number[]): BaselineHistory {
  return {
    schemaVersion: 1,
    name: 'default',
    records: p95s.map((p95, i) => {
      const result: RunResult = {
        ...sampleResult(),
        environment: env,
        metrics: [metric('list', 'latency.p95', p95, [p95, p95, p95])],
      };
      return {
        schemaVersion: 1,
        savedAt: `2026-11-2${i}T00:00:00.000Z`,
        commit: `c${i}abcdef`,
        result,
      };
    }),
  };
}

describe('compareWithHistory', () => {
  it('without a history: no checks, a summary that says so', () => {
    const out = compareWithHistory([metric('list', 'latency.p95', 10)], [], env, undefined, config);
    expect(out).toEqual({ checks: [], summary: { name: 'default', runs: 0 } });
  });

  it('with a history: regression checks and the newest run in the summary', () => {
    const history = historyOf([10, 10.1, 9.9, 10, 10.05, 9.95]);
    const out = compareWithHistory([metric('list', 'latency.p95', 14)], [], env, history, config);
    expect(out.summary).toEqual({
      name: 'default',
      runs: 6,
      newestCommit: 'c5abcdef',
      newestAt: '2026-11-25T00:00:00.000Z',
      speedNote:
        "CPU speed score 1.00× the baseline runs' median (the baseline runs' own scores vary ±0 %)",
      errorControl: expect.stringMatching(
        /^Each metric is tested .* over the run's 1 comparison \(Benjamini–Hochberg\): unchanged code is called worse in at most 2\.5 % of runs\.$/,
      ),
    });
    expect(out.checks).toHaveLength(1);
    expect(out.checks[0]).toMatchObject({
      kind: 'regression',
      metric: 'load/list/latency.p95',
      status: 'fail',
      historySize: 6,
    });
  });
});

describe('environmentNote', () => {
  it.each([
    ['same machine', env, undefined],
    // The speed score is noise-prone: it never makes another machine, however far it moves.
    ['calibration 20 % off', { ...env, calibration: 120 }, undefined],
    ['calibration 40 % off', { ...env, calibration: 60 }, undefined],
    ['memory 5 % off (VMs of one size)', { ...env, memoryMB: 950 }, undefined],
    ['another CPU', { ...env, cpuModel: 'CPU B' }, /CPU CPU A → CPU B/],
    ['more cores', { ...env, cores: 4 }, /2 → 4 cores/],
    ['more memory', { ...env, memoryMB: 4000 }, /1000 → 4000 MB of memory/],
  ])('%s', (_label, current, expected) => {
    const note = environmentNote(current, [env]);
    if (expected === undefined) expect(note).toBeUndefined();
    else expect(note).toMatch(expected);
  });
});

describe('speedNote', () => {
  const past = [100, 104, 96, 102, 98].map((calibration) => ({ ...env, calibration }));
  it("gives the ratio to the median beside the scores' own spread", () => {
    expect(speedNote({ ...env, calibration: 68 }, past)).toMatch(
      /^CPU speed score 0\.68× the baseline runs' median \(the baseline runs' own scores vary ±\d+ %\)$/,
    );
  });
  it('says nothing of a spread from fewer than 3 runs, and nothing without scores', () => {
    expect(speedNote({ ...env, calibration: 50 }, [env])).toBe(
      "CPU speed score 0.50× the baseline runs' median",
    );
    const { calibration: _, ...unscored } = env;
    expect(speedNote(unscored, past)).toBeUndefined();
    expect(speedNote(env, [unscored])).toBeUndefined();
  });
});
