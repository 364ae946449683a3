// The open model's scheduler without a network: a recording handler stands in for the requests,
// and the test decides when each one ends. Schedules that start in the past make arrivals due at
// once, so the backlog's order, limits and timeouts are checked without waiting on timers; the
// timed checks run for tens of milliseconds and only assert what holds on a busy machine.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  ArrivalScheduler,
  type ArrivalSchedulerOptions,
} from '../../../src/engine/arrival-scheduler.ts';

interface Sent {
  intendedAt: number;
  sentAt: number;
  tag: string;
  isLate: boolean;
}

interface Unsent {
  intendedAt: number;
  tag: string;
  outcome: 'timeout' | 'aborted';
  waitedMs: number;
}

/** A scheduler whose handler records every send, unsent end and due arrival. */
function recording(options: Omit<ArrivalSchedulerOptions<string>, 'handler'>) {
  const sent: Sent[] = [];
  const unsent: Unsent[] = [];
  const due: string[] = [];
  const scheduler = new ArrivalScheduler<string>({
    ...options,
    handler: {
      due: (tag) => due.push(tag),
      send: (intendedAt, tag, isLate) =>
        sent.push({ intendedAt, sentAt: performance.now(), tag, isLate }),
      unsent: (intendedAt, tag, outcome, now) =>
        unsent.push({ intendedAt, tag, outcome, waitedMs: now - intendedAt }),
    },
  });
  return { scheduler, sent, unsent, due };
}

describe('ArrivalScheduler', () => {
  it('sends a fixed rate on time, never before an intended time, and stops at the count', async () => {
    const { scheduler, sent } = recording({ maxInFlight: 100 });
    const t0 = performance.now();
    scheduler.start(t0, 200, 'a', 20);
    await sleep(300);
    scheduler.end();
    expect(sent).toHaveLength(20);
    sent.forEach((s, i) => {
      expect(s.intendedAt).toBeCloseTo(t0 + i * 5, 9);
      expect(s.sentAt).toBeGreaterThanOrEqual(s.intendedAt);
    });
    expect(scheduler.inFlight).toBe(20);
    expect(scheduler.waiting).toBe(0);
  });

  it('holds arrivals beyond the in-flight cap in order and sends the oldest when a slot frees', () => {
    const { scheduler, sent, due } = recording({ maxInFlight: 2 });
    const t0 = performance.now() - 100;
    // 1000/s from 100 ms ago: 6 arrivals due at once.
    scheduler.start(t0, 1000, 'a', 6);
    expect(due).toHaveLength(6);
    expect(sent.map((s) => s.intendedAt)).toStrictEqual([t0, t0 + 1]);
    expect(scheduler.waiting).toBe(4);
    scheduler.release();
    expect(sent.map((s) => s.intendedAt - t0)).toStrictEqual([0, 1, 2]);
    expect(sent[2]?.isLate).toBe(true);
    for (let i = 0; i < 3; i++) scheduler.release();
    expect(sent.map((s) => s.intendedAt - t0)).toStrictEqual([0, 1, 2, 3, 4, 5]);
    expect(scheduler.waiting).toBe(0);
    expect(scheduler.inFlight).toBe(2);
  });

  it('drops an arrival that finds the backlog full, and keeps the order of the rest', () => {
    const { scheduler, sent, unsent } = recording({ maxInFlight: 1, maxBacklog: 2 });
    const now = performance.now();
    scheduler.start(now - 100, 1000, 'first', 4);
    // 0 is sent, 1 and 2 wait, 3 finds the backlog full.
    expect(unsent).toStrictEqual([
      { intendedAt: now - 97, tag: 'first', outcome: 'aborted', waitedMs: expect.any(Number) },
    ]);
    scheduler.release();
    // 1 is sent; a second segment's arrival joins behind 2, past the hole that 3 left.
    scheduler.start(now - 10, 1000, 'second', 1);
    expect(scheduler.waiting).toBe(2);
    scheduler.release();
    scheduler.release();
    expect(sent.map((s) => [s.tag, s.intendedAt - now])).toStrictEqual([
      ['first', -100],
      ['first', -99],
      ['first', -98],
      ['second', -10],
    ]);
    expect(scheduler.waiting).toBe(0);
  });

  it('ends a waiting arrival as a timeout once it waited the backlog timeout', () => {
    const { scheduler, sent, unsent } = recording({ maxInFlight: 1, backlogTimeoutMs: 50 });
    const now = performance.now();
    // Intended 100 and 90 ms ago: the first is sent, the second has waited too long already.
    scheduler.start(now - 100, 100, 'a', 2);
    expect(sent).toHaveLength(1);
    expect(unsent).toHaveLength(1);
    expect(unsent[0]?.outcome).toBe('timeout');
    expect(unsent[0]?.tag).toBe('a');
    expect(unsent[0]?.waitedMs).toBeGreaterThanOrEqual(90);
    // Intended 20 ms ago: it waits, and takes the slot when it frees.
    scheduler.start(now - 20, 100, 'b', 1);
    expect(scheduler.waiting).toBe(1);
    scheduler.release();
    expect(unsent).toHaveLength(1);
    expect(sent.map((s) => s.tag)).toStrictEqual(['a', 'b']);
  });

  it('times out a waiting arrival when a slot frees too late for it, rather than sending it', async () => {
    const { scheduler, sent, unsent } = recording({ maxInFlight: 1, backlogTimeoutMs: 30 });
    const now = performance.now();
    scheduler.start(now - 10, 100, 'a', 2);
    expect(scheduler.waiting).toBe(1);
    await sleep(50);
    scheduler.release();
    expect(sent).toHaveLength(1);
    expect(unsent.map((u) => u.outcome)).toStrictEqual(['timeout']);
    expect(unsent[0]?.waitedMs).toBeGreaterThanOrEqual(30);
  });

  it('end(at) lets the arrivals due by then come, and none after; dropBacklog ends the rest', () => {
    const { scheduler, sent, unsent, due } = recording({ maxInFlight: 1 });
    const now = performance.now();
    scheduler.start(now - 50, 100, 'a');
    // Due at -50, -40, -30, -20, -10 and 0: one sent, five waiting.
    scheduler.end(now);
    expect(due).toHaveLength(6);
    expect(sent).toHaveLength(1);
    scheduler.dropBacklog();
    expect(unsent.map((u) => u.outcome)).toStrictEqual(Array(5).fill('aborted'));
    expect(unsent.map((u) => Math.round(u.intendedAt - now))).toStrictEqual([
      -40, -30, -20, -10, 0,
    ]);
    // Nothing more comes after the end, and a free slot has nothing to send.
    scheduler.release();
    expect(sent).toHaveLength(1);
    expect(scheduler.waiting).toBe(0);
  });

  it('end() without a time admits nothing more (an abort)', async () => {
    const { scheduler, due } = recording({ maxInFlight: 10 });
    scheduler.start(performance.now() + 20, 1000, 'a');
    scheduler.end();
    await sleep(50);
    expect(due).toHaveLength(0);
  });
});
