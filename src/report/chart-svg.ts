// Line charts as inline SVG for the HTML report: axes with 1-2-5 ticks, shaded x ranges (the
// stress phases), a legend. Pure and deterministic: the same chart gives the same string, so
// reports diff cleanly. No dependencies: a few polylines do not need a charting library.
import type { Chart, ChartBand, ChartSeries } from '../core/report-section.ts';

/** One line of a chart: `[x, y]` points in data units, joined in the given order. */
/** Width of every chart, px (the viewBox scales it down on narrow screens). */
export const CHART_WIDTH = 720;

// Plot area inside the SVG, px.
const LEFT = 64;
const RIGHT = 24;
const TOP = 40;
const PLOT_HEIGHT = 150;
const BOTTOM = TOP + PLOT_HEIGHT;
const PLOT_WIDTH = CHART_WIDTH - LEFT - RIGHT;
const LEGEND_Y = 242;
const LEGEND_ROW = 16;
/** Rough advance of one character at the 11 px font, px: enough to lay out labels without a DOM. */
const CHAR_WIDTH = 6.2;
const MAX_LEGEND_NAME = 40;

// Tableau 10 hues: distinct from each other and readable on white; lines past the eighth dash.
const COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#9c755f',
  '#edc948',
];
const BAND_FILLS = ['#eef1f4', '#e1e6eb'];

/** The chart as a self-contained `<svg>` element (no scripts, no external references). */
export function renderLineChart(chart: Chart): string {
  const series = chart.series.map((s) => ({
    name: s.name,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
  }));
  const bands = (chart.bands ?? []).filter(
    (b) => Number.isFinite(b.from) && Number.isFinite(b.to) && b.to > b.from,
  );
  const [xMin, xMax] = xDomain(series, bands);
  const yTicks = yTicksOf(series);
  const yMin = yTicks[0] ?? 0;
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const px = (x: number) => LEFT + ((x - xMin) / (xMax - xMin)) * PLOT_WIDTH;
  const py = (y: number) => BOTTOM - ((y - yMin) / (yMax - yMin)) * PLOT_HEIGHT;

  const legend = layoutLegend(series.map((s) => s.name));
  const height = LEGEND_Y + Math.max(0, legend.rows - 1) * LEGEND_ROW + 8;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" font-family="system-ui, sans-serif" font-size="11" fill="#1f2328">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<desc>${escapeXml(describe(chart, series, xMin, xMax, yMax))}</desc>`,
    `<text x="8" y="16" font-size="13" font-weight="600">${escapeXml(chart.title)}</text>`,
  ];

  parts.push('<g class="bands">');
  bands.forEach((b, i) => {
    const from = px(Math.max(b.from, xMin));
    const to = px(Math.min(b.to, xMax));
    if (to - from <= 0) return;
    parts.push(
      `<rect x="${num(from)}" y="${TOP}" width="${num(to - from)}" height="${PLOT_HEIGHT}" fill="${BAND_FILLS[i % 2]}"/>`,
    );
    // Above the plot, where no line runs through it; a label wider than its band would run into
    // the next one: left out.
    if (b.label.length * CHAR_WIDTH * (10 / 11) + 4 <= to - from) {
      parts.push(
        `<text x="${num((from + to) / 2)}" y="${TOP - 4}" text-anchor="middle" font-size="10" fill="#57606a">${escapeXml(b.label)}</text>`,
      );
    }
  });
  parts.push('</g>');

  parts.push('<g class="y-ticks">');
  for (const v of yTicks) {
    const y = num(py(v));
    parts.push(
      `<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT_WIDTH}" y2="${y}" stroke="#d0d7de" stroke-width="${v === 0 ? 1 : 0.5}"/>`,
      `<text x="${LEFT - 6}" y="${y}" dy="0.32em" text-anchor="end">${tickLabel(v, yTicks)}</text>`,
    );
  }
  parts.push('</g>');

  const xTicks = ticksWithin(xMin, xMax, 6);
  parts.push('<g class="x-ticks">');
  for (const v of xTicks) {
    const x = num(px(v));
    parts.push(
      `<line x1="${x}" y1="${BOTTOM}" x2="${x}" y2="${BOTTOM + 4}" stroke="#57606a"/>`,
      `<text x="${x}" y="${BOTTOM + 15}" text-anchor="middle">${tickLabel(v, xTicks)}</text>`,
    );
  }
  parts.push('</g>');

  parts.push(
    `<line x1="${LEFT}" y1="${BOTTOM}" x2="${LEFT + PLOT_WIDTH}" y2="${BOTTOM}" stroke="#57606a"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${BOTTOM}" stroke="#57606a"/>`,
    `<text x="${num(LEFT + PLOT_WIDTH / 2)}" y="${BOTTOM + 32}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text x="14" y="${num(TOP + PLOT_HEIGHT / 2)}" text-anchor="middle" transform="rotate(-90 14 ${num(TOP + PLOT_HEIGHT / 2)})">${escapeXml(chart.yLabel)}</text>`,
  );

  parts.push('<g class="series">');
  series.forEach((s, i) => {
    const stroke = strokeOf(i);
    const coords = s.points.map(([x, y]) => `${num(px(x))},${num(py(y))}`);
    parts.push(
      `<polyline points="${coords.join(' ')}" fill="none" stroke-width="1.5" stroke-linejoin="round"${stroke}/>`,
    );
    // One point makes no line: mark it so it is seen.
    const [only] = s.points;
    if (s.points.length === 1 && only) {
      parts.push(
        `<circle cx="${num(px(only[0]))}" cy="${num(py(only[1]))}" r="2.5" fill="${colorOf(i)}"/>`,
      );
    }
  });
  parts.push('</g>');

  parts.push('<g class="legend">');
  legend.items.forEach((item, i) => {
    const y = LEGEND_Y + item.row * LEGEND_ROW;
    parts.push(
      `<line x1="${num(item.x)}" y1="${y - 4}" x2="${num(item.x + 16)}" y2="${y - 4}" stroke-width="2"${strokeOf(i)}/>`,
      `<text x="${num(item.x + 20)}" y="${y}">${escapeXml(item.label)}</text>`,
    );
  });
  parts.push('</g>', '</svg>');
  return parts.join('\n');
}

