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
import type { Check, CoreRunResult, ResourceFigures } from '../results/types.ts';
import { builtInRegistry, detailOf } from '../suites/registry.ts';
import type { AnySuite } from '../suites/suite.ts';
import { medianOf } from './statistics.ts';

/**
 * Other work above the baseline runs' by this much, mean over a scenario's measurement in percent
 * of one core, makes the runner busy for that scenario. On this 2-core machine the other work of a
 * quiet run of the sample service stayed under 10 % (kernel threads, the shell) and a neighbour
 * spinning one core on and off read 20 to 100 % while it spun.
 */
export const BUSY_RUNNER_PERCENT = 25;

/** What findBusyScenarios reads of a run: its scenarios and the suites' details. */
export type MeasuredRun = Pick<CoreRunResult, 'scenarios'> & Record<string, unknown>;

/** A scenario measured on a busy runner. */
export interface BusyScenario {
  /** Another key for stretches named already (see MeasuredWindow): judged, not listed. */
  isAlias?: boolean;
  /** Other work's mean CPU while it ran, in percent of one core. */
  other: number;
  /** The baseline runs' median of it for the same scenario (0 without any). */
  usual: number;
}

/**
 * `<suite>/<scenario>` → other work's mean CPU (percent of one core) for every scenario that
 * measured it: the HTTP scenarios, and the windows each suite names (a stress scenario, a video
 * level, a volume query across its steps); a key named twice keeps the most.
 */
export function otherWorkByScenario(
  run: MeasuredRun,
  suites: readonly AnySuite[] = builtInRegistry.suites,
): Map<string, { other: number; isAlias: boolean }> {
  const found = new Map<string, { other: number; isAlias: boolean }>();
  const note = (
    key: string,
    resources: Pick<ResourceFigures, 'otherCpuMean'> | undefined,
    isAlias = false,
  ) => {
    const other = resources?.otherCpuMean;
    if (other === undefined || !Number.isFinite(other)) return;
    found.set(key, { other: Math.max(other, found.get(key)?.other ?? 0), isAlias });
  };
  for (const scenario of run.scenarios) {
    note(`${scenario.suite}/${scenario.name}`, scenario.resources);
  }
  const result = run as CoreRunResult;
  for (const suite of suites) {
    for (const window of suite.windows?.(result, detailOf(suite, result)) ?? []) {
      note(window.scenario, window.resources, window.isAlias);
    }
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
  suites: readonly AnySuite[] = builtInRegistry.suites,
): Map<string, BusyScenario> {
  const past = baselineRuns.map((r) => otherWorkByScenario(r, suites));
  const busy = new Map<string, BusyScenario>();
  for (const [key, { other, isAlias }] of otherWorkByScenario(run, suites)) {
    const values = past.map((p) => p.get(key)?.other).filter((v): v is number => v !== undefined);
    const usual = medianOf(values) ?? 0;
    if (other - usual >= limit) busy.set(key, { other, usual, ...(isAlias ? { isAlias } : {}) });
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
 * An alias (a volume query, named by its steps already) is not named again.
 */
export function describeBusyRunner(busy: ReadonlyMap<string, BusyScenario>): string | undefined {
  const listed = [...busy].filter(([, found]) => found.isAlias !== true);
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

/**
 * Which busy scenarios decide after a confirming second run of `rerun` (keys `<suite>/<scenario>`):
 * a scenario run twice is judged on its second run's busyness (`secondBusy`, capped there); the
 * others on the first. `first` is what caps the first run's checks; `deciding` what the report names.
 */
export function judgeConfirmed(
  busy: ReadonlyMap<string, BusyScenario>,
  rerun: readonly string[],
  secondBusy: ReadonlyMap<string, BusyScenario>,
): { first: Map<string, BusyScenario>; deciding: Map<string, BusyScenario> } {
  const first = new Map([...busy].filter(([key]) => !rerun.includes(key)));
  return { first, deciding: new Map([...first, ...secondBusy]) };
}
