// The staged load engine against a real HTTP server on 127.0.0.1 (in this process, so that it can
// count paths and concurrent requests): phases at the asked level, the weighted mix, the backlog's
// timeouts, failures, stopping early, the closed model's connection changes and aborting. Each test
// runs a few seconds at most; bounds are generous for a noisy shared machine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type MixEntry,
  type PhaseResult,
  StagedLoad,
  type StagedLoadOptions,
  type Tally,
} from '../../src/engine/staged.ts';
import { EngineError } from '../../src/errors.ts';
import { mergeKinds } from '../../src/suites/stress/analysis.ts';

/**
 * Answers by path: `/hang` never, `/fail` with a 500, `/slow` after `delayMs`, anything else with
 * a 200 at once. Counts every request's path and the most requests it held at once.
 */
interface TestServer {
  url: string;
  paths: string[];
  /** Requests being handled now, and the most at once since the last `resetPeak()`. */
  inFlight: number;
  peak: number;
  resetPeak(): void;
  close(): Promise<void>;
}

async function startServer(delayMs = 0): Promise<TestServer> {
  const state = { inFlight: 0, peak: 0 };
  const paths: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '');
    state.inFlight += 1;
    state.peak = Math.max(state.peak, state.inFlight);
    // 'close' fires once the response is sent or the connection dropped (a client timeout).
    res.once('close', () => {
      state.inFlight -= 1;
    });
    const answer = (status: number) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('ok');
    };
    if (req.url === '/hang') return;
    if (req.url === '/fail') answer(500);
    else if (req.url === '/slow') setTimeout(() => answer(200), delayMs);
    else answer(200);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    get inFlight() {
      return state.inFlight;
    },
    get peak() {
      return state.peak;
    },
    resetPeak() {
      state.peak = state.inFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const servers: TestServer[] = [];
const loads: StagedLoad[] = [];

async function serve(delayMs = 0): Promise<TestServer> {
  const server = await startServer(delayMs);
  servers.push(server);
  return server;
}

afterEach(async () => {
  // A failed assertion must not leave a run sending or a server listening.
  await Promise.all(loads.splice(0).map((l) => l.finish().catch(() => {})));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function entry(kind: string, path: string, weight = 1): MixEntry {
  return { kind, weight, request: { method: 'GET', path, headers: {} } };
}

function staged(server: TestServer, over: Partial<StagedLoadOptions>): StagedLoad {
  const load = new StagedLoad({
    baseUrl: server.url,
    mix: [entry('ok', '/ok')],
    model: 'open',
    timeoutMs: 5000,
    maxInFlight: 64,
    seed: 1,
    ...over,
  });
  loads.push(load);
  return load;
}

/** Resolves with `promise`, or rejects after `ms` (a hang must fail the test, not time it out). */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function total(kinds: ReadonlyMap<string, Tally>): Tally {
  return mergeKinds(kinds);
}

function count(values: readonly string[], value: string): number {
  return values.filter((v) => v === value).length;
}

describe('StagedLoad, open model', () => {
  it('sends about the asked rate in each phase and files each second under its phase', async () => {
    const server = await serve();
    const load = staged(server, {});
    const first = load.startPhase({ level: 50, durationMs: 1000 });
    await first.ended;
    const second = load.startPhase({ level: 150, durationMs: 1000 });
    await second.ended;
    const { t0, seconds } = await within(5000, load.finish(), 'finish');
    const [a, b] = await Promise.all([first.settled, second.settled]);

    expect(t0).toBe(a?.startedAt);
    expect([a?.index, b?.index]).toStrictEqual([0, 1]);
    expect([a?.level, b?.level]).toStrictEqual([50, 150]);
    const sentA = total((a as PhaseResult).kinds).sent;
    const sentB = total((b as PhaseResult).kinds).sent;
    expect(sentA).toBeGreaterThanOrEqual(50 * 0.85);
    expect(sentA).toBeLessThanOrEqual(50 * 1.15);
    expect(sentB).toBeGreaterThanOrEqual(150 * 0.85);
    expect(sentB).toBeLessThanOrEqual(150 * 1.15);
    // The second phase follows the first without a gap.
    expect((b as PhaseResult).startedAt).toBeCloseTo((a as PhaseResult).endedAt, -2);
    expect(total((a as PhaseResult).kinds).ok).toBe(sentA);
    expect(server.paths).toHaveLength(sentA + sentB);

    // Seconds by intended send time: second 0 is the first phase's, second 1 the second's. An
    // arrival due right at a phase's end may land in the next second.
    const [s0, s1, ...rest] = seconds;
    expect(s0?.second).toBe(0);
    expect(s1?.second).toBe(1);
    const in0 = total(s0?.kinds ?? new Map()).sent;
    const in1 = total(s1?.kinds ?? new Map()).sent;
    expect(in0).toBeGreaterThanOrEqual(50 * 0.85);
    expect(in0).toBeLessThanOrEqual(50 * 1.15);
    expect(in1).toBeGreaterThanOrEqual(150 * 0.85);
    expect(in1).toBeLessThanOrEqual(150 * 1.15);
    for (const s of rest) expect(total(s.kinds).sent).toBeLessThanOrEqual(30);
    expect(in0 + in1 + rest.reduce((n, s) => n + total(s.kinds).sent, 0)).toBe(sentA + sentB);
  });

  it('starts a new level at once, even after a low one', async () => {
    // At 2/s the next arrival is 500 ms away when the phase ends; the new level must not wait
    // for it.
    const server = await serve();
    const load = staged(server, {});
    const slow = load.startPhase({ level: 2, durationMs: 500 });
    await slow.ended;
    const fast = load.startPhase({ level: 100, durationMs: 500 });
    await fast.ended;
    await load.finish();
    const result = await fast.settled;
    const ratePerS = (total(result.kinds).sent * 1000) / (result.endedAt - result.startedAt);
    expect(ratePerS).toBeGreaterThan(80);
    expect(ratePerS).toBeLessThan(120);
  });

  it('picks kinds by weight, the same sequence for the same seed', async () => {
    const server = await serve();
    const mix = [entry('list', '/list', 3), entry('item', '/item', 1)];
    // One request at a time: the server sees the kinds in the order they were picked.
    const runOnce = async (seed: number) => {
      const from = server.paths.length;
      const load = staged(server, { mix, seed, maxInFlight: 1 });
      const phase = load.startPhase({ level: 500, durationMs: 800 });
      await phase.ended;
      await load.finish();
      return { result: await phase.settled, paths: server.paths.slice(from) };
    };
    const one = await runOnce(7);
    const list = one.result.kinds.get('list')?.sent ?? 0;
    const item = one.result.kinds.get('item')?.sent ?? 0;
    expect(list + item).toBeGreaterThan(250);
    expect(list / (list + item)).toBeGreaterThan(0.65);
    expect(list / (list + item)).toBeLessThan(0.85);
    // The tallies agree with what the server saw.
    expect(count(one.paths, '/list')).toBe(list);
    expect(count(one.paths, '/item')).toBe(item);

    const again = await runOnce(7);
    const n = Math.min(one.paths.length, again.paths.length);
    expect(again.paths.slice(0, n)).toStrictEqual(one.paths.slice(0, n));
    const other = await runOnce(8);
    const m = Math.min(one.paths.length, other.paths.length);
    expect(other.paths.slice(0, m)).not.toStrictEqual(one.paths.slice(0, m));
  });

  it('times out arrivals beyond the in-flight cap of a service that never answers', async () => {
    const server = await serve();
    const load = staged(server, { mix: [entry('hang', '/hang')], maxInFlight: 2, timeoutMs: 300 });
    const phase = load.startPhase({ level: 20, durationMs: 500 });
    const started = performance.now();
    await phase.ended;
    await within(5000, load.finish(), 'finish');
    const elapsedMs = performance.now() - started;
    const result = await within(1000, phase.settled, 'settled');
    const t = total(result.kinds);
    // ~10 arrivals, each accounted as a timeout, whether sent or still waiting for a slot.
    expect(t.sent).toBeGreaterThanOrEqual(7);
    expect(t.sent).toBeLessThanOrEqual(13);
    expect(t.timeouts).toBe(t.sent);
    expect(t.failed).toBe(t.sent);
    expect(t.completed).toBe(0);
    // Some never left the backlog, and the server never held more than the cap.
    expect(server.paths.length).toBeLessThan(t.sent);
    expect(server.peak).toBeLessThanOrEqual(2);
    // Timeouts count from the intended send time: at least the timeout.
    expect(t.histogram.percentileMs(1)).toBeGreaterThanOrEqual(299);
    expect(elapsedMs).toBeLessThan(4000);
  });

  it('counts non-2xx answers as failures', async () => {
    const server = await serve();
    const load = staged(server, { mix: [entry('good', '/good'), entry('bad', '/fail')] });
    const phase = load.startPhase({ level: 100, durationMs: 500 });
    await phase.ended;
    await load.finish();
    const result = await phase.settled;
    const good = result.kinds.get('good') as Tally;
    const bad = result.kinds.get('bad') as Tally;
    expect(good.sent).toBeGreaterThan(5);
    expect(bad.sent).toBeGreaterThan(5);
    expect(good.failed).toBe(0);
    expect(bad.completed).toBe(bad.sent);
    expect(bad.ok).toBe(0);
    expect(bad.failed).toBe(bad.sent);
    expect(bad.statusCodes).toStrictEqual({ '500': bad.sent });
    expect(good.statusCodes).toStrictEqual({ '200': good.sent });
  });

  it('stop() ends a phase early', async () => {
    const server = await serve();
    const load = staged(server, {});
    const phase = load.startPhase({ level: 50, durationMs: 10_000 });
    await sleep(300);
    phase.stop();
    await within(1000, phase.ended, 'ended');
    const result = await within(2000, phase.settled, 'settled');
    expect(result.endedAt - result.startedAt).toBeGreaterThanOrEqual(250);
    expect(result.endedAt - result.startedAt).toBeLessThan(2000);
    expect(total(result.kinds).sent).toBeLessThan(100);
    await load.finish();
  });

  it('ends promptly on abort, even with arrivals waiting for a slot', async () => {
    const server = await serve();
    const controller = new AbortController();
    const load = staged(server, {
      mix: [entry('hang', '/hang')],
      maxInFlight: 2,
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    const phase = load.startPhase({ level: 50, durationMs: 10_000 });
    await sleep(300);
    const aborted = performance.now();
    controller.abort();
    await within(1000, phase.ended, 'ended');
    await within(3000, load.finish(), 'finish after abort');
    expect(performance.now() - aborted).toBeLessThan(3000);
    await within(1000, phase.settled, 'settled');
    // No more requests once aborted: the two in flight were all the server got.
    expect(server.paths.length).toBeLessThanOrEqual(2);
  });
});

describe('StagedLoad, closed model', () => {
  it('follows the connection count up and down, never above it', async () => {
    const server = await serve(20);
    const load = staged(server, { model: 'closed', mix: [entry('slow', '/slow')] });
    const one = load.startPhase({ level: 1, durationMs: 800 });
    await one.ended;
    const peakAtOne = server.peak;
    server.resetPeak();
    const four = load.startPhase({ level: 4, durationMs: 800 });
    await four.ended;
    const peakAtFour = server.peak;
    const back = load.startPhase({ level: 1, durationMs: 600 });
    // The four connections' last requests end within ~20 ms; from then on one connection.
    await sleep(200);
    server.resetPeak();
    await back.ended;
    const peakBack = server.peak;
    await within(5000, load.finish(), 'finish');
    const [a, b, c] = await Promise.all([one.settled, four.settled, back.settled]);

    expect(peakAtOne).toBe(1);
    expect(peakAtFour).toBeLessThanOrEqual(4);
    expect(peakAtFour).toBeGreaterThanOrEqual(3);
    expect(peakBack).toBe(1);
    const rate = (r: PhaseResult | undefined) =>
      (total((r as PhaseResult).kinds).completed * 1000) /
      ((r as PhaseResult).endedAt - (r as PhaseResult).startedAt);
    // ~45 req/s at one connection with 20 ms answers; four connections about four times that.
    expect(rate(a)).toBeGreaterThan(15);
    expect(rate(a)).toBeLessThan(55);
    expect(rate(b) / rate(a)).toBeGreaterThan(2.5);
    expect(rate(b) / rate(a)).toBeLessThan(5);
    expect(rate(c) / rate(a)).toBeGreaterThan(0.5);
    expect(rate(c) / rate(a)).toBeLessThan(1.6);
    for (const r of [a, b, c]) {
      const t = total((r as PhaseResult).kinds);
      expect(t.ok).toBe(t.sent);
    }
  });

  it('ends promptly on abort', async () => {
    const server = await serve();
    const controller = new AbortController();
    const load = staged(server, {
      model: 'closed',
      mix: [entry('hang', '/hang')],
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    const phase = load.startPhase({ level: 3, durationMs: 10_000 });
    await sleep(200);
    controller.abort();
    await within(1000, phase.ended, 'ended');
    // A phase started after the abort ends at once, sending nothing.
    const late = load.startPhase({ level: 1, durationMs: 10_000 });
    await within(1000, late.ended, 'a phase after the abort');
    await within(2000, load.finish(), 'finish after abort');
    await within(1000, phase.settled, 'settled');
    expect((await late.settled).kinds.size).toBe(0);
    expect(server.paths).toHaveLength(3);
  });
});

describe('StagedLoad, validation', () => {
  const base: StagedLoadOptions = {
    baseUrl: 'http://127.0.0.1:9',
    mix: [entry('a', '/a')],
    model: 'open',
    timeoutMs: 1000,
    maxInFlight: 4,
    seed: 1,
  };

  it.each<[string, Partial<StagedLoadOptions>, string]>([
    ['an empty mix', { mix: [] }, 'the mix is empty'],
    [
      'a weight of 0',
      { mix: [entry('a', '/a'), entry('b', '/b', 0)] },
      "weight of 'b' must be > 0",
    ],
    ['a NaN weight', { mix: [entry('a', '/a', Number.NaN)] }, "weight of 'a' must be > 0"],
    ['no timeout', { timeoutMs: 0 }, 'timeoutMs must be > 0'],
    ['no in-flight slot', { maxInFlight: 0 }, 'maxInFlight must be an integer >= 1'],
    ['a timeout beyond a timer', { timeoutMs: 1e12 }, 'timeoutMs must be > 0 and <= 2147483647'],
    ['a relative base URL', { baseUrl: '/api' }, "invalid base URL '/api'"],
  ])('refuses %s', (_, over, message) => {
    const make = () => new StagedLoad({ ...base, ...over });
    expect(make).toThrow(EngineError);
    expect(make).toThrow(message);
  });

  it.each<[string, StagedLoadOptions['model'], number, number, string]>([
    ['non-integer connections', 'closed', 1.5, 1000, 'connections must be an integer >= 1'],
    ['absurd connections', 'closed', 1e9, 1000, 'connections must be an integer >= 1 and <= 10000'],
    ['a zero level', 'open', 0, 1000, 'a phase rate must be > 0'],
    ['an absurd rate', 'open', 1e12, 1000, 'a phase rate must be > 0 and <= 1000000 requests/s'],
    ['a zero duration', 'open', 10, 0, 'a phase duration must be > 0'],
    [
      'a duration beyond a timer',
      'open',
      10,
      1e12,
      'a phase duration must be > 0 and <= 2147483647',
    ],
  ])('refuses a phase with %s', async (_, model, level, durationMs, message) => {
    const load = new StagedLoad({ ...base, model });
    try {
      expect(() => load.startPhase({ level, durationMs })).toThrow(EngineError);
      expect(() => load.startPhase({ level, durationMs })).toThrow(message);
    } finally {
      await load.finish();
    }
  });

  it('refuses a phase after finish()', async () => {
    const load = new StagedLoad(base);
    await load.finish();
    expect(() => load.startPhase({ level: 1, durationMs: 100 })).toThrow('already finished');
  });
});
