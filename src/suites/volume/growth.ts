// How a query's latency grows with the data: the exponent b of latency ~ size^b, fitted by least
// squares on log(latency) against log(size) over the volume suite's steps. Pure.
//
// b reads directly: doubling the data multiplies the latency by 2^b. An indexed lookup stays near
// 0, a scan of the table approaches 1, a nested scan 2. Latency also holds a fixed cost (network,
// parsing, serialization) that does not grow, which pulls b of a scan below 1 when the scan is
// still cheap at the small steps: steps should span a wide range (10x to 50x) and end where the
// data-dependent work dominates.

import { linearRegression } from 'simple-statistics';
import { makeMetric } from '../../results/metric.ts';
import type { Metric } from '../../results/types.ts';

/** `<query>@<step>` of a volume scenario's name, or undefined for one without a step. */
export function splitVolumeStep(scenario: string): { query: string; step: number } | undefined {
  const at = scenario.lastIndexOf('@');
  if (at <= 0) return undefined;
  const step = Number(scenario.slice(at + 1));
  return Number.isInteger(step) && step > 0 ? { query: scenario.slice(0, at), step } : undefined;
}

/** The metric name of a query's growth exponent (key `volume/<query>/growth.exponent`). */
export const GROWTH_METRIC = 'growth.exponent';

/**
 * The latency the exponent is fitted on: the median. With the few hundred requests of a step the
 * median is the steadiest figure (p95 rests on a handful of requests and takes every GC pause and
 * scheduler hiccup of a shared runner), and a scan slows every request, so the median shows the
 * growth as well as any tail would. The tail is still gated per step (`latency.p95` budgets and
 * regressions).
 */
export const GROWTH_LATENCY = 'latency.p50';

/** Plain-language names of growth exponents, from the best. */
export type GrowthClass = 'flat' | 'logarithmic-ish' | 'sublinear' | 'linear-ish' | 'superlinear';

/** Upper bounds (exclusive) of the classes below linear. */
export const GROWTH_CLASS_BOUNDS: readonly { below: number; name: GrowthClass }[] = [
  { below: 0.1, name: 'flat' },
  { below: 0.3, name: 'logarithmic-ish' },
  { below: 0.7, name: 'sublinear' },
];

/** The largest exponent still called linear-ish (from 0.7); beyond it: superlinear. */
export const LINEAR_UP_TO = 1.3;

/**
 * The class of an exponent: flat below 0.1 (negative too: noise around a constant), then
 * logarithmic-ish below 0.3, sublinear below 0.7, linear-ish up to 1.3, superlinear beyond (more
 * work per row as the data grows: nested scans, sorts of the whole table).
 */
export function classifyGrowth(exponent: number): GrowthClass {
  for (const { below, name } of GROWTH_CLASS_BOUNDS) if (exponent < below) return name;
  return exponent <= LINEAR_UP_TO ? 'linear-ish' : 'superlinear';
}

/** The classes in words, for reports: `flat below 0.1, …, superlinear above`. */
export function describeGrowthClasses(): string {
  const below = GROWTH_CLASS_BOUNDS.map((b) => `${b.name} below ${b.below}`);
  return `${below.join(', ')}, linear-ish up to ${LINEAR_UP_TO}, superlinear above`;
}

/** What a query is declared to scale like (`expect:` in perf.yml). */
export type GrowthExpectation = 'flat' | 'logarithmic' | 'linear';

/**
 * The exponent above which a query with that expectation warns by default (its budget unless the
 * query sets `growth.exponent` itself). Flat warns above 0.3, not 0.1: on a shared runner a
 * constant-time query's fitted exponent wanders by a few hundredths, and a logarithmic-ish one is
 * not yet a scan.
 */
export const EXPECTED_GROWTH_WARN: Readonly<Record<GrowthExpectation, number>> = {
  flat: 0.3,
  logarithmic: 0.7,
  linear: 1.3,
};

/** A fitted power law. */
export interface GrowthFit {
  /** b in latency ~ size^b. */
  exponent: number;
  /** Share of the variance of log(latency) the line explains, 0..1 (1 for two points). */
  rSquared: number;
  /** Points the fit used. */
  points: number;
}

/**
 * Fits latency ~ size^b by least squares on (ln size, ln latency). Points whose size or latency
 * is not a positive finite number are left out; undefined when fewer than two distinct sizes
 * remain.
 */
export function fitGrowth(
  points: readonly { size: number; latencyMs: number }[],
): GrowthFit | undefined {
  const usable = points.filter(
    (p) => p.size > 0 && p.latencyMs > 0 && Number.isFinite(p.size) && Number.isFinite(p.latencyMs),
  );
  if (new Set(usable.map((p) => p.size)).size < 2) return undefined;
  const xy = usable.map((p) => [Math.log(p.size), Math.log(p.latencyMs)]);
  const { m, b } = linearRegression(xy);
  const meanY = xy.reduce((s, [, y = 0]) => s + y, 0) / xy.length;
  let residual = 0;
  let total = 0;
  for (const [x = 0, y = 0] of xy) {
    residual += (y - (m * x + b)) ** 2;
    total += (y - meanY) ** 2;
  }
  // All latencies equal: the line explains everything there is.
  const rSquared = total === 0 ? 1 : Math.max(0, 1 - residual / total);
  return { exponent: m, rSquared, points: usable.length };
}

/** One step of one query: the data size and the latency figures measured there. */
export interface GrowthStep {
  /** Records seeded when the query ran. */
  size: number;
  /** The step's latency (GROWTH_LATENCY) over all its rounds, in ms. */
  latencyMs: number;
  /** The same per round, in ms, in round order. */
  roundsMs: readonly number[];
}

/**
 * The growth metric of one query: `value` fitted on each step's overall latency, `samples` one
 * exponent per round index (round r of every step), when every step has that round. Undefined
 * when no fit is possible (fewer than two steps with a latency).
 */
export function growthMetric(
  suite: string,
  query: string,
  steps: readonly GrowthStep[],
): Metric | undefined {
  const fit = fitGrowth(steps.map((s) => ({ size: s.size, latencyMs: s.latencyMs })));
  if (!fit) return undefined;
  const rounds = Math.min(...steps.map((s) => s.roundsMs.length));
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const perRound = fitGrowth(steps.map((s) => ({ size: s.size, latencyMs: s.roundsMs[r] ?? 0 })));
    if (perRound) samples.push(round4(perRound.exponent));
  }
  return makeMetric(
    { suite, scenario: query },
    GROWTH_METRIC,
    round4(fit.exponent),
    samples.length > 0 ? samples : undefined,
  );
}

// Four decimals: far below the run-to-run noise of a fitted exponent, and stable in results.json.
function round4(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
