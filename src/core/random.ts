// Seeded pseudo-randomness and a string hash, for whatever must come out the same on every run:
// the stress suite's sequence of request kinds, synthetic video scenes (cached by their seed, so a
// new sequence would leave stale files behind the same name), the volume suite's seeded records,
// bootstrap intervals. Not for cryptography. The bottom layer: it imports nothing from the repo.

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * A seeded generator (mulberry32): the same seed gives the same sequence. Any integer seed counts
 * whole: the bits above 32 are folded into the 32-bit state, so seeds 1 and 2^32 + 1 differ. A
 * seed in [0, 2^32) is the state itself.
 */
export function createRandom(seed: number): Random {
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  let state = (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Where a 32-bit FNV-1a hash starts. */
export const FNV1A_OFFSET_BASIS = 0x811c9dc5;

/**
 * One step of 32-bit FNV-1a: `hash` with `unit` folded in (a signed 32-bit result; `>>> 0` it for
 * the unsigned value). Exposed so that a hot loop can hash numbers without building a string.
 */
export function fnv1aStep(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, 0x01000193);
}

/** 32-bit FNV-1a of the UTF-16 code units of `text`, unsigned: short, stable, dependency-free. */
export function fnv1a(text: string): number {
  let hash = FNV1A_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) hash = fnv1aStep(hash, text.charCodeAt(i));
  return hash >>> 0;
}
