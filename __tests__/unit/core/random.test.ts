// The one seeded generator and string hash. The pinned values are what the generator gave before
// it was shared: the stress suite's kinds (seeds in [0, 2^32)), the synthetic video scenes (any
// integer seed) and the baseline history's ids depend on them staying the same.
import { describe, expect, it } from 'vitest';
import { createRandom, FNV1A_OFFSET_BASIS, fnv1a, fnv1aStep } from '../../../src/core/random.ts';

/** The first `n` draws of a generator, as the 32-bit integers behind them. */
function draws(seed: number, n = 4): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random() * 2 ** 32);
}

describe('createRandom', () => {
  it.each([
    [1, [2693262067, 11749833, 2265367787, 4213581821]],
    [7, [50271532, 266108690, 4195786334, 3002305430]],
    [2 ** 32 - 1, [3850105811, 813802916, 3073704848, 4054706436]],
    [-9, [814657751, 1364887502, 3363306467, 2296357895]],
    [2 ** 40 + 3, [40718271, 3545602597, 2647423886, 395007591]],
  ])('gives the pinned mulberry32 sequence for seed %d', (seed, expected) => {
    expect(draws(seed)).toStrictEqual(expected);
  });

  it('repeats a sequence for a seed and differs between seeds, the high bits included', () => {
    expect(draws(42, 100)).toStrictEqual(draws(42, 100));
    expect(draws(43, 100)).not.toStrictEqual(draws(42, 100));
    expect(draws(2 ** 32 + 1, 100)).not.toStrictEqual(draws(1, 100));
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const random = createRandom(2024);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // Each tenth of [0, 1) holds ~1000 values; 4 standard deviations is ±120.
    const deciles = new Array<number>(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)] = (deciles[Math.floor(v * 10)] ?? 0) + 1;
    for (const n of deciles) expect(Math.abs(n - 1000)).toBeLessThan(120);
  });
});

describe('fnv1a', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['My Service: prod', 0x5fe37c17],
    ['é€😀', 0x0c5e230d],
  ])('hashes %j to the pinned value', (text, expected) => {
    expect(fnv1a(text)).toBe(expected);
  });

  it('is built from fnv1aStep over the code units', () => {
    let hash = FNV1A_OFFSET_BASIS;
    for (const unit of [0x4d, 0x79]) hash = fnv1aStep(hash, unit);
    expect(hash >>> 0).toBe(fnv1a('My'));
    expect(fnv1a('load/a/latency.p95')).not.toBe(fnv1a('load/b/latency.p95'));
  });
});
