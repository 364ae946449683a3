// The load engine against test servers whose delays are known (helpers/delay-server.ts, a child
// process): what holds however busy the machine is. A reported latency is never below the truth
// (a busy machine only adds to it), stays within a generous bound above it, and the figures keep
// their order; every request ends as exactly one outcome, both models count statuses, timeouts
// and socket errors right, the achieved rate never exceeds what was asked or what the delays
// allow, and the open model shows what the closed model hides (coordinated omission). How close
// to the truth the figures come on a quiet machine is `npm run bench:engine -- accuracy`'s to
// say. Loopback only; about 35 s in all.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClosed } from '../../src/engine/closed.ts';
import { runOpen } from '../../src/engine/open.ts';
import type { EngineRunResult, HttpRequestSpec } from '../../src/engine/types.ts';
import {
  type DelayServer,
  type DelayServerMode,
  type DelayServerOptions,
  startDelayServer,
} from '../helpers/delay-server.ts';

const GET: HttpRequestSpec = { method: 'GET', path: '/', headers: {} };

/**
 * How far above the truth a figure may lie on a busy machine, in ms. Other processes taking the
 * cores delay sends and answers, the tail the most: on 2 cores at a load average of 8, the closed
 * model measured p50 19, p95 151, p99 244 ms against 10, 40, 120. A latency counted in the wrong
 * unit, or from the wrong moment (the run's start, a connection's first request), lies far beyond.
 */
const BUSY_ALLOWANCE_MS = { p50: 50, p95: 500, p99: 1000 } as const;

/** The delay server's `mix`: 90 % in 10 ms, 8 % in 40 ms, 2 % in 120 ms. */
const MIX_TRUTH = { p50: 10, p95: 40, p99: 120 } as const;

/** Asserts truth <= p50, p95, p99 < truth + their BUSY_ALLOWANCE_MS, in order, min >= 10 ms. */
function expectLatenciesOfMix(result: EngineRunResult): void {
  const h = result.histogram;
  const p50 = h.percentileMs(50);
  const p95 = h.percentileMs(95);
  const p99 = h.percentileMs(99);
  const label = `${result.model}: p50 ${p50}, p95 ${p95}, p99 ${p99} ms`;
  expect(p50, label).toBeGreaterThanOrEqual(MIX_TRUTH.p50);
  expect(p95, label).toBeGreaterThanOrEqual(MIX_TRUTH.p95);
  expect(p99, label).toBeGreaterThanOrEqual(MIX_TRUTH.p99);
  expect(p50, label).toBeLessThan(MIX_TRUTH.p50 + BUSY_ALLOWANCE_MS.p50);
  expect(p95, label).toBeLessThan(MIX_TRUTH.p95 + BUSY_ALLOWANCE_MS.p95);
  expect(p99, label).toBeLessThan(MIX_TRUTH.p99 + BUSY_ALLOWANCE_MS.p99);
  expect(p50, label).toBeLessThanOrEqual(p95);
  expect(p95, label).toBeLessThanOrEqual(p99);
  expect(p99, label).toBeLessThanOrEqual(h.maxMs);
  // minMs is the bottom of its bucket: within 0.1 % below the value.
  expect(h.minMs, label).toBeGreaterThanOrEqual(10 * 0.999);
}

/** Every request issued ended as exactly one outcome. */
function expectIdentity(result: EngineRunResult): void {
  const { sent, ok, errorStatus, socketErrors, timeouts, dropped } = result;
  expect(ok + errorStatus + socketErrors + timeouts + dropped).toBe(sent);
  expect(result.completed).toBe(ok + errorStatus);
}

/** Asserts that every request sent (all but the dropped ones) came back with a 2xx. */
function expectAllOk(result: EngineRunResult): void {
  expectIdentity(result);
  expect(result.completed).toBe(result.sent - result.dropped);
  expect(result.ok).toBe(result.completed);
  expect(result.statusCodes).toEqual({ 200: result.completed });
  expect(result.socketErrors).toBe(0);
  expect(result.timeouts).toBe(0);
  expect(result.histogram.count).toBe(result.completed);
}

