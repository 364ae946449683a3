// What a report says, independent of how it is drawn: markdown (PR comment, summary, CLI) and HTML
// (artifact) both render this model, so the two never disagree. Pure.

import { formatChange, formatValue } from '../core/format.ts';
import type { Align, Cell, Section, Table } from '../core/report-section.ts';
import type { Check, ScenarioRun, Status } from '../results/types.ts';
import type { RunResult } from '../suites/registry.ts';
import { builtInRegistry, detailOf } from '../suites/registry.ts';
import type { AnySuite } from '../suites/suite.ts';
import { isToldByMessage } from './check-limits.ts';
import { baseName, countsLine, headline } from './headline.ts';
import { shortMetricName, splitMetricKey } from './metric-key.ts';
import { type BetterOf, betterOfMetrics, groupBySuiteWorstFirst } from './worst-first.ts';

export interface ReportModel {
  verdict: Status;
  /** The run in one line (see headline.ts). */
  headline: string;
  /** The checks counted, one line (see headline.ts). */
  counts: string;
  context: string;
  /** What the run was compared with, one line; absent when no baseline store was used. */
  baselineLine?: string;
  sections: Section[];
}

/**
 * Rows a table of checks shows open; the rest follow in a folded section, so that the first screen
 * of the report holds the worst cases and the headings after them.
 */
export const OPEN_ROWS = 10;

/**
 * The report of a run: measurement validity first (it says which figures not to trust), then
 * regressions, budgets, improvements, the suites (the stress suite's stability and the volume
 * suite's seeding with their suite), then the details.
 */
export function buildReportModel(
  result: RunResult,
  suites: readonly AnySuite[] = builtInRegistry.suites,
): ReportModel {
  const sections: Section[] = [];
  const betterOf = betterOfMetrics(result.metrics);
  const regressions = result.checks.filter((c) => c.kind === 'regression');
  const improvements = result.checks.filter((c) => c.kind === 'improvement');
  const budgets = result.checks.filter((c) => c.kind === 'budget');
  const invalid = result.checks.filter((c) => c.kind === 'validity' && c.status !== 'pass');
  if (invalid.length > 0) {
    sections.push(
      ...capRows(
        {
          heading: VALIDITY_HEADING,
          note:
            'These figures cannot be trusted or were not measured, whatever their budgets and ' +
            'comparisons say.',
        },
        groupBySuiteWorstFirst(invalid, betterOf),
        (rest) => `${rest} more validity problem${rest === 1 ? '' : 's'}`,
        validityTable,
      ),
    );
  }
  const flagged = regressions.filter((c) => c.status !== 'pass' || c.accepted !== undefined);
  if (flagged.length > 0) {
    sections.push(
      ...capRows(
        { heading: 'Regressions' },
        groupBySuiteWorstFirst(flagged, betterOf),
        (rest) => `${rest} more regression${rest === 1 ? '' : 's'}`,
        comparisonTable,
      ),
    );
  }
  if (budgets.length > 0) {
    // Open: the budgets that warned or failed; every budget, passing ones too, folded below.
    const broken = groupBySuiteWorstFirst(
      budgets.filter((c) => c.status !== 'pass'),
      betterOf,
    );
    const budgetRows = (checks: Check[]) => budgetTable(checks, betterOf);
    // A check whose numbers say nothing (a scenario that could not run) says why in the note.
    const reasons = broken
      .filter(isToldByMessage)
      .map((c) => `${c.metric.slice(0, c.metric.lastIndexOf('/'))}: ${sentence(c.message)}`);
    sections.push(
      ...(broken.length > 0
        ? capRows(
            {
              heading: 'Budgets',
              note: [
                `${broken.length} of ${budgets.length} budgets warned or failed.`,
                ...reasons,
              ].join(' '),
            },
            broken,
            (rest) => `${rest} more budget${rest === 1 ? '' : 's'} warned or failed`,
            budgetRows,
          )
        : [{ heading: 'Budgets', note: `All ${budgets.length} budgets passed.` }]),
    );
    sections.push({
      heading: `All budgets (${budgets.length})`,
      table: budgetRows(groupBySuiteWorstFirst(budgets, betterOf)),
      folded: true,
    });
  }
  if (improvements.length > 0) {
    sections.push(
      ...capRows(
        { heading: 'Improvements' },
        groupBySuiteWorstFirst(improvements, betterOf),
        (rest) => `${rest} more improvement${rest === 1 ? '' : 's'}`,
        comparisonTable,
      ),
    );
  }
  for (const suite of suites)
    sections.push(...(suite.report?.(result, detailOf(suite, result)) ?? []));
  if (regressions.length + improvements.length > 0) {
    sections.push({
      heading: `All comparisons with the ${result.sameJob ? 'base' : 'baseline'} (${regressions.length + improvements.length})`,
      note: result.sameJob
        ? 'Each metric against the base measured in this job, pair by pair: a regression needs a ' +
          'statistically significant change over the pairs and a practical size; with fewer than ' +
          '3 pairs the percent rule alone decides.'
        : 'Each metric against the baseline history: a regression needs a statistically ' +
          'significant change and a practical size; with a short history the percent rule alone decides.',
      table: comparisonTable(orderByKey([...regressions, ...improvements])),
      folded: true,
    });
  }
  if (result.scenarios.length > 0) {
    sections.push({
      heading: 'Requests, status codes and rounds',
      note:
        'Latency is recorded per request in microseconds (HDR histogram). Open model: measured ' +
        'from each request’s intended send time, so a stalled service cannot hide queued requests.',
      table: detailsTable(result.scenarios),
      folded: true,
    });
  }
  const baselineLine = describeBaseline(result);
  return {
    verdict: result.verdict,
    headline: headline(result),
    counts: countsLine(result),
    context: contextLine(result),
    ...(baselineLine ? { baselineLine } : {}),
    sections,
  };
}

