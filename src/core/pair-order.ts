// The order of the pairs of a same-job comparison: each pair measures the head and the base one
// after the other, and which goes first must not favour either side. Drift over a run (a warming
// cache, a neighbour that starts halfway) would otherwise land on whichever side always went
// second. So the orders are balanced (as many head-first as base-first; an odd count leaves one
// to a coin) and shuffled by a seeded generator: randomized interleaving (Abedi and Brecht,
// ICPE 2017), reproducible from the seed results.json records.
import { createRandom, fnv1a } from './random.ts';

/** Which side of a pair is measured first. */
export type PairOrder = 'head-first' | 'base-first';

/**
 * The `pairs` orders of one unit (`key`, e.g. `load/list`) for `seed`: the same seed and key give
 * the same orders, different units get different ones.
 */
export function pairOrders(seed: number, key: string, pairs: number): PairOrder[] {
  const random = createRandom((seed ^ fnv1a(key)) >>> 0);
  const half = Math.floor(pairs / 2);
  const orders: PairOrder[] = [
    ...Array<PairOrder>(half).fill('head-first'),
    ...Array<PairOrder>(half).fill('base-first'),
  ];
  if (pairs % 2 === 1) orders.push(random() < 0.5 ? 'head-first' : 'base-first');
  // Fisher–Yates.
  for (let i = orders.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [orders[i], orders[j]] = [orders[j] as PairOrder, orders[i] as PairOrder];
  }
  return orders;
}
