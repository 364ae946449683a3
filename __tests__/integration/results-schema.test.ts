// The demo's own results.json, from a real run of every suite against the sample service, fits the
// one results schema, and its baseline record is read back as usable (nothing of it is skipped).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseHistory } from '../../src/baseline/history.ts';
import { runResultSchema } from '../../src/suites/registry.ts';
import { runCli } from '../helpers/run-cli.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-results-schema-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('the demo writes results.json that the schema validates, and a usable baseline record', {
  timeout: 300_000,
}, async () => {
  const out = join(dir, 'out');
  const run = await runCli(['demo', '--out', out], { timeoutMs: 280_000 });
  // pass, warn, or a failed budget on a busy machine: every verdict writes the files.
  expect([0, 1]).toContain(run.code);
  const results: unknown = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
  const parsed = runResultSchema.safeParse(results);
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 5)).toEqual([]);
  if (!parsed.success) return;
  expect(parsed.data.stress?.length).toBeGreaterThan(0);
  expect(parsed.data.video?.levels.length).toBeGreaterThan(0);
  expect(parsed.data.scenarios.some((scenario) => scenario.suite === 'volume')).toBe(true);

  const history = parseHistory(
    await readFile(join(out, 'baseline', 'default.history.json'), 'utf8'),
    'default',
  );
  expect(history.warnings).toEqual([]);
  expect(history.history.records).toHaveLength(1);

  // The published JSON Schema states the same file: every key the demo wrote is declared, with the
  // type it has, and every required key is there.
  const printed = await runCli(['schema', '--results'], { timeoutMs: 60_000 });
  expect(printed.code).toBe(0);
  const schema = JSON.parse(printed.stdout) as {
    title: string;
    required: string[];
    properties: Record<string, { type?: string }>;
  };
  expect(schema.title).toBe('perf-action results.json (schemaVersion 1)');
  const written = results as Record<string, unknown>;
  for (const key of schema.required) expect(written).toHaveProperty(key);
  for (const [key, value] of Object.entries(written)) {
    expect(Object.keys(schema.properties)).toContain(key);
    const declared = schema.properties[key]?.type;
    if (declared !== undefined) {
      expect(declared).toBe(Array.isArray(value) ? 'array' : typeof value);
    }
  }
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['stress', 'video']));
});
