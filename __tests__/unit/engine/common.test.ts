import { describe, expect, it } from 'vitest';
import { isOkStatus, joinUrl } from '../../../src/engine/common.ts';
import { countScheduledSends } from '../../../src/engine/open.ts';
import { EngineError } from '../../../src/errors.ts';

describe('joinUrl', () => {
  it.each([
    { base: 'http://127.0.0.1:8080', path: '/items', expected: 'http://127.0.0.1:8080/items' },
    { base: 'http://127.0.0.1:8080/', path: '/items', expected: 'http://127.0.0.1:8080/items' },
    {
      base: 'http://127.0.0.1:8080/api',
      path: '/items',
      expected: 'http://127.0.0.1:8080/api/items',
    },
    {
      base: 'http://127.0.0.1:8080/api/',
      path: 'items?x=1',
      expected: 'http://127.0.0.1:8080/api/items?x=1',
    },
    { base: 'http://localhost', path: '/', expected: 'http://localhost/' },
  ])('joins $base and $path', ({ base, path, expected }) => {
    expect(joinUrl(base, path).href).toBe(expected);
  });

  it('names the bad base URL', () => {
    expect(() => joinUrl('127.0.0.1:8080', '/')).toThrow(EngineError);
    expect(() => joinUrl('not a url', '/')).toThrow("invalid base URL 'not a url'");
  });
});

describe('isOkStatus', () => {
  it.each([
    [199, false],
    [200, true],
    [304, true],
    [399, true],
    [400, false],
    [500, false],
  ])('%i -> %s', (status, expected) => {
    expect(isOkStatus(status)).toBe(expected);
  });
});

describe('countScheduledSends', () => {
  it.each([
    { rate: 100, durationMs: 2000, expected: 200 },
    { rate: 200, durationMs: 5000, expected: 1000 },
    { rate: 3, durationMs: 1000, expected: 3 },
    // Sends at 0 and 2000 ms fall inside 3000 ms.
    { rate: 0.5, durationMs: 3000, expected: 2 },
    // Every 3 ms: 0, 3, ..., 999 ms.
    { rate: 1000 / 3, durationMs: 1000, expected: 334 },
    { rate: 10, durationMs: 1, expected: 1 },
  ])('$rate/s for $durationMs ms -> $expected sends', ({ rate, durationMs, expected }) => {
    expect(countScheduledSends(rate, durationMs)).toBe(expected);
  });
});