/** The heading of the section of validity problems (the markdown keeps it open in a PR comment). */
export const VALIDITY_HEADING = 'Measurement validity';

/**
 * A table of checks as an open section of at most {@link OPEN_ROWS} rows and, when there are more,
 * a folded one with the rest.
 */
function capRows(
  open: Omit<Section, 'table'>,
  checks: Check[],
  restHeading: (rest: number) => string,
  toTable: (checks: Check[]) => Table,
): Section[] {
  const shown = checks.slice(0, OPEN_ROWS);
  const rest = checks.slice(OPEN_ROWS);
  return [
    { ...open, table: toTable(shown) },
    ...(rest.length > 0
      ? [{ heading: restHeading(rest.length), table: toTable(rest), folded: true }]
      : []),
  ];
}

/**
 * One line on the baseline: its size, its newest run, how the regressions were judged (the test,
 * the run-level control of false alarms, low confidence), and any reason to read it with care. The
 * one place a short history's low confidence is stated: the tables do not repeat it per row.
 */
export function describeBaseline(
  result: Pick<RunResult, 'baseline' | 'checks' | 'sameJob'>,
): string | undefined {
  if (result.sameJob) return describeSameJob(result.sameJob, result.baseline);
  const b = result.baseline;
  if (!b) return undefined;
  if (b.unavailable) return `Baseline unavailable (${b.unavailable}): budgets alone decided.`;
  if (b.runs === 0) {
    return `No baseline '${b.name}' yet: budgets alone decided. Runs saved as baselines build the history.`;
  }
  const newest = [b.newestCommit?.slice(0, 7), b.newestAt?.slice(0, 10)].filter(Boolean).join(', ');
  const parts = [
    `Baseline '${b.name}': ${b.runs} run${b.runs === 1 ? '' : 's'}${newest ? ` (newest ${newest})` : ''}.`,
  ];
  const control = b.errorControl?.trim();
  if (control) parts.push(sentence(control));
  else if (result.checks.some((c) => c.lowConfidence)) {
    // Results written before errorControl existed say nothing of it themselves.
    parts.push(
      'Low confidence: too few baseline runs for the statistical test; the percent rule alone decided.',
    );
  }
  if (b.environmentNote) parts.push(`Note: ${b.environmentNote}.`);
  if (b.speedNote) parts.push(sentence(b.speedNote));
  if (b.busyRunner) parts.push(sentence(b.busyRunner));
  return parts.join(' ');
}

/**
 * The base measured in the same job: which, where, how the pairs ran (their seed reproduces the
 * orders), how the checks were judged; the history, when there is one, is a trend only.
 */
