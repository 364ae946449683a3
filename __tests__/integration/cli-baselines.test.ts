// `perf-action run --baseline-dir DIR --update-baseline` as a real process against the real sample
// service, over histories it cannot read or that hold garbage: what cannot be read is kept byte for
// byte, garbage is never compared, and the output says so.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../examples/validation-platform/service.ts';
import {
  appendRecord,
  emptyHistory,
  makeRecord,
  serializeHistory,
} from '../../src/baseline/history.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import { runCli } from '../helpers/run-cli.ts';

let dir: string;
let service: { url: string; close(): Promise<void> };
let config: string;
/** A real run's results, to build histories from. */
let measured: RunResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-cli-baselines-'));
  service = await startServer({ port: 0 });
  config = join(dir, 'perf.yml');
  await writeFile(
    config,
    `target:
  url: ${service.url}
  health: /health
  wait: 5s
defaults: { warmup: 0s, rounds: 2 }
load:
  scenarios:
    - name: health
      request: { path: /health }
      connections: 2
      requests: 40
`,
  );
  const first = await run(join(dir, 'first'), []);
  expect(first.code).toBe(0);
  measured = JSON.parse(await readFile(join(dir, 'first', 'out', 'results.json'), 'utf8'));
});

afterAll(async () => {
  await service?.close();
  await rm(dir, { recursive: true, force: true });
});

function run(work: string, extra: string[]) {
  return runCli(['run', '-c', config, '--out', join(work, 'out'), ...extra], { timeoutMs: 60_000 });
}

/** A history of six runs like the measured one, as its file text. */
function sixRuns(): string {
  let history = emptyHistory('default');
  for (let day = 1; day <= 6; day++) {
    history = appendRecord(
      history,
      makeRecord(measured, { savedAt: `2026-01-0${day}T00:00:00.000Z` }),
    );
  }
  return serializeHistory(history);
}

describe('--update-baseline over a history it cannot read', () => {
  it.each([
    [
      'of a newer schemaVersion',
      (six: string) => six.replace('"schemaVersion": 1', '"schemaVersion": 2'),
      /has schemaVersion 2 \(this version reads 1\): 6 record/,
    ],
    [
      'of another name',
      (six: string) => six.replace('"name": "default"', '"name": "api"'),
      /is a file of history 'api'/,
    ],
    ['truncated', (six: string) => six.slice(0, Math.floor(six.length * 0.7)), /is not valid JSON/],
  ])(
    'keeps a history %s byte for byte, and says the run was not saved',
    async (label, spoil, why) => {
      const work = join(dir, label.replace(/\W+/g, '-'));
      const baselines = join(work, 'baselines');
      await mkdir(baselines, { recursive: true });
      const file = join(baselines, 'default.history.json');
      const before = spoil(sixRuns());
      await writeFile(file, before);

      const result = await run(work, ['--baseline-dir', baselines, '--update-baseline']);

      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(why);
      expect(result.stderr).toContain('kept as it is (never saved over)');
      expect(result.stderr).toMatch(
        /baseline 'default' not saved to local dir .*: cannot write baseline history .*: refused, it .*move it away to start a new history/,
      );
      expect(result.stdout + result.stderr).not.toMatch(/baseline 'default' saved to/);
      expect(await readFile(file, 'utf8')).toBe(before);
    },
  );
});

describe('a history with garbage in it', () => {
  it('compares with the good records only, warns once, and keeps the garbage until it ages out', async () => {
    const work = join(dir, 'garbage');
    const baselines = join(work, 'baselines');
    await mkdir(baselines, { recursive: true });
    const history = JSON.parse(sixRuns());
    const p95 = (record: { result: RunResult }) =>
      record.result.metrics.find((metric) => metric.name === 'latency.p95') as { value: number };
    p95(history.records[1]).value = -5;
    p95(history.records[3]).value = 1e300;
    const file = join(baselines, 'default.history.json');
    await writeFile(file, JSON.stringify(history));

    const result = await run(work, ['--baseline-dir', baselines, '--update-baseline']);

    expect(result.code).toBe(0);
    const skipped = result.stderr.split('\n').filter((line) => line.includes('skipped'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/skipped 2 of 6 record\(s\), not compared/);
    expect(skipped[0]).toMatch(/latency\.p95 -5 is outside 0\.\.86400000 ms/);
    expect(skipped[0]).toMatch(/latency\.p95 1e\+300 is outside/);
    const results: RunResult = JSON.parse(
      await readFile(join(work, 'out', 'results.json'), 'utf8'),
    );
    expect(results.baseline?.runs).toBe(4);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.records).toHaveLength(7);
    expect(saved.records[1]).toEqual(history.records[1]);
  });
});
