// The outcome identity in results.json, through the real CLI against a real server that closes,
// resets, hangs, answers 500, answers half and cuts answers short: in every scenario of every
// suite (load scenarios and their rounds, closed and open; stress scenarios and their phases;
// volume queries) `sent = ok + errorStatus + socketErrors + timeouts + dropped`, and every video
// upload ends as exactly one outcome. About 40 s.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestTotals } from '../../src/results/types.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import type { StressRun } from '../../src/suites/stress/results.ts';
import { type MisbehavingServer, startMisbehavingServer } from '../helpers/misbehaving-server.ts';
import { type CliRun, runCli } from '../helpers/run-cli.ts';

const PATHS = ['/ok', '/500', '/close', '/reset', '/hang', '/half', '/partial'] as const;
type Path = (typeof PATHS)[number];

/** What each path's requests must all end as (`half`: half ok, half socket errors). */
const DOMINANT: Record<Path, keyof RequestTotals | 'half'> = {
  '/ok': 'ok',
  '/500': 'errorStatus',
  '/close': 'socketErrors',
  '/reset': 'socketErrors',
  '/hang': 'timeouts',
  '/half': 'half',
  '/partial': 'socketErrors',
};

const name = (model: string, path: string) => `${model}-${path.slice(1)}`;

function config(url: string): string {
  const closed = PATHS.map(
    (path, i) =>
      `    - { name: ${name('closed', path)}, request: { path: "${path}" }, connections: 3, ` +
      // Both ways of ending a closed round: a request count and a duration.
      `${i % 2 === 0 ? 'requests: 30' : 'duration: 500ms'} }`,
  );
  const open = PATHS.map(
    (path) =>
      `    - { name: ${name('open', path)}, request: { path: "${path}" }, rate: 60, duration: 500ms }`,
  );
  const mix = PATHS.map(
    (path) => `        - { name: kind-${path.slice(1)}, weight: 1, request: { path: "${path}" } }`,
  );
  return `target: { url: "${url}" }
monitor: { enabled: false }
defaults: { warmup: 0s, rounds: 2, timeout: 300ms }
load:
  scenarios:
${closed.join('\n')}
${open.join('\n')}
stress:
  scenarios:
    - name: open-mix
      mix:
${mix.join('\n')}
      stages:
        - { rate: 40, duration: 1s }
        - { rate: 80, duration: 1s }
      limits: { errors.rate: 100%, latency.p95: 10s }
      warmup: 0s
      cooldown: 2s
      timeout: 300ms
    - name: closed-mix
      mix:
${mix.join('\n')}
      stages:
        - { connections: 2, duration: 1s }
        - { connections: 4, duration: 1s }
      limits: { errors.rate: 100%, latency.p95: 10s }
      warmup: 0s
      cooldown: 2s
      timeout: 300ms
volume:
  steps: [10, 20]
  seed: { command: "true" }
  defaults: { warmup: 0s, rounds: 2, timeout: 300ms }
  queries:
    - { name: half-closed, request: { path: /half }, connections: 2, requests: 20 }
    - { name: reset-open, request: { path: /reset }, rate: 40, duration: 500ms }
    - { name: hang-closed, request: { path: /hang }, connections: 2, duration: 500ms }
video:
  videos:
    - synthetic: { duration: 1s, width: 64, height: 48, fps: 5, seed: 1 }
  upload:
    request: { method: POST, path: /half }
    field: file
  status:
    request: { path: "/ok?id={{id}}" }
    interval: 100ms
    timeout: 2s
  levels: [1, 2]
  videos-per-level: 3
`;
}

function identityOf(t: RequestTotals): number {
  return t.ok + t.errorStatus + t.socketErrors + t.timeouts + t.dropped;
}

function expectIdentity(t: RequestTotals, where: string): void {
  expect(identityOf(t), `${where}: ${JSON.stringify(t)}`).toBe(t.sent);
  expect(t.completed, where).toBe(t.ok + t.errorStatus);
  const answered = Object.values(t.statusCodes).reduce((a, b) => a + b, 0);
  expect(answered, `${where}: status codes`).toBe(t.completed);
  const errorCodes = Object.entries(t.statusCodes)
    .filter(([code]) => Number(code) < 200 || Number(code) >= 400)
    .reduce((n, [, count]) => n + count, 0);
  expect(errorCodes, `${where}: error statuses`).toBe(t.errorStatus);
}

