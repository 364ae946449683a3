// A regression measured while other work took the runner's CPU says as much about the neighbour
// as about the service. With the service and the load generator sharing two cores, a neighbour
// spinning one core on and off made unchanged code 11 to 17 % slower in closed-model throughput
// and 43 % slower per video-minute (bench:verdict), well past a 10 % fail level, and a second run
// beside the same neighbour confirmed it. The monitor measures that other work (otherCpuMean: the
// machine's busy time less the service's and perf-action's, plus steal), so such a fail is
// reported as a warning that says why, instead of failing a pull request for its runner.
//
// Other work is judged against the same scenario's in the baseline runs, not from zero: some of
// it comes with the service wherever it runs, such as a container runtime's port proxy that
// carries every request to a workflow service container (docker-proxy for localhost ports). A
// neighbour is what comes on top of that.
import { levelScenario } from '../suites/video/config.ts';
import { splitVolumeStep } from '../results/growth.ts';
import type { Check, ResourceFigures, RunResult } from '../results/types.ts';
import { medianOf } from './statistics.ts';

/**
 * Other work above the baseline runs' by this much, mean over a scenario's measurement in percent
 * of one core, makes the runner busy for that scenario. On this 2-core machine the other work of a
 * quiet run of the sample service stayed under 10 % (kernel threads, the shell) and a neighbour
 * spinning one core on and off read 20 to 100 % while it spun.
 */
export const BUSY_RUNNER_PERCENT = 25;

/** What findBusyScenarios reads of a run: its scenarios, stress runs and video levels. */
export type MeasuredRun = Pick<RunResult, 'scenarios'> &
  Partial<Pick<RunResult, 'stress' | 'video'>>;

/** A scenario measured on a busy runner. */
export interface BusyScenario {
  /** Other work's mean CPU while it ran, in percent of one core. */
  other: number;
  /** The baseline runs' median of it for the same scenario (0 without any). */
  usual: number;
}

/**
 * `<suite>/<scenario>` → other work's mean CPU (percent of one core) for every scenario that
 * measured it: load and volume scenarios, stress scenarios, video levels (`video/c<level>`). A
 * volume query also appears under its name without the step (as its growth metrics are keyed),
 * with the most of its steps.
 */
export function otherWorkByScenario(run: MeasuredRun): Map<string, number> {
  const found = new Map<string, number>();
  const note = (key: string, resources: ResourceFigures | undefined) => {
    const other = resources?.otherCpuMean;
    if (other === undefined || !Number.isFinite(other)) return;
    found.set(key, Math.max(other, found.get(key) ?? 0));
  };
  for (const scenario of run.scenarios) {
    note(`${scenario.suite}/${scenario.name}`, scenario.resources);
    const step = scenario.suite === 'volume' ? splitVolumeStep(scenario.name) : undefined;
    if (step) note(`volume/${step.query}`, scenario.resources);
  }
  for (const stress of run.stress ?? []) note(`stress/${stress.name}`, stress.resources);
  for (const level of run.video?.levels ?? []) {
    note(`video/${levelScenario(level.level)}`, level.resources);
  }
  return found;
}

/**
 * The scenarios of `run` whose other work exceeded the baseline runs' median for the same
 * scenario by BUSY_RUNNER_PERCENT or more (from 0 where no baseline run measured it). Empty where
 * nothing measured other work (no service watched, or not Linux).
 */
export function findBusyScenarios(
  run: MeasuredRun,
  baselineRuns: readonly MeasuredRun[] = [],
  limit = BUSY_RUNNER_PERCENT,
): Map<string, BusyScenario> {
  const past = baselineRuns.map(otherWorkByScenario);
  const busy = new Map<string, BusyScenario>();
  for (const [key, other] of otherWorkByScenario(run)) {
    const values = past.map((p) => p.get(key)).filter((v): v is number => v !== undefined);
    const usual = medianOf(values) ?? 0;
    if (other - usual >= limit) busy.set(key, { other, usual });
  }
  return busy;
}

/**
 * The regression fails of busy scenarios (see findBusyScenarios) as warnings that say how busy the
 * runner was; every other check unchanged.
 */
export function capBusyRegressions(
  checks: readonly Check[],
  busy: ReadonlyMap<string, BusyScenario>,
): Check[] {
  return checks.map((check) => {
    if (check.kind !== 'regression' || check.status !== 'fail') return check;
    const found = busy.get(check.metric.slice(0, check.metric.lastIndexOf('/')));
    if (!found) return check;
    return {
      ...check,
      status: 'warn',
      message: `${check.message}; the runner was busy (${describeOtherWork(found)}): warns at most, re-run to judge`,
    };
  });
}

/** How many of the busy scenarios describeBusyRunner names; the rest are counted. */
const BUSY_NAMED = 3;

/**
 * One sentence for the report on the scenarios measured on a busy runner; undefined when none.
 * Volume queries are named by their steps, not again by the query.
 */
export function describeBusyRunner(busy: ReadonlyMap<string, BusyScenario>): string | undefined {
  const listed = [...busy].filter(([key]) => !(key.startsWith('volume/') && !key.includes('@')));
  if (listed.length === 0) return undefined;
  const named = listed
    .slice(0, BUSY_NAMED)
    .map(([key, found]) => `${key} (${describeOtherWork(found)})`)
    .join(', ');
  const more = listed.length > BUSY_NAMED ? ` and ${listed.length - BUSY_NAMED} more` : '';
  return `Busy runner during ${named}${more}: their regressions warn at most.`;
}

function describeOtherWork({ other, usual }: BusyScenario): string {
  const share = `other work took ${Math.round(other)} % of a core`;
  return usual >= 1 ? `${share}, ${Math.round(usual)} % in the baseline runs` : share;
}
