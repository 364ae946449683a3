// Closed model: N connections, each sending its next request as soon as its last one ended.
//
// One undici Client per connection (pipelining 1) driven through the callback-style dispatch API:
// the next request leaves from the end callback of the previous one, with no Promise per request
// and one timer per connection, which keeps the generator as cheap per request as autocannon.
// Each request is an Exchange (exchange.ts): the body is counted and discarded chunk by chunk, and
// its connection's timer ends it at timeoutMs. undici never sends a written request again: when
// the connection closes or resets under it, the request ends as a socket error (one not yet
// written when an idle socket closed is written on a new connection, so the service still sees
// it once).
//
// The end of a run: at the deadline (durationMs, or with a request count the cap) no connection
// sends again, and the requests in flight finish, each bounded by timeoutMs. So a run lasts at
// most its sending window plus one timeout, and the slow requests in flight at the end are
// measured too.
import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';
import { EngineError } from '../errors.ts';
import { joinUrl, validateRequest } from './common.ts';
import { Exchange, type ExchangeOutcome } from './exchange.ts';
import {
  MAX_CONNECTIONS,
  MAX_REQUESTS,
  MAX_TIMER_MS,
  requireCount,
  requireMillis,
} from './limits.ts';
import { RunTally, resultOf } from './run-tally.ts';
import type { ClosedRunOptions, EngineRunResult } from './types.ts';

/** The shortest wall-clock cap of a run with a request count, in ms. */
const MIN_REQUESTS_CAP_MS = 60_000;

/**
 * The wall-clock cap of a closed-model run with a request count, in ms: 60 s, or three timeouts
 * when that is longer. A healthy service answers a round's requests well within it; a service
 * that hangs no longer holds a round for requests / connections x timeout. Requests not sent by
 * then count as dropped.
 */
export function requestsCapMs(timeoutMs: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(MIN_REQUESTS_CAP_MS, 3 * timeoutMs));
}

const WHAT = 'closed model';

function validateClosedOptions(options: ClosedRunOptions): void {
  const { connections, durationMs, requests, timeoutMs, capMs } = options;
  requireCount(WHAT, 'connections', connections, MAX_CONNECTIONS);
  if ((durationMs === undefined) === (requests === undefined)) {
    throw new EngineError(`${WHAT}: set exactly one of durationMs and requests`);
  }
  if (durationMs !== undefined) requireMillis(WHAT, 'durationMs', durationMs);
  if (requests !== undefined) requireCount(WHAT, 'requests', requests, MAX_REQUESTS);
  if (capMs !== undefined) requireMillis(WHAT, 'capMs', capMs);
  requireMillis(WHAT, 'timeoutMs', timeoutMs);
  validateRequest(WHAT, options.request);
}

/** What the connections of one run share. */
interface RunState {
  readonly tally: RunTally;
  readonly timeoutMs: number;
  readonly dispatchOptions: Dispatcher.DispatchOptions;
  readonly isAborted: () => boolean;
  /** Counts a request as issued and says true, or says false when the run sends no more. */
  readonly issue: () => boolean;
  /** A connection has sent its last request and that request has ended. */
  readonly onConnectionDone: () => void;
}

/**
 * One connection: its client, its request in flight, and one timer for all its requests
 * (refreshed as each leaves), so a request costs one small handler object and no timer of its own.
 */
class Connection {
  readonly #client: Client;
  readonly #run: RunState;
  #current: Exchange | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Set when the timer fired a little early (timers are millisecond-grained): the rest of the wait. */
  #retry: NodeJS.Timeout | undefined;
  #isDispatching = false;

  constructor(client: Client, run: RunState) {
    this.#client = client;
    this.#run = run;
  }

