// Open model: requests arrive on a fixed schedule (the i-th at t0 + i / rate) whether or not the
// earlier ones were answered, and each latency is measured from the request's *intended* send
// time. A service that stalls therefore shows its stall in every request that should have been
// sent meanwhile (no coordinated omission), unlike the closed model.
//
// Scheduling precision: a timer sleeps until ~2 ms before the next intended time (timers are
// millisecond-grained and often late by up to ~1 ms), then setImmediate turns (which still let
// I/O through) spin until it is due; whatever is overdue goes out in one batch.
import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { EngineError } from '../errors.ts';
import { cpuPercentSince, isOkStatus, joinUrl } from './common.ts';
import { Exchange } from './exchange.ts';
import { LatencyHistogram } from './histogram.ts';
import type { EngineRunResult, OpenRunOptions } from './types.ts';

/** Sleep with a timer only while the next send is further away than this, in ms. */
const SPIN_WINDOW_MS = 2;
/** A send leaving later than its intended time by more than this (ms) counts as late. */
const LATE_AFTER_MS = 1;

function validateOpenOptions(options: OpenRunOptions): void {
  const { rate, durationMs, maxInFlight, timeoutMs } = options;
  if (!(rate > 0 && Number.isFinite(rate))) {
    throw new EngineError(`open model: rate must be > 0 requests/s, got ${rate}`);
  }
  if (!(durationMs > 0 && Number.isFinite(durationMs))) {
    throw new EngineError(`open model: durationMs must be > 0, got ${durationMs}`);
  }
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new EngineError(`open model: maxInFlight must be an integer >= 1, got ${maxInFlight}`);
  }
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new EngineError(`open model: timeoutMs must be > 0, got ${timeoutMs}`);
  }
}

/** Number of sends the schedule holds: intended times t0 + i / rate that fall before t0 + durationMs. */
export function countScheduledSends(rate: number, durationMs: number): number {
  // The epsilon keeps an exact product (100/s for 2000 ms = 200) from rounding up to 201.
  return Math.ceil((rate * durationMs) / 1000 - 1e-9);
}

/**
 * Runs the open model: `rate` requests per second for `durationMs`, each measured from its intended
 * send time, with at most `maxInFlight` in flight (the rest wait in a FIFO backlog, counted late;
 * those still waiting when the duration ends are dropped). After the last send it waits for the
 * requests in flight (each bounded by `timeoutMs`, counted from its actual send).
 *
 * @throws EngineError when the options are invalid.
 */
