// Staged load for the stress suite: one continuous run through phases whose load level changes
// (arrival rate in the open model, connections in the closed model), each request picking its kind
// from a weighted mix. Every request is tallied twice: into its phase and into the second it
// belongs to (its intended send time, open model; its send time, closed model), per request kind.
//
// Phases are started one by one by the caller, so it can decide the next level from what the
// previous phases showed (stepping up until the service breaks). A phase's sending ends at its
// duration; its `settled` promise resolves once every request it sent has ended.
//
// Open model: arrival-scheduler.ts, one rate segment per phase; latency counts from the intended
// send time. Arrivals beyond `maxInFlight` wait in the backlog; an arrival still waiting after
// `timeoutMs` counts as a timeout (its user gave up), so an overloaded service shows up as errors,
// not as missing data. An arrival that finds MAX_BACKLOG others waiting is dropped (counted, never
// sent). A request's kind is picked when it leaves the schedule (sent, timed out or dropped), which
// is arrival order but for those dropped at a full backlog.
//
// The tallies are run-tally.ts's: each request counts as sent once, when it ends as exactly one
// outcome, so `sent = ok + errorStatus + socketErrors + timeouts + dropped` in every tally.
import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { createRandom } from '../core/random.ts';
import { EngineError } from '../errors.ts';
import { ArrivalScheduler, SPIN_WINDOW_MS } from './arrival-scheduler.ts';
import { cpuPercentSince, joinUrl, validateRequest } from './common.ts';
import { Exchange, type ExchangeOutcome } from './exchange.ts';
import {
  MAX_BACKLOG,
  MAX_CONNECTIONS,
  requireCount,
  requireMillis,
  requireRate,
} from './limits.ts';
import { RunTally } from './run-tally.ts';
import type { HttpRequestSpec } from './types.ts';

/** One kind of request in the mix, chosen with probability weight / (sum of weights). */
export interface MixEntry {
  kind: string;
  weight: number;
  request: HttpRequestSpec;
}

export interface StagedLoadOptions {
  /** Origin of the service, e.g. `http://127.0.0.1:8080` (a path prefix is allowed). */
  baseUrl: string;
  mix: MixEntry[];
  /** `open`: a phase's level is arrivals per second; `closed`: concurrent connections. */
  model: 'open' | 'closed';
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Open model: most requests in flight; later arrivals wait in the backlog. */
  maxInFlight: number;
  /** Seed of the kind choice: the same seed gives the same sequence of kinds. */
  seed: number;
  signal?: AbortSignal;
}

/** The requests of one kind in one phase or second (run-tally.ts). Latencies in µs. */
export type Tally = RunTally;

export interface PhaseSpec {
  /** Arrivals per second (open) or connections (closed). */
  level: number;
  durationMs: number;
}

/** One phase's outcome: tallies per kind, and when it ran (performance.now() milliseconds). */
export interface PhaseResult {
  index: number;
  level: number;
  startedAt: number;
  endedAt: number;
  kinds: Map<string, Tally>;
  /** CPU this process used while the phase sent, percent of one core. */
  generatorCpuPercent: number;
}

/** One second of the run (second 0 starts with the first phase), tallies per kind. */
export interface SecondResult {
  second: number;
  kinds: Map<string, Tally>;
}

export interface PhaseHandle {
  /** Resolves when the phase's sending ends (its duration is over, or it was stopped). */
  ended: Promise<void>;
  /** Resolves when every request of the phase has ended. */
  settled: Promise<PhaseResult>;
  /** Ends the phase's sending now. */
  stop(): void;
  /** Requests of the phase not ended yet (in flight or waiting to be sent). */
  pending(): number;
  /** The phase's tallies so far (final once `settled` resolved). */
  readonly result: PhaseResult;
}

/** A request's place in the tallies. */
interface Slot {
  phase: PhaseState;
  second: number;
  kind: string;
}

interface PhaseState {
  result: PhaseResult;
  /** Requests sent or backlogged and not yet ended. */
  pending: number;
  isSending: boolean;
  cpuStart: NodeJS.CpuUsage;
  endTimer?: NodeJS.Timeout;
  resolveEnded: () => void;
  resolveSettled: (result: PhaseResult) => void;
}

const WHAT = 'staged load';

function validate(options: StagedLoadOptions): void {
  if (options.mix.length === 0) throw new EngineError(`${WHAT}: the mix is empty`);
  for (const entry of options.mix) {
    if (!(entry.weight > 0 && Number.isFinite(entry.weight))) {
      throw new EngineError(`${WHAT}: weight of '${entry.kind}' must be > 0`);
    }
    validateRequest(`${WHAT}: '${entry.kind}'`, entry.request);
  }
  requireMillis(WHAT, 'timeoutMs', options.timeoutMs);
  requireCount(WHAT, 'maxInFlight', options.maxInFlight, MAX_CONNECTIONS);
}

