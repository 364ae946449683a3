import { describe, expect, it } from 'vitest';
import { formatChange } from '../../../src/core/format.ts';

describe('formatChange', () => {
  it.each([
    [0.123, '+12.3 %'],
    [0, '+0.0 %'],
    [-0.05, '-5.0 %'],
    // Finite, but a percentage beyond the largest double: never "Infinity".
    [2.5e307, '+2.5e309 %'],
    [-2.5e307, '-2.5e309 %'],
  ])('%d -> %s', (ratio, text) => {
    expect(formatChange(ratio)).toBe(text);
  });
});
