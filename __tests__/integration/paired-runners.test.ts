// The same-job comparison's runners against two real local services: the head answering after at
// least 40 ms, the base after at least 10 ms, measured by the real engine pair by pair. The load
// suite's pairs (interleaved in the given orders, or concurrent) and the volume suite's sweep,
// seeding both services to each step. Assertions hold on a busy machine: counts, orders, lower
// bounds (a latency never below the service's delay), no tight timings.
import { afterEach, describe, expect, it } from 'vitest';
import { realEngine } from '../../src/engine/load-engine.ts';
import type { ResourceMonitor, ResourceSample } from '../../src/monitor/types.ts';
import type { Metric, ScenarioRun } from '../../src/results/types.ts';
import { loadSuite } from '../../src/suites/load/index.ts';
import { parsePerfConfig } from '../../src/suites/registry.ts';
import type {
  AnySuite,
  PairedContexts,
  PairedOutput,
  Pairing,
  PairOrder,
  SuiteContext,
  SuiteOutput,
} from '../../src/suites/suite.ts';
import { volumeSuite } from '../../src/suites/volume/index.ts';
import {
  type Arrival,
  type RecordsService,
  startRecordsService,
} from '../helpers/records-service.ts';

const HEAD_DELAY_MS = 40;
const BASE_DELAY_MS = 10;

const services: RecordsService[] = [];

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

async function startBoth(): Promise<{ head: RecordsService; base: RecordsService }> {
  const head = await startRecordsService(HEAD_DELAY_MS);
  const base = await startRecordsService(BASE_DELAY_MS);
  services.push(head, base);
  return { head, base };
}

function configOf(yaml: string) {
  return parsePerfConfig(`target: { url: "http://127.0.0.1:1" }\n${yaml}`, {
    file: 'perf.yml',
    env: {},
  }).config;
}

/** A monitor whose every reading says `cpuPercent`: tells which side's monitor was read. */
function fakeMonitor(cpuPercent: number): ResourceMonitor {
  const samples: ResourceSample[] = [];
  return {
    description: 'fake',
    cores: 2,
    series: () => [{ source: 'process', label: 'fake', samples }],
    generator: () => [],
    sampleNow: async () => {
      samples.push({ atMs: performance.now(), cpuPercent, memoryMB: 100 });
    },
    stop: async () => {},
  };
}

/** Both services' contexts: each its own URL, auth header and monitor; one shared log. */
function contextsOf(
  services: { head: RecordsService; base: RecordsService },
  lines: string[],
): PairedContexts {
  const context = (url: string, token: string, cpu: number): SuiteContext => ({
    target: { url, authHeaders: { authorization: `Bearer ${token}` }, monitor: fakeMonitor(cpu) },
    engine: realEngine,
    log: (line) => lines.push(line),
    env: {},
    configDir: process.cwd(),
  });
  return {
    head: context(services.head.url, 'head-token', 50),
    base: context(services.base.url, 'base-token', 25),
  };
}

function pairingOf(mode: Pairing['mode'], orders: readonly PairOrder[], asked: string[] = []) {
  return {
    mode,
    pairs: orders.length,
    orderOf: (unit: string) => {
      asked.push(unit);
      return orders;
    },
  } satisfies Pairing;
}

/** Runs the suite's units of `config` on both services, its lines recorded. */
async function runBeside(
  suite: AnySuite,
  config: unknown,
  servers: { head: RecordsService; base: RecordsService },
  pairing: Pairing,
): Promise<{ output: PairedOutput; lines: string[] }> {
  if (!config) throw new Error(`no ${suite.name} section`);
  const lines: string[] = [];
  const units = suite.plan(config);
  const output = await suite.runPaired?.(contextsOf(servers, lines), config, units, pairing);
  if (!output) throw new Error(`the ${suite.name} suite has no runPaired`);
  return { output, lines };
}

function metricOf(output: SuiteOutput, key: string): Metric {
  const found = output.metrics.find((m) => m.key === key);
  if (!found) throw new Error(`no metric ${key} in ${output.metrics.map((m) => m.key).join(', ')}`);
  return found;
}

function onlyRun(output: SuiteOutput): ScenarioRun {
  expect(output.scenarios).toHaveLength(1);
  return output.scenarios[0] as ScenarioRun;
}

/**
 * The arrival times of each measured round at a service: its last `sum of sent` GET /q arrivals
 * (a warm-up's come before), split by each round's count.
 */
function roundWindows(
  arrivals: readonly Arrival[],
  run: ScenarioRun,
): { from: number; to: number }[] {
  const queries = arrivals.filter((a) => a.path === '/q');
  const sent = run.rounds.map((r) => r.totals.sent);
  let at = queries.length - sent.reduce((s, n) => s + n, 0);
  return sent.map((count) => {
    const round = queries.slice(at, at + count);
    at += count;
    return { from: round[0]?.atMs ?? Number.NaN, to: round.at(-1)?.atMs ?? Number.NaN };
  });
}

