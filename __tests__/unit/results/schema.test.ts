import { describe, expect, it } from 'vitest';
import { metricSchema, UNIT_RANGES, unitSchema } from '../../../src/results/schema.ts';
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
});
