// The open model's scheduler, for one fixed rate (open.ts) and for rate stages (staged.ts).
// Arrivals come at their intended send times whether or not earlier ones were answered; at most
// `maxInFlight` are in flight and the others wait in a FIFO backlog. The caller sends each request
// and measures its latency from the intended send time it is handed, so a service that stalls
// shows its stall in every request that should have been sent meanwhile (no coordinated omission).
//
// Precision: a timer sleeps until SPIN_WINDOW_MS before the next intended time (timers are
// millisecond-grained and often late by up to ~1 ms), then setImmediate turns (which still let I/O
// through) spin until it is due; whatever is overdue goes out in one batch.
//
// Memory does not grow with the rate or the wait: the schedule is a few segments (one per rate),
// each turning an arrival's index into its intended time, and the backlog is a queue of index
// ranges: a single range, unless arrivals were dropped while it was full.
import { performance } from 'node:perf_hooks';

/** Sleep with a timer only while the next arrival is further away than this, in ms. */
export const SPIN_WINDOW_MS = 2;
/** A send leaving later than its intended time by more than this (ms) counts as late. */
export const LATE_AFTER_MS = 1;
/** Compact the backlog's ranges once this many numbers before its head are spent. */
const COMPACT_AFTER = 1024;

/** What the scheduler asks of its caller; `Tag` is what the caller gave the arrival's segment. */
export interface ArrivalHandler<Tag> {
  /** An arrival came due; next it is sent, joins the backlog or is dropped. */
  due?(tag: Tag): void;
  /**
   * Sends an arrival now. Its latency counts from `intendedAt` (performance.now() ms); `isLate`:
   * it leaves more than LATE_AFTER_MS after that. Call the scheduler's `release()` once it ended.
   */
  send(intendedAt: number, tag: Tag, isLate: boolean): void;
  /**
   * An arrival that ends without being sent: it waited `backlogTimeoutMs` for a free slot
   * (`timeout`), or was dropped (`aborted`: the backlog was full, or dropped as a whole).
   */
  unsent(intendedAt: number, tag: Tag, outcome: 'timeout' | 'aborted', now: number): void;
}

export interface ArrivalSchedulerOptions<Tag> {
  /** Most requests in flight; later arrivals wait in the backlog. */
  maxInFlight: number;
  /** A waiting arrival gives up this long after its intended time, in ms; unset: it waits. */
  backlogTimeoutMs?: number;
  /** Most arrivals waiting; an arrival that finds the backlog full is dropped. Unset: no limit. */
  maxBacklog?: number;
  handler: ArrivalHandler<Tag>;
}

/** Arrivals at one rate: index `first + k` is intended at `startAt + k * intervalMs`. */
interface Segment<Tag> {
  readonly first: number;
  /** The index past its last arrival; Infinity until the segment ends. */
  end: number;
  readonly startAt: number;
  readonly intervalMs: number;
  readonly tag: Tag;
}

export class ArrivalScheduler<Tag> {
  readonly #maxInFlight: number;
  readonly #backlogTimeoutMs: number | undefined;
  readonly #maxBacklog: number;
  readonly #handler: ArrivalHandler<Tag>;
  /** Segments that may still hold waiting arrivals, oldest first; the last may be current. */
  #segments: Segment<Tag>[] = [];
  /** The segment arrivals come from now. */
  #current: Segment<Tag> | undefined;
  /** The next arrival's index: every earlier one has come due. */
  #next = 0;
  #inFlight = 0;
  /** The backlog: ranges [start, end) of waiting indexes, oldest first, from #head on. */
  #ranges: number[] = [];
  #head = 0;
  #waiting = 0;
  /** The one pending wake-up: a timer, or an immediate while spinning. */
  #wake: { timer: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | undefined;

  constructor(options: ArrivalSchedulerOptions<Tag>) {
    this.#maxInFlight = options.maxInFlight;
    this.#backlogTimeoutMs = options.backlogTimeoutMs;
    this.#maxBacklog = options.maxBacklog ?? Number.POSITIVE_INFINITY;
    this.#handler = options.handler;
  }

