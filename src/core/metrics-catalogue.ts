// The metrics a budget may name. One table, so that the config schema, the verdict and the
// report agree on each metric's unit and direction. Suites that add metrics add a row here.
import type { Better, Unit } from './metric-units.ts';

/**
 * How a budget limit for the metric is written in perf.yml:
 * - `duration`: `200ms`, `1s`, or a number of milliseconds;
 * - `ratio`: `0.1%`, or a number between 0 and 1;
 * - `size`: `512MB`, `2GB`, or a number of megabytes (MiB);
 * - `number`: a plain number > 0 in the metric's unit.
 */
export type BudgetValueKind = 'duration' | 'ratio' | 'size' | 'number';

/** One metric a budget may limit. */
export interface BudgetMetric {
  /** The unit of the metric and of its limits after parsing (e.g. `ms` for `200ms`). */
  unit: Unit;
  /** Which direction is good: for `lower`, a value above the limit breaks it. */
  better: Better;
  /** How limits are written in perf.yml. */
  kind: BudgetValueKind;
  /** One line for people (JSON Schema description, reports). */
  description: string;
}

/** Every metric name a budget may use, with its unit, direction and how limits are written. */
export const BUDGET_METRICS = {
  'latency.p50': {
    unit: 'ms',
    better: 'lower',
    kind: 'duration',
    description: 'median response time',
  },
  'latency.p90': {
    unit: 'ms',
    better: 'lower',
    kind: 'duration',
    description: '90th percentile response time',
  },
  'latency.p95': {
    unit: 'ms',
    better: 'lower',
    kind: 'duration',
    description: '95th percentile response time',
  },
  'latency.p99': {
    unit: 'ms',
    better: 'lower',
    kind: 'duration',
    description: '99th percentile response time',
  },
  'latency.max': {
    unit: 'ms',
    better: 'lower',
    kind: 'duration',
    description: 'slowest response time',
  },
  'latency.mean': {
    unit: 'ms',
    better: 'lower',
    kind: 'duration',
    description: 'mean response time',
  },
  'errors.rate': {
    unit: 'ratio',
    better: 'lower',
    kind: 'ratio',
    description: 'share of requests that failed',
  },
  'throughput.rps': {
    unit: 'rps',
    better: 'higher',
    kind: 'number',
    description: 'answered requests per second',
  },
  'growth.exponent': {
    unit: 'exponent',
    better: 'lower',
    kind: 'number',
    description: 'volume suite: b in latency ~ size^b (0 flat, 1 linear in the data)',
  },
  'seed.rate': {
    unit: 'records/s',
    better: 'higher',
    kind: 'number',
    description: 'volume suite: records seeded per second in a step',
  },
  'capacity.rps': {
    unit: 'rps',
    better: 'higher',
    kind: 'number',
    description:
      'stress suite: answered requests/s at the highest stage within the stability limits',
  },
  'capacity.level': {
    unit: 'count',
    better: 'higher',
    kind: 'number',
    description: 'stress suite: highest stable level (arrivals/s, open model; connections, closed)',
  },
  'recovery.s': {
    unit: 's',
    better: 'lower',
    kind: 'number',
    description: 'stress suite: seconds after the peak until p95 is back within 20 % of before',
  },
  'cpu.max': {
    unit: 'percent',
    better: 'lower',
    kind: 'number',
    description: 'highest CPU of the service, in percent of one core (N cores = N×100 %)',
  },
  'cpu.mean': {
    unit: 'percent',
    better: 'lower',
    kind: 'number',
    description: 'mean CPU of the service, in percent of one core (N cores = N×100 %)',
  },
  'memory.max': {
    unit: 'MB',
    better: 'lower',
    kind: 'size',
    description: 'highest memory (RSS) of the service, in MB',
  },
  seconds_per_minute: {
    unit: 's',
    better: 'lower',
    kind: 'number',
    description: 'video suite: seconds from upload start to done per minute of video',
  },
  realtime_factor: {
    unit: 'x',
    better: 'higher',
    kind: 'number',
    description: 'video suite: seconds of video processed per second (60 / seconds_per_minute)',
  },
  'success.rate': {
    unit: 'ratio',
    better: 'higher',
    kind: 'ratio',
    description: 'video suite: share of the videos sent that were processed',
  },
  'upload.throughput': {
    unit: 'MB/s',
    better: 'higher',
    kind: 'number',
    description: 'video suite: megabytes (MiB) per second of one upload',
  },
} as const satisfies Readonly<Record<string, BudgetMetric>>;

/** A metric name perf-action measures: a key of the catalogue. */
export type MetricName = keyof typeof BUDGET_METRICS;

/** Whether `name` is a catalogued metric (perf.yml's names are checked with it). */
export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(BUDGET_METRICS, name);
}
