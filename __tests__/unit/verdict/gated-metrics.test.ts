import { describe, expect, it } from 'vitest';
import type { Metric } from '../../../src/results/types.ts';
import {
  MIN_ANSWERS_FOR_P99,
  type ScenarioFacts,
  selectGatedKeys,
} from '../../../src/verdict/gated-metrics.ts';

function m(suite: string, scenario: string, name: string): Metric {
  return {
    key: `${suite}/${scenario}/${name}`,
    suite,
    scenario,
    name,
    unit: 'ms',
    better: 'lower',
    value: 1,
  };
}

const LOAD_NAMES = [
  'latency.p50',
  'latency.p90',
  'latency.p95',
  'latency.p99',
  'latency.max',
  'latency.mean',
  'errors.rate',
  'throughput.rps',
];

const metrics: Metric[] = [
  ...LOAD_NAMES.map((n) => m('load', 'big-closed', n)),
  ...LOAD_NAMES.map((n) => m('load', 'small-open', n)),
  ...[1000, 5000, 20000].flatMap((step) =>
    ['latency.p50', 'latency.p95', 'errors.rate'].map((n) => m('volume', `page@${step}`, n)),
  ),
  m('volume', 'page', 'growth.exponent'),
  m('volume', 'seed@1000', 'seed.rate'),
  ...['capacity.rps', 'recovery.s', 'cpu.max'].map((n) => m('stress', 'ramp', n)),
  ...['seconds_per_minute', 'success.rate', 'realtime.factor'].map((n) => m('video', 'c2', n)),
];

const facts: ScenarioFacts[] = [
  { suite: 'load', name: 'big-closed', model: 'closed', answered: MIN_ANSWERS_FOR_P99 },
  { suite: 'load', name: 'small-open', model: 'open', answered: MIN_ANSWERS_FOR_P99 - 1 },
];

describe('selectGatedKeys', () => {
  it('gates a few meaningful metrics per scenario by default', () => {
    expect([...selectGatedKeys(metrics, facts, ['default'])].sort()).toEqual(
      [
        'load/big-closed/latency.p95',
        'load/big-closed/latency.p99',
        'load/big-closed/errors.rate',
        'load/big-closed/throughput.rps',
        // Open model: the rate is the input; under 1 000 answers: no p99.
        'load/small-open/latency.p95',
        'load/small-open/errors.rate',
        'volume/page/growth.exponent',
        'volume/page@20000/latency.p95',
        'stress/ramp/capacity.rps',
        'stress/ramp/recovery.s',
        'video/c2/seconds_per_minute',
        'video/c2/success.rate',
      ].sort(),
    );
  });

  it('keeps p99 and throughput of a scenario whose facts are unknown', () => {
    const keys = selectGatedKeys(metrics, [], ['default']);
    expect(keys.has('load/small-open/latency.p99')).toBe(true);
    expect(keys.has('load/small-open/throughput.rps')).toBe(true);
  });

  it('widens with names and key patterns, narrows with ! patterns', () => {
    const wide = selectGatedKeys(metrics, facts, ['default', 'latency.p50', 'video/**']);
    expect(wide.has('load/small-open/latency.p50')).toBe(true);
    expect(wide.has('volume/page@1000/latency.p50')).toBe(true);
    expect(wide.has('video/c2/realtime.factor')).toBe(true);
    const narrow = selectGatedKeys(metrics, facts, [
      '!load/**/errors.rate',
      'default',
      '!video/**',
    ]);
    expect(narrow.has('load/big-closed/errors.rate')).toBe(false);
    expect(narrow.has('video/c2/success.rate')).toBe(false);
    expect(narrow.has('load/big-closed/latency.p95')).toBe(true);
    expect([...selectGatedKeys(metrics, facts, ['latency.p9*'])].sort()).toEqual(
      metrics
        .filter((x) => ['latency.p90', 'latency.p95', 'latency.p99'].includes(x.name))
        .map((x) => x.key)
        .sort(),
    );
    expect(selectGatedKeys(metrics, facts, [])).toEqual(new Set());
  });
});
