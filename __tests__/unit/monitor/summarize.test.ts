import { describe, expect, it } from 'vitest';
import { BUDGET_METRICS } from '../../../src/core/metrics-catalogue.ts';
import {
  GENERATOR_SATURATION_PERCENT,
  isGeneratorSaturated,
} from '../../../src/monitor/generator.ts';
import {
  OTHER_WORK_SPAN_MS,
  otherCpuMean,
  resourceMetrics,
  summarizeResources,
  sumSeries,
  timeWeightedMean,
} from '../../../src/monitor/summarize.ts';
import type { GeneratorSample, ResourceSeries } from '../../../src/monitor/types.ts';

/** Samples every 500 ms from `startMs`, shifted by `offsetMs` (sources are read one after another). */
function series(
  label: string,
  points: [cpuPercent: number, memoryMB: number][],
  offsetMs = 0,
  startMs = 1000,
): ResourceSeries {
  return {
    source: 'container',
    label,
    samples: points.map(([cpuPercent, memoryMB], i) => ({
      atMs: startMs + i * 500 + offsetMs,
      cpuPercent,
      memoryMB,
    })),
  };
}

const generator = (values: number[], startMs = 1000): GeneratorSample[] =>
  values.map((cpuPercent, i) => ({ atMs: startMs + i * 500, cpuPercent }));

describe('summarizeResources', () => {
  const process: ResourceSeries = {
    ...series('p', [
      [10, 100], // 1000
      [50, 120], // 1500
      [90, 150], // 2000
      [30, 130], // 2500
      [200, 400], // 3000
    ]),
    source: 'process',
  };

  it('takes max, mean and memory max of the samples inside the window (ends included)', () => {
    const summary = summarizeResources([process], [], 1500, 2500);
    expect(summary).toEqual({
      cpuMax: 90,
      cpuMean: (50 + 90 + 30) / 3,
      memoryMaxMB: 150,
      sampleCount: 3,
      generatorCpuMax: 0,
      isGeneratorSaturated: false,
    });
  });

  it('gives undefined when no service sample falls in the window', () => {
    expect(summarizeResources([process], generator([50]), 1600, 1900)).toBeUndefined();
    expect(summarizeResources([], generator([50]), 0, 10_000)).toBeUndefined();
    expect(summarizeResources([{ ...process, samples: [] }], [], 0, 10_000)).toBeUndefined();
  });

  it('adds several series per sample time, each read a few ms apart', () => {
    const db = series('db', [
      [40, 300],
      [80, 310],
      [60, 305],
    ]);
    const cache = series(
      'cache',
      [
        [10, 50],
        [20, 60],
        [5, 55],
      ],
      7,
    );
    const summary = summarizeResources([db, cache], [], 0, 10_000);
    expect(summary?.sampleCount).toBe(3);
    expect(summary?.cpuMax).toBe(100);
    expect(summary?.cpuMean).toBeCloseTo((50 + 100 + 65) / 3, 9);
    expect(summary?.memoryMaxMB).toBe(370);
  });

  it('does not add a series that stopped long before a sample time', () => {
    const long = series('long', [
      [10, 100],
      [10, 100],
      [10, 100],
      [10, 100],
    ]);
    const gone = series('gone', [[70, 900]]); // only at 1000 ms
    const sums = sumSeries([long.samples, gone.samples]);
    expect(sums.map((s) => s.cpuPercent)).toEqual([80, 10, 10, 10]);
    expect(sums.map((s) => s.memoryMB)).toEqual([1000, 100, 100, 100]);
  });

  it('reports the generator max in the window and whether it was saturated', () => {
    const busy = generator([95, 99, 97, 100, 98]);
    const idle = generator([20, 150, 25, 30, 20]); // one spike does not make it saturated
    expect(summarizeResources([process], busy, 1000, 3000)).toMatchObject({
      generatorCpuMax: 100,
      isGeneratorSaturated: true,
    });
    expect(summarizeResources([process], idle, 1000, 3000)).toMatchObject({
      generatorCpuMax: 150,
      isGeneratorSaturated: false,
    });
    // Only the generator samples inside the window count.
    expect(summarizeResources([process], idle, 2000, 3000)?.generatorCpuMax).toBe(30);
  });
});

describe('isGeneratorSaturated', () => {
  it.each([
    { values: [90, 90, 90], saturated: true },
    { values: [89, 89, 89], saturated: false },
    { values: [100, 100, 70], saturated: true },
    { values: [100, 0, 100], saturated: false },
    { values: [], saturated: false },
  ])('mean of $values -> $saturated', ({ values, saturated }) => {
    expect(isGeneratorSaturated(generator(values), 0, 10_000)).toBe(saturated);
  });

  it('looks only at the window and takes another threshold when given', () => {
    const samples = generator([10, 10, 100, 100]); // at 1000, 1500, 2000, 2500
    expect(isGeneratorSaturated(samples, 2000, 2500)).toBe(true);
    expect(isGeneratorSaturated(samples, 1000, 2500)).toBe(false);
    expect(isGeneratorSaturated(samples, 1000, 2500, 50)).toBe(true);
    expect(GENERATOR_SATURATION_PERCENT).toBe(90);
  });
});

