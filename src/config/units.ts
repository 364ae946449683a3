// Parsers for the human units of perf.yml: durations, sizes and percents. Pure functions.
//
// Each parser exists in two forms: `check*` returns the number or a description of what was
// expected (the schema uses it, so that it can decide whether the offending value may be shown:
// values taken from the environment are never printed), and `parse*` throws a plain Error.

/** The outcome of checking one value: the number, or what was expected instead. */
export type UnitCheck = { ok: true; value: number } | { ok: false; expected: string };

/** Options of the duration and size parsers. */
export interface UnitOptions {
  /** Accept zero (e.g. `warmup: 0s` = no warm-up). Negative values are always rejected. */
  allowZero?: boolean;
}

/** Options of the duration parser: a range in milliseconds replaces `allowZero`. */
export interface DurationOptions extends UnitOptions {
  /** The accepted range, in milliseconds (a `min` of 0 accepts zero). */
  bound?: Bound;
}

import type { Bound } from './bounds.ts';

// An unsigned decimal number: `2`, `1.5`, `.5`. No exponent, no sign, no separators.
const NUMBER = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
// Longest unit first so that `ms` is not read as `m` followed by garbage.
const DURATION_UNIT = '(?:us|µs|ms|s|m|h)';
const DURATION_PART = new RegExp(String.raw`\s*(${NUMBER})\s*(${DURATION_UNIT})`, 'gy');
const DURATION_WHOLE = new RegExp(String.raw`^(?:\s*${NUMBER}\s*${DURATION_UNIT})+\s*$`);

/** Sizes in mebibytes per unit: `MB` means MiB (1024 * 1024 bytes), as `docker stats` and `ps` do. */
const SIZE_UNITS_MB: Readonly<Record<string, number>> = {
  b: 1 / (1024 * 1024),
  k: 1 / 1024,
  kb: 1 / 1024,
  kib: 1 / 1024,
  m: 1,
  mb: 1,
  mib: 1,
  g: 1024,
  gb: 1024,
  gib: 1024,
  t: 1024 * 1024,
  tb: 1024 * 1024,
  tib: 1024 * 1024,
};
const SIZE = new RegExp(String.raw`^\s*(${NUMBER})\s*([a-z]+)\s*$`, 'i');
const PERCENT = new RegExp(String.raw`^\s*(${NUMBER})\s*%\s*$`);
const SIGNED = /^\s*[-+]/;

const DURATION_FORM = 'a duration like 500ms, 20s or 2m';
const SIZE_FORM = 'a size like 512MB or 2GB';
const PERCENT_FORM = 'a percent like 0.1% or a ratio between 0 and 1';

/** Rounds away binary noise (`1.1s` -> 1100, not 1100.0000000000002). */
function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A value quoted the way error messages show it: strings in double quotes, numbers bare. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

const SHOWN_UNITS: readonly [string, number][] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/**
 * A duration in milliseconds the way perf.yml writes it: `24h`, `10m`, `2s`, `100ms`, `1m30s`, `0s`
 * (sub-millisecond parts in `us`).
 */
export function showDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms * 1000);
  let text = '';
  for (const [unit, size] of SHOWN_UNITS) {
    const count = Math.floor(rest / (size * 1000));
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size * 1000;
    }
  }
  return rest > 0 ? `${text}${rest}us` : text;
}

/** A count or rate the way messages show it: `10,000`, `0.1`. */
export function showNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** `from 100ms to 24h`: a duration range as messages show it. */
export function showDurationRange(bound: Bound): string {
  return `from ${showDuration(bound.min)} to ${showDuration(bound.max)}`;
}

function checkMagnitude(
  value: number,
  noun: string,
  form: string,
  options: UnitOptions,
): UnitCheck {
  if (!Number.isFinite(value)) return { ok: false, expected: form };
  if (value < 0 || (value === 0 && !options.allowZero)) {
    return { ok: false, expected: `${noun} ${options.allowZero ? '>= 0' : '> 0'}` };
  }
  return { ok: true, value };
}

/**
 * Checks a duration: a string with units (`500ms`, `20s`, `1.5s`, `2m`, `1h`, `1m30s`, `250us`;
 * units are lower-case) or a number of milliseconds. The result is in milliseconds.
 */
