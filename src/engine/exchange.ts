// One request/response of the open-model engines as an undici dispatch handler, with its own
// timeout. The body is discarded chunk by chunk, never buffered.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';

/** How an exchange ended: an HTTP status, a timeout, or a socket-level error. */
export type ExchangeOutcome = number | 'timeout' | 'error';

/** Why an exchange ended without a full response. */
export class TimeoutError extends Error {}
class RunAbortedError extends Error {}

/**
 * One request/response as an undici dispatch handler: callbacks instead of a body stream (the body
 * is discarded chunk by chunk, never buffered), and a timer that aborts it after `timeoutMs`.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly #intendedAt: number;
  readonly #settle: (intendedAt: number, outcome: ExchangeOutcome) => void;
  #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | undefined;
  #statusCode = 0;
  #pendingAbort: Error | undefined;
  #isSettled = false;
  /** Called once when the exchange ends, whichever way. */
  onSettled: () => void = () => {};

  constructor(
    intendedAt: number,
    timeoutMs: number,
    settle: (intendedAt: number, outcome: ExchangeOutcome) => void,
  ) {
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

  onResponseData(): void {}

  onResponseEnd(): void {
    this.#finish(this.#statusCode);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#finish(error instanceof TimeoutError ? 'timeout' : 'error');
  }

  #abortWith(reason: Error): void {
    if (this.#isSettled) return;
    if (this.#controller) {
      this.#controller.abort(reason);
      return;
    }
    // Not started yet (still connecting or queued in the pool): settle now, abort when it starts.
    this.#pendingAbort = reason;
    this.#finish(reason instanceof TimeoutError ? 'timeout' : 'error');
  }

  #finish(outcome: ExchangeOutcome): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    clearTimeout(this.#timer);
    this.onSettled();
    this.#settle(this.#intendedAt, outcome);
  }
}
