// The report for a person at a terminal: what made the figures untrustworthy (measurement
// validity), what regressed or failed as one aligned table, the baseline, the counts, and the
// headline last (where the eye lands when the command returns).
// The markdown report, with its <details> and pipes, is for GitHub and files. Names and messages
// come from configs and services: no control character of theirs reaches the terminal. Pure: colour comes
// from the `style` it is given (the CLI passes util.styleText bound to its stdout, which honours
// NO_COLOR, FORCE_COLOR and whether the stream takes colour at all).
import type { styleText } from 'node:util';
import Table from 'cli-table3';
import { formatChange, formatValue } from '../core/format.ts';
import { isComparison } from '../results/check-kinds.ts';
import type { Check, Status } from '../results/types.ts';
import type { RunResult } from '../suites/registry.ts';
import { isToldByMessage, trippedLimit } from './check-limits.ts';
import { countsLine, headline } from './headline.ts';
import { shortMetricName, splitMetricKey } from './metric-key.ts';
import { oneLine } from './one-line.ts';
import { describeBaseline, describeChange } from './report-model.ts';
import { truncate } from './truncate.ts';
import { betterOfMetrics, groupBySuiteWorstFirst } from './worst-first.ts';

/** A text styler with util.styleText's signature (formats such as `red`, `bold`, `dim`). */
export type Style = (format: Parameters<typeof styleText>[0], text: string) => string;

/** No colour: the text as it is. */
export const PLAIN: Style = (_format, text) => text;

/** Rows the table shows; the rest are counted below it. */
export const TERMINAL_ROWS = 20;

/** A scenario name longer than this is cut in the table (the markdown report has it whole). */
const SCENARIO_WIDTH = 32;

const STATUS_COLOR: Readonly<Record<Status, 'red' | 'yellow' | 'green'>> = {
  fail: 'red',
  warn: 'yellow',
  pass: 'green',
};

/** The summary, ending with a newline; its last line is the headline. */
export function renderTerminal(result: RunResult, style: Style = PLAIN): string {
  const betterOf = betterOfMetrics(result.metrics);
  const flagged = result.checks.filter((c) => c.kind !== 'improvement' && c.status !== 'pass');
  const lines: string[] = [];
  // Said first and apart: they are not the service's figures going wrong, but figures not to trust.
  const invalid = groupBySuiteWorstFirst(
    flagged.filter((c) => c.kind === 'validity'),
    betterOf,
  );
  if (invalid.length > 0) {
    lines.push(style('bold', 'Measurement validity:'));
    const shown = invalid.slice(0, TERMINAL_ROWS);
    for (const c of shown) {
      const scope = c.metric.slice(0, c.metric.lastIndexOf('/'));
      lines.push(`${style(STATUS_COLOR[c.status], c.status)} ${oneLine(`${scope}: ${c.message}`)}`);
    }
    const more = invalid.length - shown.length;
    if (more > 0) lines.push(style('dim', `… and ${more} more.`));
    lines.push('');
  }
  const findings = groupBySuiteWorstFirst(
    flagged.filter((c) => c.kind !== 'validity'),
    betterOf,
  );
  if (findings.length > 0) {
    const shown = findings.slice(0, TERMINAL_ROWS);
    lines.push(findingsTable(shown, style));
    const more = findings.length - shown.length;
    if (more > 0) {
      lines.push(style('dim', `… and ${more} more; --format markdown prints the whole report.`));
    }
    // A check without telling numbers has its message say what happened.
    for (const c of shown) {
      if (isToldByMessage(c)) {
        lines.push(oneLine(`${c.metric.slice(0, c.metric.lastIndexOf('/'))}: ${c.message}`));
      }
    }
    lines.push('');
  }
  const baseline = describeBaseline(result);
  if (baseline) lines.push(style('dim', oneLine(baseline)));
  lines.push(countsLine(result));
  lines.push(style(['bold', STATUS_COLOR[result.verdict]], headline(result)));
  return `${lines.join('\n')}\n`;
}

function findingsTable(checks: Check[], style: Style): string {
  const table = new Table({
    head: ['Suite', 'Scenario', 'Metric', 'Baseline', 'Current', 'Change', 'Status'].map((h) =>
      style('bold', h),
    ),
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'left'],
    // Colours are ours (styleText); cli-table3's own would need the colors package.
    style: { head: [], border: [], compact: true },
  });
  for (const c of checks) {
    const { suite, scenario, name } = splitMetricKey(oneLine(c.metric));
    table.push([
      suite,
      truncate(scenario, SCENARIO_WIDTH) || '–',
      shortMetricName(name),
      ...numberCells(c),
      style(STATUS_COLOR[c.status], c.status),
    ]);
  }
  return table.toString();
}

/**
 * Baseline, current and change. A budget (or a stability or seeding check) has no baseline: its
 * limit stands there, and the change is the value's against it.
 */
function numberCells(c: Check): [string, string, string] {
  if (isComparison(c)) {
    return [
      c.baseline === undefined ? '–' : formatValue(c.baseline, c.unit),
      formatValue(c.value, c.unit),
      describeChange(c),
    ];
  }
  const limit = trippedLimit(c);
  if (limit === undefined || isToldByMessage(c)) return ['–', '–', '–'];
  return [
    `limit ${formatValue(limit, c.unit)}`,
    formatValue(c.value, c.unit),
    limit === 0 ? '–' : formatChange((c.value - limit) / Math.abs(limit)),
  ];
}