export function checkDuration(value: unknown, options: DurationOptions = {}): UnitCheck {
  const { bound } = options;
  const allowZero = bound ? bound.min === 0 : options.allowZero === true;
  const form = bound
    ? `a duration ${showDurationRange(bound)}, like ${allowZero ? '0s, ' : ''}500ms, 20s or 2m`
    : allowZero
      ? 'a duration >= 0 like 0s, 500ms or 2m'
      : DURATION_FORM;
  const inRange = (ms: number): UnitCheck => {
    if (!bound) return checkMagnitude(ms, 'a duration', form, { allowZero });
    if (!Number.isFinite(ms)) return { ok: false, expected: form };
    if (ms < bound.min || ms > bound.max) {
      return { ok: false, expected: `a duration ${showDurationRange(bound)}` };
    }
    return { ok: true, value: ms };
  };
  if (typeof value === 'number') return inRange(value);
  if (typeof value !== 'string') return { ok: false, expected: form };
  if (SIGNED.test(value)) return inRange(-1);
  if (!DURATION_WHOLE.test(value)) return { ok: false, expected: form };
  let total = 0;
  DURATION_PART.lastIndex = 0;
  for (const match of value.matchAll(DURATION_PART)) {
    total += Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? ''] ?? Number.NaN);
  }
  return inRange(roundTo(total, 6));
}

/**
 * Checks a size: a string with units (`512MB`, `2GB`, `1.5GiB`, `64k`; case-insensitive; `MB` and
 * `MiB` both mean 1024 * 1024 bytes) or a number of megabytes. The result is in megabytes (MiB).
 */
export function checkSize(value: unknown, options: UnitOptions = {}): UnitCheck {
  if (typeof value === 'number') return checkMagnitude(value, 'a size', SIZE_FORM, options);
  if (typeof value !== 'string') return { ok: false, expected: SIZE_FORM };
  if (SIGNED.test(value)) return checkMagnitude(-1, 'a size', SIZE_FORM, options);
  const match = SIZE.exec(value);
  const factor = match ? SIZE_UNITS_MB[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) return { ok: false, expected: SIZE_FORM };
  return checkMagnitude(roundTo(Number(match[1]) * factor, 9), 'a size', SIZE_FORM, options);
}

/**
 * Checks a percent: a string `0.1%` (any value >= 0, so `150%` is allowed) or a number between 0
 * and 1 taken as a ratio (a bare `5` is rejected: 5 % and 500 % are both plausible readings).
 * The result is a ratio: `0.1%` -> 0.001.
 */
export function checkPercent(value: unknown): UnitCheck {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > 1)
      return { ok: false, expected: PERCENT_FORM };
    return { ok: true, value };
  }
  if (typeof value !== 'string') return { ok: false, expected: PERCENT_FORM };
  if (SIGNED.test(value)) return { ok: false, expected: 'a percent >= 0' };
  const match = PERCENT.exec(value);
  if (!match) return { ok: false, expected: PERCENT_FORM };
  return { ok: true, value: roundTo(Number(match[1]) / 100, 12) };
}

function unwrap(check: UnitCheck, value: unknown): number {
  if (check.ok) return check.value;
  throw new Error(`expected ${check.expected}, got ${showValue(value)}`);
}

/**
 * Parses a duration to milliseconds: `500ms` -> 500, `1.5s` -> 1500, `2m` -> 120000; a number is
 * taken as milliseconds. Throws on anything else, on negative values and (unless `allowZero`)
 * on zero.
 */
export function parseDuration(value: string | number, options: DurationOptions = {}): number {
  return unwrap(checkDuration(value, options), value);
}

/**
 * Parses a size to megabytes, where a megabyte is 1024 * 1024 bytes: `512MB` -> 512,
 * `2GB` -> 2048, `1.5GiB` -> 1536; a number is taken as megabytes. Throws on anything else, on
 * negative values and (unless `allowZero`) on zero.
 */
export function parseSize(value: string | number, options: UnitOptions = {}): number {
  return unwrap(checkSize(value, options), value);
}

/**
 * Parses a percent to a ratio: `0.1%` -> 0.001, `25%` -> 0.25; a number between 0 and 1 is taken
 * as a ratio already. Throws on anything else.
 */
export function parsePercent(value: string | number): number {
  return unwrap(checkPercent(value), value);
}
