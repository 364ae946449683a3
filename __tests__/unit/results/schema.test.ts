import { describe, expect, it } from 'vitest';
import {
  checkKindSchema,
  checkSchema,
  metricSchema,
  UNIT_RANGES,
  unitSchema,
} from '../../../src/results/schema.ts';
import type { Metric } from '../../../src/results/types.ts';
import { runResultJsonSchema, runResultSchema } from '../../../src/suites/registry.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

describe('the results schema', () => {
  it('accepts a result built from the derived types, and reads back exactly it', () => {
    const result = sampleResult();
    expect(runResultSchema.parse(JSON.parse(JSON.stringify(result)))).toEqual(
      JSON.parse(JSON.stringify(result)),
    );
  });

  it('gives every unit a range', () => {
    expect(Object.keys(UNIT_RANGES).sort()).toEqual([...unitSchema.options].sort());
  });

  const metric = (unit: Metric['unit'], value: number, samples?: number[]): unknown => ({
    key: `load/x/m`,
    suite: 'load',
    scenario: 'x',
    name: 'm',
    unit,
    better: 'lower',
    value,
    ...(samples ? { samples } : {}),
  });

  it.each(Object.entries(UNIT_RANGES))(
    'takes %s values at both ends of its range, none beyond',
    (unit, [min, max]) => {
      const u = unit as Metric['unit'];
      expect(metricSchema.safeParse(metric(u, min)).success).toBe(true);
      expect(metricSchema.safeParse(metric(u, max)).success).toBe(true);
      expect(metricSchema.safeParse(metric(u, max * 1.01 + 1)).success).toBe(false);
      expect(metricSchema.safeParse(metric(u, min - Math.abs(min) * 0.01 - 1)).success).toBe(false);
      expect(metricSchema.safeParse(metric(u, min, [min, max * 2 + 1])).success).toBe(false);
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects %s',
    (value) => {
      expect(metricSchema.safeParse(metric('ms', value)).success).toBe(false);
      expect(metricSchema.safeParse(metric('ms', 1, [1, value])).success).toBe(false);
    },
  );

  it('is published as JSON Schema, naming the unit ranges it cannot express', () => {
    const schema = runResultJsonSchema() as {
      title: string;
      required: string[];
      properties: Record<string, { items?: { description?: string } }>;
    };
    expect(schema.title).toBe('perf-action results.json (schemaVersion 1)');
    expect(schema.required).toEqual(
      expect.arrayContaining(['schemaVersion', 'metrics', 'checks', 'scenarios', 'verdict']),
    );
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['stress', 'video']));
    expect(schema.properties.metrics?.items?.description).toContain('ms 0..86400000');
  });

  it('publishes every kind of check in the JSON Schema', () => {
    const text = JSON.stringify(runResultJsonSchema());
    for (const kind of checkKindSchema.options) expect(text).toContain(`"${kind}"`);
  });
});

describe('the kinds of checks', () => {
  const check = (kind: string, source?: string): unknown => ({
    kind,
    metric: 'load/x/run',
    status: 'fail',
    value: 1,
    unit: 'count',
    ...(source === undefined ? {} : { source }),
    message: 'could not run: refused',
  });

  it.each(['budget', 'regression', 'improvement', 'validity', 'stability', 'seeding'])(
    'reads %s as it is',
    (kind) => {
      expect(checkSchema.parse(check(kind, 'global'))).toMatchObject({ kind });
    },
  );

  it('rejects a kind it does not know', () => {
    expect(checkSchema.safeParse(check('vibes')).success).toBe(false);
  });

  // Results written before validity, stability and seeding were kinds filed them as budgets.
  it.each([
    ['validity', 'validity'],
    ['run', 'validity'],
    ['stability', 'stability'],
    ['volume seed', 'seeding'],
    ['global', 'budget'],
    ['suite', 'budget'],
    ['scenario', 'budget'],
    [undefined, 'budget'],
  ])('reads an older budget check of source %s as kind %s', (source, kind) => {
    expect(checkSchema.parse(check('budget', source))).toEqual({
      ...(check(kind, source) as object),
    });
  });

  it('reads an older results.json whose checks are all budgets, regressions and improvements', () => {
    const older = JSON.parse(JSON.stringify(sampleResult()));
    older.checks.push(check('budget', 'run'), check('budget', 'stability'));
    const read = runResultSchema.parse(older);
    expect(read.checks.map((c) => c.kind)).toEqual([
      'budget',
      'budget',
      'budget',
      'validity',
      'stability',
    ]);
  });
});
