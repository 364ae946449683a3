// How numbers read in reports and check messages. One place, so the table and the verdict line agree.
import type { Unit } from '../results/types.ts';

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
  return `${pct >= 0 ? '+' : ''}${trim(pct, 1)} %`;
}

function trim(n: number, digits: number): string {
  return n.toFixed(digits);
}
