// Pure: resource samples of a time window -> numbers and metrics for the report and budgets.

import type { z } from 'zod';
import { makeMetric } from '../results/metric.ts';
import type { resourceSummarySchema } from '../results/schema.ts';
import type { Metric, ResourceFigures } from '../results/types.ts';
import { isGeneratorSaturated, selectGeneratorWindow } from './generator.ts';
import type { GeneratorSample, ResourceSample, ResourceSeries } from './types.ts';

/**
 * Resources of the service (all watched sources added up) and of the generator over one window.
 * Its shape is part of results.json (a video level's `resources`), so the results schema defines it.
 */
export type ResourceSummary = z.infer<typeof resourceSummarySchema>;

/** Index of the sample of `sorted` (by atMs, non-empty) nearest to `atMs`. */
function findNearestIndex(sorted: readonly ResourceSample[], atMs: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as ResourceSample).atMs < atMs) low = middle + 1;
    else high = middle;
  }
  const before = sorted[low - 1];
  return before && atMs - before.atMs <= (sorted[low] as ResourceSample).atMs - atMs
    ? low - 1
    : low;
}

/**
 * Several series added up per sample time. Sources are read in the same ticks but each at its own
 * moment, so the sums are taken at the times of the series with the most samples; another series
 * adds a sample there when the two are each other's nearest in time (so a sample counts once, and
 * a series that stopped adds nothing to later times).
 */
export function sumSeries(windows: readonly (readonly ResourceSample[])[]): ResourceSample[] {
  const sorted = windows
    .filter((samples) => samples.length > 0)
    .map((samples) => [...samples].sort((a, b) => a.atMs - b.atMs));
  const anchor = sorted.reduce<ResourceSample[] | undefined>(
    (best, samples) => (!best || samples.length > best.length ? samples : best),
    undefined,
  );
  if (!anchor) return [];
  const totals = anchor.map((point) => ({ ...point }));
  for (const other of sorted) {
    if (other === anchor) continue;
    totals.forEach((total, index) => {
      const nearest = other[findNearestIndex(other, total.atMs)] as ResourceSample;
      if (findNearestIndex(anchor, nearest.atMs) !== index) return;
      total.cpuPercent += nearest.cpuPercent;
      total.memoryMB += nearest.memoryMB;
    });
  }
  return totals;
}

/**
 * Over samples with fromMs <= atMs <= toMs; series summed per sample time (several containers add
 * up); undefined when there is no service sample in the window.
 */
export function summarizeResources(
  series: readonly ResourceSeries[],
  generator: readonly GeneratorSample[],
  fromMs: number,
  toMs: number,
): ResourceSummary | undefined {
  const totals = sumSeries(
    series.map((s) => s.samples.filter((x) => x.atMs >= fromMs && x.atMs <= toMs)),
  );
  if (totals.length === 0) return undefined;
  const generatorWindow = selectGeneratorWindow(generator, fromMs, toMs);
  const other = otherCpuMean(series, generator, fromMs, toMs);
  return {
    cpuMax: Math.max(...totals.map((t) => t.cpuPercent)),
    cpuMean: totals.reduce((sum, t) => sum + t.cpuPercent, 0) / totals.length,
    memoryMaxMB: Math.max(...totals.map((t) => t.memoryMB)),
    sampleCount: totals.length,
    generatorCpuMax: generatorWindow.reduce((max, s) => Math.max(max, s.cpuPercent), 0),
    isGeneratorSaturated: isGeneratorSaturated(generatorWindow, fromMs, toMs),
    ...(other !== undefined ? { otherCpuMean: other } : {}),
  };
}

/**
 * Other work is judged over at least this long, ending with the window: a load scenario of 100
 * requests lasts a few dozen milliseconds, over which readings in 10 ms clock ticks swing by tens
 * of percent; a neighbour busy in the two seconds around it was busy during it.
 */
export const OTHER_WORK_SPAN_MS = 2000;

/**
 * Mean of readings that each cover the time since the reading before (sorted by atMs), weighted
 * by how much of that interval lies in [fromMs, toMs]; undefined when none does.
 */
export function timeWeightedMean(
  readings: readonly { atMs: number; value: number }[],
  fromMs: number,
  toMs: number,
): number | undefined {
  let weighted = 0;
  let covered = 0;
  for (let i = 1; i < readings.length; i++) {
    const start = Math.max((readings[i - 1] as { atMs: number }).atMs, fromMs);
    const { atMs, value } = readings[i] as { atMs: number; value: number };
    const overlap = Math.min(atMs, toMs) - start;
    if (overlap <= 0) continue;
    weighted += value * overlap;
    covered += overlap;
  }
  return covered > 0 ? weighted / covered : undefined;
}

/**
 * What other work took from the machine around a window (see resourceSummarySchema.otherCpuMean
 * and OTHER_WORK_SPAN_MS): the machine's busy time less the service's and this process's, plus
 * steal, each a time-weighted mean over the same span. Undefined without machine readings or
 * service readings there.
 */
export function otherCpuMean(
  series: readonly ResourceSeries[],
  generator: readonly GeneratorSample[],
  fromMs: number,
  toMs: number,
): number | undefined {
  const from = Math.min(fromMs, toMs - OTHER_WORK_SPAN_MS);
  const withHost = generator.filter((s) => s.host !== undefined);
  const of = (pick: (s: GeneratorSample) => number) =>
    timeWeightedMean(
      withHost.map((s) => ({ atMs: s.atMs, value: pick(s) })),
      from,
      toMs,
    );
  const busy = of((s) => s.host?.busyPercent ?? 0);
  const steal = of((s) => s.host?.stealPercent ?? 0);
  const own = of((s) => s.cpuPercent);
  const service = timeWeightedMean(
    sumSeries(series.map((s) => s.samples)).map((t) => ({ atMs: t.atMs, value: t.cpuPercent })),
    from,
    toMs,
  );
  if (busy === undefined || steal === undefined || own === undefined || service === undefined) {
    return undefined;
  }
  return Math.max(0, busy - service - own) + steal;
}

/** The service's part of a summary, as results.json keeps it. */
export function resourceFigures(summary: ResourceSummary): ResourceFigures {
  return {
    cpuMax: summary.cpuMax,
    cpuMean: summary.cpuMean,
    memoryMaxMB: summary.memoryMaxMB,
    ...(summary.otherCpuMean !== undefined ? { otherCpuMean: summary.otherCpuMean } : {}),
  };
}

/**
 * Metrics `cpu.max`, `cpu.mean` (unit 'percent' of one core, better 'lower') and `memory.max`
 * (unit 'MB', better 'lower') keyed `<suite>/<scenario>/<name>`.
 */
export function resourceMetrics(
  suite: string,
  scenario: string,
  summary: ResourceFigures,
): Metric[] {
  const at = { suite, scenario };
  return [
    makeMetric(at, 'cpu.max', summary.cpuMax),
    makeMetric(at, 'cpu.mean', summary.cpuMean),
    makeMetric(at, 'memory.max', summary.memoryMaxMB),
  ];
}
