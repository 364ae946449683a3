// Closed model: N connections, each sending its next request as soon as the last one was answered,
// driven by autocannon. autocannon's own histogram is whole milliseconds without p95, so every
// latency goes into our LatencyHistogram from the 'response' event (float ms from
// process.hrtime) and status codes, timeouts and socket errors are counted here too.
//
// The end of a timed run is ours, not autocannon's: autocannon only notices its stop flag on its
// sampling tick and then abandons the requests in flight. At the deadline we instead let each
// connection finish its request in flight (bounded by timeoutMs) and close it, so the slow
// requests that happen to be in flight at the end are measured too, and sent == answered +
// timeouts + socket errors.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { EngineError } from '../errors.ts';
import { cpuPercentSince, isOkStatus, joinUrl } from './common.ts';
import { LatencyHistogram } from './histogram.ts';
import type { ClosedRunOptions, EngineRunResult } from './types.ts';

/** How often autocannon checks whether the run is over, in ms (its default 1 s would add up to 1 s per run). */
const SAMPLE_INTERVAL_MS = 100;
/** Margin on autocannon's own duration, which only backs up our deadline, in seconds. */
const SAFETY_MARGIN_S = 5;

/**
 * The fields of autocannon's per-connection client (lib/httpClient.js, autocannon 9) that this
 * module touches beyond the typed API: `timeout` (ms) is read on every request, and a client closes
 * itself on its next send once `reqsMade >= responseMax` (when responseMax is non-zero).
 */
interface ClientInternals {
  timeout: number;
  responseMax: number;
  reqsMade: number;
}

function isClientInternals(client: object): client is ClientInternals {
  const c = client as Partial<ClientInternals>;
  return (
    typeof c.timeout === 'number' &&
    typeof c.responseMax === 'number' &&
    typeof c.reqsMade === 'number'
  );
}

/** Mutable tallies of one run; frozen (no more counting) once the run is aborted. */
interface Tally {
  histogram: LatencyHistogram;
  statusCodes: Record<string, number>;
  sent: number;
  completed: number;
  ok: number;
  socketErrors: number;
  timeouts: number;
  /** performance.now() of the last answer, timeout or socket error; 0 before any. */
  lastEventAt: number;
}

function validateClosedOptions(options: ClosedRunOptions): void {
  const { connections, durationMs, requests, timeoutMs } = options;
  if (!Number.isInteger(connections) || connections < 1) {
    throw new EngineError(`closed model: connections must be an integer >= 1, got ${connections}`);
  }
  if ((durationMs === undefined) === (requests === undefined)) {
    throw new EngineError('closed model: set exactly one of durationMs and requests');
  }
  if (durationMs !== undefined && !(durationMs > 0 && Number.isFinite(durationMs))) {
    throw new EngineError(`closed model: durationMs must be > 0, got ${durationMs}`);
  }
  if (requests !== undefined && (!Number.isInteger(requests) || requests < 1)) {
    throw new EngineError(`closed model: requests must be an integer >= 1, got ${requests}`);
  }
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new EngineError(`closed model: timeoutMs must be > 0, got ${timeoutMs}`);
  }
}

/**
 * Runs the closed model: `connections` keep-alive connections, each sending its next request when
 * its last one was answered, for `durationMs` or until `requests` were sent. Every response
 * (any status) is recorded in microseconds; each timeout is recorded at `timeoutMs`.
 *
 * @throws EngineError when the options are invalid or autocannon fails to start.
 */
