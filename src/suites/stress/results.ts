// The stress suite's account of one scenario, stored in results.json under `stress`: its schema
// (part of the one results schema, composed in ../registry.ts) and the types derived from it.
import { z } from 'zod';
import {
  count,
  nonNegative,
  requestTotalsSchema,
  resourceFiguresSchema,
} from '../../results/schema.ts';

/** Figures of a set of requests (one phase or one second), over all kinds or one kind. */
export const loadFiguresSchema = z.object({
  /** Requests sent (open model: including arrivals that timed out waiting to be sent). */
  requests: count,
  /** Answered requests per second over the phase or second. */
  achievedRps: nonNegative,
  p50Ms: nonNegative,
  p95Ms: nonNegative,
  p99Ms: nonNegative,
  /** Failed share 0..1: non-2xx/3xx answers, socket errors and timeouts. */
  errorRate: z.number().min(0).max(1),
});

/** One phase of a stress run as the report shows it. */
export const stressPhaseRowSchema = loadFiguresSchema.extend({
  /** `stage`: configured; `step`: added by until-break; `cooldown`: back at the first level. */
  kind: z.enum(['stage', 'step', 'cooldown']),
  /** Arrivals per second (open) or connections (closed). */
  level: nonNegative,
  /** From the start of the run to the phase's start, and its length, in milliseconds. */
  startMs: nonNegative,
  durationMs: nonNegative,
  /**
   * `held`: within the stability limits; `broke`: not; `stopped`: cut short because an earlier
   * phase broke (not judged); `cooldown`: the recovery phase.
   */
  status: z.enum(['held', 'broke', 'stopped', 'cooldown']),
  /** Why it broke, e.g. `p95 2.31 s >= 2 s`. */
  reason: z.string().optional(),
  /** Service CPU (percent of one core) and memory (MB) from the resource monitor, when watched. */
  cpuMax: nonNegative.optional(),
  memoryMaxMB: nonNegative.optional(),
  /** CPU of the load generator while the phase sent, percent of one core. */
  generatorCpuPercent: nonNegative,
  /** What became of the phase's requests, all kinds together (`late` is not tracked here: 0). */
  totals: requestTotalsSchema,
  byKind: z.record(z.string(), loadFiguresSchema),
});

/** One second of a stress run: the time series. */
export const stressSecondSchema = z.object({
  /** Seconds since the run started. */
  t: nonNegative,
  /** Index into `phases` of the phase sending at the middle of this second. */
  phase: count,
  all: loadFiguresSchema,
  byKind: z.record(z.string(), loadFiguresSchema),
  cpuPercent: nonNegative.optional(),
  memoryMB: nonNegative.optional(),
});

/** The stress suite's account of one scenario. */
export const stressRunSchema = z.object({
  name: z.string(),
  model: z.enum(['open', 'closed']),
  /** The kinds of the mix with their weights. */
  mix: z.array(
    z.object({ name: z.string(), weight: nonNegative, method: z.string(), path: z.string() }),
  ),
  limits: z.object({ errorRate: z.number().min(0).max(1), p95Ms: nonNegative }),
  untilBreak: z.boolean(),
  phases: z.array(stressPhaseRowSchema),
  capacity: z.object({
    /** Highest level that held (0: not even the first). */
    level: nonNegative,
    /** Answered requests per second at that level. */
    rps: nonNegative,
    /** The first level that broke, and why; absent when every level tried held. */
    brokeAt: z.object({ level: nonNegative, reason: z.string() }).optional(),
  }),
  /** Absent when there was no peak to recover from (a single phase). */
  recovery: z
    .object({
      /** p95 of the first stage, the reference, in ms. */
      prePeakP95Ms: nonNegative,
      /** How far above it still counts as recovered, in ms (20 %, at least 1 ms). */
      toleranceMs: nonNegative,
      cooldownMs: nonNegative,
      isRecovered: z.boolean(),
      /** Seconds from the start of the cool-down until p95 was back; absent when it never was. */
      seconds: nonNegative.optional(),
    })
    .optional(),
  /** The service over the whole run (percent of one core, MB), when a resource monitor watched it. */
  resources: resourceFiguresSchema.optional(),
  /** Set when the load generator's CPU was saturated at the break: the capacity is a lower bound. */
  generatorSaturated: z.boolean().optional(),
  /** What became of the requests of every phase together. */
  totals: requestTotalsSchema,
  /** The time series ([] in baseline records). */
  seconds: z.array(stressSecondSchema),
});

// --- the video suite (results.json `video`) ---

/** How a stress level reads: arrivals per second (open model) or connections (closed model). */
export function levelUnit(model: StressRun['model']): string {
  return model === 'open' ? 'req/s' : 'connections';
}

/** Figures of a set of requests (one phase or one second), over all kinds or one kind. */
export type LoadFigures = z.infer<typeof loadFiguresSchema>;
/** One phase of the run as the report shows it. */
export type StressPhaseRow = z.infer<typeof stressPhaseRowSchema>;
/** One second of the run: the time series. */
export type StressSecond = z.infer<typeof stressSecondSchema>;
/** The stress suite's account of one scenario. */
export type StressRun = z.infer<typeof stressRunSchema>;
