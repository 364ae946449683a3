// What a report says, independent of how it is drawn: markdown (PR comment, summary, CLI) and HTML
// (artifact) both render this model, so the two never disagree. Pure.
import { SEED_SCENARIO } from '../config/schema.ts';
import {
  classifyGrowth,
  describeGrowthClasses,
  GROWTH_METRIC,
  splitVolumeStep,
} from '../results/growth.ts';
import { attemptedRequests, errorRate } from '../results/scenario-metrics.ts';
import type { Check, Metric, RunResult, ScenarioRun, Status } from '../results/types.ts';
import { describeModel } from '../suites/describe-model.ts';
import { verdictOf } from '../verdict/verdict.ts';
import type { Chart } from './chart-svg.ts';
import { isToldByMessage } from './check-limits.ts';
import { formatChange, formatValue } from './format.ts';
import { countsLine, headline } from './headline.ts';
import { shortMetricName, splitMetricKey } from './metric-key.ts';
import { cpuUnitNote, stressSections } from './stress-section.ts';
import { videoSection } from './video-section.ts';
import { type BetterOf, betterOfMetrics, groupBySuiteWorstFirst } from './worst-first.ts';

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
export function buildReportModel(result: RunResult): ReportModel {
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
  for (const suite of [...new Set(result.scenarios.map((s) => s.suite))]) {
    if (suite === VOLUME) continue;
    const watched = result.scenarios.some((s) => s.suite === suite && s.resources);
    sections.push({
      heading: capitalize(suite),
      ...(watched ? { note: cpuUnitNote(result.environment) } : {}),
      table: scenarioTable(result, suite),
    });
  }
  const volume = volumeSection(result);
  if (volume) sections.push(volume);
  for (const run of result.stress ?? []) {
    sections.push(...stressSections(run, result.checks, result.environment));
  }
  if (result.video) sections.push(videoSection(result.video, result.metrics, result.checks));
  if (regressions.length + improvements.length > 0) {
    sections.push({
      heading: `All comparisons with the baseline (${regressions.length + improvements.length})`,
      note:
        'Each metric against the baseline history: a regression needs a statistically ' +
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
  result: Pick<RunResult, 'baseline' | 'checks'>,
): string | undefined {
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
    header: [...KEY_HEADER, 'Baseline', 'Current', 'Change', ...interval.header, 'Status'],
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

function metricOf(result: RunResult, run: ScenarioRun, name: string): Metric | undefined {
  return result.metrics.find((m) => m.key === `${run.suite}/${run.name}/${name}`);
}

function scenarioTable(result: RunResult, suite: string): Table {
  const watched = result.scenarios.some((s) => s.suite === suite && s.resources);
  const rows = result.scenarios
    .filter((s) => s.suite === suite)
    .map((run): Cell[] => {
      const value = (name: string) => {
        const m = metricOf(result, run, name);
        return m ? formatValue(m.value, m.unit) : '–';
      };
      const checks = result.checks.filter((c) => c.metric.startsWith(`${run.suite}/${run.name}/`));
      const model = describeModel({
        model: run.model,
        connections: run.connections,
        rate: run.targetRate,
      });
      const t = run.totals;
      const resources = !watched
        ? []
        : run.resources
          ? [
              formatValue(run.resources.cpuMax, 'percent'),
              formatValue(run.resources.memoryMaxMB, 'MB'),
            ]
          : ['–', '–'];
      return [
        run.name,
        model,
        String(attemptedRequests(t)),
        value('throughput.rps'),
        value('latency.p50'),
        value('latency.p90'),
        value('latency.p95'),
        value('latency.p99'),
        value('latency.max'),
        formatValue(errorRate(t), 'ratio'),
        ...resources,
        checks.length === 0 ? '–' : { status: verdictOf(checks) },
      ];
    });
  return {
    header: [
      'Scenario',
      'Model',
      'Requests',
      'Throughput',
      'p50',
      'p90',
      'p95',
      'p99',
      'max',
      'Errors',
      ...(watched ? ['CPU max', 'Memory max'] : []),
      'Status',
    ],
    align: [
      'l',
      'l',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      'r',
      ...(watched ? (['r', 'r'] as const) : []),
      'l',
    ],
    rows,
  };
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

const VOLUME = 'volume';
const SEED = SEED_SCENARIO;

/**
 * The volume suite's table: per query, p50 / p95 at each step, the fitted growth exponent, its
 * class and the worst of the query's checks; a last row with the seeding throughput per step.
 */
function volumeSection(result: RunResult): Section | undefined {
  const inVolume = (key: string) => key.startsWith(`${VOLUME}/`);
  const metrics = result.metrics.filter((m) => m.suite === VOLUME);
  // Every check of the seeding steps decides the seeding row; the seeding checks also say why.
  const seedChecks = result.checks.filter(
    (c) => inVolume(c.metric) && c.metric.includes(`/${SEED}@`),
  );
  const failed = seedChecks.filter((c) => c.kind === 'seeding' && c.status !== 'pass');
  if (metrics.length === 0 && seedChecks.length === 0) return undefined;
  const steps = new Set<number>();
  const queries: string[] = [];
  for (const m of metrics) {
    const split = splitVolumeStep(m.scenario);
    if (split) steps.add(split.step);
    const query = split?.query ?? m.scenario;
    if (query !== SEED && !queries.includes(query)) queries.push(query);
  }
  for (const c of seedChecks) {
    const split = splitVolumeStep(c.metric.split('/')[1] ?? '');
    if (split) steps.add(split.step);
  }
  const ordered = [...steps].sort((a, b) => a - b);
  const value = (scenario: string, name: string) =>
    metrics.find((m) => m.scenario === scenario && m.name === name);
  const latencyCell = (query: string, step: number): string => {
    const p50 = value(`${query}@${step}`, 'latency.p50');
    const p95 = value(`${query}@${step}`, 'latency.p95');
    if (!p50 || !p95) return '–';
    const [low, high] = [formatValue(p50.value, 'ms'), formatValue(p95.value, 'ms')];
    return low.endsWith(' ms') && high.endsWith(' ms')
      ? `${low.slice(0, -3)} / ${high}`
      : `${low} / ${high}`;
  };
  const rows = queries.map((query): Cell[] => {
    const growth = value(query, GROWTH_METRIC);
    const checks = result.checks.filter(
      (c) =>
        c.metric.startsWith(`${VOLUME}/${query}@`) || c.metric.startsWith(`${VOLUME}/${query}/`),
    );
    return [
      query,
      ...ordered.map((step) => latencyCell(query, step)),
      growth ? formatValue(growth.value, 'exponent') : '–',
      growth ? classifyGrowth(growth.value) : '–',
      checks.length === 0 ? '–' : { status: verdictOf(checks) },
    ];
  });
  const seedRates = ordered.map((step) => {
    const rate = value(`${SEED}@${step}`, 'seed.rate');
    return rate ? formatValue(rate.value, 'records/s') : '–';
  });
  rows.push([
    'seeding',
    ...seedRates,
    '–',
    '–',
    seedChecks.length === 0 ? '–' : { status: verdictOf(seedChecks) },
  ]);
  const notes = [
    'Latency p50 / p95 of each query with the data seeded to each step (records); b is the ' +
      'exponent of latency ~ size^b fitted on the p50s (doubling the data multiplies the latency ' +
      `by 2^b): ${describeGrowthClasses()}.`,
    ...failed.map((c) => `Seeding failed, later steps were not measured: ${c.message}.`),
  ];
  return {
    heading: 'Volume',
    note: notes.join(' '),
    table: {
      header: ['Query', ...ordered.map((s) => s.toLocaleString('en-US')), 'b', 'Growth', 'Status'],
      align: ['l', ...ordered.map((): Align => 'r'), 'r', 'l', 'l'],
      rows,
    },
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
