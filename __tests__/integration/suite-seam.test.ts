// The suite seam: a fifth suite written in its own folder (__tests__/fixtures/toy-suite) and
// registered from here runs beside a built-in one against a real server, with its section of
// perf.yml validated, its budgets judged, its detail kept in results.json (and in the results
// schema and its JSON Schema), its report section shown, and nothing edited outside its files.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/errors.ts';
import { runPerf } from '../../src/pipeline/run-perf.ts';
import {
  builtInRegistry,
  createRegistry,
  parsePerfConfig,
  runResultJsonSchema,
} from '../../src/suites/registry.ts';
import { pingSuite } from '../fixtures/toy-suite/index.ts';
import { type MisbehavingServer, startMisbehavingServer } from '../helpers/misbehaving-server.ts';
import { recordingOutlet } from '../helpers/outlet.ts';

let dir: string;
let server: MisbehavingServer;
const registry = createRegistry([...builtInRegistry.suites, pingSuite]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-seam-'));
  server = await startMisbehavingServer();
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const perfYml = (url: string) => `target: { url: "${url}" }
monitor: { enabled: false }
load:
  scenarios:
    - { name: ok, request: { path: /ok }, connections: 1, requests: 20, rounds: 1, warmup: 0s }
ping:
  paths: [/ok, /500]
  count: 10
  budgets: { errors.rate: 10% }
`;

describe('a suite registered from a test', () => {
  it('runs after the built-in ones, with its budgets, detail, schema and report section', async () => {
    const configPath = join(dir, 'perf.yml');
    await writeFile(configPath, perfYml(server.url));
    const lines: string[] = [];
    const outDir = join(dir, 'out');
    const { result } = await runPerf({
      configPath,
      outDir,
      env: {},
      outlet: recordingOutlet(lines),
      registry,
      calibrationMs: 0,
    });

    expect(lines).toContain(`ping suite: 2 paths against ${server.url}`);
    expect(lines.indexOf(`ping suite: 2 paths against ${server.url}`)).toBeGreaterThan(
      lines.findIndex((line) => line.startsWith('load suite:')),
    );
    const written: unknown = JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8'));
    const parsed = registry.resultSchema.safeParse(written);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect((written as { ping: unknown }).ping).toEqual([
      { name: 'p1', path: '/ok', ok: 10 },
      { name: 'p2', path: '/500', ok: 0 },
    ]);
    // Unit and direction come from the catalogue, not from the suite.
    expect(result.metrics.find((m) => m.key === 'ping/p1/latency.p95')).toMatchObject({
      unit: 'ms',
      better: 'lower',
    });
    // The suite's own budget (suite scope) beside the global default.
    const budget = (key: string) =>
      result.checks.find((c) => c.kind === 'budget' && c.metric === key);
    expect(budget('ping/p1/errors.rate')).toMatchObject({ status: 'pass', source: 'suite' });
    expect(budget('ping/p2/errors.rate')).toMatchObject({ status: 'fail', value: 1 });
    expect(result.verdict).toBe('fail');

    const report = await readFile(join(outDir, 'report.md'), 'utf8');
    expect(report).toContain('Ping');
    expect(report).toContain('`/500`');
    expect(report.indexOf('Ping')).toBeGreaterThan(report.indexOf('Load'));

    const jsonSchema = runResultJsonSchema(registry) as { properties: Record<string, unknown> };
    expect(Object.keys(jsonSchema.properties)).toContain('ping');
    expect(Object.keys(runResultJsonSchema().properties as object)).not.toContain('ping');
  });

  it('runs alone when asked, and is named among the suites a bad --suite could have meant', async () => {
    const configPath = join(dir, 'alone.yml');
    await writeFile(configPath, perfYml(server.url));
    const outDir = join(dir, 'alone');
    const { result } = await runPerf({
      configPath,
      outDir,
      env: {},
      outlet: recordingOutlet(),
      registry,
      calibrationMs: 0,
      suites: ['ping'],
    });
    expect(new Set(result.metrics.map((m) => m.suite))).toEqual(new Set(['ping']));
    await expect(
      runPerf({
        configPath,
        outDir,
        env: {},
        outlet: recordingOutlet(),
        registry,
        suites: ['pong'],
      }),
    ).rejects.toThrow(
      new UsageError("unknown suite 'pong' (expected one of: load, volume, stress, video, ping)"),
    );
  });

  it('is unknown to perf-action itself: the built-in schema refuses its section', () => {
    expect(() =>
      parsePerfConfig(perfYml('http://127.0.0.1:9'), { file: 'perf.yml', env: {} }),
    ).toThrow(ConfigError);
    expect(() =>
      parsePerfConfig(perfYml('http://127.0.0.1:9'), { file: 'perf.yml', env: {} }, registry),
    ).not.toThrow();
  });
});
