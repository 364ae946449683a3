// The load engine's contract: what a suite asks for and what it gets back. Both models
// (closed: N connections; open: an arrival rate) return the same result shape.
import type { LatencyHistogram } from './histogram.ts';

/** One HTTP request as the engine sends it: headers resolved, body already serialized. */
export interface HttpRequestSpec {
  method: string;
  /** Path and query, starting with `/`, relative to the engine's base URL. */
  path: string;
  headers: Record<string, string>;
  /** Serialized body (JSON bodies come with a content-type header set by the caller). */
  body?: string;
}

interface CommonRunOptions {
  /** Origin of the service, e.g. `http://127.0.0.1:8080` (a path prefix is allowed). */
  baseUrl: string;
  request: HttpRequestSpec;
  /** Per-request timeout in milliseconds: a request still unanswered then counts as a timeout. */
  timeoutMs: number;
  /** Stops the run early (the result covers what was measured until then). */
  signal?: AbortSignal;
}

/** Closed model: `connections` virtual users, each sending its next request when the last answered. */
export interface ClosedRunOptions extends CommonRunOptions {
  connections: number;
  /** How long to send, in milliseconds. Exactly one of durationMs and requests is set. */
  durationMs?: number;
  /** Total number of requests to send (over all connections). */
  requests?: number;
  /**
   * With `requests`: stop sending after this long even if not all were sent, in milliseconds
   * (default: `requestsCapMs(timeoutMs)` of closed.ts). The requests never sent count as dropped.
   */
  capMs?: number;
}

/**
 * Open model: requests arrive at `rate` per second on a fixed schedule whether or not earlier ones
 * were answered; latency is measured from each request's *intended* send time.
 */
export interface OpenRunOptions extends CommonRunOptions {
  /** Requests per second. */
  rate: number;
  /** How long to send, in milliseconds. */
  durationMs: number;
  /** At most this many requests in flight; later sends wait (counted late) or are dropped at the end. */
  maxInFlight: number;
}

/**
 * The counts of request outcomes, the one shape every load model keeps (run-tally.ts). Each request
 * issued ends as exactly one outcome: `sent = ok + errorStatus + socketErrors + timeouts + dropped`.
 */
export interface RequestCounts {
  /** Requests issued: each ends as exactly one of the five outcomes below (dropped included). */
  readonly sent: number;
  /** Requests answered with any HTTP status: `ok + errorStatus`. */
  readonly completed: number;
  /** Requests answered 2xx or 3xx. */
  readonly ok: number;
  /** Requests answered with a status outside 2xx/3xx. */
  readonly errorStatus: number;
  /**
   * Requests without a whole HTTP response: the connection was refused, reset or closed before the
   * answer ended. A request that was written and lost is never sent again.
   */
  readonly socketErrors: number;
  /**
   * Requests that hit timeoutMs; in the staged open model also arrivals that waited that long for
   * a free slot and were never sent.
   */
  readonly timeouts: number;
  /**
   * Requests the run ended without an outcome from the service: never sent because the open
   * model's in-flight cap held them until the end (or the staged model's backlog was full), or the
   * closed model's cap (`capMs`) ended the run first; or cut off by an abort.
   */
  readonly dropped: number;
  /** Open model: sends that left later than their intended time by more than 1 ms (not an outcome). */
  readonly late: number;
  /** Requests that got an HTTP response, by status code (`"200"`, `"503"`, ...). */
  readonly statusCodes: Record<string, number>;
}

/** What one engine run measured. Counts are requests; times are milliseconds. */
export interface EngineRunResult extends RequestCounts {
  model: 'closed' | 'open';
  /**
   * Latency of every request that got a response (any status) and of every timeout (recorded at its
   * elapsed time), in microseconds. Open model: measured from the intended send time.
   */
  histogram: LatencyHistogram;
  /** Body bytes received (bodies are counted and discarded as they stream, never held). */
  bodyBytes: number;
  /** Set when the run hit its wall-clock cap before sending every request: the cap, in ms. */
  cappedAtMs?: number;
  /** Wall time of the measured run, from the first intended send to the last answer, in ms. */
  elapsedMs: number;
  /** Open model: the asked-for rate (requests/s). */
  targetRate?: number;
  /** Answered requests per second over elapsedMs. */
  achievedRate: number;
  /** Closed model: connections used. */
  connections?: number;
  /** CPU time the load generator process used during the run, as a percent of one core. */
  generatorCpuPercent: number;
}
