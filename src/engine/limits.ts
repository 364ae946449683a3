// What the load engines accept, whatever reached them: each limit keeps a run finite in time and
// memory, and a value beyond it is an EngineError naming the option, never a RangeError from deep
// inside (an overflowing timer, an array too long) or an allocation that grows with the value.
import { EngineError } from '../errors.ts';

/** Longest duration or timeout, in ms: what a Node timer holds (longer ones fire after 1 ms). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Highest arrival rate, in requests/s: one request per microsecond, the latency histogram's
 * resolution. A single Node process sends a few tens of thousands per second at most.
 */
export const MAX_RATE = 1_000_000;

/** Most connections (closed model) or requests in flight (open model) of one run. */
export const MAX_CONNECTIONS = 10_000;

/** Most requests of one closed-model run with a request count. */
export const MAX_REQUESTS = 1_000_000_000;

/**
 * Most open-model arrivals the staged (stress) engine keeps waiting for a free slot: an arrival
 * that finds this many ahead of it is dropped at once (counted, never sent). The backlog itself
 * costs no memory per arrival (arrival-scheduler.ts); its ranges, split only by such drops, stay
 * within this many.
 */
export const MAX_BACKLOG = 100_000;

/** @throws EngineError unless `value` is in (0, MAX_TIMER_MS] milliseconds. */
export function requireMillis(what: string, name: string, value: number): void {
  if (!(value > 0 && value <= MAX_TIMER_MS)) {
    throw new EngineError(`${what}: ${name} must be > 0 and <= ${MAX_TIMER_MS} ms, got ${value}`);
  }
}

/** @throws EngineError unless `value` is an integer in [1, max]. */
export function requireCount(what: string, name: string, value: number, max: number): void {
  if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
    throw new EngineError(`${what}: ${name} must be an integer >= 1 and <= ${max}, got ${value}`);
  }
}

/** @throws EngineError unless `value` is a rate in (0, MAX_RATE] requests/s. */
export function requireRate(what: string, name: string, value: number): void {
  if (!(value > 0 && value <= MAX_RATE)) {
    throw new EngineError(
      `${what}: ${name} must be > 0 and <= ${MAX_RATE} requests/s, got ${value}`,
    );
  }
}
