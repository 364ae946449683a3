import { describe, expect, it } from 'vitest';
import { BUDGET_METRICS, DEFAULT_BUDGETS } from '../../../src/config/schema.ts';
import { editDistance, suggestClosest } from '../../../src/config/suggest.ts';
import { builtInRegistry, perfConfigJsonSchema } from '../../../src/suites/registry.ts';

type JsonObject = { [key: string]: unknown };

function at(schema: unknown, ...path: string[]): JsonObject {
  let node = schema;
  for (const key of path) node = (node as JsonObject)[key];
  expect(node, path.join('.')).toBeTypeOf('object');
  return node as JsonObject;
}

describe('configJsonSchema', () => {
  const schema = perfConfigJsonSchema();

  it('describes perf.yml as written, and survives a JSON round trip', () => {
    expect(schema.type).toBe('object');
    expect(schema.title).toContain('perf.yml');
    expect(schema.required).toEqual(['target']);
    expect(Object.keys(at(schema, 'properties'))).toEqual([
      'target',
      'base',
      'auth',
      'monitor',
      'defaults',
      'budgets',
      'load',
      'volume',
      'stress',
      'video',
      'baseline',
      'regression',
      'accept',
    ]);
    expect(JSON.parse(JSON.stringify(schema))).toStrictEqual(schema);
  });

  it('forbids unknown keys at every level', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(at(schema, 'properties', 'target').additionalProperties).toBe(false);
    const scenario = at(schema, 'properties', 'load', 'properties', 'scenarios', 'items');
    expect(scenario.additionalProperties).toBe(false);
    expect(at(scenario, 'properties', 'request').additionalProperties).toBe(false);
    expect(Object.keys(at(scenario, 'properties'))).toContain('max-in-flight');
    expect(at(schema, 'properties', 'budgets').additionalProperties).toBe(false);
  });

  it('lists every budget metric of the catalogue', () => {
    expect(Object.keys(at(schema, 'properties', 'budgets', 'properties'))).toEqual(
      Object.keys(BUDGET_METRICS),
    );
  });

  it('types durations as strings or numbers (the input side of the transforms)', () => {
    expect(at(schema, 'properties', 'target', 'properties', 'wait').type).toEqual([
      'string',
      'number',
    ]);
  });
});

describe('BUDGET_METRICS', () => {
  it.each([
    ['latency.p50', 'ms', 'lower'],
    ['latency.p90', 'ms', 'lower'],
    ['latency.p95', 'ms', 'lower'],
    ['latency.p99', 'ms', 'lower'],
    ['latency.max', 'ms', 'lower'],
    ['latency.mean', 'ms', 'lower'],
    ['errors.rate', 'ratio', 'lower'],
    ['throughput.rps', 'rps', 'higher'],
  ])('%s is in %s, %s is better', (name, unit, better) => {
    expect(BUDGET_METRICS[name as keyof typeof BUDGET_METRICS]).toMatchObject({ unit, better });
  });

  it('holds the default budgets', () => {
    for (const name of Object.keys(DEFAULT_BUDGETS)) expect(BUDGET_METRICS).toHaveProperty([name]);
  });
});

describe('builtInRegistry.configSchema', () => {
  it('validates plain data too (the loader adds positions and env interpolation)', () => {
    const result = builtInRegistry.configSchema.safeParse({
      target: { url: 'http://127.0.0.1:1' },
      extra: 1,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      "unknown key 'extra' (expected one of: 'target', 'base', 'auth', 'monitor', 'defaults', 'budgets', 'load', 'volume', 'stress', 'video', 'baseline', 'regression', 'accept')",
    );
  });
});

describe('suggestClosest', () => {
  it.each([
    ['helth', ['url', 'health', 'wait', 'start'], 'health'],
    ['conections', ['connections', 'rate'], 'connections'],
    ['wran', ['warn', 'fail'], 'warn'],
    ['maxInFlight', ['max-in-flight', 'rate'], 'max-in-flight'],
    ['Rate', ['rate', 'rounds'], 'rate'],
    ['colour', ['url', 'health', 'wait', 'start'], undefined],
    ['x', ['json', 'body'], undefined],
    ['anything', [], undefined],
  ])('%s among %j -> %s', (input, candidates, expected) => {
    expect(suggestClosest(input, candidates)).toBe(expected);
  });

  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['wran', 'warn', 1],
    ['ab', 'ba', 1],
    ['same', 'same', 0],
  ])('editDistance(%j, %j) = %d', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
  });
});
