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

/** Called once when an exchange ends, with its outcome and the body bytes it received. */
export type SettleExchange = (
  exchange: Exchange,
  outcome: ExchangeOutcome,
  bodyBytes: number,
) => void;

/** Why an exchange ended without a full response. */
export class TimeoutError extends Error {}
class RunAbortedError extends Error {}

/**
 * One request/response as an undici dispatch handler: callbacks instead of a body stream (the body
 * is discarded chunk by chunk, never buffered), and a timer that aborts it after `timeoutMs`; or,
 * without `timeoutMs`, no timer of its own: its owner calls {@link Exchange.timeOut} (the closed
 * model keeps one timer per connection rather than one per request).
 */
export class Exchange implements Dispatcher.DispatchHandler {
  /** When the request was meant to leave (performance.now() ms); latency counts from it. */
  readonly intendedAt: number;
  readonly #settle: SettleExchange;
  #timer: NodeJS.Timeout | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #statusCode = 0;
  #pendingAbort: Error | undefined;
  #isSettled = false;
  #bodyBytes = 0;

  constructor(intendedAt: number, timeoutMs: number | undefined, settle: SettleExchange) {
    this.intendedAt = intendedAt;
    this.#settle = settle;
    if (timeoutMs !== undefined) this.#timer = this.#armTimeout(performance.now() + timeoutMs);
  }

  /** Times out at `deadline` (performance.now() ms), never before: timers may fire ~1 ms early. */
  #armTimeout(deadline: number): NodeJS.Timeout {
    return setTimeout(
      () => {
        const remainingMs = deadline - performance.now();
        if (remainingMs > 0) this.#timer = this.#armTimeout(deadline);
        else this.timeOut();
      },
      Math.max(1, deadline - performance.now()),
    );
  }

  /** Ends the exchange now as a timeout. */
  timeOut(): void {
    this.#abortWith(new TimeoutError('timeout'));
  }

  /** Ends the exchange now as `aborted`: the run was aborted. */
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
    if (this.#timer) clearTimeout(this.#timer);
    this.#settle(this, outcome, this.#bodyBytes);
  }
}

function outcomeOf(error: Error): ExchangeOutcome {
  if (error instanceof TimeoutError) return 'timeout';
  return error instanceof RunAbortedError ? 'aborted' : 'error';
}
