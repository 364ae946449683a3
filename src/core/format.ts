// How numbers read in reports and check messages. One place, so the tables and the headline agree.
import type { Unit } from './metric-units.ts';

/** A value with its unit for people: `12.34 ms`, `0.10 %`, `812.3 req/s`. */
export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${trim(value / 1000, 2)} s` : `${trim(value, value < 10 ? 3 : 2)} ms`;
    case 's':
      return `${trim(value, 2)} s`;
    case 'rps':
      return `${trim(value, 1)} req/s`;
    case 'ratio':
      return `${trim(value * 100, 2)} %`;
    case 'percent':
      return `${trim(value, 1)} %`;
    case 'MB':
      return `${trim(value, 1)} MB`;
    case 'count':
      return String(Math.round(value));
    case 'exponent':
      // -0.001 is flat, not "-0.00".
      return trim(Math.abs(value) < 0.005 ? 0 : value, 2);
    case 'records/s':
      return `${trim(value, 0)} records/s`;
    case 'x':
      return `${trim(value, 2)}x`;
    case 'MB/s':
      return `${trim(value, 1)} MB/s`;
  }
}

/** A signed percent change: `+12.3 %`. */
export function formatChange(ratio: number): string {
  const pct = ratio * 100;
  const sign = pct >= 0 ? '+' : '';
  if (!Number.isFinite(pct) && Number.isFinite(ratio)) {
    // A ratio near the largest double (a reference of 1e-300) overflows when made a percentage:
    // its power of ten moved by two, rather than "Infinity" for a finite change.
    const [mantissa, exponent] = ratio.toExponential(1).split('e');
    return `${sign}${mantissa}e${Number(exponent) + 2} %`;
  }
  return `${sign}${trim(pct, 1)} %`;
}

function trim(n: number, digits: number): string {
  return n.toFixed(digits);
}

const NBSP = '\u00a0';

/**
 * The units {@link formatValue} writes after a space; a unit word is followed by no letter, digit
 * or `/` (so `5 seconds` or `2 sessions` are left alone).
 */
const SPACE_BEFORE_UNIT = /(\d) (?=(?:ms|s|req\/s|%|MB\/s|MB|records\/s)(?![\p{L}\p{N}/]))/gu;

/** A comparison sign before a number, as budget limits read (`> 200.00 ms`). */
const SPACE_AFTER_SIGN = /(^|\s)([<>≤≥]) (?=[+−-]?\d)/g;

/**
 * The text with a non-breaking space between each number and its unit (`129.7 %`, `12.30 ms`) and
 * after a comparison sign, so that a narrow table cell never splits a value over two lines. Only
 * for text a browser wraps (markdown, HTML): terminals and logs do not need it, and searching
 * them for `12.30 ms` should work.
 */
export function keepValuesWhole(text: string): string {
  return text.replace(SPACE_BEFORE_UNIT, `$1${NBSP}`).replace(SPACE_AFTER_SIGN, `$1$2${NBSP}`);
}

/** A count with its noun: `1 scenario`, `3 queries`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