let dir: string;
let server: MisbehavingServer;
let run: CliRun;
let result: RunResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-identity-'));
  server = await startMisbehavingServer();
  const file = join(dir, 'perf.yml');
  await writeFile(file, config(server.url));
  const out = join(dir, 'out');
  run = await runCli(['run', '-c', file, '--out', out], { timeoutMs: 170_000 });
  if (run.code !== 0 && run.code !== 1) throw new Error(`exit ${run.code}: ${run.stderr}`);
  result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
}, 180_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the outcome identity in results.json, through the CLI', () => {
  it('the run ends as a failure, with its results written, and no stack trace', () => {
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(1);
    expect(result.verdict).toBe('fail');
  });

  it('holds for every load scenario and every round, and each misbehaviour is its outcome', () => {
    const load = result.scenarios.filter((s) => s.suite === 'load');
    expect(load.map((s) => s.name).sort()).toEqual(
      PATHS.flatMap((p) => [name('closed', p), name('open', p)]).sort(),
    );
    for (const scenario of load) {
      // A round with no answer at all ends its scenario (the next would be the same).
      const first = scenario.rounds[0]?.totals;
      expect(scenario.rounds).toHaveLength(first?.completed === 0 ? 1 : 2);
      scenario.rounds.forEach((round, i) => {
        expectIdentity(round.totals, `${scenario.name} round ${i + 1}`);
      });
      expectIdentity(scenario.totals, scenario.name);
      const t = scenario.totals;
      expect(t.sent, scenario.name).toBeGreaterThan(0);
      const path = `/${scenario.name.split('-')[1]}` as Path;
      const dominant = DOMINANT[path];
      if (dominant === 'half') {
        // Alternate arrivals at the server: about half of each, over all scenarios at /half.
        expect(t.ok + t.socketErrors, scenario.name).toBe(t.sent - t.dropped);
        expect(t.ok, scenario.name).toBeGreaterThan(0);
        expect(t.socketErrors, scenario.name).toBeGreaterThan(0);
      } else {
        expect(t[dominant], `${scenario.name}: ${JSON.stringify(t)}`).toBe(t.sent - t.dropped);
      }
    }
    // Closed scenarios with a request count send exactly it, every round.
    for (const path of PATHS.filter((_, i) => i % 2 === 0)) {
      const scenario = load.find((s) => s.name === name('closed', path));
      for (const round of scenario?.rounds ?? []) expect(round.totals.sent).toBe(30);
    }
    // Open scenarios: 60/s for 500 ms is 30 arrivals a round, each an outcome.
    for (const scenario of load.filter((s) => s.model === 'open')) {
      for (const round of scenario.rounds) expect(round.totals.sent).toBe(30);
    }
  });

  it('holds for every stress scenario and every phase', () => {
    const stress = result.stress ?? [];
    expect(stress.map((s: StressRun) => s.name)).toEqual(['open-mix', 'closed-mix']);
    for (const scenario of stress) {
      expect(scenario.phases.length).toBeGreaterThanOrEqual(2);
      scenario.phases.forEach((phase, i) => {
        expectIdentity(phase.totals, `${scenario.name} phase ${i + 1}`);
        expect(phase.totals.sent).toBe(phase.requests);
      });
      expectIdentity(scenario.totals, scenario.name);
      const t = scenario.totals;
      expect(t.sent).toBe(scenario.phases.reduce((n, p) => n + p.totals.sent, 0));
      // Every misbehaviour of the mix showed up as its outcome.
      expect(t.ok).toBeGreaterThan(0);
      expect(t.errorStatus).toBeGreaterThan(0);
      expect(t.socketErrors).toBeGreaterThan(0);
      expect(t.timeouts).toBeGreaterThan(0);
    }
  });

  it('holds for every volume query at every step', () => {
    const volume = result.scenarios.filter((s) => s.suite === 'volume');
    expect(volume.map((s) => s.name)).toEqual([
      'half-closed@10',
      'reset-open@10',
      'hang-closed@10',
      'half-closed@20',
      'reset-open@20',
      'hang-closed@20',
    ]);
    for (const query of volume) {
      for (const round of query.rounds) expectIdentity(round.totals, query.name);
      expectIdentity(query.totals, query.name);
    }
    const reset = volume.find((s) => s.name === 'reset-open@10');
    expect(reset?.totals.socketErrors).toBe(reset?.totals.sent);
    const hang = volume.find((s) => s.name === 'hang-closed@10');
    expect(hang?.totals.timeouts).toBe(hang?.totals.sent);
  });

  it('every video upload ends as exactly one outcome', () => {
    const levels = result.video?.levels ?? [];
    expect(levels.map((l) => l.level)).toEqual([1, 2]);
    for (const level of levels) {
      expect(level.rows).toHaveLength(3);
      expect(level.succeeded + level.failed).toBe(level.videos);
      for (const row of level.rows) {
        expect(['done', 'failed', 'rejected', 'timeout', 'error']).toContain(row.outcome);
      }
      // /half closes every other upload (a socket error) and answers the rest without a job id.
      const outcomes = new Set(level.rows.map((r) => r.outcome));
      expect([...outcomes].every((o) => o === 'error' || o === 'rejected')).toBe(true);
    }
    const all = levels.flatMap((l) => l.rows);
    expect(all.some((r) => r.outcome === 'error')).toBe(true);
    expect(all.some((r) => r.outcome === 'rejected')).toBe(true);
  });

  it('a scenario whose every request failed also fails the minimum-answers rule', () => {
    const check = result.checks.find((c) => c.metric === 'load/closed-close/requests');
    expect(check).toMatchObject({ status: 'fail', value: 0 });
    expect(check?.message).toContain('fewer than the 20 needed to judge a scenario');
  });
});
