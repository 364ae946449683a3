// Staged load for the stress suite: one continuous run through phases whose load level changes
// (arrival rate in the open model, connections in the closed model), each request picking its kind
// from a weighted mix. Every answer is tallied twice: into its phase and into the second it
// belongs to (its intended send time, open model; its send time, closed model), per request kind.
//
// Phases are started one by one by the caller, so it can decide the next level from what the
// previous phases showed (stepping up until the service breaks). A phase's sending ends at its
// duration; its `settled` promise resolves once every request it sent has ended.
//
// Open model as in open.ts: latency counts from the intended send time. Arrivals beyond
// `maxInFlight` wait in a backlog; an arrival still waiting after `timeoutMs` counts as a timeout
// (its user gave up), so an overloaded service shows up as errors, not as missing data. The backlog
// holds at most MAX_BACKLOG arrivals; later ones are dropped (counted, never sent).
//
// Every arrival (open) or request (closed) is counted as sent once and ends as exactly one outcome
// in its tallies: `sent = ok + (completed - ok) + socketErrors + timeouts + dropped`.
import { performance } from 'node:perf_hooks';
import { type Dispatcher, Pool } from 'undici';
import { EngineError } from '../errors.ts';
import { addStatusCodes, isOkStatus, joinUrl, validateRequest } from './common.ts';
import { Exchange, type ExchangeOutcome } from './exchange.ts';
import { LatencyHistogram } from './histogram.ts';
import {
  MAX_BACKLOG,
  MAX_CONNECTIONS,
  requireCount,
  requireMillis,
  requireRate,
} from './limits.ts';
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

/** What the answers of one kind in one phase or second came to. Latencies in µs. */
export interface Tally {
  histogram: LatencyHistogram;
  /**
   * Requests issued: sent, plus arrivals that timed out in the backlog or were dropped (never
   * sent). Each ends as exactly one of the outcomes below.
   */
  sent: number;
  /** Answered with any HTTP status. */
  completed: number;
  /** Answered 2xx or 3xx. */
  ok: number;
  socketErrors: number;
  timeouts: number;
  /** Never sent because the backlog was full, or cut off by an abort. */
  dropped: number;
  statusCodes: Record<string, number>;
}

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
  /** Open model: the next arrival's intended time. */
  nextArrival: number;
  cpuStart: NodeJS.CpuUsage;
  endTimer?: NodeJS.Timeout;
  resolveEnded: () => void;
  resolveSettled: (result: PhaseResult) => void;
}

/** A timer sleeps only while the next arrival is further away than this (ms); then it spins. */
const SPIN_WINDOW_MS = 2;

export function emptyTally(): Tally {
  return {
    histogram: LatencyHistogram.create(),
    sent: 0,
    completed: 0,
    ok: 0,
    socketErrors: 0,
    timeouts: 0,
    dropped: 0,
    statusCodes: {},
  };
}

/** Adds `b` into `a`. */
export function addTally(a: Tally, b: Tally): void {
  a.histogram.add(b.histogram);
  a.sent += b.sent;
  a.completed += b.completed;
  a.ok += b.ok;
  a.socketErrors += b.socketErrors;
  a.timeouts += b.timeouts;
  a.dropped += b.dropped;
  addStatusCodes(a.statusCodes, b.statusCodes);
}

