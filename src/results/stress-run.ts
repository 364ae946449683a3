// The stress suite's account of one scenario, stored in results.json under `stress` (plain data).
import type { RequestTotals, ResourceFigures } from './types.ts';

/** How a stress level reads: arrivals per second (open model) or connections (closed model). */
export function levelUnit(model: StressRun['model']): string {
  return model === 'open' ? 'req/s' : 'connections';
}

/** The metric unit of a stress level (`capacity.level`). */
export function levelMetricUnit(model: StressRun['model']): 'rps' | 'count' {
  return model === 'open' ? 'rps' : 'count';
}

/** Figures of a set of requests (one phase or one second), over all kinds or one kind. */
export interface LoadFigures {
  /** Requests sent (open model: including arrivals that timed out waiting to be sent). */
  requests: number;
  /** Answered requests per second over the phase or second. */
  achievedRps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Failed share 0..1: non-2xx/3xx answers, socket errors and timeouts. */
  errorRate: number;
}

/** One phase of the run as the report shows it. */
export interface StressPhaseRow extends LoadFigures {
  /** `stage`: configured; `step`: added by until-break; `cooldown`: back at the first level. */
  kind: 'stage' | 'step' | 'cooldown';
  /** Arrivals per second (open) or connections (closed). */
  level: number;
  /** From the start of the run to the phase's start, and its length, in milliseconds. */
  startMs: number;
  durationMs: number;
  /**
   * `held`: within the stability limits; `broke`: not; `stopped`: cut short because an earlier
   * phase broke (not judged); `cooldown`: the recovery phase.
   */
  status: 'held' | 'broke' | 'stopped' | 'cooldown';
  /** Why it broke, e.g. `p95 2.31 s >= 2 s`. */
  reason?: string;
  /** Service CPU (percent of one core) and memory (MB) from the resource monitor, when watched. */
  cpuMax?: number;
  memoryMaxMB?: number;
  /** CPU of the load generator while the phase sent, percent of one core. */
  generatorCpuPercent: number;
  /** What became of the phase's requests, all kinds together (`late` is not tracked here: 0). */
  totals: RequestTotals;
  byKind: Record<string, LoadFigures>;
}

/** One second of the run: the time series. */
export interface StressSecond {
  /** Seconds since the run started. */
  t: number;
  /** Index into `phases` of the phase sending at the middle of this second. */
  phase: number;
  all: LoadFigures;
  byKind: Record<string, LoadFigures>;
  cpuPercent?: number;
  memoryMB?: number;
}

export interface StressRun {
  name: string;
  model: 'open' | 'closed';
  /** The kinds of the mix with their weights. */
  mix: { name: string; weight: number; method: string; path: string }[];
  limits: { errorRate: number; p95Ms: number };
  untilBreak: boolean;
  phases: StressPhaseRow[];
  capacity: {
    /** Highest level that held (0: not even the first). */
    level: number;
    /** Answered requests per second at that level. */
    rps: number;
    /** The first level that broke, and why; absent when every level tried held. */
    brokeAt?: { level: number; reason: string };
  };
  /** Absent when there was no peak to recover from (a single phase). */
  recovery?: {
    /** p95 of the first stage, the reference, in ms. */
    prePeakP95Ms: number;
    /** How far above it still counts as recovered, in ms (20 %, at least 1 ms). */
    toleranceMs: number;
    cooldownMs: number;
    isRecovered: boolean;
    /** Seconds from the start of the cool-down until p95 was back; absent when it never was. */
    seconds?: number;
  };
  /** The service over the whole run (percent of one core, MB), when a resource monitor watched it. */
  resources?: ResourceFigures;
  /** Set when the load generator's CPU was saturated at the break: the capacity is a lower bound. */
  generatorSaturated?: boolean;
  /** What became of the requests of every phase together. */
  totals: RequestTotals;
  seconds: StressSecond[];
}
