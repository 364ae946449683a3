import { describe, expect, it } from 'vitest';
import { type PairOrder, pairOrders } from '../../../src/core/pair-order.ts';

function headFirst(orders: readonly PairOrder[]): number {
  return orders.filter((o) => o === 'head-first').length;
}

describe('pairOrders', () => {
  it('pins the orders of seed 42, load/list, 10 pairs (a change here reshuffles recorded runs)', () => {
    expect(pairOrders(42, 'load/list', 10)).toEqual([
      'head-first',
      'head-first',
      'head-first',
      'head-first',
      'base-first',
      'base-first',
      'base-first',
      'head-first',
      'base-first',
      'base-first',
    ]);
  });

  it('is balanced: half head-first for every even count, within one for odd counts', () => {
    for (const key of ['load/list', 'load/search', 'stress/ramp', 'video/upload']) {
      for (let pairs = 1; pairs <= 21; pairs++) {
        const orders = pairOrders(7, key, pairs);
        expect(orders).toHaveLength(pairs);
        const first = headFirst(orders);
        if (pairs % 2 === 0) expect(first).toBe(pairs / 2);
        else expect(Math.abs(first - (pairs - first))).toBe(1);
      }
    }
  });

  it('is the same for the same seed and key, and differs across keys and seeds', () => {
    expect(pairOrders(42, 'load/list', 20)).toEqual(pairOrders(42, 'load/list', 20));
    const keys = ['load/list', 'load/search', 'load/detail', 'stress/ramp', 'volume/insert'];
    const byKey = new Set(keys.map((key) => pairOrders(42, key, 20).join()));
    expect(byKey.size).toBe(keys.length);
    const bySeed = new Set(
      [1, 2, 3, 42, 2 ** 31].map((s) => pairOrders(s, 'load/list', 20).join()),
    );
    expect(bySeed.size).toBe(5);
  });

  it('gives nothing for no pairs', () => {
    expect(pairOrders(42, 'load/list', 0)).toEqual([]);
  });
});