/** Runs `body` against a delay server of its own, stopped whatever happens. */
async function withDelayServer(
  mode: DelayServerMode,
  options: DelayServerOptions,
  body: (server: DelayServer) => Promise<void>,
): Promise<void> {
  const server = await startDelayServer(mode, options);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** A loopback port with nothing listening: bound once, then closed. */
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe('latency against a server answering 90 % in 10 ms, 8 % in 40 ms, 2 % in 120 ms', () => {
  it('closed model: p50, p95, p99 at or above the truth and within reach of it', async () => {
    await withDelayServer({ kind: 'mix' }, { stayAwakeMs: 100 }, async (server) => {
      const result = await runClosed({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 5000,
        connections: 20,
        durationMs: 4000,
      });
      expect(result.model).toBe('closed');
      expect(result.connections).toBe(20);
      // A quiet machine answers ~5000 in 4 s; a busy one fewer, never this few.
      expect(result.completed).toBeGreaterThan(500);
      expectAllOk(result);
      expectLatenciesOfMix(result);
      // 20 connections at 14.6 ms a request on average: at most ~1370 answers/s, however fast.
      expect(result.achievedRate).toBeGreaterThan(0);
      expect(result.achievedRate).toBeLessThan(20_000 / 14.6);
      expect(result.late).toBe(0);
      expect(result.dropped).toBe(0);
    });
  });

  it('open model: p50, p95, p99 at or above the truth and within reach of it', async () => {
    await withDelayServer({ kind: 'mix' }, {}, async (server) => {
      const result = await runOpen({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 5000,
        rate: 200,
        durationMs: 5000,
        maxInFlight: 100,
      });
      expect(result.model).toBe('open');
      expect(result.targetRate).toBe(200);
      expect(result.sent).toBe(1000);
      expectAllOk(result);
      expectLatenciesOfMix(result);
      expect(result.late).toBeLessThanOrEqual(result.sent);
      // The run lasts its duration and then drains: never faster than the schedule.
      expect(result.elapsedMs).toBeGreaterThanOrEqual(5000);
      expect(result.achievedRate).toBeGreaterThan(0);
      expect(result.achievedRate).toBeLessThanOrEqual(200);
    });
  });
});

describe('coordinated omission: the server stalls during the last 1 s of every 5 s', () => {
  it('open model sees the stall in its p95; closed model mostly hides it', async () => {
    // Start the run right after the server, so both stalls ([4, 5) s and [9, 10) s) fall inside it.
    const server = await startDelayServer({ kind: 'freeze', windowMs: 5000, freezeMs: 1000 });
    try {
      expect(Date.now() - server.startedAtEpochMs).toBeLessThan(1000);
      const open = await runOpen({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 3000,
        rate: 100,
        durationMs: 10_000,
        maxInFlight: 200,
      });
      expect(open.sent).toBe(1000);
      expectAllOk(open);
      // 20 % of the requests wait 0..1 s: the truth is ~750 ms, and no request waits past the
      // end of its stall.
      expect(open.histogram.percentileMs(95)).toBeGreaterThanOrEqual(600);
      expect(open.histogram.percentileMs(95)).toBeLessThan(1000 + BUSY_ALLOWANCE_MS.p95);

      // The next 5 s hold the stall at [14, 15) s.
      const offsetMs = (Date.now() - server.startedAtEpochMs) % 5000;
      expect(offsetMs).toBeLessThan(3500);
      const closed = await runClosed({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 3000,
        connections: 10,
        durationMs: 5000,
      });
      expectAllOk(closed);
      // Each connection waited out the stall once: the stall is in the max, not in the p95, which
      // stays below half the stall (the open model's is above 600 ms).
      expect(closed.histogram.maxMs).toBeGreaterThanOrEqual(500);
      expect(closed.histogram.percentileMs(95)).toBeLessThan(500);
    } finally {
      await server.close();
    }
  });
});

describe('errors, timeouts and socket errors', () => {
  describe('a server answering 500 to every 10th request', () => {
    let server: DelayServer;
    beforeAll(async () => {
      server = await startDelayServer({ kind: 'errors', every: 10 });
    });
    afterAll(() => server?.close());

    /** Each run's requests are consecutive at the server: 1 in 10 of them got a 500. */
    function expectOneInTenFailed(result: EngineRunResult): void {
      const failed = result.statusCodes['500'] ?? 0;
      expect(Math.abs(failed - result.completed / 10)).toBeLessThanOrEqual(1);
      expect(failed).toBeGreaterThan(0);
      expect(result.statusCodes['200']).toBe(result.completed - failed);
      expect(result.ok).toBe(result.completed - failed);
      expect(result.completed).toBe(result.sent);
      expect(result.histogram.count).toBe(result.completed);
      expect(result.socketErrors).toBe(0);
      expect(result.timeouts).toBe(0);
    }

    it('closed model counts them', async () => {
      const result = await runClosed({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 2000,
        connections: 4,
        durationMs: 1000,
      });
      expect(result.completed).toBeGreaterThan(100);
      expectOneInTenFailed(result);
    });

    it('closed model stops after a number of requests', async () => {
      const result = await runClosed({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 2000,
        connections: 4,
        requests: 250,
      });
      expect(result.sent).toBe(250);
      expectOneInTenFailed(result);
    });

    it('open model counts them', async () => {
      const result = await runOpen({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 2000,
        rate: 200,
        durationMs: 1000,
        maxInFlight: 50,
      });
      expect(result.sent).toBe(200);
      expectOneInTenFailed(result);
    });
  });

  describe('a server that never answers', () => {
    let server: DelayServer;
    beforeAll(async () => {
      server = await startDelayServer({ kind: 'hang' });
    });
    afterAll(() => server?.close());

    it('closed model counts timeouts, recorded at timeoutMs', async () => {
      const result = await runClosed({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 300,
        connections: 2,
        durationMs: 1000,
      });
      // Each connection times out at ~300, 600, 900 ms and once more while the run drains; at
      // least twice however late a busy machine fires the timers.
      expect(result.timeouts).toBeGreaterThanOrEqual(4);
      expect(result.timeouts).toBe(result.sent);
      expect(result.completed).toBe(0);
      expect(result.ok).toBe(0);
      expect(result.statusCodes).toEqual({});
      expect(result.socketErrors).toBe(0);
      expect(result.histogram.count).toBe(result.timeouts);
      expect(result.histogram.minMs).toBeGreaterThanOrEqual(300 * 0.999);
      expect(result.histogram.maxMs).toBeLessThanOrEqual(300 * 1.001);
    });

    it('open model counts timeouts, recorded from the intended send time', async () => {
      const result = await runOpen({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 300,
        rate: 20,
        durationMs: 1000,
        maxInFlight: 50,
      });
      expect(result.sent).toBe(20);
      expect(result.timeouts).toBe(20);
      expect(result.completed).toBe(0);
      expect(result.socketErrors).toBe(0);
      expect(result.histogram.count).toBe(20);
      expect(result.histogram.minMs).toBeGreaterThanOrEqual(300 * 0.999);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(950 + 300);
    });
  });

  describe('a closed port', () => {
    let baseUrl: string;
    beforeAll(async () => {
      baseUrl = `http://127.0.0.1:${await findClosedPort()}`;
    });

    it('closed model counts socket errors', async () => {
      const result = await runClosed({
        baseUrl,
        request: GET,
        timeoutMs: 1000,
        connections: 2,
        durationMs: 300,
      });
      expect(result.socketErrors).toBeGreaterThan(0);
      expect(result.socketErrors).toBe(result.sent);
      expect(result.completed).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.histogram.count).toBe(0);
    });

    it('open model counts socket errors', async () => {
      const result = await runOpen({
        baseUrl,
        request: GET,
        timeoutMs: 1000,
        rate: 50,
        durationMs: 300,
        maxInFlight: 10,
      });
      expect(result.sent).toBe(15);
      expect(result.socketErrors).toBe(15);
      expect(result.completed).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.histogram.count).toBe(0);
    });
  });
});