function colorOf(i: number): string {
  return COLORS[i % COLORS.length] as string;
}

function strokeOf(i: number): string {
  const dash = i >= COLORS.length ? ' stroke-dasharray="5 3"' : '';
  return ` stroke="${colorOf(i)}"${dash}`;
}

/** The x range of the data and the bands; a range of one value is widened so it has a width. */
function xDomain(series: ChartSeries[], bands: ChartBand[]): [number, number] {
  const xs = [
    ...series.flatMap((s) => s.points.map(([x]) => x)),
    ...bands.flatMap((b) => [b.from, b.to]),
  ];
  if (xs.length === 0) return [0, 1];
  const [min, max] = rangeOf(xs);
  return max > min ? [min, max] : [min - 1, max + 1];
}

/** Smallest and largest of a non-empty list (a loop: spreading a long series overflows the stack). */
function rangeOf(values: number[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Ticks from 0 (or below, for negative data) up to the first nice value at or above the data. */
function yTicksOf(series: ChartSeries[]): number[] {
  const [low, top] = rangeOf([0, ...series.flatMap((s) => s.points.map(([, y]) => y))]);
  let high = top;
  if (high <= low) high = low + 1;
  const step = niceStep((high - low) / 4);
  const ticks: number[] = [];
  const first = Math.floor(low / step + 1e-9);
  const last = Math.ceil(high / step - 1e-9);
  for (let k = first; k <= last; k++) ticks.push(clean(k * step));
  return ticks;
}

/** Nice ticks inside [min, max], about `target` of them. */
function ticksWithin(min: number, max: number, target: number): number[] {
  const step = niceStep((max - min) / target);
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step - 1e-9); k <= Math.floor(max / step + 1e-9); k++) {
    ticks.push(clean(k * step));
  }
  return ticks;
}

/** The 1, 2 or 5 times a power of ten at or above `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return clean(nice * power);
}

/** Drops float noise such as 0.30000000000000004. */
function clean(n: number): number {
  const v = Number(n.toPrecision(12));
  return v === 0 ? 0 : v;
}

/** A tick value with as many decimals as the step between ticks needs. */
function tickLabel(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs((ticks[1] as number) - (ticks[0] as number)) : 1;
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/** A coordinate in px to one decimal: enough for the screen, short in the file. */
function num(n: number): string {
  const v = Math.round(n * 10) / 10;
  return String(v === 0 ? 0 : v);
}

/** A short value for the description: four significant digits. */
function short(n: number): string {
  return String(Number(n.toPrecision(4)));
}

function describe(
  chart: Chart,
  series: ChartSeries[],
  xMin: number,
  xMax: number,
  yMax: number,
): string {
  const names = series.map((s) => s.name).join(', ');
  return (
    `${series.length} series${names ? ` (${names})` : ''}; x: ${chart.xLabel} from ${short(xMin)} ` +
    `to ${short(xMax)}; y: ${chart.yLabel} up to ${short(yMax)}.`
  );
}

interface LegendLayout {
  items: { label: string; x: number; row: number }[];
  rows: number;
}

/** Legend entries left to right under the plot, wrapping to a new row when the width runs out. */
function layoutLegend(names: string[]): LegendLayout {
  const items: LegendLayout['items'] = [];
  let x = LEFT;
  let row = 0;
  for (const name of names) {
    const label = name.length > MAX_LEGEND_NAME ? `${name.slice(0, MAX_LEGEND_NAME - 1)}…` : name;
    const width = 20 + label.length * CHAR_WIDTH + 16;
    if (x > LEFT && x + width > CHART_WIDTH - RIGHT) {
      x = LEFT;
      row++;
    }
    items.push({ label, x, row });
    x += width;
  }
  return { items, rows: items.length === 0 ? 1 : row + 1 };
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
