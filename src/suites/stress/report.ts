// The stress suite in the report: per scenario, its phases (level, achieved rate, p95, errors, CPU,
// memory, held or broke), the capacity, the recovery and the stability verdict, with charts of the
// run second by second; the per-second time series and the per-kind figures folded below. Pure.

import { formatValue } from '../../core/format.ts';
import type { Cell, Chart, ChartBand, Section } from '../../core/report-section.ts';
import { verdictOf } from '../../core/worst-status.ts';
import type { Check, Environment } from '../../results/types.ts';
import { cpuUnitNote } from '../shared/cpu-note.ts';
import { levelUnit, type StressPhaseRow, type StressRun, type StressSecond } from './results.ts';

const PHASE_LABEL: Record<StressPhaseRow['kind'], string> = {
  stage: 'stage',
  step: 'step',
  cooldown: 'cool-down',
};

const STATUS_OF: Record<StressPhaseRow['status'], Cell> = {
  held: { status: 'pass', label: 'held' },
  broke: { status: 'fail', label: 'broke' },
  stopped: 'stopped',
  cooldown: '–',
};

function optional(value: number | undefined, unit: 'percent' | 'MB'): string {
  return value === undefined ? '–' : formatValue(value, unit);
}

/** One line each: capacity, recovery, verdict. */
function summaryLines(run: StressRun, checks: readonly Check[]): string[] {
  const unit = levelUnit(run.model);
  const { capacity, recovery } = run;
  const lines = [
    capacity.level > 0
      ? `Capacity: ${capacity.level} ${unit} (${formatValue(capacity.rps, 'rps')} answered)` +
        (capacity.brokeAt
          ? `; broke at ${capacity.brokeAt.level} ${unit}: ${capacity.brokeAt.reason}.`
          : '; every level tried held.')
      : `Capacity: none: broke at the first level, ${capacity.brokeAt?.level ?? 0} ${unit}: ${capacity.brokeAt?.reason ?? ''}.`,
  ];
  if (recovery) {
    const back = formatValue(recovery.prePeakP95Ms + recovery.toleranceMs, 'ms');
    lines.push(
      recovery.isRecovered
        ? `Recovery: ${formatValue(recovery.seconds ?? 0, 's')} after the peak, p95 was back within ${back} (pre-peak ${formatValue(recovery.prePeakP95Ms, 'ms')}).`
        : `Recovery: did not recover within the ${formatValue(recovery.cooldownMs, 'ms')} cool-down (p95 stayed above ${back}).`,
    );
  }
  if (run.generatorSaturated) {
    lines.push(
      'The load generator was saturated at the break: the capacity may be its limit, not the service’s.',
    );
  }
  // The stability checks alone: a regression of capacity.rps has the Regressions table.
  const stability = checks.filter((c) => c.kind === 'stability');
  const verdict = verdictOf(stability);
  const limits = `errors < ${formatValue(run.limits.errorRate, 'ratio')}, p95 < ${formatValue(run.limits.p95Ms, 'ms')}`;
  lines.push(
    `Stability (${limits}): ${verdict === 'pass' ? 'stable' : verdict === 'warn' ? 'warning' : 'unstable'}.`,
    ...stability
      .filter((c) => c.status !== 'pass')
      .map((c) => `${c.status === 'fail' ? 'Failed' : 'Warning'}: ${c.message.trimEnd()}.`),
  );
  return lines;
}

/**
 * The run second by second as charts: p95 of each kind, the achieved rate and, when the service was
 * watched, its CPU; the phases shaded behind, labelled by their level.
 */
