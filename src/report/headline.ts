// The run in one line, and its checks in one more. The headline is line 1 of the PR comment and the
// job summary, the action's failure message and the CLI's last line: it is read in a notification,
// an annotation and a terminal, so it stays short whatever the names. Pure: a function of the
// RunResult alone.

import { formatChange, formatValue } from '../core/format.ts';
import { isComparison } from '../results/check-kinds.ts';
import type { BaselineSummary, Check, CheckKind, SameJob } from '../results/types.ts';
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

/** Fewest characters of a cut scenario name in the label (with its `…`): fewer say nothing. */
const MIN_SCENARIO = 4;

/**
 * A problem of the run that is neither a budget nor a regression: a validity, stability or seeding
 * check that warned or failed, counted under what happened (`generator saturated in 2 scenarios`).
 */
export interface Finding {
  kind: CheckKind;
  /** What happened, with its count, e.g. `1 scenario could not run`. */
  text: string;
  count: number;
}

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
  /** Stability checks of the stress suite that passed. */
  stabilityMet: number;
  /**
   * Validity, stability and seeding checks that warned or failed, by what happened: validity
   * first (the figures cannot be trusted), then stability, then seeding; within each, worst first.
   */
  findings: Finding[];
}

/** The order of the findings' kinds (see {@link CheckCounts}). */
const FINDING_KINDS: readonly CheckKind[] = ['validity', 'stability', 'seeding'];

/**
 * What happened, by kind and check name (the last part of the key), as a count can carry it. The
 * names are those of generatorChecks (validity.ts), of scenario-checks (RUN_CHECK, REQUESTS_CHECK,
 * CAP_CHECK; `<suite>/suite/run` for a whole suite) and of the stress suite's stabilityChecks.
 */
function describeFinding(check: Check): { cause: string; text: (n: number) => string } {
  const { scenario, name } = splitMetricKey(check.metric);
  const scenarios = (n: number) => plural(n, 'scenario');
  if (check.kind === 'validity') {
    if (name === 'generator.cpu') {
      return { cause: name, text: (n) => `generator saturated in ${scenarios(n)}` };
    }
    if (name === 'run' && scenario === 'suite') {
      return { cause: 'suite', text: (n) => `${plural(n, 'suite')} could not run` };
    }
    if (name === 'run') return { cause: name, text: (n) => `${scenarios(n)} could not run` };
    if (name === 'requests') {
      return { cause: name, text: (n) => `too few answers in ${scenarios(n)}` };
    }
    if (name === 'cap') return { cause: name, text: (n) => `cap hit in ${scenarios(n)}` };
    return { cause: '', text: (n) => plural(n, 'invalid measurement') };
  }
  if (check.kind === 'stability') {
    if (name === 'capacity.level') {
      return { cause: name, text: (n) => `${plural(n, 'stress run')} broke` };
    }
    if (name === 'recovery.s') {
      return { cause: name, text: (n) => `${plural(n, 'stress run')} did not recover` };
    }
    return { cause: '', text: (n) => `${plural(n, 'stability check')} over` };
  }
  return { cause: '', text: (n) => `seeding failed at ${plural(n, 'step')}` };
}

/**
 * The run's findings (see {@link Finding}), each with the worst check it counts (`checks` come
 * worst first).
 */
function findingsOf(checks: readonly Check[]): (Finding & { worst: Check })[] {
  const found = new Map<string, { count: number; worst: Check }>();
  for (const check of checks) {
    if (!FINDING_KINDS.includes(check.kind) || check.status === 'pass') continue;
    const key = `${check.kind}:${describeFinding(check).cause}`;
    const entry = found.get(key);
    if (entry) entry.count++;
    else found.set(key, { count: 1, worst: check });
  }
  return [...found.values()]
    .map(({ count, worst }) => ({
      kind: worst.kind,
      text: describeFinding(worst).text(count),
      count,
      worst,
    }))
    .sort((a, b) => FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind));
}

export function countChecks(checks: readonly Check[]): CheckCounts {
  const counts: CheckCounts = {
    regressions: 0,
    budgetsOver: 0,
    budgetsMet: 0,
    improvements: 0,
    unchanged: 0,
    accepted: 0,
    stabilityMet: 0,
    // Worst first; which metrics are higher-is-better is not known here, and only orders causes.
    findings: findingsOf(orderWorstFirst(checks, () => undefined)).map(({ kind, text, count }) => ({
      kind,
      text,
      count,
    })),
  };
  for (const c of checks) {
    if (c.kind === 'improvement') counts.improvements++;
    else if (c.kind === 'budget') {
      if (c.status === 'pass') counts.budgetsMet++;
      else counts.budgetsOver++;
    } else if (c.kind === 'regression') {
      if (c.status !== 'pass') counts.regressions++;
      else if (c.accepted !== undefined) counts.accepted++;
      else counts.unchanged++;
    } else if (c.kind === 'stability' && c.status === 'pass') counts.stabilityMet++;
  }
  return counts;
}

/**
 * e.g. `3 regressions · 1 budget over · 2 improvements · 170 unchanged`, and `· 1 accepted` when an
 * `accept:` entry let a regression pass, then what else went wrong, named by what happened
 * (`· generator saturated in 1 scenario`, `· 1 stress run broke`, `· seeding failed at 1 step`).
 */
export function countsLine(result: Pick<RunResult, 'checks'>): string {
  const n = countChecks(result.checks);
  return [
    plural(n.regressions, 'regression'),
    `${plural(n.budgetsOver, 'budget')} over`,
    plural(n.improvements, 'improvement'),
    `${n.unchanged} unchanged`,
    ...(n.accepted > 0 ? [`${n.accepted} accepted`] : []),
    ...n.findings.map((f) => f.text),
  ].join(' · ');
}