/** Failed requests of a tally: non-2xx/3xx answers, socket errors, timeouts and dropped ones. */
export function failuresOf(t: Tally): number {
  return t.completed - t.ok + t.socketErrors + t.timeouts + t.dropped;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  #t0 = 0;
  #current: PhaseState | undefined;
  #phaseCount = 0;
  #isFinished = false;
  #isAborted = false;
  // Open model.
  #backlog: { intendedAt: number; slot: Slot }[] = [];
  #backlogHead = 0;
  /** The one pending wake-up of the scheduler: a timer, or an immediate while spinning. */
  #wake: { timer: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | undefined;
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
    const random = seededRandom(options.seed);
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
      nextArrival: start,
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
      if (this.#options.model === 'open') this.#tick();
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
    while (this.#backlogHead < this.#backlog.length) {
      const waiting = this.#backlog[this.#backlogHead] as { intendedAt: number; slot: Slot };
      this.#backlogHead += 1;
      this.#record(waiting.slot, 'aborted', 0);
    }
    for (const exchange of this.#inFlight) exchange.abort();
  };

  #endPhase(state: PhaseState): void {
    if (!state.isSending) return;
    state.isSending = false;
    if (state.endTimer) clearTimeout(state.endTimer);
    state.result.endedAt = performance.now();
    const wallMs = state.result.endedAt - state.result.startedAt;
    const used = process.cpuUsage(state.cpuStart);
    state.result.generatorCpuPercent =
      wallMs > 0 ? ((used.user + used.system) / 1000 / wallMs) * 100 : 0;
    if (this.#current === state) {
      if (this.#options.model === 'open') this.#sendDueArrivals(state.result.endedAt);
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
      byKind = emptyTally();
      slot.phase.result.kinds.set(slot.kind, byKind);
    }
    let second = this.#seconds.get(slot.second);
    if (!second) {
      second = { second: slot.second, kinds: new Map() };
      this.#seconds.set(slot.second, second);
    }
    let inSecond = second.kinds.get(slot.kind);
    if (!inSecond) {
      inSecond = emptyTally();
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
    for (const t of this.#tallyFor(slot)) {
      t.sent += 1;
      if (ended === 'aborted') {
        t.dropped += 1;
        continue;
      }
      if (ended === 'error') {
        t.socketErrors += 1;
        continue;
      }
      t.histogram.recordMillis(latencyMs);
      if (ended === 'timeout') {
        t.timeouts += 1;
      } else {
        t.completed += 1;
        if (isOkStatus(ended)) t.ok += 1;
        t.statusCodes[String(ended)] = (t.statusCodes[String(ended)] ?? 0) + 1;
      }
    }
    this.#maybeSettled(slot.phase);
    if (this.#isIdle()) this.#idle?.();
  }

  /** Nothing in flight, waiting or about to be sent. */
  #isIdle(): boolean {
    return (
      this.#inFlight.size === 0 && this.#workers === 0 && this.#backlogHead === this.#backlog.length
    );
  }

  /** Sends one request; resolves when it has ended. */
  #send(slot: Slot, intendedAt: number): Promise<void> {
    return new Promise((resolve) => {
      const exchange = new Exchange(intendedAt, this.#options.timeoutMs, (_exchange, outcome) => {
        this.#inFlight.delete(exchange);
        this.#record(slot, outcome, performance.now() - intendedAt);
        resolve();
      });
      this.#inFlight.add(exchange);
      this.#pool.dispatch(this.#dispatch.get(slot.kind) as Dispatcher.DispatchOptions, exchange);
    });
  }

  // --- open model -------------------------------------------------------------------------------

  #cancelWake(): void {
    if (this.#wake && 'timer' in this.#wake) clearTimeout(this.#wake.timer);
    else if (this.#wake) clearImmediate(this.#wake.immediate);
    this.#wake = undefined;
  }

  #tick = (): void => {
    this.#cancelWake();
    const state = this.#current;
    if (!state?.isSending) return;
    const now = performance.now();
    this.#sendDueArrivals(now);
    this.#expireBacklog(now);
    const waitMs = state.nextArrival - performance.now();
    this.#wake =
      waitMs > SPIN_WINDOW_MS
        ? { timer: setTimeout(this.#tick, waitMs - SPIN_WINDOW_MS) }
        : { immediate: setImmediate(this.#tick) };
  };

  /** Sends (or backlogs) every arrival of the current phase due by `now`. */
  #sendDueArrivals(now: number): void {
    const state = this.#current;
    if (!state) return;
    const interval = 1000 / state.result.level;
    const until = Math.min(now, state.isSending ? now : state.result.endedAt);
    while (state.nextArrival <= until) {
      const intendedAt = state.nextArrival;
      state.nextArrival += interval;
      const slot = this.#slotAt(intendedAt, state);
      state.pending += 1;
      if (
        this.#inFlight.size < this.#options.maxInFlight &&
        this.#backlogHead === this.#backlog.length
      ) {
        void this.#send(slot, intendedAt).then(this.#drainBacklog);
      } else if (this.#backlog.length - this.#backlogHead >= MAX_BACKLOG) {
        // The run gives up on it at once: counted as dropped, like an arrival an abort cut off.
        this.#record(slot, 'aborted', 0);
      } else {
        this.#backlog.push({ intendedAt, slot });
      }
    }
  }

  #drainBacklog = (): void => {
    this.#expireBacklog(performance.now());
    while (
      this.#inFlight.size < this.#options.maxInFlight &&
      this.#backlogHead < this.#backlog.length
    ) {
      const next = this.#backlog[this.#backlogHead] as { intendedAt: number; slot: Slot };
      this.#backlogHead += 1;
      void this.#send(next.slot, next.intendedAt).then(this.#drainBacklog);
    }
    if (this.#backlogHead > 1024 && this.#backlogHead * 2 > this.#backlog.length) {
      this.#backlog = this.#backlog.slice(this.#backlogHead);
      this.#backlogHead = 0;
    }
  };

  /** Arrivals that waited longer than the timeout for a free slot: timeouts, never sent. */
  #expireBacklog(now: number): void {
    const limit = now - this.#options.timeoutMs;
    while (this.#backlogHead < this.#backlog.length) {
      const oldest = this.#backlog[this.#backlogHead] as { intendedAt: number; slot: Slot };
      if (oldest.intendedAt > limit) break;
      this.#backlogHead += 1;
      this.#record(oldest.slot, 'timeout', now - oldest.intendedAt);
    }
  }

  // --- closed model -----------------------------------------------------------------------------

  #setWorkers(wanted: number): void {
    if (this.#options.model !== 'closed') {
      if (wanted === 0) this.#cancelWake();
      return;
    }
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
      await this.#send(slot, sentAt);
    }
    this.#workers -= 1;
    if (this.#isIdle()) this.#idle?.();
  }
}