describe('open model with a small in-flight cap against a slow server', () => {
  it('sends late from the backlog, drops what is left, measures from the intended time', async () => {
    const server = await startDelayServer({ kind: 'fixed', delayMs: 100 });
    try {
      // 5 in flight x 100 ms = 50 requests/s of capacity for 100 requests/s of arrivals.
      const result = await runOpen({
        baseUrl: server.url,
        request: GET,
        timeoutMs: 2000,
        rate: 100,
        durationMs: 2000,
        maxInFlight: 5,
      });
      // Every scheduled request is issued: sent counts the dropped ones too.
      expect(result.sent).toBe(200);
      expect(result.dropped).toBeGreaterThan(50);
      expect(result.late).toBeGreaterThan(50);
      expect(result.late).toBeLessThanOrEqual(result.sent);
      expectAllOk(result);
      // The last ones sent from the backlog had waited ~1 s since their intended time.
      expect(result.histogram.maxMs).toBeGreaterThanOrEqual(800);
      expect(result.histogram.minMs).toBeGreaterThanOrEqual(100 * 0.999);
    } finally {
      await server.close();
    }
  });
});

describe('stopping early', () => {
  let server: DelayServer;
  beforeAll(async () => {
    server = await startDelayServer({ kind: 'fixed', delayMs: 5 });
  });
  afterAll(() => server?.close());

  it('closed model honours an abort signal', async () => {
    const result = await runClosed({
      baseUrl: server.url,
      request: GET,
      timeoutMs: 1000,
      connections: 2,
      durationMs: 30_000,
      signal: AbortSignal.timeout(300),
    });
    expect(result.completed).toBeGreaterThan(0);
    expect(result.elapsedMs).toBeLessThan(5000);
  });

  it('open model honours an abort signal', async () => {
    const result = await runOpen({
      baseUrl: server.url,
      request: GET,
      timeoutMs: 1000,
      rate: 100,
      durationMs: 30_000,
      maxInFlight: 10,
      signal: AbortSignal.timeout(300),
    });
    expect(result.completed).toBeGreaterThan(0);
    expect(result.sent).toBeLessThan(500);
    expect(result.elapsedMs).toBeLessThan(5000);
  });
});
