// Every request the load engines issue ends as exactly one outcome, against a server that closes,
// resets, hangs, answers 500, answers half, cuts an answer short or closes idle connections; the
// server counts what reached it, so a request sent twice or never would show. Also: a request
// count is sent exactly, a timed run drains within its timeout, a hanging service cannot hold a
// run past its cap, and bodies of any size are discarded as they stream (peak memory bounded).
// Loopback only, the server in this process; each test a few seconds, generous bounds.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestsCapMs, runClosed } from '../../src/engine/closed.ts';
import { runOpen } from '../../src/engine/open.ts';
import type { EngineRunResult } from '../../src/engine/types.ts';
import { runEngineInChild } from '../helpers/engine-child.ts';
import { type MisbehavingServer, startMisbehavingServer } from '../helpers/misbehaving-server.ts';

let server: MisbehavingServer;
beforeAll(async () => {
  server = await startMisbehavingServer();
});
afterAll(() => server?.close());

const get = (path: string) => ({ method: 'GET', path, headers: {} });

/** sent = ok + errorStatus + socketErrors + timeouts + dropped, and completed = ok + errorStatus. */
function expectIdentity(
  r: Pick<
    EngineRunResult,
    'sent' | 'ok' | 'errorStatus' | 'socketErrors' | 'timeouts' | 'dropped' | 'completed'
  >,
): void {
  expect(r.ok + r.errorStatus + r.socketErrors + r.timeouts + r.dropped).toBe(r.sent);
  expect(r.completed).toBe(r.ok + r.errorStatus);
}

/** The outcome counts a misbehaviour must give for `n` requests that all reached the server. */
type Expected = Partial<Record<'ok' | 'errorStatus' | 'socketErrors' | 'timeouts', number>>;

const N = 40;
const MISBEHAVIOURS: [path: string, expected: Expected][] = [
  ['/ok', { ok: N }],
  ['/500', { errorStatus: N }],
  ['/close', { socketErrors: N }],
  ['/reset', { socketErrors: N }],
  ['/hang', { timeouts: N }],
  ['/half', { ok: N / 2, socketErrors: N / 2 }],
  ['/partial', { socketErrors: N }],
];

/**
 * 300 ms for /hang, which only a timeout ends; far longer for the others, so that a loaded
 * machine reading a close or an answer late never turns it into a timeout.
 */
function timeoutFor(path: string): number {
  return path === '/hang' ? 300 : 5000;
}

function expectOutcomes(result: EngineRunResult, expected: Expected): void {
  expectIdentity(result);
  expect(result.dropped).toBe(0);
  for (const key of ['ok', 'errorStatus', 'socketErrors', 'timeouts'] as const) {
    expect(result[key], key).toBe(expected[key] ?? 0);
  }
  expect(result.histogram.count).toBe(result.completed + result.timeouts);
}

describe('closed model: each request one outcome, never re-sent', () => {
  it.each(MISBEHAVIOURS)('%s', async (path, expected) => {
    const before = server.arrivals(path);
    const result = await runClosed({
      baseUrl: server.url,
      request: get(path),
      timeoutMs: timeoutFor(path),
      connections: 4,
      requests: N,
    });
    expect(result.sent).toBe(N);
    expectOutcomes(result, expected);
    // Every request reached the server exactly once: none lost unsent, none sent again.
    expect(server.arrivals(path) - before).toBe(N);
  });

  it('a connection the server closes while idle: the next request goes out on a new one', async () => {
    const before = server.arrivals('/idle-close');
    const result = await runClosed({
      baseUrl: server.url,
      request: get('/idle-close'),
      timeoutMs: 1000,
      connections: 2,
      requests: N,
    });
    expect(result.sent).toBe(N);
    expectIdentity(result);
    // A close that crosses a request on the wire is a socket error (the request is lost, never
    // sent again); most closes are seen before the next request is written.
    expect(result.ok + result.socketErrors).toBe(N);
    expect(result.ok).toBeGreaterThanOrEqual(N / 2);
    expect(server.arrivals('/idle-close') - before).toBe(result.ok);
  });
});

describe('open model: each request one outcome, never re-sent', () => {
  it.each(MISBEHAVIOURS)('%s', async (path, expected) => {
    const before = server.arrivals(path);
    // 100/s for 400 ms: 40 arrivals.
    const result = await runOpen({
      baseUrl: server.url,
      request: get(path),
      timeoutMs: timeoutFor(path),
      rate: 100,
      durationMs: 400,
      maxInFlight: 50,
    });
    expect(result.sent).toBe(N);
    expectOutcomes(result, expected);
    expect(server.arrivals(path) - before).toBe(N);
  });
});

