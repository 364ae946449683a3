// The CLI end to end, as a real process against the real sample service: exit codes per the
// contract, one clear line for bad input, result files written, secrets never printed.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../examples/validation-platform/service.ts';
import { isComparison } from '../../src/results/check-kinds.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import { runCli } from '../helpers/run-cli.ts';
import { metric, sampleResult } from '../helpers/sample-result.ts';

let dir: string;
let fast: { url: string; close(): Promise<void> };
let slow: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-cli-'));
  fast = await startServer({ port: 0 });
  slow = await startServer({ port: 0, delayMs: 250 });
});

afterAll(async () => {
  await fast?.close();
  await slow?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A small config: one closed and one open scenario, short. */
function smallConfig(url: string): string {
  return `target:
  url: ${url}
  health: /health
  wait: 5s
auth:
  login:
    path: /auth/login
    json: { email: test@example.com, password: "\${env:PERF_TEST_PASSWORD}" }
  token: access_token
defaults:
  warmup: 0s
  rounds: 2
load:
  scenarios:
    - name: list
      request: { path: /api/projects }
      connections: 4
      requests: 40
    - name: sessions
      request: { path: /api/test-sessions }
      rate: 50
      duration: 500ms
`;
}

async function writeConfig(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('perf-action run', () => {
  it('passes against a fast service and writes results.json, report.md and report.html', async () => {
    const config = await writeConfig('fast.yml', smallConfig(fast.url));
    const out = join(dir, 'out-fast');
    const run = await runCli(['run', '-c', config, '--out', out], {
      env: { PERF_TEST_PASSWORD: 'password' },
    });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    // Not a terminal: the markdown report, and the headline as the last line.
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^✅ \d+ budgets met · budgets only$/);
    expect(run.stdout).toContain('closed model, 4 connections');
    expect(run.stdout).toContain('open model, 50\u00a0req/s');

    const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    expect(result.schemaVersion).toBe(1);
    expect(result.verdict).toBe('pass');
    const keys = result.metrics.map((m) => m.key);
    expect(keys).toContain('load/list/latency.p95');
    expect(keys).toContain('load/sessions/throughput.rps');
    const p95 = result.metrics.find((m) => m.key === 'load/list/latency.p95');
    expect(p95?.samples).toHaveLength(2);
    expect(result.scenarios[0]?.totals.statusCodes['200']).toBe(80);
    expect(result.checks.map((c) => c.metric)).toContain('load/list/latency.p95');
    // The env-supplied password and the login token appear nowhere.
    for (const file of ['results.json', 'report.md', 'report.html']) {
      const text = await readFile(join(out, file), 'utf8');
      expect(text).not.toContain('"password"');
      expect(text).not.toMatch(/[0-9a-f]{64}/);
    }
    expect(run.stdout + run.stderr).not.toMatch(/[0-9a-f]{64}/);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/^\*\*✅ /);
  });

  it('fails (exit 1) when the service is slower than the p95 budget, and still writes results', async () => {
    const config = await writeConfig('slow.yml', smallConfig(slow.url));
    const out = join(dir, 'out-slow');
    const run = await runCli(['run', '-c', config, '--out', out, '--suite', 'load'], {
      env: { PERF_TEST_PASSWORD: 'password' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^❌ \d+ budgets? over \(worst: \w+ p95 [\d.]+ ms > 200\.00 ms\) · budgets only$/,
    );
    const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    expect(result.verdict).toBe('fail');
    const p95 = result.metrics.find((m) => m.key === 'load/list/latency.p95');
    expect(p95?.value).toBeGreaterThanOrEqual(250);
  });

  it('exits 3 with one line when the target is unreachable', async () => {
    const config = await writeConfig(
      'down.yml',
      smallConfig('http://127.0.0.1:9').replace('wait: 5s', 'wait: 1s'),
    );
    const run = await runCli(['run', '-c', config, '--out', join(dir, 'out-down')], {
      env: { PERF_TEST_PASSWORD: 'password' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^perf-action: .*127\.0\.0\.1:9.*/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('baselines through the CLI', () => {
  it('--update-baseline builds a history that the next run compares with', async () => {
    // Runs this short are noisy; accepting every regression keeps the verdict about the history.
    const config = await writeConfig(
      'history.yml',
      `${smallConfig(fast.url)}accept:\n  - { metric: "**", reason: noisy test runs }\n`,
    );
    const baselineDir = join(dir, 'history');
    const env = { PERF_TEST_PASSWORD: 'password' };
    const args = (out: string) => [
      'run',
      '-c',
      config,
      '--out',
      join(dir, out),
      '--baseline-dir',
      baselineDir,
    ];
    const first = await runCli([...args('h1'), '--update-baseline'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("No baseline 'default' yet");
    const second = await runCli(args('h2'), { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Baseline 'default': 1 run");
    expect(second.stdout).toContain('Low confidence');
    const result = JSON.parse(await readFile(join(dir, 'h2', 'results.json'), 'utf8')) as RunResult;
    expect(result.baseline).toMatchObject({ name: 'default', runs: 1 });
    const comparisons = result.checks.filter(isComparison);
    expect(comparisons.map((c) => c.metric)).toContain('load/list/latency.p95');
    expect(comparisons.every((c) => c.lowConfidence === true)).toBe(true);
  });

  it('a failing regression is run again and fails only when the second run confirms it', async () => {
    // A quiet history of six runs at ~5 ms; the service now answers in 250 ms.
    const baselineDir = join(dir, 'confirm-history');
    const records = [5, 5.1, 4.9, 5, 5.05, 4.95].map((p95, i) => {
      const result = sampleResult();
      result.metrics = [metric('list', 'latency.p95', p95, [p95, p95, p95])];
      return { schemaVersion: 1, savedAt: `2026-11-2${i}T00:00:00.000Z`, result };
    });
    await mkdir(baselineDir, { recursive: true });
    await writeFile(
      join(baselineDir, 'default.history.json'),
      JSON.stringify({ schemaVersion: 1, name: 'default', records }),
    );
    const config = await writeConfig(
      'confirm.yml',
      smallConfig(slow.url).replace('requests: 40', 'requests: 10'),
    );
    const out = join(dir, 'out-confirm');
    const run = await runCli(
      ['run', '-c', config, '--out', out, '--baseline-dir', baselineDir, '--suite', 'load'],
      { env: { PERF_TEST_PASSWORD: 'password' } },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('confirming failing regressions with a second run of: list');
    const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    const p95 = result.checks.find(
      (c) => c.kind === 'regression' && c.metric === 'load/list/latency.p95',
    );
    expect(p95).toMatchObject({ status: 'fail', historySize: 6, lowConfidence: false });
    expect(p95?.message).toContain('confirmed by a second run');
  });

  it('compare BASE HEAD finds a slowed service: a warning, one run being low confidence', async () => {
    const write = async (name: string, p95: number[]) => {
      const result = sampleResult();
      result.checks = [];
      result.metrics = [metric('list', 'latency.p95', p95[1] ?? 0, p95)];
      const file = join(dir, name);
      await writeFile(file, JSON.stringify(result));
      return file;
    };
    const base = await write('base.json', [9.8, 10, 10.2]);
    const head = await write('head.json', [258, 260, 262]);
    const run = await runCli(['compare', base, head]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('### Regressions');
    expect(run.stdout).toMatch(/\| load +\| list +\| `p95` +\|.*⚠️ warn/);
    const same = await runCli(['compare', base, base]);
    expect(same.code).toBe(0);
    expect(same.stdout).not.toContain('### Regressions');
    // --format text: the summary a terminal gets, whatever stdout is.
    const text = await runCli(['compare', base, head, '--format', 'text']);
    expect(text.stdout).not.toContain('###');
    expect(text.stdout).toMatch(
      /│ load +│ list +│ p95 +│ +10\.00 ms │ +260\.00 ms │ +\+2500\.0 % │ warn +│/,
    );
    expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^⚠️ 1 regression \(worst: list p95 \+2500\.0 %\) · vs 1 run of /,
    );
  });

  it('compare rejects a file that is not results.json', async () => {
    const config = await writeConfig('not-results.json', '{"hello": 1}');
    const run = await runCli(['compare', config, config]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(/not a perf-action results.json of schemaVersion 1$/);
  });
});

describe('bad input: one line, exit 2, no stack trace', () => {
  const good = () => smallConfig(fast.url);
  const cases: [string, () => string, RegExp][] = [
    ['empty config', () => '', /empty/],
    ['not a mapping', () => '- a\n- b\n', /mapping/],
    ['YAML syntax error', () => 'target:\n  url: [unclosed\n', /:\d+:\d+/],
    [
      'duplicate keys',
      () => good().replace('  wait: 5s', '  wait: 5s\n  wait: 6s'),
      /unique|duplicate/i,
    ],
    [
      'unknown key',
      () => good().replace('connections: 4', 'conections: 4'),
      /did you mean 'connections'/,
    ],
    ['wrong type', () => good().replace('connections: 4', 'connections: four'), /connections/],
    ['zero duration', () => good().replace('duration: 500ms', 'duration: 0s'), /duration/],
    ['negative rate', () => good().replace('rate: 50', 'rate: -5'), /rate/],
    ['zero connections', () => good().replace('connections: 4', 'connections: 0'), /connections/],
    [
      'rate and connections',
      () => good().replace('rate: 50', 'rate: 50\n      connections: 3'),
      /rate.*connections|connections.*rate/,
    ],
    ['no request', () => good().replace('      request: { path: /api/projects }\n', ''), /request/],
    ['target not http', () => good().replace(fast.url, 'ftp://127.0.0.1:21'), /http/],
    ['missing env', () => good(), /PERF_TEST_PASSWORD/],
  ];

  it.each(cases)('%s', async (name, text, message) => {
    const config = await writeConfig(`bad-${name.replaceAll(' ', '-')}.yml`, text());
    const env: Record<string, string> =
      name === 'missing env' ? {} : { PERF_TEST_PASSWORD: 'password' };
    const run = await runCli(['run', '-c', config, '--out', join(dir, 'out-bad')], { env });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toContain(config.split('/').at(-1));
  });

  it('a missing config file names the path', async () => {
    const run = await runCli(['run', '-c', join(dir, 'nope.yml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nope.yml');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown flag is a usage error', async () => {
    const run = await runCli(['run', '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--frobnicate'/);
  });

  it('--debug adds the stack trace', async () => {
    const config = await writeConfig('debug.yml', '- a\n');
    const run = await runCli(['run', '-c', config, '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});