export async function runClosed(options: ClosedRunOptions): Promise<EngineRunResult> {
  validateClosedOptions(options);
  const { request, timeoutMs, signal } = options;
  const url = joinUrl(options.baseUrl, request.path);
  // autocannon refuses fewer requests than connections.
  const connections =
    options.requests === undefined
      ? options.connections
      : Math.min(options.connections, options.requests);

  const tally: Tally = {
    histogram: LatencyHistogram.create(),
    statusCodes: {},
    sent: 0,
    completed: 0,
    ok: 0,
    socketErrors: 0,
    timeouts: 0,
    lastEventAt: 0,
  };
  const clients: ClientInternals[] = [];
  let isCounting = true;
  let abortedAt = 0;

  const cpuStart = process.cpuUsage();
  const startedAt = performance.now();

  const setupClient = (client: autocannon.Client): void => {
    if (!isClientInternals(client)) {
      throw new EngineError(
        'closed model: unsupported autocannon version (client internals changed)',
      );
    }
    // autocannon's own option is whole seconds >= 1; the client reads this field (ms) instead.
    client.timeout = timeoutMs;
    clients.push(client);
    // These events are emitted by the client but missing from its typings.
    const events: NodeJS.EventEmitter = client;
    events.on('request', () => {
      if (isCounting) tally.sent += 1;
    });
    events.on('timeout', () => {
      if (!isCounting) return;
      tally.timeouts += 1;
      tally.histogram.recordMillis(timeoutMs);
      tally.lastEventAt = performance.now();
    });
    events.on('connError', () => {
      if (!isCounting) return;
      tally.socketErrors += 1;
      tally.lastEventAt = performance.now();
    });
  };

  const autocannonOptions: autocannon.Options = {
    url: url.href,
    method: request.method.toUpperCase() as autocannon.Request['method'],
    headers: request.headers,
    connections,
    pipelining: 1,
    // Validation wants >= 1 s; the real per-request timeout is set on each client above.
    timeout: Math.max(1, timeoutMs / 1000),
    sampleInt: SAMPLE_INTERVAL_MS,
    setupClient,
  };
  if (request.body !== undefined) autocannonOptions.body = request.body;
  if (options.requests !== undefined) {
    autocannonOptions.amount = options.requests;
  } else {
    // Only a backstop: our deadline below ends the run and drains it within timeoutMs.
    autocannonOptions.duration = ((options.durationMs ?? 0) + timeoutMs) / 1000 + SAFETY_MARGIN_S;
  }

  let deadline: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let instance: autocannon.Instance;
      try {
        instance = autocannon(autocannonOptions, (error: unknown) => {
          if (error) reject(new EngineError(`closed model: autocannon failed: ${String(error)}`));
          else resolve();
        });
      } catch (error) {
        reject(new EngineError(`closed model: autocannon failed to start: ${String(error)}`));
        return;
      }
      instance.on('response', (_client, statusCode: number, _bytes: number, millis: number) => {
        if (!isCounting) return;
        tally.completed += 1;
        if (isOkStatus(statusCode)) tally.ok += 1;
        const code = String(statusCode);
        tally.statusCodes[code] = (tally.statusCodes[code] ?? 0) + 1;
        tally.histogram.recordMillis(millis);
        tally.lastEventAt = performance.now();
      });
      if (options.durationMs !== undefined) {
        deadline = setTimeout(() => drainClients(clients), options.durationMs);
      }
      onAbort = () => {
        isCounting = false;
        abortedAt = performance.now();
        instance.stop();
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    if (deadline) clearTimeout(deadline);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }

  const finishedAt = performance.now();
  const endAt = abortedAt || tally.lastEventAt || finishedAt;
  const elapsedMs = Math.max(endAt - startedAt, 0);
  return {
    model: 'closed',
    histogram: tally.histogram,
    statusCodes: tally.statusCodes,
    sent: tally.sent,
    completed: tally.completed,
    ok: tally.ok,
    socketErrors: tally.socketErrors,
    timeouts: tally.timeouts,
    late: 0,
    dropped: 0,
    elapsedMs,
    achievedRate: elapsedMs > 0 ? (tally.completed * 1000) / elapsedMs : 0,
    connections,
    generatorCpuPercent: cpuPercentSince(cpuStart, finishedAt - startedAt),
  };
}

/**
 * Ends a timed run the gentle way: each client closes itself on its next send, i.e. after its
 * request in flight was answered, timed out or failed; autocannon ends once all have closed.
 */
function drainClients(clients: readonly ClientInternals[]): void {
  for (const client of clients) client.responseMax = Math.max(1, client.reqsMade);
}