/** Per side: 4 samples per metric, never below the delay, the count identity, what arrived. */
function expectSides(
  output: { head: SuiteOutput; base: SuiteOutput },
  servers: { head: RecordsService; base: RecordsService },
  pairs: number,
): void {
  for (const side of ['head', 'base'] as const) {
    const sideOutput = output[side];
    expect(sideOutput.checks).toEqual([]);
    for (const metric of sideOutput.metrics.filter((m) => m.samples !== undefined)) {
      expect(metric.samples, metric.key).toHaveLength(pairs);
    }
    const delay = side === 'head' ? HEAD_DELAY_MS : BASE_DELAY_MS;
    for (const p95 of metricOf(sideOutput, 'load/list/latency.p95').samples ?? []) {
      expect(p95).toBeGreaterThanOrEqual(delay);
    }
    // Its own monitor, over its own measured span.
    expect(metricOf(sideOutput, 'load/list/cpu.mean').value).toBe(side === 'head' ? 50 : 25);
    const run = onlyRun(sideOutput);
    expect(run.rounds).toHaveLength(pairs);
    const t = run.totals;
    expect(t.sent).toBe(t.ok + t.errorStatus + t.socketErrors + t.timeouts + t.dropped);
    expect(t.ok).toBe(t.sent);
    expect(t.ok).toBeGreaterThan(0);
    // Every measured request reached this side's service with its auth header, and more came
    // before them (the warm-up), none to the other service.
    const queries = servers[side].arrivals.filter((a) => a.path === '/q');
    expect(queries.length).toBeGreaterThan(t.sent);
    expect(new Set(queries.map((a) => a.authorization))).toEqual(new Set([`Bearer ${side}-token`]));
  }
  const head = metricOf(output.head, 'load/list/latency.p50').samples ?? [];
  const base = metricOf(output.base, 'load/list/latency.p50').samples ?? [];
  head.forEach((h, i) => {
    expect(h, `pair ${i}`).toBeGreaterThan(base[i] ?? Number.POSITIVE_INFINITY);
  });
}

const LOAD = `load:
  scenarios:
    - { name: list, request: { path: /q }, connections: 2, duration: 300ms, warmup: 100ms }
`;

describe('the load suite beside a base', () => {
  it('interleaved: each pair in its order, samples aligned per pair', async () => {
    const servers = await startBoth();
    const orders: PairOrder[] = ['base-first', 'head-first', 'head-first', 'base-first'];
    const asked: string[] = [];
    const pairing = pairingOf('interleaved', orders, asked);
    const { output, lines } = await runBeside(loadSuite, configOf(LOAD).load, servers, pairing);
    expect(loadSuite.defaultPairs).toBe(5);
    expect(asked).toEqual(['list']);
    expectSides(output, servers, 4);

    const head = roundWindows(servers.head.arrivals, onlyRun(output.head));
    const base = roundWindows(servers.base.arrivals, onlyRun(output.base));
    orders.forEach((order, i) => {
      const [first, second] = order === 'head-first' ? [head[i], base[i]] : [base[i], head[i]];
      expect(first?.to, `pair ${i}`).toBeLessThan(second?.from ?? Number.NaN);
      // And the pair is over before the next one begins.
      const next = Math.min(head[i + 1]?.from ?? Infinity, base[i + 1]?.from ?? Infinity);
      expect(second?.to, `pair ${i}`).toBeLessThan(next);
    });
    const pairLines = lines.filter((l) => l.startsWith('list: pair '));
    expect(pairLines).toHaveLength(4);
    expect(pairLines[0]).toMatch(
      /^list: pair 1\/4 \(base first\): head p95 [\d.]+ ms, base p95 [\d.]+ ms$/,
    );
    expect(pairLines[1]).toMatch(/^list: pair 2\/4 \(head first\): /);
    // Each side warmed up once, its line marked with the side.
    expect(lines.filter((l) => l.includes('warm-up')).sort()).toEqual([
      'base: list: warm-up 0.1 s (closed model, 2 connections)',
      'head: list: warm-up 0.1 s (closed model, 2 connections)',
    ]);
  }, 30_000);

  it('concurrent: both sides of each pair at once', async () => {
    const servers = await startBoth();
    const pairing = pairingOf('concurrent', [
      'head-first',
      'base-first',
      'base-first',
      'head-first',
    ]);
    const { output, lines } = await runBeside(loadSuite, configOf(LOAD).load, servers, pairing);
    expectSides(output, servers, 4);
    const head = roundWindows(servers.head.arrivals, onlyRun(output.head));
    const base = roundWindows(servers.base.arrivals, onlyRun(output.base));
    head.forEach((h, i) => {
      const b = base[i];
      expect(h.from, `pair ${i}`).toBeLessThan(b?.to ?? Number.NaN);
      expect(b?.from, `pair ${i}`).toBeLessThan(h.to);
    });
    expect(lines.filter((l) => l.startsWith('list: pair ')).map((l) => l.slice(0, 26))).toEqual([
      'list: pair 1/4 (together):',
      'list: pair 2/4 (together):',
      'list: pair 3/4 (together):',
      'list: pair 4/4 (together):',
    ]);
  }, 30_000);
});

