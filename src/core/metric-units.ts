// The vocabulary of a measured number: its unit, which direction is good, the status of a check.
// The bottom of the tree: the results schema, the metric catalogue and the formatting share it.
import { z } from 'zod';

/** Which direction of a metric is good. */
export const betterSchema = z.enum(['lower', 'higher']);

/** The verdict of one check, and of the run (the worst check). */
export const statusSchema = z.enum(['pass', 'warn', 'fail']);

/**
 * Units a metric can carry. `ratio` is 0..1; `percent` is CPU in percent of one core (N cores =
 * N×100 %); `exponent` is a dimensionless power (b in latency ~ size^b); `records/s` counts records
 * written per second (seeding); `x` is a plain factor (video seconds processed per second); `MB` and
 * `MB/s` are megabytes (MiB) and megabytes per second.
 */
export const unitSchema = z.enum([
  'ms',
  'rps',
  'ratio',
  'percent',
  'MB',
  's',
  'count',
  'exponent',
  'records/s',
  'x',
  'MB/s',
]);

/**
 * The values a metric of each unit can take, inclusive. Far beyond anything a service or this
 * machine produces (a day of latency, 100 million requests/s, 1000 cores busy), so that only
 * garbage falls outside: a value out of range cannot have been measured, and comparing with it
 * would give a verdict nobody could believe.
 */
export const UNIT_RANGES: Readonly<Record<z.infer<typeof unitSchema>, readonly [number, number]>> =
  {
    ms: [0, 86_400_000],
    rps: [0, 1e8],
    ratio: [0, 1],
    percent: [0, 100_000],
    MB: [0, 1e8],
    s: [0, 1e7],
    count: [0, 1e12],
    exponent: [-100, 100],
    'records/s': [0, 1e9],
    x: [0, 1e6],
    'MB/s': [0, 1e7],
  };

/** Which direction of a metric is good. */
export type Better = z.infer<typeof betterSchema>;
/** The verdict of one check, and of the run. */
export type Status = z.infer<typeof statusSchema>;
/** Units a metric can carry (see `unitSchema`). */
export type Unit = z.infer<typeof unitSchema>;
