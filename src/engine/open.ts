// Open model at one fixed rate: requests arrive on a schedule (the i-th at t0 + i / rate) whether or
// not the earlier ones were answered, and each latency is measured from the request's *intended*
// send time, so a service that stalls shows its stall in every request that should have been sent
// meanwhile (no coordinated omission), unlike the closed model. The schedule, the in-flight cap
// and the backlog are arrival-scheduler.ts's; this file sends the requests and counts them.
import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { ArrivalScheduler } from './arrival-scheduler.ts';
import { joinUrl, validateRequest } from './common.ts';
import { Exchange, type ExchangeOutcome } from './exchange.ts';
import { MAX_CONNECTIONS, requireCount, requireMillis, requireRate } from './limits.ts';
import { RunTally, resultOf } from './run-tally.ts';
import type { EngineRunResult, OpenRunOptions } from './types.ts';

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
    // Each exchange's own timer (exchange.ts) is the only timeout.
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  const tally = new RunTally();
  const inFlightExchanges = new Set<Exchange>();
  let isSending = true;
  let isAborted = false;
  let abortedAt = 0;
  let endTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const maybeFinish = (): void => {
    if (!isSending && scheduler.inFlight === 0) finish();
  };

  /** Counts one request, records its latency from the intended time, frees its slot. */
  const settle = (exchange: Exchange, outcome: ExchangeOutcome, bodyBytes: number): void => {
    inFlightExchanges.delete(exchange);
    const now = performance.now();
    tally.record(isAborted ? 'aborted' : outcome, now - exchange.intendedAt, bodyBytes, now);
    scheduler.release();
    maybeFinish();
  };

  const scheduler = new ArrivalScheduler<undefined>({
    maxInFlight,
    handler: {
      send: (intendedAt, _tag, isLate) => {
        if (isLate) tally.late += 1;
        const exchange = new Exchange(intendedAt, timeoutMs, settle);
        inFlightExchanges.add(exchange);
        pool.dispatch(dispatchOptions, exchange);
      },
      // Only dropBacklog() ends an arrival unsent here: the backlog has neither timeout nor limit.
      unsent: (_intendedAt, _tag, outcome, now) => tally.record(outcome, 0, 0, now),
    },
  });

  const startedAt = performance.now();
  const cpuStart = process.cpuUsage();
  const t0 = startedAt;

  const endSending = (): void => {
    endTimer = undefined;
    if (!isSending) return;
    if (isAborted) scheduler.end();
    else {
      const now = performance.now();
      // Timers may fire a little early (millisecond clock); the end must not cut a last send.
      if (now < t0 + durationMs) {
        endTimer = setTimeout(endSending, 1);
        return;
      }
      // It may also beat the scheduler's last turn: the remaining sends are overdue by now.
      scheduler.end(now);
    }
    isSending = false;
    // Those still waiting for a slot were issued and never sent.
    scheduler.dropBacklog();
    maybeFinish();
  };

  const onAbort = (): void => {
    if (!isSending && scheduler.inFlight === 0) return;
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
      scheduler.start(t0, rate, undefined, countScheduledSends(rate, durationMs));
    }
    await finished;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    scheduler.end();
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
