// The video suite's metrics of one level, from its upload rows. Pure: plain data in, metrics out.

import type { MetricName } from '../../core/metrics-catalogue.ts';
import { makeMetric } from '../../results/metric.ts';
import type { Metric } from '../../results/types.ts';
import { levelScenario, VIDEO_METRIC_NAMES } from './config.ts';
import type { VideoUploadRow } from './results.ts';

export const VIDEO_SUITE = 'video';

const BYTES_PER_MB = 1024 * 1024;

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function metric(level: number, name: MetricName, value: number, samples?: number[]): Metric {
  return makeMetric({ suite: VIDEO_SUITE, scenario: levelScenario(level) }, name, value, samples);
}

/**
 * The metrics of one level (`video/c<level>/…`), none without data:
 * - `success.rate`: done / sent (0..1); absent when nothing was sent.
 * - `seconds_per_minute`: per done video, seconds from upload start to done divided by its length
 *   in minutes; the value is their median, the samples are the per-video values (in upload
 *   order). The median, because one video that met a busy moment of a shared machine would pull
 *   a mean of three by a third of its excess.
 * - `realtime_factor`: 60 / seconds_per_minute (video seconds per processing second), so the two
 *   always tell the same story; the samples are the per-video factors.
 * - No per-video samples for `success.rate`: a 0 or 1 per video does not compare with the rates
 *   of past runs the way a sample must; the level's `videos` in results.json is its size.
 * - `upload.throughput`: per answered upload (2xx, whatever the processing did), MB (MiB) per
 *   second of that upload; the value is their mean.
 */
export function levelMetrics(level: number, rows: readonly VideoUploadRow[]): Metric[] {
  if (rows.length === 0) return [];
  const names = VIDEO_METRIC_NAMES;
  const done = rows.filter(
    (row) => row.outcome === 'done' && row.processingS !== undefined && row.processingS > 0,
  );
  const metrics: Metric[] = [
    metric(
      level,
      names.successRate,
      round(rows.filter((row) => row.outcome === 'done').length / rows.length, 6),
    ),
  ];
  const perMinute = done
    .filter((row) => row.durationS > 0)
    .map((row) => (row.processingS ?? 0) / (row.durationS / 60));
  if (perMinute.length > 0) {
    const value = median(perMinute);
    metrics.push(
      metric(
        level,
        names.secondsPerMinute,
        round(value, 3),
        perMinute.map((v) => round(v, 3)),
      ),
      metric(
        level,
        names.realtimeFactor,
        round(60 / value, 4),
        perMinute.map((v) => round(60 / v, 4)),
      ),
    );
  }
  const throughputs = rows
    .filter((row) => row.id !== undefined && row.uploadMs !== undefined && row.uploadMs > 0)
    .map((row) => row.bytes / BYTES_PER_MB / ((row.uploadMs ?? 1) / 1000));
  if (throughputs.length > 0) {
    metrics.push(
      metric(
        level,
        names.uploadThroughput,
        round(mean(throughputs), 3),
        throughputs.map((v) => round(v, 3)),
      ),
    );
  }
  return metrics;
}
