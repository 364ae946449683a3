// One request/response of the load engines as an undici dispatch handler, with its own timeout.
// The body is discarded chunk by chunk as it streams (its bytes counted), never buffered, so an
// answer of any size costs no more memory than one chunk.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';

/**
 * How an exchange ended: an HTTP status (the whole body received), a timeout, a socket-level error
 * (refused, reset, closed before the whole answer came), or `aborted` by the run itself.
 */
export type ExchangeOutcome = number | 'timeout' | 'error' | 'aborted';

/** Called once when an exchange ends: its intended send time, outcome and body bytes received. */
export type SettleExchange = (
  intendedAt: number,
  outcome: ExchangeOutcome,
  bodyBytes: number,
) => void;

/** Why an exchange ended without a full response. */
export class TimeoutError extends Error {}
class RunAbortedError extends Error {}

/**
 * One request/response as an undici dispatch handler: callbacks instead of a body stream (the body
 * is discarded chunk by chunk, never buffered), and a timer that aborts it after `timeoutMs`.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly #intendedAt: number;
  readonly #settle: SettleExchange;
  #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | undefined;
  #statusCode = 0;
  #pendingAbort: Error | undefined;
  #isSettled = false;
  #bodyBytes = 0;
  /** Called once when the exchange ends, whichever way. */
  onSettled: () => void = () => {};

  constructor(intendedAt: number, timeoutMs: number, settle: SettleExchange) {
    this.#intendedAt = intendedAt;
    this.#settle = settle;
    this.#timer = this.#armTimeout(performance.now() + timeoutMs);
  }

  /** Times out at `deadline` (performance.now() ms), never before: timers may fire ~1 ms early. */
  #armTimeout(deadline: number): NodeJS.Timeout {
    return setTimeout(
      () => {
        const remainingMs = deadline - performance.now();
        if (remainingMs > 0) this.#timer = this.#armTimeout(deadline);
        else this.#abortWith(new TimeoutError('timeout'));
      },
      Math.max(1, deadline - performance.now()),
    );
  }

  /** Ends the exchange now without counting it (the run was aborted). */
  abort(): void {
    this.#abortWith(new RunAbortedError('run aborted'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#pendingAbort) controller.abort(this.#pendingAbort);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.#statusCode = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bodyBytes += chunk.length;
  }

  onResponseEnd(): void {
    this.#finish(this.#statusCode);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#finish(outcomeOf(error));
  }

  #abortWith(reason: Error): void {
    if (this.#isSettled) return;
    if (this.#controller) {
      this.#controller.abort(reason);
      return;
    }
    // Not started yet (still connecting or queued in the pool): settle now, abort when it starts.
    this.#pendingAbort = reason;
    this.#finish(outcomeOf(reason));
  }

  #finish(outcome: ExchangeOutcome): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    clearTimeout(this.#timer);
    this.onSettled();
    this.#settle(this.#intendedAt, outcome, this.#bodyBytes);
  }
}

function outcomeOf(error: Error): ExchangeOutcome {
  if (error instanceof TimeoutError) return 'timeout';
  return error instanceof RunAbortedError ? 'aborted' : 'error';
}
