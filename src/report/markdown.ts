// The report as markdown (CLI, job summary, PR comment).
import { markdownTable } from 'markdown-table';
import { keepValuesWhole } from '../core/format.ts';
import type { Cell, Section, Table } from '../core/report-section.ts';
import type { RunResult } from '../suites/registry.ts';
import type { AnySuite } from '../suites/suite.ts';
import { htmlText, markdownCode, markdownText } from './markdown-text.ts';
import { buildReportModel, VALIDITY_HEADING } from './report-model.ts';
import { STATUS_ICON } from './status-icon.ts';

export interface MarkdownOptions {
  /**
   * For the PR comment: only the headline, measurement validity, regressions and budgets stay
   * open; everything else is folded, so the comment fits on one screen above its details.
   */
  compact?: boolean;
  /** Lines under the headline, e.g. links to the workflow run and the artifact. */
  links?: string[];
  /** Leave out folded sections from this index on (to fit a size limit); a note says so. */
  dropFoldedFrom?: number;
  /** The suites whose sections the report shows (default: the built-in ones). */
  suites?: readonly AnySuite[];
}

const OPEN_IN_COMPACT = new Set([VALIDITY_HEADING, 'Regressions', 'Budgets']);

/** Whether a section renders folded: always when the model says so, and in compact mode all but a few. */
function isFolded(section: Section, compact: boolean | undefined): boolean {
  return section.folded === true || (compact === true && !OPEN_IN_COMPACT.has(section.heading));
}

/** The headline as line 1 of the markdown (bold, its values unbroken). */
export function markdownHeadline(headline: string): string {
  return `**${keepValuesWhole(markdownText(headline))}**`;
}

/** The whole report as markdown: line 1 is the headline, line 3 the counts. */
export function renderMarkdown(result: RunResult, options: MarkdownOptions = {}): string {
  const model = buildReportModel(result, options.suites);
  const lines = [
    markdownHeadline(model.headline),
    '',
    markdownText(model.counts),
    '',
    markdownText(model.context),
    ...(model.baselineLine ? ['', markdownText(model.baselineLine)] : []),
    ...(options.links && options.links.length > 0 ? ['', options.links.join(' · ')] : []),
  ];
  let folded = 0;
  const dropped: string[] = [];
  for (const section of model.sections) {
    const fold = isFolded(section, options.compact);
    if (fold) {
      folded++;
      if (options.dropFoldedFrom !== undefined && folded > options.dropFoldedFrom) {
        dropped.push(section.heading);
        continue;
      }
    }
    const body = [
      ...(section.note ? [markdownText(section.note)] : []),
      ...(section.note && section.table ? [''] : []),
      ...(section.table ? [renderTable(section.table)] : []),
    ];
    if (fold) {
      lines.push(
        '',
        `<details><summary>${htmlText(section.heading)}</summary>`,
        '',
        ...body,
        '',
        '</details>',
      );
    } else {
      lines.push('', `### ${markdownText(section.heading)}`, '', ...body);
    }
  }
  if (dropped.length > 0) {
    lines.push(
      '',
      `_Left out to keep this short: ${markdownText(dropped.join('; '))}. The full report is in the job summary and the artifact._`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Folded sections a compact report has (for callers that shrink it to a size limit). */
export function countFoldedSections(result: RunResult, compact: boolean): number {
  return buildReportModel(result).sections.filter((s) => isFolded(s, compact)).length;
}

// Every text of the model is plain text, whoever wrote it (the config, the service): it enters the
// markdown only through markdown-text.ts.
const IN_TABLE = { inTable: true };

function renderTable(table: Table): string {
  const header = table.header.map((h) => keepValuesWhole(markdownText(h, IN_TABLE)));
  return markdownTable([header, ...table.rows.map((r) => r.map(renderCell))], {
    align: table.align,
  });
}

// Table cells are narrow in a PR comment: a value never breaks between its number and its unit.
function renderCell(cell: Cell): string {
  if (typeof cell === 'string') return keepValuesWhole(markdownText(cell, IN_TABLE));
  if ('code' in cell) return markdownCode(cell.code, IN_TABLE);
  return `${STATUS_ICON[cell.status]} ${markdownText(cell.label ?? cell.status, IN_TABLE)}`;
}
