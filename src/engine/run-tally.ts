// The one tally of request outcomes, for every load model: closed.ts and open.ts keep one per
// run, staged.ts one per request kind in each phase and in each second. A request is counted as
// sent when it ends, together with its one outcome, so `sent = ok + errorStatus + socketErrors +
// timeouts + dropped` holds at every moment, not only once the run is over.
import { addStatusCodes, cpuPercentSince, isOkStatus } from './common.ts';
import type { ExchangeOutcome } from './exchange.ts';
import { LatencyHistogram } from './histogram.ts';
import type { EngineRunResult, RequestCounts } from './types.ts';

/** The counts that add up across tallies (`completed` and `failed` follow from them). */
const SUMMED_FIELDS = [
  'sent',
  'ok',
  'errorStatus',
  'socketErrors',
  'timeouts',
  'dropped',
  'late',
  'bodyBytes',
] as const;

export class RunTally implements RequestCounts {
  /** Latencies of the answers and of the timeouts, in µs (socket errors and drops have none). */
  readonly histogram = LatencyHistogram.create();
  readonly statusCodes: Record<string, number> = {};
  sent = 0;
  ok = 0;
  errorStatus = 0;
  socketErrors = 0;
  timeouts = 0;
  dropped = 0;
  late = 0;
  bodyBytes = 0;
  /** performance.now() of the last outcome from the service; 0 before any. */
  lastOutcomeAt = 0;

  /**
   * Counts one ended request as sent, with its outcome. `latencyMs` is from its intended (open)
   * or actual (closed) send time; `aborted` means the run ended it, or never sent it: dropped.
   */
  record(outcome: ExchangeOutcome, latencyMs: number, bodyBytes: number, now: number): void {
    this.sent += 1;
    this.bodyBytes += bodyBytes;
    if (outcome === 'aborted') {
      this.dropped += 1;
      return;
    }
    this.lastOutcomeAt = now;
    if (outcome === 'error') {
      this.socketErrors += 1;
      return;
    }
    this.histogram.recordMillis(latencyMs);
    if (outcome === 'timeout') {
      this.timeouts += 1;
      return;
    }
    if (isOkStatus(outcome)) this.ok += 1;
    else this.errorStatus += 1;
    const code = String(outcome);
    this.statusCodes[code] = (this.statusCodes[code] ?? 0) + 1;
  }

  /** Counts `count` requests the run issued and will never send (a cap ended it first): dropped. */
  drop(count: number): void {
    this.sent += count;
    this.dropped += count;
  }

  /** Adds the counts and latencies of `other` into this tally. */
  add(other: RunTally): void {
    this.histogram.add(other.histogram);
    addStatusCodes(this.statusCodes, other.statusCodes);
    for (const field of SUMMED_FIELDS) this[field] += other[field];
    this.lastOutcomeAt = Math.max(this.lastOutcomeAt, other.lastOutcomeAt);
  }

  /** Requests answered with any HTTP status. */
  get completed(): number {
    return this.ok + this.errorStatus;
  }

  /**
   * Failed requests: every outcome but an ok answer, so `sent - ok`. Dropped ones count: the
   * service held the slots they waited for, or the run gave up on them, and either way their user
   * got no answer.
   */
  get failed(): number {
    return this.errorStatus + this.socketErrors + this.timeouts + this.dropped;
  }
}

/** The engine result of a tally; `elapsedMs` is the measured wall time, `cpuWallMs` the CPU's. */
export function resultOf(
  tally: RunTally,
  run: {
    model: EngineRunResult['model'];
    elapsedMs: number;
    cpuStart: NodeJS.CpuUsage;
    cpuWallMs: number;
    targetRate?: number;
    connections?: number;
    cappedAtMs?: number;
  },
): EngineRunResult {
  const elapsedMs = Math.max(run.elapsedMs, 0);
  return {
    model: run.model,
    histogram: tally.histogram,
    statusCodes: tally.statusCodes,
    sent: tally.sent,
    completed: tally.completed,
    ok: tally.ok,
    errorStatus: tally.errorStatus,
    socketErrors: tally.socketErrors,
    timeouts: tally.timeouts,
    late: tally.late,
    dropped: tally.dropped,
    bodyBytes: tally.bodyBytes,
    ...(run.cappedAtMs !== undefined ? { cappedAtMs: run.cappedAtMs } : {}),
    elapsedMs,
    ...(run.targetRate !== undefined ? { targetRate: run.targetRate } : {}),
    achievedRate: elapsedMs > 0 ? (tally.completed * 1000) / elapsedMs : 0,
    ...(run.connections !== undefined ? { connections: run.connections } : {}),
    generatorCpuPercent: cpuPercentSince(run.cpuStart, run.cpuWallMs),
  };
}
