// Pure judgements of the stress suite: figures of tallies, whether a phase held the stability
// limits, the capacity, and how long the service took to recover after the peak.
import { formatValue } from '../../core/format.ts';
import { RunTally } from '../../engine/run-tally.ts';
import type { Tally } from '../../engine/staged.ts';
import type { StabilityLimits } from './config.ts';
import type { LoadFigures, StressPhaseRow, StressRun } from './results.ts';

/** Recovered means p95 back within this share above the pre-peak p95 ... */
export const RECOVERY_TOLERANCE = 0.2;
/** ... or within this many milliseconds, whichever is larger: sub-millisecond p95s jitter by more than 20 %. */
export const RECOVERY_TOLERANCE_FLOOR_MS = 1;

/** All kinds of a phase or second added together. */
export function mergeKinds(kinds: ReadonlyMap<string, Tally>): Tally {
  const all = new RunTally();
  for (const tally of kinds.values()) all.add(tally);
  return all;
}

/** The figures of a tally over `durationMs`. */
export function figuresOf(tally: Tally, durationMs: number): LoadFigures {
  const h = tally.histogram;
  return {
    requests: tally.sent,
    achievedRps: durationMs > 0 ? (tally.completed * 1000) / durationMs : 0,
    p50Ms: h.percentileMs(50),
    p95Ms: h.percentileMs(95),
    p99Ms: h.percentileMs(99),
    errorRate: tally.sent > 0 ? tally.failed / tally.sent : 0,
  };
}

/** Why a phase's figures break the limits; undefined when they hold. */
export function breachOf(figures: LoadFigures, limits: StabilityLimits): string | undefined {
  const reasons: string[] = [];
  if (figures.requests === 0) return 'no request sent';
  if (figures.errorRate >= limits.errorRate) {
    reasons.push(
      `errors ${formatValue(figures.errorRate, 'ratio')} >= ${formatValue(limits.errorRate, 'ratio')}`,
    );
  }
  if (figures.p95Ms >= limits.p95Ms) {
    reasons.push(`p95 ${formatValue(figures.p95Ms, 'ms')} >= ${formatValue(limits.p95Ms, 'ms')}`);
  }
  return reasons.length > 0 ? reasons.join(', ') : undefined;
}

/** The highest level that held before the first break; level 0 when the first phase broke. */
export function capacityOf(phases: readonly StressPhaseRow[]): StressRun['capacity'] {
  let capacity: StressRun['capacity'] = { level: 0, rps: 0 };
  for (const phase of phases) {
    if (phase.kind === 'cooldown' || phase.status === 'stopped') continue;
    if (phase.status === 'broke') {
      return { ...capacity, brokeAt: { level: phase.level, reason: phase.reason ?? 'broke' } };
    }
    capacity = { level: phase.level, rps: phase.achievedRps };
  }
  return capacity;
}

/** One second of the cool-down, as recovery needs it. */
export interface CooldownSecond {
  /** Seconds from the start of the cool-down to the start of this second. */
  offsetS: number;
  figures: LoadFigures;
}

/**
 * How long after the peak the service was back: the start of the first cool-down second whose p95
 * is within the tolerance and whose error rate is within the limit, with the next second (if any)
 * within too, so that one lucky second does not count as recovery.
 */
export function findRecovery(
  prePeakP95Ms: number,
  seconds: readonly CooldownSecond[],
  limits: StabilityLimits,
): { toleranceMs: number; seconds?: number } {
  const toleranceMs = Math.max(prePeakP95Ms * RECOVERY_TOLERANCE, RECOVERY_TOLERANCE_FLOOR_MS);
  const isBack = (s: CooldownSecond | undefined): boolean =>
    s !== undefined &&
    s.figures.requests > 0 &&
    s.figures.p95Ms <= prePeakP95Ms + toleranceMs &&
    s.figures.errorRate < limits.errorRate;
  for (let i = 0; i < seconds.length; i++) {
    const next = seconds[i + 1];
    if (isBack(seconds[i]) && (next === undefined || isBack(next))) {
      return { toleranceMs, seconds: Math.max(0, (seconds[i] as CooldownSecond).offsetS) };
    }
  }
  return { toleranceMs };
}
