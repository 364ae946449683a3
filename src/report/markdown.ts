// The report as markdown (CLI, job summary, PR comment).
import { markdownTable } from 'markdown-table';
import type { RunResult, Status } from '../results/types.ts';
import { buildReportModel, type Cell, type Table } from './report-model.ts';

const ICON: Record<Status, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** The whole report as markdown. */
export function renderMarkdown(result: RunResult): string {
  const model = buildReportModel(result);
  const lines = [
    `## ${ICON[model.verdict]} perf-action: ${model.verdict}`,
    '',
    `**${escapeText(model.verdictLine)}**`,
    '',
    escapeText(model.context),
  ];
  for (const section of model.sections) {
    const body = [
      ...(section.note ? [escapeText(section.note), ''] : []),
      renderTable(section.table),
    ];
    if (section.folded) {
      lines.push(
        '',
        `<details><summary>${section.heading}</summary>`,
        '',
        ...body,
        '',
        '</details>',
      );
    } else {
      lines.push('', `### ${section.heading}`, '', ...body);
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderTable(table: Table): string {
  return markdownTable([table.header, ...table.rows.map((r) => r.map(renderCell))], {
    align: table.align,
  });
}

function renderCell(cell: Cell): string {
  if (typeof cell === 'string') return escapeText(cell).replaceAll('|', '\\|');
  if ('code' in cell) return `\`${cell.code.replaceAll('`', "'").replaceAll('|', '\\|')}\``;
  return `${ICON[cell.status]} ${cell.status}`;
}

// Text from the config (names, paths) must not turn into HTML in a PR comment; other markdown
// punctuation is left alone so the report also reads well in a terminal.
function escapeText(s: string): string {
  return s.replaceAll('<', '\\<');
}
