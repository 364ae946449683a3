// The counts of one closed- or open-model run. Every request the run issues is counted as sent
// once, and ends here as exactly one outcome, so `sent = ok + errorStatus + socketErrors +
// timeouts + dropped` holds by construction.
import { cpuPercentSince, isOkStatus } from './common.ts';
import type { ExchangeOutcome } from './exchange.ts';
import { LatencyHistogram } from './histogram.ts';
import type { EngineRunResult } from './types.ts';

export class RunTally {
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
   * Counts one ended request. `latencyMs` is from its intended (open) or actual (closed) send
   * time; answers and timeouts go into the histogram, socket errors and aborted requests do not.
   */
  record(outcome: ExchangeOutcome, latencyMs: number, bodyBytes: number, now: number): void {
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

  /** Requests answered with any HTTP status. */
  get completed(): number {
    return this.ok + this.errorStatus;
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
