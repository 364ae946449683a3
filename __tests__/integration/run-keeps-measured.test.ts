// A scenario or a suite that throws in the middle of a run loses nothing measured before it:
// results.json and the reports are written with what was measured and a failed check naming the
// error, the other scenarios still run, and the run ends as a failure (exit 1), with one clear
// line, not a stack trace. The engine is the real one; for the scenario case it is wrapped to
// refuse one round, as an engine refusing a value the config let through would.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClosed } from '../../src/engine/closed.ts';
import { type LoadEngine, realEngine } from '../../src/engine/load-engine.ts';
import { runOpen } from '../../src/engine/open.ts';
import { EngineError } from '../../src/errors.ts';
import { runPerf } from '../../src/pipeline/run-perf.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import { type MisbehavingServer, startMisbehavingServer } from '../helpers/misbehaving-server.ts';
import { recordingOutlet } from '../helpers/outlet.ts';
import { runCli } from '../helpers/run-cli.ts';

let dir: string;
let server: MisbehavingServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-keeps-'));
  server = await startMisbehavingServer();
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a scenario that throws mid-run', () => {
  it('keeps its measured rounds and the other scenarios, and fails with a check naming the error', async () => {
    const file = join(dir, 'throws.yml');
    await writeFile(
      file,
      `target: { url: "${server.url}" }
monitor: { enabled: false }
defaults: { warmup: 0s, rounds: 3, timeout: 2s }
load:
  scenarios:
    - { name: first, request: { path: /ok }, connections: 2, requests: 30 }
    - { name: broken, request: { path: "/ok?broken" }, connections: 2, requests: 30 }
    - { name: last, request: { path: /ok }, rate: 100, duration: 300ms }
`,
    );
    // The real engine, refusing the second round of `broken`.
    let brokenRounds = 0;
    const engine: LoadEngine = {
      ...realEngine,
      runClosed: (options) => {
        if (options.request.path.includes('broken') && ++brokenRounds === 2) {
          return Promise.reject(new EngineError('closed model: rate must be > 0, got Infinity'));
        }
        return runClosed(options);
      },
      runOpen,
    };
    const lines: string[] = [];
    const out = join(dir, 'out-throws');
    const output = await runPerf({
      configPath: file,
      outDir: out,
      env: {},
      calibrationMs: 0,
      engine,
      outlet: recordingOutlet(lines),
    });
    const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    expect(saved.verdict).toBe('fail');
    expect(saved.scenarios.map((s) => [s.name, s.rounds.length])).toEqual([
      ['first', 3],
      ['broken', 1],
      ['last', 3],
    ]);
    const check = saved.checks.find((c) => c.metric === 'load/broken/run');
    expect(check).toMatchObject({ kind: 'validity', status: 'fail' });
    expect(check?.message).toBe(
      'could not run: closed model: rate must be > 0, got Infinity (1 measured round kept)',
    );
    expect(lines).toContain('broken: could not run: closed model: rate must be > 0, got Infinity');
    // In the report's Measurement validity section, not among the budgets.
    const validity = output.markdown.slice(output.markdown.indexOf('### Measurement validity'));
    expect(validity.slice(0, validity.indexOf('### ', 4))).toMatch(
      /\| load +\| broken +\| `run` +\| ❌ fail +\| could not run: closed model: rate must be/,
    );
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain(
      '<h2>Measurement validity</h2>',
    );
  });
});

describe('a suite that throws mid-run', () => {
  it('keeps what the suites before it measured; the CLI exits 1 with the reason', async () => {
    const file = join(dir, 'video-missing.yml');
    await writeFile(
      file,
      `target: { url: "${server.url}" }
monitor: { enabled: false }
defaults: { warmup: 0s, rounds: 1, timeout: 2s }
load:
  scenarios:
    - { name: list, request: { path: /ok }, connections: 2, requests: 40 }
video:
  videos:
    - { file: missing.avi, duration: 2s }
  upload: { request: { path: /ok } }
  status: { request: { path: "/ok?id={{id}}" } }
  levels: [1]
`,
    );
    const out = join(dir, 'out-video');
    const run = await runCli(['run', '-c', file, '--out', out], { timeoutMs: 60_000 });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^❌ 1 suite could not run \(worst: suite could not run: /,
    );
    const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    expect(saved.scenarios.map((s) => s.name)).toEqual(['list']);
    expect(saved.scenarios[0]?.totals.ok).toBe(40);
    const check = saved.checks.find((c) => c.metric === 'video/suite/run');
    expect(check?.status).toBe('fail');
    expect(check?.message).toContain('no such file');
  });
});
