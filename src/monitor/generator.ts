// CPU of the load generator itself. Node runs the load loop on one event-loop thread, so near one
// full core means the generator, not the service, may be what limits the numbers.
import type { GeneratorSample } from './types.ts';

/**
 * Mean CPU of the generator over a window, in percent of one core, at or above which the window
 * counts as saturated: its results may measure the generator rather than the service.
 */
export const GENERATOR_SATURATION_PERCENT = 90;

/** The generator samples with fromMs <= atMs <= toMs. */
export function selectGeneratorWindow(
  samples: readonly GeneratorSample[],
  fromMs: number,
  toMs: number,
): GeneratorSample[] {
  return samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs);
}

/**
 * Whether the generator was saturated in the window: the MEAN of its samples there is at least
 * `thresholdPercent` (a mean, so one garbage-collection spike does not void a run). False when
 * there is no sample in the window.
 */
export function isGeneratorSaturated(
  samples: readonly GeneratorSample[],
  fromMs: number,
  toMs: number,
  thresholdPercent = GENERATOR_SATURATION_PERCENT,
): boolean {
  const inWindow = selectGeneratorWindow(samples, fromMs, toMs);
  if (inWindow.length === 0) return false;
  const mean = inWindow.reduce((sum, s) => sum + s.cpuPercent, 0) / inWindow.length;
  return mean >= thresholdPercent;
}

/** Samples this process's CPU (all its threads, user + system) between calls. */
export interface GeneratorSampler {
  readonly samples: GeneratorSample[];
  /** performance.now() of the latest call (the baseline too), in ms; -Infinity before any. */
  readonly lastAtMs: number;
  /** Appends the CPU used since the previous call; the first call only sets the baseline. */
  sample(): void;
}

/** A sampler of this process's CPU through process.cpuUsage(). */
export function createGeneratorSampler(): GeneratorSampler {
  const samples: GeneratorSample[] = [];
  let last: { atMs: number; usage: NodeJS.CpuUsage } | undefined;
  return {
    samples,
    get lastAtMs() {
      return last?.atMs ?? Number.NEGATIVE_INFINITY;
    },
    sample() {
      const atMs = performance.now();
      const usage = process.cpuUsage();
      if (last && atMs > last.atMs) {
        const usedUs = usage.user - last.usage.user + (usage.system - last.usage.system);
        samples.push({ atMs, cpuPercent: (usedUs / 1000 / (atMs - last.atMs)) * 100 });
      }
      last = { atMs, usage };
    },
  };
}
