import { describe, expect, it } from 'vitest';
import { LatencyHistogram, mergeHistograms } from '../../../src/engine/histogram.ts';

/** Nearest-rank percentile of sorted values: the truth a histogram approximates. */
function truePercentile(sorted: readonly number[], p: number): number {
  // The epsilon keeps 99.9 % of 5000 (4995.000000000001 in floating point) at rank 4995.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1] as number;
}

/** A deterministic spread of latencies (ms) from 0.05 ms to ~2 s. */
function sampleLatencies(count: number): number[] {
  const values: number[] = [];
  let seed = 12345;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    values.push(0.05 + (seed / 2 ** 31) ** 3 * 2000);
  }
  return values;
}

describe('LatencyHistogram', () => {
  it('reports percentiles never below the truth and within HDR precision (3 digits)', () => {
    const values = sampleLatencies(5000);
    const histogram = LatencyHistogram.create();
    for (const value of values) histogram.recordMillis(value);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [1, 10, 50, 90, 95, 99, 99.9, 100]) {
      const truth = truePercentile(sorted, p);
      const reported = histogram.percentileMs(p);
      expect(reported, `p${p}`).toBeGreaterThanOrEqual(truth);
      // 3 significant digits: within 0.1 % of the value, plus the 1 µs recording resolution.
      expect(reported, `p${p}`).toBeLessThanOrEqual(truth * 1.001 + 0.001);
    }
    expect(histogram.count).toBe(values.length);
  });

  it.each([
    { p: 50, expected: 10 },
    { p: 90, expected: 10 },
    { p: 95, expected: 40 },
    { p: 98, expected: 40 },
    { p: 99, expected: 120 },
  ])('finds p$p of a 90/8/2 % mix of 10/40/120 ms at $expected ms', ({ p, expected }) => {
    const histogram = LatencyHistogram.create();
    for (let i = 0; i < 1000; i++) {
      const slot = i % 50;
      histogram.recordMillis(slot < 45 ? 10 : slot < 49 ? 40 : 120);
    }
    const reported = histogram.percentileMs(p);
    expect(reported).toBeGreaterThanOrEqual(expected);
    expect(reported).toBeLessThanOrEqual(expected * 1.001);
  });

  it('keeps sub-millisecond latencies', () => {
    const histogram = LatencyHistogram.create();
    histogram.recordMillis(0.25);
    // Below 2.048 ms the histogram resolves single microseconds.
    expect(histogram.percentileMs(50)).toBe(0.25);
    expect(histogram.minMs).toBe(0.25);
    expect(histogram.maxMs).toBe(0.25);
    expect(histogram.meanMs).toBeCloseTo(0.25, 6);
  });

  it('records microseconds and rounds fractions up', () => {
    const histogram = LatencyHistogram.create();
    histogram.recordMicros(0.2);
    histogram.recordMicros(999.1);
    expect(histogram.minMs).toBe(0.001);
    expect(histogram.maxMs).toBe(1);
  });

  it('reports min, max (the top of its bucket) and mean in milliseconds', () => {
    const histogram = LatencyHistogram.create();
    for (const value of [2, 4, 6]) histogram.recordMillis(value);
    expect(histogram.minMs).toBe(2);
    expect(histogram.maxMs).toBeGreaterThanOrEqual(6);
    expect(histogram.maxMs).toBeLessThanOrEqual(6 * 1.001);
    expect(histogram.meanMs).toBeCloseTo(4, 2);
  });

  it('grows past its initial range (1 h)', () => {
    const histogram = LatencyHistogram.create();
    histogram.recordMillis(2 * 3_600_000);
    expect(histogram.maxMs).toBeGreaterThanOrEqual(2 * 3_600_000);
  });

  it('is all zeros when empty', () => {
    const histogram = LatencyHistogram.create();
    expect(histogram.count).toBe(0);
    expect(histogram.percentileMs(99)).toBe(0);
    expect(histogram.minMs).toBe(0);
    expect(histogram.maxMs).toBe(0);
    expect(histogram.meanMs).toBe(0);
    const decoded = LatencyHistogram.decode(histogram.encode());
    expect(decoded.count).toBe(0);
    expect(decoded.percentileMs(50)).toBe(0);
  });

  it.each([0, -1, 100.5, Number.NaN])('rejects percentile %s', (p) => {
    expect(() => LatencyHistogram.create().percentileMs(p)).toThrow(RangeError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects latency %s', (value) => {
    expect(() => LatencyHistogram.create().recordMillis(value)).toThrow(RangeError);
  });

  it('round-trips through the compressed base64 encoding', () => {
    const histogram = LatencyHistogram.create();
    for (const value of sampleLatencies(2000)) histogram.recordMillis(value);
    const encoded = histogram.encode();
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const decoded = LatencyHistogram.decode(encoded);
    expect(decoded.count).toBe(histogram.count);
    for (const p of [50, 90, 95, 99, 100]) {
      expect(decoded.percentileMs(p)).toBe(histogram.percentileMs(p));
    }
    expect(decoded.minMs).toBe(histogram.minMs);
    expect(decoded.maxMs).toBe(histogram.maxMs);
    expect(decoded.meanMs).toBeCloseTo(histogram.meanMs, 9);
    // A decoded histogram keeps recording, beyond its decoded range too.
    decoded.recordMillis(5 * 3_600_000);
    expect(decoded.count).toBe(histogram.count + 1);
  });

  it('rejects text that is not an encoded histogram', () => {
    expect(() => LatencyHistogram.decode('bm90IGEgaGlzdG9ncmFt')).toThrow();
  });
});

describe('mergeHistograms', () => {
  it('equals recording every value into one histogram', () => {
    const values = sampleLatencies(3000);
    const whole = LatencyHistogram.create();
    const parts = [LatencyHistogram.create(), LatencyHistogram.create(), LatencyHistogram.create()];
    values.forEach((value, i) => {
      whole.recordMillis(value);
      (parts[i % parts.length] as LatencyHistogram).recordMillis(value);
    });
    const merged = mergeHistograms(parts.map((part) => part.encode()));
    expect(merged.count).toBe(whole.count);
    expect(merged.encode()).toBe(whole.encode());
    for (const p of [10, 50, 95, 99, 99.9, 100]) {
      expect(merged.percentileMs(p)).toBe(whole.percentileMs(p));
    }
  });

  it('gives an empty histogram for no parts', () => {
    expect(mergeHistograms([]).count).toBe(0);
  });

  it('adds in place with add()', () => {
    const a = LatencyHistogram.create();
    const b = LatencyHistogram.create();
    a.recordMillis(1);
    b.recordMillis(100);
    a.add(b);
    expect(a.count).toBe(2);
    expect(a.maxMs).toBeGreaterThanOrEqual(100);
    expect(b.count).toBe(1);
  });
});