function describeSameJob(
  sameJob: NonNullable<RunResult['sameJob']>,
  b: RunResult['baseline'],
): string {
  const pairs = Object.entries(sameJob.pairs)
    .map(([suite, n]) => `${suite} ${n}`)
    .join(', ');
  const parts = [
    `Base ${baseName(sameJob)}, measured in this job beside the head: ` +
      `${sameJob.mode} pairs (${pairs}; order seed ${sameJob.seed}).`,
  ];
  const control = b?.errorControl?.trim();
  if (control) parts.push(sentence(control));
  if (b?.unavailable) parts.push(`Baseline history unavailable (${b.unavailable}).`);
  else if (b && b.runs > 0) {
    parts.push(
      `Baseline '${b.name}': ${b.runs} run${b.runs === 1 ? '' : 's'}, for the trend; the base decided.`,
    );
  }
  // Last and unpunctuated: the address is shown as a code span up to the next space.
  if (sameJob.git?.ref || sameJob.git?.sha) parts.push(`Base address: ${sameJob.target.url}`);
  return parts.join(' ');
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function orderByKey(checks: Check[]): Check[] {
  return [...checks].sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
}

/** Suite, scenario and metric of a check's key, each a short cell of its own. */
function keyCells(check: Check): Cell[] {
  const { suite, scenario, name } = splitMetricKey(check.metric);
  return [suite, scenario === '' ? '–' : scenario, { code: shortMetricName(name) }];
}

const KEY_HEADER = ['Suite', 'Scenario', 'Metric'];
const KEY_ALIGN: Align[] = ['l', 'l', 'l'];

function comparisonTable(checks: Check[]): Table {
  // One level for every row (the usual case) goes in the header, so that the cells stay short; no
  // interval anywhere (a short history: the percent rule alone) drops the column.
  const hasInterval = checks.some((c) => c.changeInterval !== undefined);
  const levels = new Set(checks.map((c) => c.confidenceLevel).filter((l) => l !== undefined));
  const [level] = levels;
  const shared = levels.size === 1 && level !== undefined ? level : undefined;
  const interval = hasInterval
    ? {
        header: [shared === undefined ? 'Interval' : `Interval (${formatLevel(shared)})`],
        align: ['r' as const],
        cell: (c: Check) => [intervalCell(c, shared === undefined)],
      }
    : { header: [], align: [], cell: () => [] };
  return {
    // Against a base measured in the same job the two sides are the base and the head.
    header: [
      ...KEY_HEADER,
      ...(checks.some((c) => c.pairs !== undefined) ? ['Base', 'Head'] : ['Baseline', 'Current']),
      'Change',
      ...interval.header,
      'Status',
    ],
    align: [...KEY_ALIGN, 'r', 'r', 'r', ...interval.align, 'l'],
    rows: checks.map((c) => [
      ...keyCells(c),
      c.baseline === undefined ? '–' : formatValue(c.baseline, c.unit),
      formatValue(c.value, c.unit),
      describeChange(c),
      ...interval.cell(c),
      c.accepted !== undefined
        ? { status: 'pass', label: 'accepted' }
        : c.kind === 'improvement'
          ? { status: 'pass', label: 'improved' }
          : { status: c.status },
    ]),
  };
}

/** A comparison's change: relative when known (`+12.3 %`), else the difference in its unit. */
export function describeChange(c: Check): string {
  if (c.change !== undefined) return formatChange(c.change);
  if (c.baseline !== undefined) {
    const diff = c.value - c.baseline;
    return `${diff >= 0 ? '+' : '−'}${formatValue(Math.abs(diff), c.unit)}`;
  }
  return '–';
}

function formatLevel(level: number): string {
  return `${Math.round(level * 100)} %`;
}

function intervalCell(c: Check, withLevel: boolean): string {
  if (!c.changeInterval) return '–';
  const [low, high] = c.changeInterval;
  const level =
    withLevel && c.confidenceLevel !== undefined ? `${formatLevel(c.confidenceLevel)}: ` : '';
  return `${level}${formatChange(low)} … ${formatChange(high)}`;
}

function contextLine(result: RunResult): string {
  const env = result.environment;
  const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  // The tool's name here, since the headline above it has none (it must stay short).
  return (
    `perf-action ${result.tool.version} · target ${result.target.url} · config ${result.config.file} · ` +
    `${env.cores} × ${env.cpuModel}, Node ${env.node} · ${seconds.toFixed(1)} s`
  );
}

/** Validity problems: what happened is in the message, the numbers alone say little. */
function validityTable(checks: Check[]): Table {
  return {
    header: [...KEY_HEADER.slice(0, -1), 'Check', 'Status', 'What happened'],
    align: [...KEY_ALIGN, 'l', 'l'],
    rows: checks.map((c) => [...keyCells(c), { status: c.status }, c.message]),
  };
}

function budgetTable(checks: Check[], betterOf: BetterOf): Table {
  // A limit reads as the condition that trips it: `> 200.00 ms` for latency, `< 100.0 req/s` for throughput.
  const bound = (c: Check, limit: number | undefined) =>
    limit === undefined
      ? '–'
      : `${betterOf(c.metric) === 'higher' ? '<' : '>'} ${formatValue(limit, c.unit)}`;
  return {
    header: [...KEY_HEADER, 'Value', 'Warns when', 'Fails when', 'From', 'Status'],
    align: [...KEY_ALIGN, 'r', 'r', 'r', 'l', 'l'],
    rows: checks.map((c) => [
      ...keyCells(c),
      formatValue(c.value, c.unit),
      bound(c, c.warn),
      bound(c, c.fail),
      c.source ?? '',
      { status: c.status },
    ]),
  };
}

function detailsTable(scenarios: ScenarioRun[]): Table {
  const rows = scenarios.map((run): Cell[] => {
    const t = run.totals;
    const codes = Object.entries(t.statusCodes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, n]) => `${code}×${n}`)
      .join(' ');
    const rate =
      run.targetRate === undefined
        ? formatValue(run.achievedRate, 'rps')
        : `${formatValue(run.achievedRate, 'rps')} of ${formatValue(run.targetRate, 'rps')}`;
    return [
      `${run.suite}/${run.name}`,
      { code: `${run.request.method} ${run.request.path}` },
      codes || '–',
      String(t.socketErrors),
      String(t.timeouts),
      run.model === 'open' || t.dropped > 0 ? `${t.late} / ${t.dropped}` : '–',
      rate,
      run.rounds.map((r) => r.achievedRate.toFixed(1)).join(' / '),
    ];
  });
  return {
    header: [
      'Scenario',
      'Request',
      'Status codes',
      'Socket errors',
      'Timeouts',
      'Late / dropped',
      'Achieved rate',
      'Rounds (req/s)',
    ],
    align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
    rows,
  };
}
