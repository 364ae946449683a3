// Line charts as inline SVG: a well-formed single root, one polyline per series with all its points
// inside the drawing, 1-2-5 ticks from 0, escaped text, shaded bands, no NaN for degenerate data,
// and the same string for the same chart.
import { describe, expect, it } from 'vitest';
import type { Chart, ChartSeries } from '../../../src/core/report-section.ts';
import { renderLineChart } from '../../../src/report/chart-svg.ts';

function chart(series: ChartSeries[], over: Partial<Chart> = {}): Chart {
  return { title: 'p95 per kind', xLabel: 't (s)', yLabel: 'p95 (ms)', series, ...over };
}

const RAMP: ChartSeries = {
  name: 'list',
  points: Array.from({ length: 30 }, (_, t): [number, number] => [t, 3 + (t * 134) / 29]),
};

/** Open and close tags nest, and there is one root: enough of XML to catch a broken string. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  let roots = 0;
  for (const [, close, name, selfClose] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (close) {
      expect(stack.pop()).toBe(name);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClose) stack.push(name as string);
    }
  }
  expect(stack).toStrictEqual([]);
  expect(roots).toBe(1);
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  // Every & starts an entity.
  expect(svg).not.toMatch(/&(?!#\d+;)/);
}

function polylines(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polyline points="([^"]*)"/g)].map(([, points]) =>
    (points ?? '')
      .split(' ')
      .filter(Boolean)
      .map((p) => p.split(',').map(Number) as [number, number]),
  );
}

function tickLabels(svg: string, axis: 'x' | 'y'): string[] {
  const group = svg.match(new RegExp(`<g class="${axis}-ticks">([\\s\\S]*?)</g>`))?.[1] ?? '';
  return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, label]) => label ?? '');
}

function sizeOf(svg: string): { width: number; height: number } {
  const [, width, height] = svg.match(/viewBox="0 0 (\d+) (\d+)"/) ?? [];
  return { width: Number(width), height: Number(height) };
}

function expectNoBadNumbers(svg: string): void {
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  // Coordinates are rounded: no float noise such as 0.30000000000000004.
  expect(svg).not.toMatch(/\d\.\d{4,}/);
}

describe('renderLineChart', () => {
  it('is one accessible svg with a title, a fixed size and a polyline per series', () => {
    const other: ChartSeries = {
      name: 'create',
      points: [
        [0, 10],
        [10, 20],
        [29, 5],
      ],
    };
    const svg = renderLineChart(chart([RAMP, other]));
    expectWellFormed(svg);
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/^<svg [^>]*>\n<title>p95 per kind<\/title>/);
    expect(sizeOf(svg)).toStrictEqual({ width: 720, height: 250 });
    const lines = polylines(svg);
    expect(lines.map((l) => l.length)).toStrictEqual([30, 3]);
    for (const [x, y] of lines.flat()) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(720);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(250);
    }
    // x grows left to right, y upwards: the ramp ends right of and above where it starts.
    const ramp = lines[0] ?? [];
    const first: [number, number] = ramp[0] ?? [0, 0];
    const last: [number, number] = ramp[29] ?? [0, 0];
    expect(last[0]).toBeGreaterThan(first[0]);
    expect(last[1]).toBeLessThan(first[1]);
    expect(svg).toContain('>t (s)</text>');
    expect(svg).toContain('>p95 (ms)</text>');
    expect(svg.match(/<g class="legend">[\s\S]*?<\/g>/)?.[0]).toMatch(/>list<[\s\S]*>create</);
    expectNoBadNumbers(svg);
  });

  it('puts nice 1-2-5 ticks on the axes, y from 0 to the first tick above the data', () => {
    const svg = renderLineChart(chart([RAMP]));
    expect(tickLabels(svg, 'y')).toStrictEqual(['0', '50', '100', '150']);
    expect(tickLabels(svg, 'x')).toStrictEqual(['0', '5', '10', '15', '20', '25']);
    const small = renderLineChart(
      chart([
        {
          name: 'a',
          points: [
            [0, 0.012],
            [1, 0.07],
          ],
        },
      ]),
    );
    expect(tickLabels(small, 'y')).toStrictEqual(['0.00', '0.02', '0.04', '0.06', '0.08']);
    expect(tickLabels(small, 'x')).toStrictEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    // Evenly spaced by 1, 2 or 5 times a power of ten.
    for (const labels of [tickLabels(svg, 'y'), tickLabels(small, 'x')]) {
      const values = labels.map(Number);
      const step = (values[1] ?? 0) - (values[0] ?? 0);
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)).toBe(true);
      values.forEach((v, i) => {
        expect(v).toBeCloseTo((values[0] ?? 0) + i * step, 9);
      });
    }
    expectNoBadNumbers(small);
  });

  it('escapes every text: title, labels, series names and band labels', () => {
    const svg = renderLineChart(
      chart(
        [
          {
            name: 'list <&> "all"',
            points: [
              [0, 1],
              [1, 2],
            ],
          },
        ],
        {
          title: 'a < b & c',
          xLabel: '<x>',
          yLabel: "y's",
          bands: [{ from: 0, to: 1, label: '<10>' }],
        },
      ),
    );
    expectWellFormed(svg);
    expect(svg).toContain('list &#60;&#38;&#62; &#34;all&#34;');
    expect(svg).toContain('<title>a &#60; b &#38; c</title>');
    expect(svg).toContain('&#60;x&#62;');
    expect(svg).toContain('y&#39;s');
    expect(svg).toContain('&#60;10&#62;');
    expect(svg).not.toContain('<&>');
    expect(svg).not.toContain('<10>');
  });

  it('draws no NaN for empty, single-point, all-zero or non-finite data', () => {
    const cases: Chart[] = [
      chart([]),
      chart([{ name: 'empty', points: [] }]),
      chart([{ name: 'one', points: [[3, 7]] }]),
      chart([
        {
          name: 'zeros',
          points: [
            [0, 0],
            [1, 0],
            [2, 0],
          ],
        },
      ]),
      chart([
        {
          name: 'same x',
          points: [
            [5, 1],
            [5, 2],
          ],
        },
      ]),
      chart([
        {
          name: 'holes',
          points: [
            [0, Number.NaN],
            [1, 2],
            [Number.POSITIVE_INFINITY, 3],
          ],
        },
      ]),
      chart([{ name: 'empty', points: [] }], { bands: [{ from: 0, to: 10, label: '10' }] }),
    ];
    for (const c of cases) {
      const svg = renderLineChart(c);
      expectWellFormed(svg);
      expectNoBadNumbers(svg);
      expect(polylines(svg)).toHaveLength(c.series.length);
    }
    const single = renderLineChart(cases[2] as Chart);
    expect(polylines(single)[0]).toHaveLength(1);
    // A single point is marked, since a line of one point shows nothing.
    expect(single).toMatch(/<circle cx="[\d.]+" cy="[\d.]+"/);
    expect(tickLabels(renderLineChart(cases[3] as Chart), 'y')).toStrictEqual([
      '0.0',
      '0.5',
      '1.0',
    ]);
    expect(polylines(renderLineChart(cases[5] as Chart))[0]).toHaveLength(1);
  });

  it('shades each band with its label, and leaves out a label its band is too narrow for', () => {
    const svg = renderLineChart(
      chart([RAMP], {
        bands: [
          { from: 0, to: 10, label: '10' },
          { from: 10, to: 10.2, label: 'a long label' },
          { from: 10.2, to: 40, label: '20 cool-down' },
        ],
      }),
    );
    expectWellFormed(svg);
    const bands = svg.match(/<g class="bands">([\s\S]*?)<\/g>/)?.[1] ?? '';
    expect(bands.match(/<rect /g)).toHaveLength(3);
    expect(bands).toContain('>10</text>');
    expect(bands).toContain('>20 cool-down</text>');
    expect(bands).not.toContain('a long label');
    // The x axis covers the bands too: the last band ends at 40.
    expect(tickLabels(svg, 'x').at(-1)).toBe('40');
  });

  it('gives eight series distinct colors and dashes the ones after', () => {
    const series = Array.from(
      { length: 10 },
      (_, i): ChartSeries => ({
        name: `series number ${i}`,
        points: [
          [0, i],
          [1, i + 1],
        ],
      }),
    );
    const svg = renderLineChart(chart(series));
    const strokes = [...svg.matchAll(/<polyline [^>]*stroke="(#[0-9a-f]{6})"/g)].map(([, c]) => c);
    expect(strokes).toHaveLength(10);
    expect(new Set(strokes.slice(0, 8)).size).toBe(8);
    expect(svg.match(/<polyline [^>]*stroke-dasharray/g)).toHaveLength(2);
    // Ten legend entries do not fit on one row: the chart grows to hold the second.
    expect(sizeOf(svg).height).toBeGreaterThan(250);
  });

  it('gives the same string for the same chart', () => {
    const c = chart(
      [
        RAMP,
        {
          name: 'b',
          points: [
            [0.1, 0.3],
            [0.2, 0.7],
          ],
        },
      ],
      {
        bands: [{ from: 0, to: 5, label: '10' }],
      },
    );
    const again = structuredClone(c);
    expect(renderLineChart(c)).toBe(renderLineChart(again));
    expect(renderLineChart(c)).toBe(renderLineChart(c));
  });
});