  /** Sends the next request, or ends this connection when the run sends no more. */
  readonly sendNext = (): void => {
    const run = this.#run;
    if (!run.issue()) {
      if (this.#timer) clearTimeout(this.#timer);
      run.onConnectionDone();
      return;
    }
    const exchange = new Exchange(performance.now(), undefined, this.#settle);
    this.#current = exchange;
    if (this.#timer) this.#timer.refresh();
    else this.#timer = setTimeout(this.#onTimer, run.timeoutMs);
    this.#isDispatching = true;
    this.#client.dispatch(run.dispatchOptions, exchange);
    this.#isDispatching = false;
  };

  /** Ends the request in flight as dropped (the run was aborted). */
  abort(): void {
    this.#current?.abort();
  }

  readonly #settle = (exchange: Exchange, outcome: ExchangeOutcome, bodyBytes: number): void => {
    const run = this.#run;
    this.#current = undefined;
    if (this.#retry) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
    }
    const now = performance.now();
    // A timeout waited timeoutMs: its timer may fire late on a busy machine, the wait did not.
    const latencyMs = outcome === 'timeout' ? run.timeoutMs : now - exchange.intendedAt;
    run.tally.record(run.isAborted() ? 'aborted' : outcome, latencyMs, bodyBytes, now);
    // After an answer the next request leaves at once (undici writes it once the answer is fully
    // handled). After a failure, undici may still be failing its queue (a connect error fails
    // every queued request in one loop that must not see a new one), and a request refused
    // inside dispatch would recurse: the next one waits for the next turn.
    if (typeof outcome === 'number' && !this.#isDispatching) this.sendNext();
    else setImmediate(this.sendNext);
  };

  /** Times the request in flight out once it is due, never before. */
  readonly #onTimer = (): void => {
    this.#retry = undefined;
    const exchange = this.#current;
    if (!exchange) return;
    const leftMs = exchange.intendedAt + this.#run.timeoutMs - performance.now();
    if (leftMs > 0) this.#retry = setTimeout(this.#onTimer, Math.max(1, leftMs));
    else exchange.timeOut();
  };
}

/**
 * Runs the closed model: `connections` keep-alive connections, each sending its next request when
 * its last one ended, for `durationMs`, or until `requests` were sent (within `capMs`). Every
 * response (any status) is recorded in microseconds; each timeout at `timeoutMs`.
 *
 * @throws EngineError when the options are invalid.
 */
export async function runClosed(options: ClosedRunOptions): Promise<EngineRunResult> {
  validateClosedOptions(options);
  const { request, timeoutMs, signal } = options;
  const url = joinUrl(options.baseUrl, request.path);
  const planned = options.requests;
  // More connections than requests would only open idle sockets.
  const connectionCount =
    planned === undefined ? options.connections : Math.min(options.connections, planned);
  const windowMs = options.durationMs ?? options.capMs ?? requestsCapMs(timeoutMs);

  const tally = new RunTally();
  /** Requests issued so far; the tally counts each once it has ended. */
  let issued = 0;
  let isSending = true;
  let isAborted = false;
  let abortedAt = 0;
  let cappedAtMs: number | undefined;
  let running = connectionCount;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const run: RunState = {
    tally,
    timeoutMs,
    dispatchOptions: {
      path: `${url.pathname}${url.search}`,
      method: request.method.toUpperCase() as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body ?? null,
    },
    isAborted: () => isAborted,
    issue: () => {
      if (!isSending || (planned !== undefined && issued >= planned)) return false;
      issued += 1;
      return true;
    },
    onConnectionDone: () => {
      running -= 1;
      if (running === 0) finish();
    },
  };
  const clients = Array.from(
    { length: connectionCount },
    () =>
      new Client(url.origin, {
        pipelining: 1,
        // Each connection's own timer is the only timeout.
        headersTimeout: 0,
        bodyTimeout: 0,
      }),
  );
  const connections = clients.map((client) => new Connection(client, run));

  const stopSending = (): void => {
    if (!isSending) return;
    isSending = false;
    if (planned !== undefined && issued < planned && !isAborted) {
      // The cap came first: the requests never sent end here, as dropped.
      cappedAtMs = windowMs;
      tally.drop(planned - issued);
      issued = planned;
    }
  };

  const onAbort = (): void => {
    if (isAborted) return;
    isAborted = true;
    abortedAt = performance.now();
    stopSending();
    for (const connection of connections) connection.abort();
  };

  const cpuStart = process.cpuUsage();
  const startedAt = performance.now();
  const deadline = setTimeout(stopSending, windowMs);
  try {
    if (signal?.aborted) {
      onAbort();
      finish();
    } else {
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const connection of connections) connection.sendNext();
    }
    await finished;
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(clients.map((client) => client.destroy().catch(() => {})));
  }

  const finishedAt = performance.now();
  const endAt = abortedAt || tally.lastOutcomeAt || finishedAt;
  return resultOf(tally, {
    model: 'closed',
    elapsedMs: endAt - startedAt,
    cpuStart,
    cpuWallMs: finishedAt - startedAt,
    connections: connectionCount,
    ...(cappedAtMs !== undefined ? { cappedAtMs } : {}),
  });
}
