// The same-job comparison through the real CLI and the bundled action: the base and the head are
// two real sample services on loopback whose only difference is a known fixed delay (identical;
// the head 5 % slower; 25 % slower). What holds on a busy machine is asserted: a verdict that
// names what was compared, the slower head caught, both sides' results in results.json with
// samples that pair up, and an unchanged head never failing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../examples/validation-platform/service.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The base's delay on every API request, in milliseconds. */
const BASE_DELAY_MS = 40;
const PAIRS = 5;

let dir: string;
const services: { url: string; close(): Promise<void> }[] = [];

async function service(delayMs: number): Promise<string> {
  const started = await startServer({ port: 0, delayMs });
  services.push(started);
  return started.url;
}

let base: string;
let same: string;
let slower5: string;
let slower25: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-same-job-'));
  base = await service(BASE_DELAY_MS);
  same = await service(BASE_DELAY_MS);
  slower5 = await service(BASE_DELAY_MS * 1.05);
  slower25 = await service(BASE_DELAY_MS * 1.25);
});

afterAll(async () => {
  for (const s of services) await s.close();
  await rm(dir, { recursive: true, force: true });
});

/** A load scenario of short rounds on an API path (the delayed ones), logged in on each side. */
function config(target: string): string {
  return `target:
  url: ${target}
  health: /health
  wait: 5s
base:
  pairs: ${PAIRS}
auth:
  login: { path: /auth/login, json: { email: test@example.com, password: password } }
  token: access_token
defaults: { warmup: 200ms }
load:
  scenarios:
    - name: list
      request: { path: /api/projects }
      connections: 4
      duration: 600ms
regression: { warn: 3%, fail: 4% }
monitor: { enabled: false }
`;
}

async function runAgainst(
  name: string,
  head: string,
): Promise<{ code: number | null; out: string; result: RunResult }> {
  const configFile = join(dir, `${name}.yml`);
  await writeFile(configFile, config(head));
  const outDir = join(dir, name);
  const run = await runCli(['run', '-c', configFile, '--out', outDir, '--base-url', base], {
    timeoutMs: 120_000,
  });
  const result = JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8')) as RunResult;
  return { code: run.code, out: run.stdout + run.stderr, result };
}

const latencyRegressions = (result: RunResult) =>
  result.checks.filter((c) => c.kind === 'regression' && c.metric.endsWith('/latency.p95'));

/** Both sides measured every pair: the head's and the base's metrics line up, sample by sample. */
function expectBothSides(result: RunResult): void {
  const sameJob = result.sameJob;
  expect(sameJob).toBeDefined();
  if (!sameJob) return;
  expect(sameJob.target.url).toBe(base);
  expect(sameJob.pairs.load).toBe(PAIRS);
  const orders = sameJob.orders['load/list'] ?? [];
  expect(orders).toHaveLength(PAIRS);
  // Balanced: an odd count leaves one pair to the coin.
  const headFirst = orders.filter((o) => o === 'head-first').length;
  expect(Math.abs(headFirst - (PAIRS - headFirst))).toBeLessThanOrEqual(1);
  for (const side of [result, sameJob]) {
    const [scenario] = side.scenarios;
    expect(scenario?.rounds).toHaveLength(PAIRS);
    expect(scenario?.histogram.length).toBeGreaterThan(0);
    const p95 = side.metrics.find((m) => m.key === 'load/list/latency.p95');
    expect(p95?.samples).toHaveLength(PAIRS);
    // Never below the truth: every request waited its service's delay.
    for (const sample of p95?.samples ?? []) {
      expect(sample).toBeGreaterThanOrEqual(side === result ? 0 : BASE_DELAY_MS);
    }
    for (const round of scenario?.rounds ?? []) {
      const t = round.totals;
      expect(t.sent).toBe(t.ok + (t.errorStatus ?? 0) + t.socketErrors + t.timeouts + t.dropped);
      expect(t.ok).toBe(t.sent);
    }
  }
}

describe('perf-action run --base-url', () => {
  it('judges an identical head against the base without failing, and says what it compared', async () => {
    const { code, out, result } = await runAgainst('same', same);
    expectBothSides(result);
    expect(result.checks.filter((c) => c.kind === 'regression' && c.status === 'fail')).toEqual([]);
    expect(code).toBe(result.verdict === 'fail' ? 1 : 0);
    expect(result.verdict).not.toBe('fail');
    const checks = latencyRegressions(result);
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) expect(check.pairs).toBe(PAIRS);
    expect(out).toMatch(/vs base 127\.0\.0\.1:\d+, measured in this job, 5 pairs interleaved/);
    const report = await readFile(join(dir, 'same', 'report.md'), 'utf8');
    expect(report).toContain('measured in this job');
  });

  it('catches a head 5 % slower (warn 3 %, fail 4 %)', async () => {
    const { result } = await runAgainst('slower5', slower5);
    expectBothSides(result);
    // Latency, throughput or both: every request takes 5 % longer, and 4 connections then also
    // answer 5 % fewer requests per second. A 60-request round's p95 is the noisier of the two.
    const caught = result.checks.filter((c) => c.kind === 'regression' && c.status !== 'pass');
    expect(caught.length).toBeGreaterThan(0);
    for (const check of caught) {
      expect(Math.abs(check.change ?? 0)).toBeGreaterThan(0.03);
      const [low = 0, high = 0] = check.changeInterval ?? [];
      expect(low > 0 || high < 0).toBe(true);
    }
    expect(['warn', 'fail']).toContain(result.verdict);
  });

  it('fails a head 25 % slower, with base and head values in the report', async () => {
    const { code, result } = await runAgainst('slower25', slower25);
    expectBothSides(result);
    expect(result.verdict).toBe('fail');
    expect(code).toBe(1);
    const p95 = result.checks.find(
      (c) => c.kind === 'regression' && c.metric === 'load/list/latency.p95',
    );
    expect(p95?.status).toBe('fail');
    expect(p95?.baseline ?? 0).toBeGreaterThanOrEqual(BASE_DELAY_MS);
    expect(p95?.value ?? 0).toBeGreaterThanOrEqual(BASE_DELAY_MS * 1.25);
    const report = await readFile(join(dir, 'slower25', 'report.md'), 'utf8');
    expect(report).toMatch(/\|\s+Base\s+\|\s+Head\s+\|/);
  });
});
