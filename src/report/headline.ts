// The run in one line, and its checks in one more. The headline is line 1 of the PR comment and the
// job summary, the action's failure message and the CLI's last line: it is read in a notification,
// an annotation and a terminal, so it stays short whatever the names. Pure: a function of the
// RunResult alone.

import { formatChange, formatValue } from '../core/format.ts';
import type { BaselineSummary, Check } from '../results/types.ts';
import type { RunResult } from '../suites/registry.ts';
import { isToldByMessage, trippedLimit } from './check-limits.ts';
import { shortMetricName, splitMetricKey } from './metric-key.ts';
import { oneLine } from './one-line.ts';
import { STATUS_ICON } from './status-icon.ts';
import { charLength, truncate } from './truncate.ts';
import { betterOfMetrics, orderWorstFirst } from './worst-first.ts';

/** The longest headline, in characters (code points). */
export const HEADLINE_LIMIT = 120;

/** A baseline name longer than this is cut in the headline (the report shows it whole). */
const BASELINE_NAME_LIMIT = 24;

/** Fewer characters than this left for the worst check's label: the headline goes without it. */
const SHORTEST_LABEL = 12;

/** The checks of a run by what they say about it. */
export interface CheckCounts {
  /** Regression checks that warned or failed (accepted ones pass, and are not counted here). */
  regressions: number;
  /** Budget checks that warned or failed. */
  budgetsOver: number;
  budgetsMet: number;
  /** Significant changes for the better. */
  improvements: number;
  /** Regression checks that passed, accepted ones aside. */
  unchanged: number;
  /** Regressions an `accept:` entry let pass. */
  accepted: number;
}

export function countChecks(checks: readonly Check[]): CheckCounts {
  const counts: CheckCounts = {
    regressions: 0,
    budgetsOver: 0,
    budgetsMet: 0,
    improvements: 0,
    unchanged: 0,
    accepted: 0,
  };
  for (const c of checks) {
    if (c.kind === 'improvement') counts.improvements++;
    else if (c.kind === 'budget') {
      if (c.status === 'pass') counts.budgetsMet++;
      else counts.budgetsOver++;
    } else if (c.status !== 'pass') counts.regressions++;
    else if (c.accepted !== undefined) counts.accepted++;
    else counts.unchanged++;
  }
  return counts;
}

/**
 * e.g. `3 regressions · 1 budget over · 2 improvements · 170 unchanged`, and `· 1 accepted` when an
 * `accept:` entry let a regression pass.
 */
export function countsLine(result: Pick<RunResult, 'checks'>): string {
  const n = countChecks(result.checks);
  return [
    plural(n.regressions, 'regression'),
    `${plural(n.budgetsOver, 'budget')} over`,
    plural(n.improvements, 'improvement'),
    `${n.unchanged} unchanged`,
    ...(n.accepted > 0 ? [`${n.accepted} accepted`] : []),
  ].join(' · ');
}

/**
 * The verdict in at most {@link HEADLINE_LIMIT} characters: its icon, what went wrong with the worst
 * case, and what the run was compared with, e.g. `❌ 3 regressions (worst: projects-list p99
 * +130.1 %) · 1 budget over · vs 12 runs of main@abc1234`. The worst case's label is cut with `…`
 * to fit, or left out when too little room is left.
 */
export function headline(
  result: Pick<RunResult, 'verdict' | 'checks' | 'metrics' | 'baseline'>,
): string {
  const n = countChecks(result.checks);
  const worst = orderWorstFirst(
    result.checks.filter((c) => c.kind !== 'improvement' && c.status !== 'pass'),
    betterOfMetrics(result.metrics),
  );
  const compared = comparedWith(result.baseline);
  const isCompared = result.baseline !== undefined && result.baseline.runs > 0;
  let lead: string;
  let label: ReturnType<typeof labelOf> | undefined;
  const rest: string[] = [];
  if (n.regressions > 0) {
    lead = plural(n.regressions, 'regression');
    label = labelOf(worst.find((c) => c.kind === 'regression'));
    if (n.budgetsOver > 0) rest.push(`${plural(n.budgetsOver, 'budget')} over`);
  } else if (n.budgetsOver > 0) {
    lead = `${plural(n.budgetsOver, 'budget')} over`;
    label = labelOf(worst.find((c) => c.kind === 'budget'));
    if (isCompared) rest.push('no regressions');
  } else {
    lead = isCompared ? 'no regressions' : '';
    if (n.improvements > 0) rest.push(plural(n.improvements, 'improvement'));
    if (n.budgetsMet > 0) rest.push(`${plural(n.budgetsMet, 'budget')} met`);
  }
  const head = [lead, ...rest].filter((s) => s !== '');
  const line = (worstPart: string) =>
    `${STATUS_ICON[result.verdict]} ${[
      (head[0] ?? 'nothing checked') + worstPart,
      ...head.slice(1),
      compared,
    ].join(' · ')}`;
  const bare = line('');
  const room = HEADLINE_LIMIT - charLength(bare) - charLength(' (worst: )');
  const full = label && room >= SHORTEST_LABEL ? line(` (worst: ${fitLabel(label, room)})`) : bare;
  return truncate(full, HEADLINE_LIMIT);
}

/** What the run was compared with, for the headline. */
function comparedWith(baseline: BaselineSummary | undefined): string {
  if (baseline === undefined) return 'budgets only';
  if (baseline.unavailable) return 'baseline unavailable, budgets only';
  if (baseline.runs === 0) return 'no baseline yet';
  const name = truncate(oneLine(baseline.name), BASELINE_NAME_LIMIT);
  const at = baseline.newestCommit ? `@${baseline.newestCommit.slice(0, 7)}` : '';
  return `vs ${plural(baseline.runs, 'run')} of ${name}${at}`;
}

/**
 * The worst check as its scenario (the part that gives way when room is short) and what happened
 * to it: `p99 +130.1 %`, `p95 250.50 ms > 200.00 ms`, or the message of a check without limits
 * (`could not run: …`).
 */
function labelOf(check: Check | undefined): { scenario: string; what: string } | undefined {
  if (!check) return undefined;
  // Names come from the config and messages from services: one visible line, whatever they hold.
  const parts = splitMetricKey(check.metric);
  const scenario = oneLine(parts.scenario);
  const metric = oneLine(shortMetricName(parts.name));
  if (check.kind !== 'budget') {
    const change = check.change === undefined ? '' : ` ${formatChange(check.change)}`;
    return { scenario, what: `${metric}${change}` };
  }
  const limit = trippedLimit(check);
  if (limit === undefined || isToldByMessage(check)) {
    // Messages begin with the check's name: `could not run: …`, `requests: 5 answered …`.
    return { scenario, what: oneLine(check.message) };
  }
  const sign = check.value < limit ? '<' : '>';
  return {
    scenario,
    what: `${metric} ${formatValue(check.value, check.unit)} ${sign} ${formatValue(limit, check.unit)}`,
  };
}

/** The label within `room` characters: the scenario is cut first, then what happened. */
function fitLabel(label: { scenario: string; what: string }, room: number): string {
  const whole = label.scenario === '' ? label.what : `${label.scenario} ${label.what}`;
  if (charLength(whole) <= room) return whole;
  const forScenario = room - charLength(label.what) - 1;
  if (label.scenario !== '' && forScenario >= 4) {
    return `${truncate(label.scenario, forScenario)} ${label.what}`;
  }
  return truncate(whole, room);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