/** A staged run against one service. Start phases in order, then `finish()`. */
export class StagedLoad {
  readonly #options: StagedLoadOptions;
  readonly #pool: Pool;
  readonly #dispatch: Map<string, Dispatcher.DispatchOptions>;
  readonly #pick: () => string;
  readonly #seconds = new Map<number, SecondResult>();
  readonly #inFlight = new Set<Exchange>();
  /** Open model: each phase is a rate segment tagged with its state. */
  readonly #scheduler: ArrivalScheduler<PhaseState>;
  #t0 = 0;
  #current: PhaseState | undefined;
  #phaseCount = 0;
  #isFinished = false;
  #isAborted = false;
  // Closed model: connections running, and how many should.
  #workers = 0;
  #wantedWorkers = 0;
  #idle: (() => void) | undefined;

  constructor(options: StagedLoadOptions) {
    validate(options);
    this.#options = options;
    const origin = joinUrl(options.baseUrl, '/').origin;
    this.#pool = new Pool(origin, {
      // Closed model: the connections bound the requests in flight themselves.
      connections: options.model === 'open' ? options.maxInFlight : null,
      pipelining: 1,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.#dispatch = new Map(
      options.mix.map((entry) => {
        const url = joinUrl(options.baseUrl, entry.request.path);
        return [
          entry.kind,
          {
            path: `${url.pathname}${url.search}`,
            method: entry.request.method.toUpperCase() as Dispatcher.HttpMethod,
            headers: entry.request.headers,
            body: entry.request.body ?? null,
          },
        ];
      }),
    );
    const random = createRandom(options.seed);
    const total = options.mix.reduce((sum, e) => sum + e.weight, 0);
    let sum = 0;
    const cumulative = options.mix.map((e) => {
      sum += e.weight / total;
      return sum;
    });
    this.#pick = () => {
      const r = random();
      const i = cumulative.findIndex((c) => r < c);
      return (options.mix[i === -1 ? options.mix.length - 1 : i] as MixEntry).kind;
    };
    this.#scheduler = new ArrivalScheduler<PhaseState>({
      maxInFlight: options.maxInFlight,
      backlogTimeoutMs: options.timeoutMs,
      maxBacklog: MAX_BACKLOG,
      handler: {
        due: (phase) => {
          phase.pending += 1;
        },
        send: (intendedAt, phase, isLate) => {
          const slot = this.#slotAt(intendedAt, phase);
          if (isLate) for (const t of this.#tallyFor(slot)) t.late += 1;
          this.#send(slot, intendedAt, this.#scheduler.release);
        },
        unsent: (intendedAt, phase, outcome, now) => {
          this.#record(this.#slotAt(intendedAt, phase), outcome, now - intendedAt);
        },
      },
    });
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Starts a phase now; the phase still sending (if any) ends first. */
  startPhase(spec: PhaseSpec): PhaseHandle {
    if (this.#isFinished) throw new EngineError(`${WHAT}: already finished`);
    requireMillis(WHAT, 'a phase duration', spec.durationMs);
    if (this.#options.model === 'closed') {
      requireCount(WHAT, 'connections', spec.level, MAX_CONNECTIONS);
    } else {
      requireRate(WHAT, 'a phase rate', spec.level);
    }
    const previous = this.#current;
    if (previous) this.#endPhase(previous);
    const now = performance.now();
    // Arrivals start where the previous phase's sending ended (its arrivals due by then were just
    // sent), without a gap: not at its next arrival, which at a low rate lies up to a whole old
    // interval ahead (1/s then 100/s would send nothing for the first second of the new level).
    const start = previous ? Math.max(previous.result.endedAt, now - SPIN_WINDOW_MS) : now;
    if (this.#phaseCount === 0) this.#t0 = now;
    let resolveEnded: () => void = () => {};
    let resolveSettled: (r: PhaseResult) => void = () => {};
    const ended = new Promise<void>((r) => {
      resolveEnded = r;
    });
    const settled = new Promise<PhaseResult>((r) => {
      resolveSettled = r;
    });
    const state: PhaseState = {
      result: {
        index: this.#phaseCount,
        level: spec.level,
        startedAt: now,
        endedAt: now,
        kinds: new Map(),
        generatorCpuPercent: 0,
      },
      pending: 0,
      isSending: true,
      cpuStart: process.cpuUsage(),
      resolveEnded,
      resolveSettled,
    };
    this.#phaseCount += 1;
    this.#current = state;
    if (this.#isAborted) {
      this.#endPhase(state);
    } else {
      state.endTimer = setTimeout(() => this.#endPhase(state), spec.durationMs);
      if (this.#options.model === 'open') this.#scheduler.start(start, spec.level, state);
      else this.#setWorkers(spec.level);
    }
    return {
      ended,
      settled,
      stop: () => this.#endPhase(state),
      pending: () => state.pending,
      result: state.result,
    };
  }

  /** Ends sending, waits for the requests in flight, and returns the run second by second. */
  async finish(): Promise<{ t0: number; seconds: SecondResult[] }> {
    if (this.#current) this.#endPhase(this.#current);
    this.#isFinished = true;
    this.#setWorkers(0);
    await new Promise<void>((resolve) => {
      if (this.#isIdle()) resolve();
      else this.#idle = resolve;
    });
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    await this.#pool.destroy().catch(() => {});
    const seconds = [...this.#seconds.values()].sort((a, b) => a.second - b.second);
    return { t0: this.#t0, seconds };
  }

  #onAbort = (): void => {
    this.#isAborted = true;
    if (this.#current) this.#endPhase(this.#current);
    // Arrivals still waiting for a slot are dropped: sent once the aborted ones freed their slots,
    // they would keep the run going for up to a timeout each.
    this.#scheduler.dropBacklog();
    for (const exchange of this.#inFlight) exchange.abort();
  };

  #endPhase(state: PhaseState): void {
    if (!state.isSending) return;
    state.isSending = false;
    if (state.endTimer) clearTimeout(state.endTimer);
    state.result.endedAt = performance.now();
    state.result.generatorCpuPercent = cpuPercentSince(
      state.cpuStart,
      state.result.endedAt - state.result.startedAt,
    );
    if (this.#current === state) {
      // Arrivals due by the end are still the phase's, unless the run was aborted.
      this.#scheduler.end(this.#isAborted ? undefined : state.result.endedAt);
      this.#setWorkers(0);
    }
    state.resolveEnded();
    this.#maybeSettled(state);
  }

  #maybeSettled(state: PhaseState): void {
    if (!state.isSending && state.pending === 0) state.resolveSettled(state.result);
  }

  #tallyFor(slot: Slot): [Tally, Tally] {
    let byKind = slot.phase.result.kinds.get(slot.kind);
    if (!byKind) {
      byKind = new RunTally();
      slot.phase.result.kinds.set(slot.kind, byKind);
    }
    let second = this.#seconds.get(slot.second);
    if (!second) {
      second = { second: slot.second, kinds: new Map() };
      this.#seconds.set(slot.second, second);
    }
    let inSecond = second.kinds.get(slot.kind);
    if (!inSecond) {
      inSecond = new RunTally();
      second.kinds.set(slot.kind, inSecond);
    }
    return [byKind, inSecond];
  }

  #slotAt(at: number, phase: PhaseState): Slot {
    return { phase, second: Math.floor(Math.max(0, at - this.#t0) / 1000), kind: this.#pick() };
  }

  /**
   * Records one ended request (`latencyMs` from its intended or actual send time). After an abort
   * every request still ending counts as dropped: the run cut it off, not the service.
   */
  #record(slot: Slot, outcome: ExchangeOutcome, latencyMs: number): void {
    slot.phase.pending -= 1;
    const ended = this.#isAborted ? 'aborted' : outcome;
    const now = performance.now();
    for (const t of this.#tallyFor(slot)) t.record(ended, latencyMs, 0, now);
    this.#maybeSettled(slot.phase);
    if (this.#isIdle()) this.#idle?.();
  }

  /** Nothing in flight, waiting or about to be sent. */
  #isIdle(): boolean {
    return this.#inFlight.size === 0 && this.#workers === 0 && this.#scheduler.waiting === 0;
  }

  /** Sends one request; records it and calls `onEnd` when it has ended. */
  #send(slot: Slot, intendedAt: number, onEnd: () => void): void {
    const exchange = new Exchange(intendedAt, this.#options.timeoutMs, (_exchange, outcome) => {
      this.#inFlight.delete(exchange);
      this.#record(slot, outcome, performance.now() - intendedAt);
      onEnd();
    });
    this.#inFlight.add(exchange);
    this.#pool.dispatch(this.#dispatch.get(slot.kind) as Dispatcher.DispatchOptions, exchange);
  }

  // --- closed model -----------------------------------------------------------------------------

  #setWorkers(wanted: number): void {
    if (this.#options.model !== 'closed') return;
    this.#wantedWorkers = wanted;
    while (this.#workers < this.#wantedWorkers) {
      this.#workers += 1;
      void this.#work();
    }
  }

  /** One connection: a request, then the next, until there are more connections than wanted. */
  async #work(): Promise<void> {
    while (this.#workers <= this.#wantedWorkers && this.#current?.isSending) {
      const state = this.#current;
      const sentAt = performance.now();
      const slot = this.#slotAt(sentAt, state);
      state.pending += 1;
      await new Promise<void>((resolve) => this.#send(slot, sentAt, resolve));
    }
    this.#workers -= 1;
    if (this.#isIdle()) this.#idle?.();
  }
}