/**
 * The verdict in at most {@link HEADLINE_LIMIT} characters: its icon, what went wrong with the worst
 * case, and what the run was compared with, e.g. `❌ 3 regressions (worst: projects-list p99
 * +130.1 %) · 1 budget over · vs 12 runs of main@abc1234`. What went wrong leads with regressions,
 * then budgets over, then the run's other findings (see {@link CheckCounts}); the rest follow. The
 * worst case's label is cut with `…` to fit, or left out when too little room is left.
 */
export function headline(
  result: Pick<RunResult, 'verdict' | 'checks' | 'metrics' | 'baseline' | 'sameJob'>,
): string {
  const n = countChecks(result.checks);
  const worst = orderWorstFirst(
    result.checks.filter((c) => c.kind !== 'improvement' && c.status !== 'pass'),
    betterOfMetrics(result.metrics),
  );
  const compared = result.sameJob
    ? comparedWithBase(result.sameJob)
    : comparedWith(result.baseline);
  const isCompared =
    result.sameJob !== undefined || (result.baseline !== undefined && result.baseline.runs > 0);
  const problems: { text: string; worst: Check | undefined }[] = [
    ...(n.regressions > 0
      ? [
          {
            text: plural(n.regressions, 'regression'),
            worst: worst.find((c) => c.kind === 'regression'),
          },
        ]
      : []),
    ...(n.budgetsOver > 0
      ? [
          {
            text: `${plural(n.budgetsOver, 'budget')} over`,
            worst: worst.find((c) => c.kind === 'budget'),
          },
        ]
      : []),
    ...findingsOf(worst),
  ];
  let lead: string;
  let label: ReturnType<typeof labelOf> | undefined;
  const rest: string[] = [];
  const [first, ...others] = problems;
  if (first) {
    lead = first.text;
    label = labelOf(first.worst);
    rest.push(...others.map((p) => p.text));
    if (n.regressions === 0 && isCompared) rest.push('no regressions');
  } else {
    lead = isCompared ? 'no regressions' : '';
    if (n.improvements > 0) rest.push(plural(n.improvements, 'improvement'));
    if (n.budgetsMet > 0) rest.push(`${plural(n.budgetsMet, 'budget')} met`);
    if (n.stabilityMet > 0) rest.push(`${plural(n.stabilityMet, 'stability check')} passed`);
  }
  const line = (kept: number, worstPart: string) => {
    const head = [lead, ...rest.slice(0, kept)].filter((s) => s !== '');
    // Parts left out are in the counts line, the line under the headline: `…` says there are more.
    if (kept < rest.length) head.push('…');
    return `${STATUS_ICON[result.verdict]} ${[
      (head[0] ?? 'nothing checked') + worstPart,
      ...head.slice(1),
      compared,
    ].join(' · ')}`;
  };
  // What happened to the worst case is worth more than the last of the other parts: they give way
  // until it fits whole (its scenario may still be cut, to no fewer than MIN_SCENARIO characters),
  // or half the line is left for it (a long message is cut anyway).
  let kept = rest.length;
  const roomFor = (parts: number) =>
    HEADLINE_LIMIT - charLength(line(parts, '')) - charLength(' (worst: )');
  const wanted = label
    ? Math.max(
        SHORTEST_LABEL,
        Math.min(
          charLength(joinLabel(label)),
          charLength(label.what) + 1 + MIN_SCENARIO,
          HEADLINE_LIMIT / 2,
        ),
      )
    : 0;
  while (kept > 0 && roomFor(kept) < wanted) kept--;
  const room = roomFor(kept);
  const full =
    label && room >= SHORTEST_LABEL
      ? line(kept, ` (worst: ${fitLabel(label, room)})`)
      : line(kept, '');
  return truncate(full, HEADLINE_LIMIT);
}

/**
 * The base measured in the same job, for the headline: `vs base main@abc1234, measured in this
 * job, 10 pairs interleaved` (the most pairs of any suite: the load's, usually).
 */
export function comparedWithBase(
  sameJob: Pick<SameJob, 'git' | 'target' | 'pairs' | 'mode'>,
): string {
  const pairs = Math.max(0, ...Object.values(sameJob.pairs));
  return `vs base ${baseName(sameJob)}, measured in this job, ${plural(pairs, 'pair')} ${sameJob.mode}`;
}

/** The base as people name it: `main@abc1234`, `main`, `@abc1234`, else its address's host. */
export function baseName(sameJob: Pick<SameJob, 'git' | 'target'>): string {
  const ref = sameJob.git?.ref?.replace(/^refs\/heads\//, '');
  const sha = sameJob.git?.sha?.slice(0, 7);
  if (ref || sha) {
    return truncate(oneLine(`${ref ?? ''}${sha ? `@${sha}` : ''}`), BASELINE_NAME_LIMIT);
  }
  return truncate(
    oneLine(URL.parse(sameJob.target.url)?.host ?? sameJob.target.url),
    BASELINE_NAME_LIMIT,
  );
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
  if (isComparison(check)) {
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

function joinLabel(label: { scenario: string; what: string }): string {
  return label.scenario === '' ? label.what : `${label.scenario} ${label.what}`;
}

/** The label within `room` characters: the scenario is cut first, then what happened. */
function fitLabel(label: { scenario: string; what: string }, room: number): string {
  const whole = joinLabel(label);
  if (charLength(whole) <= room) return whole;
  const forScenario = room - charLength(label.what) - 1;
  if (label.scenario !== '' && forScenario >= MIN_SCENARIO) {
    return `${truncate(label.scenario, forScenario)} ${label.what}`;
  }
  return truncate(whole, room);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
