// Turns what the engine measured into the flat metrics of results.json. Pure: plain data in, plain data out.
import type { MetricName } from '../core/metrics-catalogue.ts';

import { addStatusCodes } from '../engine/common.ts';
import type { LatencyHistogram } from '../engine/histogram.ts';
import type { EngineRunResult } from '../engine/types.ts';
import { makeMetric } from './metric.ts';
import type { Metric, RequestTotals, RoundRun } from './types.ts';

/** The latency percentiles every load scenario reports, in the order reports show them. */
export const LATENCY_PERCENTILES = [50, 90, 95, 99] as const;

/** One round's counts in results.json form. */
export function totalsOf(run: EngineRunResult): RequestTotals {
  return {
    sent: run.sent,
    completed: run.completed,
    ok: run.ok,
    errorStatus: run.errorStatus,
    socketErrors: run.socketErrors,
    timeouts: run.timeouts,
    late: run.late,
    dropped: run.dropped,
    statusCodes: { ...run.statusCodes },
  };
}

/** Adds request totals of several rounds. */
export function sumTotals(all: RequestTotals[]): RequestTotals {
  const sum: RequestTotals = {
    sent: 0,
    completed: 0,
    ok: 0,
    errorStatus: 0,
    socketErrors: 0,
    timeouts: 0,
    late: 0,
    dropped: 0,
    statusCodes: {},
  };
  for (const t of all) {
    sum.sent += t.sent;
    sum.completed += t.completed;
    sum.ok += t.ok;
    sum.errorStatus += t.errorStatus;
    sum.socketErrors += t.socketErrors;
    sum.timeouts += t.timeouts;
    sum.late += t.late;
    sum.dropped += t.dropped;
    addStatusCodes(sum.statusCodes, t.statusCodes);
  }
  return sum;
}

/**
 * Requests that count against the error rate: every outcome but an ok answer (error statuses,
 * socket errors, timeouts, and dropped requests, which the service held or never got in time).
 * Written with `completed - ok` (= errorStatus), so that files written before errorStatus existed
 * read the same.
 */
export function failedRequests(t: RequestTotals): number {
  return t.completed - t.ok + t.socketErrors + t.timeouts + t.dropped;
}

/**
 * Requests with an outcome: answered, failed at the socket, timed out or dropped. Equal to `sent`
 * by the outcome identity; summed from the outcomes so that older files (whose open-model `sent`
 * left out the dropped ones) read the same.
 */
export function attemptedRequests(t: RequestTotals): number {
  return t.completed + t.socketErrors + t.timeouts + t.dropped;
}

/** Error rate 0..1; 0 when nothing was attempted. */
export function errorRate(t: RequestTotals): number {
  const attempted = attemptedRequests(t);
  return attempted === 0 ? 0 : failedRequests(t) / attempted;
}

/** Latency figures (ms) of one histogram, by metric name. */
export function latencyFigures(h: LatencyHistogram): Record<string, number> {
  const figures: Record<string, number> = {};
  for (const p of LATENCY_PERCENTILES) figures[`latency.p${p}`] = h.percentileMs(p);
  figures['latency.max'] = h.maxMs;
  figures['latency.mean'] = h.meanMs;
  return figures;
}

/** The metrics every load scenario reports, in report order; units and directions from the catalogue. */
const LOAD_METRIC_NAMES: readonly MetricName[] = [
  ...LATENCY_PERCENTILES.map((p) => `latency.p${p}` as const),
  'latency.max',
  'latency.mean',
  'throughput.rps',
  'errors.rate',
];

/** All figures of one measurement (a round, or all rounds merged), by metric name. */
export function measurementFigures(
  histogram: LatencyHistogram,
  totals: RequestTotals,
  achievedRate: number,
): Record<string, number> {
  return {
    ...latencyFigures(histogram),
    'throughput.rps': achievedRate,
    'errors.rate': errorRate(totals),
  };
}

/**
 * Metrics of one scenario: `value` from all rounds together, `samples` one per round (in order).
 * Rounds are given as their figures; `overall` as the figures of the merged histogram and totals.
 */
export function scenarioMetrics(
  suite: string,
  scenario: string,
  overall: Record<string, number>,
  rounds: Record<string, number>[],
): Metric[] {
  return LOAD_METRIC_NAMES.map((name) =>
    makeMetric(
      { suite, scenario },
      name,
      round6(overall[name] ?? 0),
      rounds.map((r) => round6(r[name] ?? 0)),
    ),
  );
}

/** Answered requests per second over several rounds' measured time. */
export function overallRate(rounds: Pick<RoundRun, 'elapsedMs' | 'totals'>[]): number {
  const elapsedMs = rounds.reduce((s, r) => s + r.elapsedMs, 0);
  const completed = rounds.reduce((s, r) => s + r.totals.completed, 0);
  return elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0;
}

// Six decimals keep microsecond resolution on millisecond values without float noise in results.json.
function round6(n: number): number {
  return Number.isFinite(n) ? Math.round(n * 1e6) / 1e6 : 0;
}