  /** Requests sent and not yet released. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Arrivals due and waiting for a free slot. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Starts arrivals at `ratePerS` from `startAt` (performance.now() ms), tagged `tag`: `count` of
   * them, or until `end()`. A current segment ends first, at `startAt`.
   */
  start(startAt: number, ratePerS: number, tag: Tag, count = Number.POSITIVE_INFINITY): void {
    this.end(startAt);
    const live = this.#waiting > 0 ? (this.#ranges[this.#head] as number) : this.#next;
    while ((this.#segments[0]?.end ?? Number.POSITIVE_INFINITY) <= live) this.#segments.shift();
    const segment: Segment<Tag> = {
      first: this.#next,
      end: this.#next + count,
      startAt,
      intervalMs: 1000 / ratePerS,
      tag,
    };
    this.#segments.push(segment);
    this.#current = segment;
    this.#tick();
  }

  /**
   * Ends the current segment's arrivals: those due by `at` (performance.now() ms) come first, then
   * no more. Without `at` none comes (an abort). Waiting arrivals stay in the backlog.
   */
  end(at?: number): void {
    const segment = this.#current;
    if (!segment) return;
    if (at !== undefined) this.#admitDue(segment, at);
    segment.end = Math.min(segment.end, this.#next);
    this.#current = undefined;
    this.#cancelWake();
  }

  /** A sent request has ended: its slot goes to the oldest waiting arrival still in time. */
  readonly release = (): void => {
    this.#inFlight -= 1;
    const now = performance.now();
    this.#expire(now);
    while (this.#waiting > 0 && this.#inFlight < this.#maxInFlight) {
      const index = this.#shift();
      this.#send(this.#segmentOf(index), index);
    }
  };

  /** Drops every waiting arrival (each ends `aborted`), oldest first. */
  dropBacklog(): void {
    const now = performance.now();
    while (this.#waiting > 0) {
      const index = this.#shift();
      const segment = this.#segmentOf(index);
      this.#handler.unsent(this.#intendedAt(segment, index), segment.tag, 'aborted', now);
    }
  }

  readonly #tick = (): void => {
    this.#wake = undefined;
    const segment = this.#current;
    if (!segment) return;
    const now = performance.now();
    this.#admitDue(segment, now);
    this.#expire(now);
    if (this.#next >= segment.end) return;
    const waitMs = this.#intendedAt(segment, this.#next) - performance.now();
    this.#wake =
      waitMs > SPIN_WINDOW_MS
        ? { timer: setTimeout(this.#tick, waitMs - SPIN_WINDOW_MS) }
        : { immediate: setImmediate(this.#tick) };
  };

  #cancelWake(): void {
    if (this.#wake && 'timer' in this.#wake) clearTimeout(this.#wake.timer);
    else if (this.#wake) clearImmediate(this.#wake.immediate);
    this.#wake = undefined;
  }

  #intendedAt(segment: Segment<Tag>, index: number): number {
    return segment.startAt + (index - segment.first) * segment.intervalMs;
  }

  /** The segment of a waiting arrival: one of the last few, as segments are rates of a run. */
  #segmentOf(index: number): Segment<Tag> {
    for (let i = this.#segments.length - 1; i > 0; i--) {
      const segment = this.#segments[i] as Segment<Tag>;
      if (segment.first <= index) return segment;
    }
    return this.#segments[0] as Segment<Tag>;
  }

  /** Sends, backlogs or drops every arrival of `segment` due by `now`, in order. */
  #admitDue(segment: Segment<Tag>, now: number): void {
    const due = this.#firstNotDue(segment, now);
    while (this.#next < due) {
      const index = this.#next;
      this.#next += 1;
      this.#handler.due?.(segment.tag);
      if (this.#waiting === 0 && this.#inFlight < this.#maxInFlight) this.#send(segment, index);
      else if (this.#waiting >= this.#maxBacklog) {
        this.#handler.unsent(this.#intendedAt(segment, index), segment.tag, 'aborted', now);
      } else this.#push(index);
    }
  }

  /** The first index of `segment` not yet due at `now` (at least the next one). */
  #firstNotDue(segment: Segment<Tag>, now: number): number {
    const estimate = segment.first + Math.floor((now - segment.startAt) / segment.intervalMs) + 1;
    let index = Math.min(segment.end, Math.max(this.#next, estimate));
    // Float rounding may put the estimate one off either way.
    while (index > this.#next && this.#intendedAt(segment, index - 1) > now) index -= 1;
    while (index < segment.end && this.#intendedAt(segment, index) <= now) index += 1;
    return index;
  }

  #send(segment: Segment<Tag>, index: number): void {
    const intendedAt = this.#intendedAt(segment, index);
    this.#inFlight += 1;
    this.#handler.send(intendedAt, segment.tag, performance.now() - intendedAt > LATE_AFTER_MS);
  }

  /** Waiting arrivals past the backlog timeout end as timeouts, never sent. */
  #expire(now: number): void {
    if (this.#backlogTimeoutMs === undefined) return;
    const limit = now - this.#backlogTimeoutMs;
    while (this.#waiting > 0) {
      const index = this.#ranges[this.#head] as number;
      const segment = this.#segmentOf(index);
      const intendedAt = this.#intendedAt(segment, index);
      if (intendedAt > limit) return;
      this.#shift();
      this.#handler.unsent(intendedAt, segment.tag, 'timeout', now);
    }
  }

  #push(index: number): void {
    const last = this.#ranges.length - 1;
    if (this.#waiting > 0 && this.#ranges[last] === index) this.#ranges[last] = index + 1;
    else this.#ranges.push(index, index + 1);
    this.#waiting += 1;
  }

  /** Takes the oldest waiting index. */
  #shift(): number {
    const index = this.#ranges[this.#head] as number;
    this.#waiting -= 1;
    if (index + 1 < (this.#ranges[this.#head + 1] as number)) {
      this.#ranges[this.#head] = index + 1;
    } else if (this.#waiting === 0) {
      this.#ranges = [];
      this.#head = 0;
    } else {
      this.#head += 2;
      if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#ranges.length) {
        this.#ranges = this.#ranges.slice(this.#head);
        this.#head = 0;
      }
    }
    return index;
  }
}
