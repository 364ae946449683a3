// Wait until the target answers, before any load is sent. Polls with a growing pause and a short
// per-attempt timeout, and stops early when the caller knows the service has died.

import { setTimeout as sleep } from 'node:timers/promises';
import { TargetError } from '../errors.ts';
import { joinUrl } from './base-url.ts';
import { describeHttpError, formatDuration } from './http.ts';
import { sendRequest } from './http-client.ts';

/** How to wait for the target. */
export interface WaitForHealthOptions {
  /** base URL of the target, e.g. `http://127.0.0.1:8000` (may carry a path prefix) */
  url: string;
  /**
   * health path starting with `/`, joined to `url`; a 2xx answer counts as healthy. Without it,
   * `url` itself is polled and any HTTP answer (even 404 or 500) counts as up.
   */
  health?: string;
  /**
   * give up after this long, in milliseconds (the config's `target.wait`); the last attempt may
   * run past it by up to min(attemptTimeoutMs, 1000)
   */
  timeoutMs: number;
  /** first pause between attempts, in milliseconds; doubles up to `maxIntervalMs` (default 250) */
  intervalMs?: number;
  /** longest pause between attempts, in milliseconds (default 2000) */
  maxIntervalMs?: number;
  /** per-attempt timeout, in milliseconds, never beyond the overall deadline (default 5000) */
  attemptTimeoutMs?: number;
  /** aborting it stops the wait; the promise then rejects with `signal.reason` */
  signal?: AbortSignal;
  /**
   * Checked before and after every attempt and during pauses (every 100 ms at most): returns a
   * reason when waiting is pointless, e.g. the started service has already exited. The reason
   * becomes the start of the TargetError's message.
   */
  isAlive?: () => string | undefined;
  /** monotonic clock in milliseconds (default `performance.now`), injectable for tests */
  now?: () => number;
}

/** How the wait went. */
export interface HealthWaitResult {
  /** time from the first attempt until the healthy answer, in milliseconds */
  elapsedMs: number;
  /** number of requests sent, the successful one included */
  attempts: number;
}

type ProbeOutcome = { isUp: true } | { isUp: false; last: string };

/** Shortest per-attempt timeout near the deadline, in milliseconds (capped by attemptTimeoutMs). */
const minAttemptMs = 1000;
/** Longest slice of a pause, in milliseconds, so that `isAlive` is consulted promptly. */
const pauseSliceMs = 100;

/**
 * Poll the target until it is healthy (see {@link WaitForHealthOptions.health}). Resolves with
 * the elapsed time and attempt count; throws a one-line `TargetError` naming the URL and the last
 * error or answer seen when `timeoutMs` passes or `isAlive` gives a reason.
 */
export async function waitForHealth(options: WaitForHealthOptions): Promise<HealthWaitResult> {
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 250;
  const maxIntervalMs = Math.max(intervalMs, options.maxIntervalMs ?? 2000);
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
  const { signal, isAlive } = options;
  const isAnyAnswerUp = options.health === undefined;
  const target = isAnyAnswerUp ? options.url : joinUrl(options.url, options.health ?? '');
  if (!URL.canParse(target)) throw new TargetError(`target URL '${target}' is not a valid URL`);

  const started = now();
  const deadline = started + options.timeoutMs;
  let attempts = 0;
  let last: string | undefined;
  const stopIfDead = (): void => {
    const reason = isAlive?.();
    if (reason === undefined) return;
    throw new TargetError(last === undefined ? reason : `${reason} (${target}: ${last})`);
  };

  let pauseMs = intervalMs;
  for (;;) {
    signal?.throwIfAborted();
    stopIfDead();
    attempts += 1;
    // Near the deadline an attempt still gets a fair chance (up to 1 s past it): a 1 ms budget
    // would only replace the last real answer with a meaningless timeout.
    const budgetMs = Math.min(attemptTimeoutMs, Math.max(deadline - now(), minAttemptMs));
    const outcome = await probe(target, budgetMs, isAnyAnswerUp, signal);
    if (outcome.isUp) return { elapsedMs: now() - started, attempts };
    last = outcome.last;
    stopIfDead();
    const remainingMs = deadline - now();
    if (remainingMs <= 0) {
      throw new TargetError(
        `target ${target} not healthy after ${formatDuration(options.timeoutMs)}: ${last}`,
      );
    }
    await pause(Math.min(pauseMs, remainingMs), isAlive, signal);
    pauseMs = Math.min(pauseMs * 2, maxIntervalMs);
  }
}

/** One request; the body is discarded so that the connection is released at once. */
async function probe(
  url: string,
  timeoutMs: number,
  isAnyAnswerUp: boolean,
  outer: AbortSignal | undefined,
): Promise<ProbeOutcome> {
  try {
    const answer = await sendRequest(url, {
      method: 'GET',
      timeoutMs,
      readBody: false,
      ...(outer ? { signal: outer } : {}),
    });
    if (isAnyAnswerUp || (answer.status >= 200 && answer.status < 300)) return { isUp: true };
    return { isUp: false, last: `last answer: ${answer.status}` };
  } catch (error) {
    outer?.throwIfAborted();
    return { isUp: false, last: `last error: ${describeHttpError(error, timeoutMs)}` };
  }
}

/** Sleep `ms`, in slices, returning early when `isAlive` gives a reason. */
async function pause(
  ms: number,
  isAlive: (() => string | undefined) | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  let leftMs = ms;
  while (leftMs > 0) {
    const sliceMs = Math.ceil(Math.min(leftMs, pauseSliceMs));
    try {
      await sleep(sliceMs, undefined, signal ? { signal } : undefined);
    } catch (error) {
      signal?.throwIfAborted();
      throw error;
    }
    leftMs -= sliceMs;
    if (isAlive?.() !== undefined) return;
  }
}
