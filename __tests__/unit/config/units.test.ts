import { describe, expect, it } from 'vitest';
import { parseDuration, parsePercent, parseSize } from '../../../src/config/units.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['20s', 20_000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['250us', 0.25],
    ['.5s', 500],
    [' 20 s ', 20_000],
    [750, 750],
    [0.5, 0.5],
  ])('%j -> %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    ['20 parsecs', 'expected a duration like 500ms, 20s or 2m, got "20 parsecs"'],
    ['', 'expected a duration like 500ms, 20s or 2m, got ""'],
    ['20', 'expected a duration like 500ms, 20s or 2m, got "20"'],
    ['20S', 'expected a duration like 500ms, 20s or 2m, got "20S"'],
    ['1e3ms', 'expected a duration like 500ms, 20s or 2m, got "1e3ms"'],
    ['s', 'expected a duration like 500ms, 20s or 2m, got "s"'],
    ['-5s', 'expected a duration > 0, got "-5s"'],
    ['0s', 'expected a duration > 0, got "0s"'],
    ['0ms', 'expected a duration > 0, got "0ms"'],
    [0, 'expected a duration > 0, got 0'],
    [-5, 'expected a duration > 0, got -5'],
    [Number.NaN, 'expected a duration like 500ms, 20s or 2m, got NaN'],
    [Number.POSITIVE_INFINITY, 'expected a duration like 500ms, 20s or 2m, got Infinity'],
  ])('rejects %j', (input, message) => {
    expect(() => parseDuration(input)).toThrow(new Error(message));
  });

  it('accepts zero only when asked, never a negative value', () => {
    expect(parseDuration('0s', { allowZero: true })).toBe(0);
    expect(parseDuration(0, { allowZero: true })).toBe(0);
    expect(() => parseDuration('-1s', { allowZero: true })).toThrow(
      'expected a duration >= 0, got "-1s"',
    );
  });
});

describe('parseSize (MB = MiB = 1024 * 1024 bytes)', () => {
  it.each([
    ['512MB', 512],
    ['512mb', 512],
    ['512m', 512],
    ['512MiB', 512],
    ['2GB', 2048],
    ['1.5GiB', 1536],
    ['1.1GB', 1126.4],
    ['1024KB', 1],
    ['1048576B', 1],
    ['1TB', 1024 * 1024],
    [' 64 MB ', 64],
    [256, 256],
  ])('%j -> %d MB', (input, expected) => {
    expect(parseSize(input)).toBe(expected);
  });

  it.each([
    ['2 parsecs', 'expected a size like 512MB or 2GB, got "2 parsecs"'],
    ['512', 'expected a size like 512MB or 2GB, got "512"'],
    ['', 'expected a size like 512MB or 2GB, got ""'],
    ['MB', 'expected a size like 512MB or 2GB, got "MB"'],
    ['-1GB', 'expected a size > 0, got "-1GB"'],
    ['0MB', 'expected a size > 0, got "0MB"'],
    [0, 'expected a size > 0, got 0'],
    [Number.NaN, 'expected a size like 512MB or 2GB, got NaN'],
    [Number.POSITIVE_INFINITY, 'expected a size like 512MB or 2GB, got Infinity'],
  ])('rejects %j', (input, message) => {
    expect(() => parseSize(input)).toThrow(new Error(message));
  });

  it('accepts zero only when asked', () => {
    expect(parseSize('0GB', { allowZero: true })).toBe(0);
  });
});

describe('parsePercent (result is a ratio)', () => {
  it.each([
    ['0.1%', 0.001],
    ['5%', 0.05],
    ['100%', 1],
    ['150%', 1.5],
    ['0%', 0],
    [' 7 % ', 0.07],
    [0.25, 0.25],
    [0, 0],
    [1, 1],
  ])('%j -> %d', (input, expected) => {
    expect(parsePercent(input)).toBe(expected);
  });

  const form = 'expected a percent like 0.1% or a ratio between 0 and 1';
  it.each([
    ['0.1', `${form}, got "0.1"`],
    ['ten%', `${form}, got "ten%"`],
    ['', `${form}, got ""`],
    ['%', `${form}, got "%"`],
    ['-1%', 'expected a percent >= 0, got "-1%"'],
    [5, `${form}, got 5`],
    [-0.1, `${form}, got -0.1`],
    [Number.NaN, `${form}, got NaN`],
    [Number.POSITIVE_INFINITY, `${form}, got Infinity`],
  ])('rejects %j', (input, message) => {
    expect(() => parsePercent(input)).toThrow(new Error(message));
  });
});
