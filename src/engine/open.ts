// Open model: requests arrive on a fixed schedule (the i-th at t0 + i / rate) whether or not the
// earlier ones were answered, and each latency is measured from the request's *intended* send
// time. A service that stalls therefore shows its stall in every request that should have been
// sent meanwhile (no coordinated omission), unlike the closed model.
//
// Scheduling precision: a timer sleeps until ~2 ms before the next intended time (timers are
// millisecond-grained and often late by up to ~1 ms), then setImmediate turns (which still let
// I/O through) spin until it is due; whatever is overdue goes out in one batch.
//
// Memory does not grow with the rate: the arrivals waiting for a free in-flight slot are always a
// run of consecutive schedule indexes, so the backlog is two integers, not a list.
import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { joinUrl, validateRequest } from './common.ts';
import { Exchange, type ExchangeOutcome } from './exchange.ts';
import { MAX_CONNECTIONS, requireCount, requireMillis, requireRate } from './limits.ts';
import { RunTally, resultOf } from './run-tally.ts';
import type { EngineRunResult, OpenRunOptions } from './types.ts';

/** Sleep with a timer only while the next send is further away than this, in ms. */
const SPIN_WINDOW_MS = 2;
/** A send leaving later than its intended time by more than this (ms) counts as late. */
const LATE_AFTER_MS = 1;

const WHAT = 'open model';

function validateOpenOptions(options: OpenRunOptions): void {
  requireRate(WHAT, 'rate', options.rate);
  requireMillis(WHAT, 'durationMs', options.durationMs);
  requireCount(WHAT, 'maxInFlight', options.maxInFlight, MAX_CONNECTIONS);
  requireMillis(WHAT, 'timeoutMs', options.timeoutMs);
  validateRequest(WHAT, options.request);
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
 * requests in flight (each bounded by `timeoutMs`, counted from its actual send), so a run lasts
 * at most durationMs plus one timeout.
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

  const tally = new RunTally();
  const intervalMs = 1000 / rate;
  const total = countScheduledSends(rate, durationMs);
  // Schedule indexes: [backlogStart, nextIndex) are due and wait for a free slot; from nextIndex
  // on they are not due yet.
  let backlogStart = 0;
  let nextIndex = 0;
  let inFlight = 0;
  const inFlightExchanges = new Set<Exchange>();
  let isSending = true;
  let isAborted = false;
  let abortedAt = 0;
  let scheduleTimer: NodeJS.Timeout | undefined;
  let endTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const maybeFinish = (): void => {
    if (!isSending && inFlight === 0) finish();
  };

  const startedAt = performance.now();
  const cpuStart = process.cpuUsage();
  const t0 = startedAt;
  const intendedAt = (index: number): number => t0 + index * intervalMs;

  /** Settles one request: counts it, records its latency from the intended time, frees its slot. */
  const settle = (exchange: Exchange, outcome: ExchangeOutcome, bodyBytes: number): void => {
    inFlight -= 1;
    inFlightExchanges.delete(exchange);
    const now = performance.now();
    tally.record(isAborted ? 'aborted' : outcome, now - exchange.intendedAt, bodyBytes, now);
    sendFromBacklog();
    maybeFinish();
  };

  const send = (index: number): void => {
    const intended = intendedAt(index);
    if (performance.now() - intended > LATE_AFTER_MS) tally.late += 1;
    tally.sent += 1;
    inFlight += 1;
    const exchange = new Exchange(intended, timeoutMs, settle);
    inFlightExchanges.add(exchange);
    pool.dispatch(dispatchOptions, exchange);
  };

  const sendFromBacklog = (): void => {
    while (isSending && inFlight < maxInFlight && backlogStart < nextIndex) {
      send(backlogStart);
      backlogStart += 1;
    }
  };

  /** The first schedule index not yet due at `now`. */
  const firstNotDue = (now: number): number => {
    let index = Math.min(total, Math.max(nextIndex, Math.floor((now - t0) / intervalMs) + 1));
    // Float rounding may put the estimate one off either way.
    while (index > nextIndex && intendedAt(index - 1) > now) index -= 1;
    while (index < total && intendedAt(index) <= now) index += 1;
    return index;
  };

  /** Sends every scheduled request whose intended time has come, as far as slots allow. */
  const dispatchDue = (now: number): void => {
    const due = firstNotDue(now);
    while (nextIndex < due && backlogStart === nextIndex && inFlight < maxInFlight) {
      send(nextIndex);
      nextIndex += 1;
      backlogStart = nextIndex;
    }
    // The rest join the backlog.
    nextIndex = due;
  };

  const tick = (): void => {
    scheduleTimer = undefined;
    if (!isSending) return;
    dispatchDue(performance.now());
    if (nextIndex >= total) return;
    const waitMs = intendedAt(nextIndex) - performance.now();
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
    // Those still waiting for a slot were issued and never sent.
    const waiting = nextIndex - backlogStart;
    tally.sent += waiting;
    tally.dropped += waiting;
    backlogStart = nextIndex;
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
  const endAt = abortedAt || Math.max(tally.lastOutcomeAt, t0 + durationMs);
  return resultOf(tally, {
    model: 'open',
    elapsedMs: endAt - t0,
    cpuStart,
    cpuWallMs: finishedAt - startedAt,
    targetRate: rate,
  });
}
