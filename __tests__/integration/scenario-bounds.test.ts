// Every scenario is bounded and judged only on enough answers, through the real CLI: a hanging
// service with `requests: 200` ends at the round's wall-clock cap (60 s plus one timeout) instead
// of 200 / connections x timeout per round, and says so; a scenario with fewer than 20 answered
// requests fails instead of passing. About 75 s, most of it the cap.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/suites/registry.ts';
import { type MisbehavingServer, startMisbehavingServer } from '../helpers/misbehaving-server.ts';
import { runCli } from '../helpers/run-cli.ts';

let dir: string;
let server: MisbehavingServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-bounds-'));
  server = await startMisbehavingServer();
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function runConfig(
  name: string,
  yaml: string,
  timeoutMs: number,
): Promise<{
  code: number | null;
  stdout: string;
  result: RunResult;
  report: string;
  tookMs: number;
}> {
  const file = join(dir, `${name}.yml`);
  await writeFile(file, yaml);
  const out = join(dir, name);
  const startedAt = performance.now();
  const run = await runCli(['run', '-c', file, '--out', out], { timeoutMs });
  const tookMs = performance.now() - startedAt;
  expect(run.stderr).not.toMatch(/\n\s+at /);
  const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
  const report = await readFile(join(out, 'report.md'), 'utf8');
  return { code: run.code, stdout: run.stdout, result, report, tookMs };
}

describe('the wall-clock bound of a request count', () => {
  it('a hanging service with requests: 200 ends at the cap, the rest counted as dropped', async () => {
    const before = server.arrivals('/hang');
    // Unbounded: 200 / 4 connections x 2 s = 100 s a round, 300 s for the three rounds.
    const { code, result, report, tookMs } = await runConfig(
      'hang',
      `target: { url: "${server.url}" }
monitor: { enabled: false }
defaults: { warmup: 0s, timeout: 2s }
load:
  scenarios:
    - { name: hang200, request: { path: /hang }, connections: 4, requests: 200 }
`,
      150_000,
    );
    expect(code).toBe(1);
    // The cap (60 s) plus one timeout, and a generous margin for a busy machine.
    expect(tookMs).toBeLessThan(60_000 + 2000 + 25_000);
    const [scenario] = result.scenarios;
    // The capped round ended the scenario: the next rounds would only hit the cap again.
    expect(scenario?.rounds).toHaveLength(1);
    const round = scenario?.rounds[0];
    expect(round?.cappedAtMs).toBe(60_000);
    const t = round?.totals;
    expect(t?.sent).toBe(200);
    const reached = server.arrivals('/hang') - before;
    expect(t?.timeouts).toBe(reached);
    expect(t?.dropped).toBe(200 - reached);
    expect((t?.ok ?? 0) + (t?.errorStatus ?? 0) + (t?.socketErrors ?? 0)).toBe(0);
    const cap = result.checks.find((c) => c.metric === 'load/hang200/cap');
    expect(cap).toMatchObject({ status: 'fail', value: 1 });
    expect(cap?.message).toBe(
      `cap: round 1 hit the 60 s wall-clock cap with ${200 - reached} requests not sent ` +
        '(counted as dropped)',
    );
    // In the validity section, the value and its unit held together (a no-break space).
    expect(report).toMatch(/hit the 60\s+s wall-clock cap/u);
  }, 160_000);
});

describe('the minimum of answered requests', () => {
  it('fails a scenario with fewer than 20 answers, passes one with 20', async () => {
    const { code, stdout, result, report } = await runConfig(
      'few',
      `target: { url: "${server.url}" }
monitor: { enabled: false }
defaults: { warmup: 0s, rounds: 2, timeout: 2s }
budgets: { latency.p95: 10s }
load:
  scenarios:
    - { name: twenty, request: { path: /ok }, connections: 1, requests: 10 }
    - { name: ten, request: { path: /ok }, connections: 1, requests: 5 }
    - { name: short, request: { path: "/slow?ms=100" }, connections: 1, duration: 250ms, rounds: 3 }
`,
      60_000,
    );
    expect(code).toBe(1);
    const failed = result.checks.filter((c) => c.status === 'fail').map((c) => c.metric);
    expect(failed.sort()).toEqual(['load/short/requests', 'load/ten/requests']);
    const ten = result.checks.find((c) => c.metric === 'load/ten/requests');
    expect(ten?.message).toBe(
      'requests: 10 answered over 2 measured rounds, fewer than the 20 needed to judge a ' +
        'scenario (lengthen duration or raise requests)',
    );
    // Each in the validity section: what makes the figures untrustworthy, not a budget.
    expect(stdout).toMatch(
      /\| load +\| ten +\| `requests` +\| ❌ fail +\| requests: 10 answered over 2 measured rounds/u,
    );
    expect(report).toMatch(
      /\| load +\| short +\| `requests` +\| ❌ fail +\| requests: \d+ answered/u,
    );
  });
});