export function stressCharts(run: StressRun): Chart[] {
  const bands = run.phases.map(
    (p): ChartBand => ({
      from: p.startMs / 1000,
      to: (p.startMs + p.durationMs) / 1000,
      label: p.kind === 'cooldown' ? `${p.level} cool-down` : String(p.level),
    }),
  );
  // Second t holds the requests sent in [t, t + 1): drawn at its middle, it sits inside its phase.
  const at = (s: StressSecond) => s.t + 0.5;
  const xLabel = `t (s); shaded: phases by level (${levelUnit(run.model)})`;
  const charts: Chart[] = [
    {
      title: `${run.name}: p95 of each request kind, per second`,
      xLabel,
      yLabel: 'p95 (ms)',
      series: run.mix.map((m) => ({
        name: m.name,
        // A second in which a kind sent nothing has no p95: a gap, not a zero.
        points: run.seconds.flatMap((s): [number, number][] => {
          const f = s.byKind[m.name];
          return f && f.requests > 0 ? [[at(s), f.p95Ms]] : [];
        }),
      })),
      bands,
    },
    {
      title: `${run.name}: achieved rate, all kinds, per second`,
      xLabel,
      yLabel: 'answered (req/s)',
      series: [
        {
          name: 'all kinds',
          points: run.seconds.map((s): [number, number] => [at(s), s.all.achievedRps]),
        },
      ],
      bands,
    },
  ];
  if (run.seconds.some((s) => s.cpuPercent !== undefined)) {
    charts.push({
      title: `${run.name}: service CPU, per second`,
      xLabel,
      yLabel: 'CPU (% of one core)',
      series: [
        {
          name: 'service CPU (mean)',
          points: run.seconds.flatMap((s): [number, number][] =>
            s.cpuPercent === undefined ? [] : [[at(s), s.cpuPercent]],
          ),
        },
      ],
      bands,
    });
  }
  return charts;
}

/** The sections of one stress scenario: its phases open, its time series and kinds folded. */
export function stressSections(
  run: StressRun,
  checks: readonly Check[],
  environment: Pick<Environment, 'cores'>,
): Section[] {
  const own = checks.filter((c) => c.metric.startsWith(`stress/${run.name}/`));
  const hasResources = run.phases.some((p) => p.cpuMax !== undefined);
  const mix = run.mix.map((m) => `${m.name} ${m.weight}`).join(', ');
  const phases: Section = {
    heading: `Stress: ${run.name}`,
    note: [
      ...summaryLines(run, own),
      `Mix (weights): ${mix}; ${run.model === 'open' ? 'open model (arrival rate)' : 'closed model (connections)'}.`,
      ...(hasResources ? [cpuUnitNote(environment)] : []),
    ].join(' '),
    charts: stressCharts(run),
    table: {
      header: [
        'Phase',
        `Level (${levelUnit(run.model)})`,
        'Seconds',
        'Achieved',
        'p95',
        'p99',
        'Errors',
        'CPU max',
        'Memory max',
        'Status',
      ],
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      rows: run.phases.map((p): Cell[] => [
        PHASE_LABEL[p.kind],
        String(p.level),
        (p.durationMs / 1000).toFixed(1),
        formatValue(p.achievedRps, 'rps'),
        formatValue(p.p95Ms, 'ms'),
        formatValue(p.p99Ms, 'ms'),
        formatValue(p.errorRate, 'ratio'),
        optional(p.cpuMax, 'percent'),
        optional(p.memoryMaxMB, 'MB'),
        STATUS_OF[p.status],
      ]),
    },
  };
  const kinds = run.mix.map((m) => m.name);
  const byKind: Section = {
    heading: `Stress: ${run.name}, per request kind`,
    note: 'Achieved rate / p95 / error rate of each kind in each phase.',
    table: {
      header: ['Phase', 'Level', ...kinds],
      align: ['l', 'r', ...kinds.map((): 'r' => 'r')],
      rows: run.phases.map((p): Cell[] => [
        PHASE_LABEL[p.kind],
        String(p.level),
        ...kinds.map((k) => {
          const f = p.byKind[k];
          return f
            ? `${formatValue(f.achievedRps, 'rps')} / ${formatValue(f.p95Ms, 'ms')} / ${formatValue(f.errorRate, 'ratio')}`
            : '–';
        }),
      ]),
    },
    folded: true,
  };
  const series: Section = {
    heading: `Stress: ${run.name}, second by second`,
    note: 'Each second’s requests by their intended (open model) or actual (closed model) send time.',
    table: {
      header: ['t (s)', 'Level', 'Achieved', 'p50', 'p95', 'p99', 'Errors', 'CPU', 'Memory'],
      align: ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows: run.seconds.map((s): Cell[] => [
        String(s.t),
        String(run.phases[s.phase]?.level ?? '–'),
        formatValue(s.all.achievedRps, 'rps'),
        formatValue(s.all.p50Ms, 'ms'),
        formatValue(s.all.p95Ms, 'ms'),
        formatValue(s.all.p99Ms, 'ms'),
        formatValue(s.all.errorRate, 'ratio'),
        optional(s.cpuPercent, 'percent'),
        optional(s.memoryMB, 'MB'),
      ]),
    },
    folded: true,
  };
  return [phases, byKind, series];
}
