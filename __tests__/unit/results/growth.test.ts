import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/core/random.ts';
import {
  classifyGrowth,
  describeGrowthClasses,
  fitGrowth,
  growthMetric,
} from '../../../src/suites/volume/growth.ts';

const SIZES = [1000, 5000, 20000, 50000];

/** Latencies c * size^b at the sizes. */
function powerLaw(b: number, c = 0.01, sizes = SIZES) {
  return sizes.map((size) => ({ size, latencyMs: c * size ** b }));
}

describe('fitGrowth', () => {
  it.each([0, 0.25, 0.5, 1, 2])('recovers the exponent %f of an exact power law', (b) => {
    const fit = fitGrowth(powerLaw(b));
    expect(fit?.exponent).toBeCloseTo(b, 10);
    expect(fit?.rSquared).toBeCloseTo(1, 10);
    expect(fit?.points).toBe(4);
  });

  it('a constant is flat with r² 1; a fixed cost pulls a scan below 1', () => {
    expect(fitGrowth(powerLaw(0, 0.7))?.exponent).toBeCloseTo(0, 10);
    // 0.5 ms of fixed cost plus 0.5 ms per 1000 rows: linear work, fitted below 1 but well above 0.5.
    const scan = SIZES.map((size) => ({ size, latencyMs: 0.5 + size / 2000 }));
    const fit = fitGrowth(scan);
    expect(fit?.exponent).toBeGreaterThan(0.7);
    expect(fit?.exponent).toBeLessThan(1);
  });

  it('stays near the truth under 10 % multiplicative noise (seeded)', () => {
    const random = createRandom(42);
    for (const b of [0, 1]) {
      for (let run = 0; run < 50; run++) {
        const noisy = powerLaw(b).map((p) => ({
          ...p,
          latencyMs: p.latencyMs * (0.9 + 0.2 * random()),
        }));
        expect(Math.abs((fitGrowth(noisy)?.exponent ?? 99) - b)).toBeLessThan(0.1);
      }
    }
  });

  it.each([
    ['no points', []],
    ['one point', [{ size: 1000, latencyMs: 1 }]],
    [
      'one distinct size',
      [
        { size: 1000, latencyMs: 1 },
        { size: 1000, latencyMs: 2 },
      ],
    ],
    [
      'only one usable point (zero, NaN, Infinity and negatives dropped)',
      [
        { size: 1000, latencyMs: 1 },
        { size: 2000, latencyMs: 0 },
        { size: 3000, latencyMs: Number.NaN },
        { size: 4000, latencyMs: Number.POSITIVE_INFINITY },
        { size: -5, latencyMs: 1 },
      ],
    ],
  ])('gives no fit for %s', (_, points) => {
    expect(fitGrowth(points)).toBeUndefined();
  });

  it('leaves unusable points out and fits the rest', () => {
    const points = [...powerLaw(1), { size: 80000, latencyMs: 0 }];
    expect(fitGrowth(points)).toMatchObject({ exponent: expect.closeTo(1, 10), points: 4 });
  });
});

describe('classifyGrowth', () => {
  it.each([
    [-0.4, 'flat'],
    [0, 'flat'],
    [0.099, 'flat'],
    [0.1, 'logarithmic-ish'],
    [0.29, 'logarithmic-ish'],
    [0.3, 'sublinear'],
    [0.69, 'sublinear'],
    [0.7, 'linear-ish'],
    [1, 'linear-ish'],
    [1.3, 'linear-ish'],
    [1.31, 'superlinear'],
    [2, 'superlinear'],
  ])('%f is %s', (b, name) => {
    expect(classifyGrowth(b)).toBe(name);
  });

  it('says the classes in words', () => {
    expect(describeGrowthClasses()).toBe(
      'flat below 0.1, logarithmic-ish below 0.3, sublinear below 0.7, linear-ish up to 1.3, superlinear above',
    );
  });
});

describe('growthMetric', () => {
  it('keys, unit and direction; value from the overall latencies, one sample per round', () => {
    const steps = SIZES.map((size) => ({
      size,
      latencyMs: size / 1000,
      roundsMs: [size / 1000, 2, (size / 1000) ** 2],
    }));
    expect(growthMetric('volume', 'search', steps)).toEqual({
      key: 'volume/search/growth.exponent',
      suite: 'volume',
      scenario: 'search',
      name: 'growth.exponent',
      unit: 'exponent',
      better: 'lower',
      value: 1,
      samples: [1, 0, 2],
    });
  });

  it('uses the round indices every step has, and has no samples without rounds', () => {
    const steps = [
      { size: 100, latencyMs: 1, roundsMs: [1, 1] },
      { size: 1000, latencyMs: 1, roundsMs: [1] },
    ];
    expect(growthMetric('volume', 'q', steps)?.samples).toEqual([0]);
    const bare = steps.map((s) => ({ ...s, roundsMs: [] }));
    expect(growthMetric('volume', 'q', bare)).not.toHaveProperty('samples');
  });

  it('is undefined with fewer than two steps', () => {
    expect(growthMetric('volume', 'q', [{ size: 100, latencyMs: 1, roundsMs: [1] }])).toBe(
      undefined,
    );
  });
});