export async function runOpen(options: OpenRunOptions): Promise<EngineRunResult> {
  validateOpenOptions(options);
  const { request, rate, durationMs, maxInFlight, timeoutMs, signal } = options;
  const url = joinUrl(options.baseUrl, request.path);
  const dispatchOptions: Dispatcher.DispatchOptions = {
    path: `${url.pathname}${url.search}`,
    method: request.method.toUpperCase() as Dispatcher.HttpMethod,
    headers: request.headers,
    body: request.body ?? null,
  };
  const pool = new Pool(url.origin, {
    connections: maxInFlight,
    pipelining: 1,
    // Our own per-request timer (below) is the only timeout.
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  const histogram = LatencyHistogram.create();
  const statusCodes: Record<string, number> = {};
  let sent = 0;
  let completed = 0;
  let ok = 0;
  let socketErrors = 0;
  let timeouts = 0;
  let late = 0;
  let dropped = 0;
  let lastSettledAt = 0;

  const intervalMs = 1000 / rate;
  const total = countScheduledSends(rate, durationMs);
  // Intended send times waiting for a free in-flight slot; `backlogHead` makes shift() O(1).
  let backlog: number[] = [];
  let backlogHead = 0;
  let inFlight = 0;
  const inFlightExchanges = new Set<Exchange>();
  let isSending = true;
  let isAborted = false;
  let abortedAt = 0;
  let nextIndex = 0;
  let scheduleTimer: NodeJS.Timeout | undefined;
  let endTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const maybeFinish = (): void => {
    if (!isSending && inFlight === 0) finish();
  };

  /** Settles one request: counts it, records its latency from the intended time, frees its slot. */
  const settle = (intendedAt: number, outcome: number | 'timeout' | 'error'): void => {
    inFlight -= 1;
    if (!isAborted) {
      const now = performance.now();
      lastSettledAt = now;
      if (outcome === 'error') {
        socketErrors += 1;
      } else {
        histogram.recordMillis(now - intendedAt);
        if (outcome === 'timeout') {
          timeouts += 1;
        } else {
          completed += 1;
          if (isOkStatus(outcome)) ok += 1;
          const code = String(outcome);
          statusCodes[code] = (statusCodes[code] ?? 0) + 1;
        }
      }
    }
    sendFromBacklog();
    maybeFinish();
  };

  const send = (intendedAt: number): void => {
    const sentAt = performance.now();
    if (sentAt - intendedAt > LATE_AFTER_MS) late += 1;
    sent += 1;
    inFlight += 1;
    const exchange = new Exchange(intendedAt, timeoutMs, settle);
    inFlightExchanges.add(exchange);
    exchange.onSettled = () => inFlightExchanges.delete(exchange);
    pool.dispatch(dispatchOptions, exchange);
  };

  const sendFromBacklog = (): void => {
    while (isSending && inFlight < maxInFlight && backlogHead < backlog.length) {
      const intendedAt = backlog[backlogHead] as number;
      backlogHead += 1;
      send(intendedAt);
    }
    if (backlogHead > 1024 && backlogHead * 2 > backlog.length) {
      backlog = backlog.slice(backlogHead);
      backlogHead = 0;
    }
  };

  const startedAt = performance.now();
  const cpuStart = process.cpuUsage();
  const t0 = startedAt;

  /** Sends (or backlogs) every scheduled request whose intended time has come. */
  const dispatchDue = (now: number): void => {
    while (nextIndex < total && t0 + nextIndex * intervalMs <= now) {
      const intendedAt = t0 + nextIndex * intervalMs;
      nextIndex += 1;
      if (inFlight < maxInFlight && backlogHead === backlog.length) send(intendedAt);
      else backlog.push(intendedAt);
    }
  };

  const tick = (): void => {
    scheduleTimer = undefined;
    if (!isSending) return;
    dispatchDue(performance.now());
    if (nextIndex >= total) return;
    const waitMs = t0 + nextIndex * intervalMs - performance.now();
    if (waitMs > SPIN_WINDOW_MS) scheduleTimer = setTimeout(tick, waitMs - SPIN_WINDOW_MS);
    else setImmediate(tick);
  };

  const endSending = (): void => {
    endTimer = undefined;
    if (!isSending) return;
    if (!isAborted) {
      const now = performance.now();
      // Timers may fire a little early (millisecond clock); the end must not cut a last send.
      if (now < t0 + durationMs) {
        endTimer = setTimeout(endSending, 1);
        return;
      }
      // It may also beat the scheduler's last turn: the remaining sends are overdue by now.
      dispatchDue(now);
    }
    isSending = false;
    dropped += backlog.length - backlogHead;
    backlog = [];
    backlogHead = 0;
    maybeFinish();
  };

  const onAbort = (): void => {
    if (!isSending && inFlight === 0) return;
    abortedAt = performance.now();
    isAborted = true;
    endSending();
    for (const exchange of inFlightExchanges) exchange.abort();
  };

  try {
    if (signal?.aborted) onAbort();
    else {
      signal?.addEventListener('abort', onAbort, { once: true });
      endTimer = setTimeout(endSending, durationMs);
      tick();
    }
    await finished;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (scheduleTimer) clearTimeout(scheduleTimer);
    if (endTimer) clearTimeout(endTimer);
    await pool.destroy().catch(() => {});
  }

  const finishedAt = performance.now();
  const endAt = abortedAt || Math.max(lastSettledAt, t0 + durationMs);
  const elapsedMs = Math.max(endAt - t0, 0);
  return {
    model: 'open',
    histogram,
    statusCodes,
    sent,
    completed,
    ok,
    socketErrors,
    timeouts,
    late,
    dropped,
    elapsedMs,
    targetRate: rate,
    achievedRate: elapsedMs > 0 ? (completed * 1000) / elapsedMs : 0,
    generatorCpuPercent: cpuPercentSince(cpuStart, finishedAt - startedAt),
  };
}
