// What a report section is, as plain data: the report model is made of these, and a suite's own
// section is one (or several). Renderers (markdown, HTML, terminal) draw them; nothing here draws.
import type { Status } from './metric-units.ts';

export type Align = 'l' | 'r';

export interface Table {
  header: string[];
  align: Align[];
  /** Cells are plain text; `code` cells are shown in monospace. */
  rows: Cell[][];
}

/** A status cell may carry its own label (e.g. `accepted`) in place of the status word. */
export type Cell = string | { code: string } | { status: Status; label?: string };

export interface Section {
  heading: string;
  /** A sentence above the table, if any. */
  note?: string;
  /** Absent when the note says it all (e.g. every budget passed). */
  table?: Table;
  /** Folded by default (details) in renderers that can fold. */
  folded?: boolean;
  /** Charts between the note and the table, in renderers that can draw (HTML); markdown has none. */
  charts?: Chart[];
}

export interface ChartSeries {
  name: string;
  /** Points with a non-finite coordinate are left out. */
  points: [number, number][];
}

/** A shaded x range in data units with a short label at its top, e.g. a stress phase and its level. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

/** What a line chart shows; units belong in the axis labels, e.g. `p95 (ms)`. */
export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  bands?: ChartBand[];
}
