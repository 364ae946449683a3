// The report as a standalone HTML page (uploaded as an artifact, opened from perf-results/).

import type { Cell, Table } from '../core/report-section.ts';
import type { Status } from '../results/types.ts';
import type { RunResult } from '../suites/registry.ts';
import type { AnySuite } from '../suites/suite.ts';
import { renderLineChart } from './chart-svg.ts';
import { buildReportModel } from './report-model.ts';

const COLOR: Record<Status, string> = { pass: '#1a7f37', warn: '#9a6700', fail: '#cf222e' };

/** A complete HTML document; all text escaped. */
export function renderHtml(result: RunResult, suites?: readonly AnySuite[]): string {
  const model = buildReportModel(result, suites);
  const sections = model.sections
    .map((s) => {
      const note = s.note ? `<p>${escapeHtml(s.note)}</p>` : '';
      const charts = (s.charts ?? []).map((c) => `<figure>${renderLineChart(c)}</figure>`).join('');
      const body = `${note}${charts}${s.table ? renderTable(s.table) : ''}`;
      return s.folded
        ? `<details><summary>${escapeHtml(s.heading)}</summary>${body}</details>`
        : `<h2>${escapeHtml(s.heading)}</h2>${body}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>perf-action: ${model.verdict}</title>
<style>
body { font: 14px/1.5 system-ui, sans-serif; margin: 2rem; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; }
th { background: #f6f8fa; }
td.r { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: 12px ui-monospace, monospace; }
.verdict { font-size: 1.2rem; font-weight: 600; }
figure { margin: 0.5rem 0 1rem; }
svg.chart { display: block; max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>perf-action report</h1>
<p class="verdict" style="color: ${COLOR[model.verdict]}">${escapeHtml(model.headline)}</p>
<p>${escapeHtml(model.counts)}</p>
<p>${escapeHtml(model.context)}</p>
${model.baselineLine ? `<p>${escapeHtml(model.baselineLine)}</p>` : ''}
${sections}
</body>
</html>
`;
}

function renderTable(table: Table): string {
  const head = table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = table.rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => `<td class="${table.align[i] ?? 'l'}">${renderCell(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function renderCell(cell: Cell): string {
  if (typeof cell === 'string') return escapeHtml(cell);
  if ('code' in cell) return `<code>${escapeHtml(cell.code)}</code>`;
  return `<span style="color: ${COLOR[cell.status]}">${escapeHtml(cell.label ?? cell.status)}</span>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