describe('the volume suite beside a base', () => {
  it('seeds both services to each step, measures each query pair by pair, fits growth per side', async () => {
    const servers = await startBoth();
    const config = configOf(`volume:
  steps: [20, 60]
  count: { request: { path: /count }, value: total }
  seed: { request: { path: /bulk, json: { n: "{{i}}", tag: "{{pick a b c}}" } }, batch: 10, concurrency: 1 }
  defaults: { warmup: 100ms }
  queries:
    - { name: q, request: { path: /q }, connections: 2, duration: 300ms }
`).volume;
    const asked: string[] = [];
    const pairing = pairingOf('interleaved', ['head-first', 'base-first', 'head-first'], asked);
    const { output, lines } = await runBeside(volumeSuite, config, servers, pairing);
    expect(volumeSuite.defaultPairs).toBe(5);
    expect(asked).toEqual(['q@20', 'q@60']);
    // The same records on both, numbered alike.
    expect(servers.head.records).toHaveLength(60);
    expect(servers.head.records).toEqual(servers.base.records);
    expect(servers.head.records.map((r) => (r as { n: number }).n)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    for (const side of ['head', 'base'] as const) {
      const sideOutput = output[side];
      expect(sideOutput.checks).toEqual([]);
      // Each side seeded through its own URL with its own auth header.
      const seeds = servers[side].arrivals.filter((a) => a.path === '/bulk');
      expect(seeds).toHaveLength(6);
      expect(new Set(seeds.map((a) => a.authorization))).toEqual(new Set([`Bearer ${side}-token`]));
      expect(sideOutput.scenarios.map((s) => s.name)).toEqual(['q@20', 'q@60']);
      const delay = side === 'head' ? HEAD_DELAY_MS : BASE_DELAY_MS;
      for (const step of [20, 60]) {
        const p95 = metricOf(sideOutput, `volume/q@${step}/latency.p95`);
        expect(p95.samples).toHaveLength(3);
        for (const value of p95.samples ?? []) expect(value).toBeGreaterThanOrEqual(delay);
        expect(metricOf(sideOutput, `volume/q@${step}/errors.rate`).samples).toEqual([0, 0, 0]);
        expect(metricOf(sideOutput, `volume/seed@${step}/seed.rate`).value).toBeGreaterThan(0);
      }
      expect(metricOf(sideOutput, 'volume/q/growth.exponent').samples).toHaveLength(3);
    }
    expect(lines).toContain('volume (head): the service holds 0 records (GET /count -> total)');
    expect(lines).toContain('volume (base): step 2/2: seeding 20 -> 60 records');
    expect(lines.filter((l) => l.startsWith('q@60: pair '))).toHaveLength(3);
  }, 60_000);

  it('a seeding failure on one side stops the sweep for both, keeping what was measured', async () => {
    const head = await startRecordsService(HEAD_DELAY_MS);
    const base = await startRecordsService(BASE_DELAY_MS, { refuseAbove: 20 });
    services.push(head, base);
    const config = configOf(`volume:
  steps: [10, 20, 40]
  seed: { request: { path: /bulk, json: { n: "{{i}}" } }, batch: 10, concurrency: 1 }
  defaults: { warmup: 0s }
  queries:
    - { name: q, request: { path: /q }, connections: 1, requests: 20 }
`).volume;
    const pairing = pairingOf('concurrent', ['head-first', 'base-first']);
    const { output, lines } = await runBeside(volumeSuite, config, { head, base }, pairing);
    expect(output.head.checks).toEqual([]);
    expect(output.base.checks).toEqual([
      expect.objectContaining({
        kind: 'seeding',
        metric: 'volume/seed@40/seed.failed',
        status: 'fail',
        message: expect.stringMatching(/^seeding 20 -> 40 records failed: POST \/bulk .*500/),
      }),
    ]);
    for (const side of [output.head, output.base]) {
      expect(side.scenarios.map((s) => s.name)).toEqual(['q@10', 'q@20']);
      expect(metricOf(side, 'volume/q@20/latency.p95').samples).toHaveLength(2);
      expect(metricOf(side, 'volume/q/growth.exponent').samples).toHaveLength(2);
      expect(side.metrics.some((m) => m.scenario === 'q@40')).toBe(false);
    }
    // The head was seeded to 40 before the base failed: it keeps that step's seeding rate.
    expect(head.records).toHaveLength(40);
    expect(base.records).toHaveLength(20);
    expect(metricOf(output.head, 'volume/seed@40/seed.rate').value).toBeGreaterThan(0);
    expect(output.base.metrics.some((m) => m.scenario === 'seed@40')).toBe(false);
    // No query ran at 40 records on either side.
    expect(lines.some((l) => l.startsWith('q@40'))).toBe(false);
    expect(lines.some((l) => l.startsWith('volume (base): seeding failed, the suite stops'))).toBe(
      true,
    );
  }, 30_000);
});