describe('bounds', () => {
  it('a timed closed run stops sending at its duration and drains what is in flight', async () => {
    const startedAt = performance.now();
    const result = await runClosed({
      baseUrl: server.url,
      request: get('/slow?ms=400'),
      timeoutMs: 2000,
      connections: 3,
      durationMs: 600,
    });
    const tookMs = performance.now() - startedAt;
    expectIdentity(result);
    // Each connection sent at 0 and ~400 ms; the second ones, in flight at the deadline, answered.
    expect(result.ok).toBe(result.sent);
    expect(result.sent).toBeGreaterThanOrEqual(3);
    expect(result.histogram.minMs).toBeGreaterThanOrEqual(400 * 0.999);
    expect(result.cappedAtMs).toBeUndefined();
    // Bounded by the duration plus one timeout (generous: the machine may be busy).
    expect(tookMs).toBeLessThan(600 + 2000 + 2000);
  });

  it('a hanging service cannot hold a request count past its cap: the rest are dropped', async () => {
    const before = server.arrivals('/hang');
    const startedAt = performance.now();
    // Without the cap: 200 / 2 connections x 300 ms = 30 s.
    const result = await runClosed({
      baseUrl: server.url,
      request: get('/hang'),
      timeoutMs: 300,
      connections: 2,
      requests: 200,
      capMs: 1000,
    });
    const tookMs = performance.now() - startedAt;
    expect(result.sent).toBe(200);
    expectIdentity(result);
    expect(result.cappedAtMs).toBe(1000);
    const reached = server.arrivals('/hang') - before;
    expect(result.timeouts).toBe(reached);
    expect(result.dropped).toBe(200 - reached);
    expect(result.dropped).toBeGreaterThan(150);
    expect(tookMs).toBeLessThan(1000 + 300 + 3000);
  });

  it('the default cap of a request count: 60 s, or three timeouts when longer', () => {
    expect(requestsCapMs(10_000)).toBe(60_000);
    expect(requestsCapMs(30_000)).toBe(90_000);
    expect(requestsCapMs(1e12)).toBe(2_147_483_647);
  });

  it('an open run ends its backlog as dropped at the end, never sending it late', async () => {
    const before = server.arrivals('/hang');
    const result = await runOpen({
      baseUrl: server.url,
      request: get('/hang'),
      timeoutMs: 300,
      rate: 200,
      durationMs: 500,
      maxInFlight: 5,
    });
    expect(result.sent).toBe(100);
    expectIdentity(result);
    expect(result.timeouts).toBe(server.arrivals('/hang') - before);
    expect(result.dropped).toBeGreaterThan(50);
  });
});

describe('the highest rate the open model takes', () => {
  it('1 000 000 arrivals/s: every one an outcome, the backlog never a list', async () => {
    const result = await runOpen({
      baseUrl: server.url,
      request: get('/ok'),
      timeoutMs: 2000,
      rate: 1_000_000,
      durationMs: 300,
      maxInFlight: 4,
    });
    expect(result.sent).toBe(300_000);
    expectIdentity(result);
    expect(result.ok).toBeGreaterThan(0);
    expect(result.dropped).toBe(result.sent - result.ok);
  });
});

describe('bodies are discarded as they stream', () => {
  // Held whole, 10 answers of 100 MiB in flight at once would take over 1 GB.
  const BIG_MB = 100;
  const CONNECTIONS = 10;
  const PEAK_LIMIT_MB = 500;

  it('closed model: 20 answers of 100 MiB at 10 connections, peak RSS bounded', async () => {
    const run = await runEngineInChild({
      model: 'closed',
      options: {
        baseUrl: server.url,
        request: get(`/big?mb=${BIG_MB}`),
        timeoutMs: 60_000,
        connections: CONNECTIONS,
        requests: 2 * CONNECTIONS,
      },
    });
    expectIdentity(run.result);
    expect(run.result.ok).toBe(2 * CONNECTIONS);
    // Every byte was read (counted), none kept.
    expect(run.result.bodyBytes).toBe(2 * CONNECTIONS * BIG_MB * 2 ** 20);
    expect(run.peakRssMB).toBeLessThan(PEAK_LIMIT_MB);
  });

  it('open model: 10 answers of 100 MiB in flight, peak RSS bounded', async () => {
    const run = await runEngineInChild({
      model: 'open',
      options: {
        baseUrl: server.url,
        request: get(`/big?mb=${BIG_MB}`),
        timeoutMs: 60_000,
        rate: 20,
        durationMs: 500,
        maxInFlight: CONNECTIONS,
      },
    });
    expectIdentity(run.result);
    expect(run.result.ok).toBe(CONNECTIONS);
    expect(run.result.bodyBytes).toBe(CONNECTIONS * BIG_MB * 2 ** 20);
    expect(run.peakRssMB).toBeLessThan(PEAK_LIMIT_MB);
  });
});