describe('resourceMetrics', () => {
  it('gives cpu.max, cpu.mean and memory.max with the catalogue units and directions', () => {
    const metrics = resourceMetrics('load', 'projects-list', {
      cpuMax: 180.5,
      cpuMean: 120.25,
      memoryMaxMB: 512,
    });
    expect(metrics).toEqual([
      {
        key: 'load/projects-list/cpu.max',
        suite: 'load',
        scenario: 'projects-list',
        name: 'cpu.max',
        unit: 'percent',
        better: 'lower',
        value: 180.5,
      },
      {
        key: 'load/projects-list/cpu.mean',
        suite: 'load',
        scenario: 'projects-list',
        name: 'cpu.mean',
        unit: 'percent',
        better: 'lower',
        value: 120.25,
      },
      {
        key: 'load/projects-list/memory.max',
        suite: 'load',
        scenario: 'projects-list',
        name: 'memory.max',
        unit: 'MB',
        better: 'lower',
        value: 512,
      },
    ]);
    for (const metric of metrics) {
      expect(BUDGET_METRICS[metric.name as keyof typeof BUDGET_METRICS]).toMatchObject({
        unit: metric.unit,
        better: metric.better,
      });
    }
  });
});

describe('timeWeightedMean', () => {
  // Each reading covers the time since the one before it.
  const readings = [
    { atMs: 0, value: 999 }, // no interval of its own: never counted
    { atMs: 1000, value: 10 },
    { atMs: 1100, value: 90 }, // a short reading: 100 ms of weight, not a full vote
    { atMs: 2000, value: 10 },
  ];

  it('weighs each reading by the part of its interval inside the window', () => {
    expect(timeWeightedMean(readings, 0, 2000)).toBeCloseTo(
      (10 * 1000 + 90 * 100 + 10 * 900) / 2000,
      9,
    );
    expect(timeWeightedMean(readings, 1000, 1100)).toBe(90);
    expect(timeWeightedMean(readings, 500, 1050)).toBeCloseTo((10 * 500 + 90 * 50) / 550, 9);
  });

  it('is undefined when no interval overlaps the window', () => {
    expect(timeWeightedMean(readings, 3000, 4000)).toBeUndefined();
    expect(timeWeightedMean(readings.slice(0, 1), 0, 2000)).toBeUndefined();
  });
});

describe('otherCpuMean', () => {
  /** Readings every 500 ms over 0..5000 ms with the machine at `busy` and this process at `own`. */
  const machine = (busy: number, own: number, steal = 0): GeneratorSample[] =>
    Array.from({ length: 11 }, (_, i) => ({
      atMs: i * 500,
      cpuPercent: own,
      host: { busyPercent: busy, stealPercent: steal },
    }));
  const service = (cpu: number): ResourceSeries => ({
    source: 'process',
    label: 's',
    samples: Array.from({ length: 11 }, (_, i) => ({
      atMs: i * 500 + 3,
      cpuPercent: cpu,
      memoryMB: 50,
    })),
  });

  it('is what the machine ran beyond the service and this process, plus steal', () => {
    expect(otherCpuMean([service(90)], machine(150, 20), 3000, 5000)).toBeCloseTo(40, 9);
    expect(otherCpuMean([service(90)], machine(110, 20, 15), 3000, 5000)).toBeCloseTo(15, 9);
  });

  it('is never below 0 (readings of the three are taken a few ms apart)', () => {
    expect(otherCpuMean([service(95)], machine(100, 10), 3000, 5000)).toBe(0);
  });

  it(`judges a window shorter than ${OTHER_WORK_SPAN_MS} ms over the span before its end`, () => {
    // A neighbour busy from 3000 on; a 50 ms window at its end still sees it.
    const samples = machine(100, 0).map((s) =>
      s.atMs > 3000 ? { ...s, host: { busyPercent: 200, stealPercent: 0 } } : s,
    );
    expect(otherCpuMean([service(100)], samples, 4950, 5000)).toBeCloseTo(100, 9);
    // Over 2000..4000, half of it before the neighbour started: half as much.
    expect(otherCpuMean([service(100)], samples, 2000, 4000)).toBeCloseTo(50, 9);
  });

  it('is undefined without machine readings or without the service', () => {
    expect(otherCpuMean([service(90)], generator([20, 20, 20]), 1000, 2000)).toBeUndefined();
    expect(otherCpuMean([], machine(150, 20), 3000, 5000)).toBeUndefined();
  });

  it('is part of the summary when it is known', () => {
    expect(
      summarizeResources([service(90)], machine(150, 20), 3000, 5000)?.otherCpuMean,
    ).toBeCloseTo(40, 9);
    expect(
      summarizeResources([service(90)], generator([20, 20, 20]), 1000, 2000),
    ).not.toHaveProperty('otherCpuMean');
  });
});
