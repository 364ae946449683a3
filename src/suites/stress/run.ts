// The stress suite: each scenario ramps a weighted request mix through its stages (and, with
// until-break, further steps) in one continuous run, stops ramping at the first level that breaks
// the stability limits, then holds the first level again to see how fast the service recovers.

import { setTimeout as sleep } from 'node:timers/promises';
import { formatValue } from '../../core/format.ts';
import { BUDGET_METRICS } from '../../core/metrics-catalogue.ts';
import type { LoadEngine } from '../../engine/load-engine.ts';
import type {
  PhaseHandle,
  PhaseResult,
  SecondResult,
  StagedLoadOptions,
  Tally,
} from '../../engine/staged.ts';
import { describeError } from '../../errors.ts';
import { GENERATOR_SATURATION_PERCENT } from '../../monitor/generator.ts';
import { resourceFigures, resourceMetrics, summarizeResources } from '../../monitor/summarize.ts';
import type { ResourceMonitor } from '../../monitor/types.ts';
import { makeMetric } from '../../results/metric.ts';
import { sumTotals } from '../../results/scenario-metrics.ts';
import type { Check, Metric, RequestTotals } from '../../results/types.ts';
import { couldNotRunCheck } from '../shared/scenario-checks.ts';
import { toHttpRequest } from '../shared/scenario-runner.ts';
import {
  breachOf,
  type CooldownSecond,
  capacityOf,
  figuresOf,
  findRecovery,
  mergeKinds,
} from './analysis.ts';
import type { StressScenario, StressStage } from './config.ts';
import {
  type LoadFigures,
  levelUnit,
  type StressPhaseRow,
  type StressRun,
  type StressSecond,
} from './results.ts';

export const STRESS_SUITE = 'stress';

export interface StressSuiteOptions {
  baseUrl: string;
  scenarios: StressScenario[];
  /** Starts the staged load (the real engine's StagedLoad unless a test passes another). */
  engine: Pick<LoadEngine, 'startStaged'>;
  authHeaders: Record<string, string>;
  /** Watches the service; per-phase CPU and memory come from it. */
  monitor?: ResourceMonitor;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface StressSuiteOutput {
  runs: StressRun[];
  metrics: Metric[];
  /** The stability verdicts: capacity within the stages, recovery after the peak. */
  checks: Check[];
}

export async function runStressSuite(options: StressSuiteOptions): Promise<StressSuiteOutput> {
  const output: StressSuiteOutput = { runs: [], metrics: [], checks: [] };
  for (const scenario of options.scenarios) {
    let run: StressRun;
    try {
      run = await runStressScenario(scenario, options);
    } catch (error) {
      // The scenario's partial phases are not kept (they are judged only as a whole run); the
      // scenarios before it are, and the next one still runs.
      options.signal?.throwIfAborted();
      options.log(`${scenario.name}: could not run: ${describeError(error)}`);
      output.checks.push(couldNotRunCheck(STRESS_SUITE, scenario.name, error, 'nothing kept'));
      continue;
    }
    output.runs.push(run);
    output.metrics.push(...stressMetrics(run));
    output.checks.push(...stabilityChecks(run));
  }
  return output;
}

interface RunningPhase {
  kind: StressPhaseRow['kind'];
  spec: StressStage;
  handle: PhaseHandle;
}

/** The levels to try: the stages, then until-break steps up to the maximum. */
function* plannedPhases(scenario: StressScenario): Generator<Omit<RunningPhase, 'handle'>> {
  for (const spec of scenario.stages) yield { kind: 'stage', spec };
  if (!scenario.untilBreak) return;
  const last = scenario.stages.at(-1) as StressStage;
  const { stepLevel, maxLevel } = scenario.untilBreak;
  for (let level = last.level + stepLevel; level <= maxLevel; level += stepLevel) {
    const rounded = scenario.model === 'closed' ? Math.round(level) : level;
    yield { kind: 'step', spec: { level: rounded, durationMs: last.durationMs } };
  }
}

async function runStressScenario(
  scenario: StressScenario,
  options: StressSuiteOptions,
): Promise<StressRun> {
  const unit = levelUnit(scenario.model);
  const load = options.engine.startStaged(stagedOptions(scenario, options));
  options.log(
    `${scenario.name}: stress ${scenario.model === 'open' ? 'open' : 'closed'} model, ` +
      `${scenario.stages.map((s) => s.level).join(' → ')} ${unit}` +
      `${scenario.untilBreak ? ` then +${scenario.untilBreak.stepLevel} up to ${scenario.untilBreak.maxLevel} until it breaks` : ''}`,
  );

  await warmUpStress(scenario, options, unit);
  const phases: RunningPhase[] = [];
  const verdicts: (string | undefined)[] = [];
  let brokeAt: number | undefined;
  // A phase is judged once all its requests have ended, usually while the next one runs: the
  // ramp goes on meanwhile, and a break cuts the running phase short. A phase whose requests are
  // still unanswered a p95 limit after its end has broken the limit already: it is called then.
  const breakAt = (index: number, reason: string): void => {
    verdicts[index] = reason;
    if (brokeAt === undefined || index < brokeAt) {
      brokeAt = index;
      // A ramp phase judged late must not cut the cool-down short: recovery from that very
      // break is what the cool-down measures.
      const running = phases.at(-1);
      if (running?.kind !== 'cooldown') running?.handle.stop();
    }
  };
  const decide = async (index: number, handle: PhaseHandle): Promise<string> => {
    await handle.ended;
    const isLate = await Promise.race([
      handle.settled.then(() => false),
      // Unref'd: when the phase settles first, this timer must not keep the process alive.
      sleep(scenario.limits.p95Ms, undefined, { ref: false }).then(() => true),
    ]);
    if (isLate) {
      const reason = lateBreach(handle, scenario.limits);
      if (reason) breakAt(index, reason);
    }
    const result = await handle.settled;
    const figures = figuresOf(mergeKinds(result.kinds), result.endedAt - result.startedAt);
    const reason = verdicts[index] ?? breachOf(figures, scenario.limits);
    if (reason !== undefined) breakAt(index, reason);
    return (
      `${scenario.name}: ${result.level} ${unit}: ${describeFigures(figures)}` +
      ` — ${reason === undefined ? 'held' : `broke (${reason})`}`
    );
  };
  // A phase is decided when its requests have settled, which for a slow phase comes after the
  // next phase's: the lines still go out in phase order, each after the one before.
  let logged: Promise<void> = Promise.resolve();
  const judge = (index: number, handle: PhaseHandle): Promise<void> => {
    logged = Promise.all([decide(index, handle), logged]).then(([line]) => options.log(line));
    return logged;
  };
  const judgements: Promise<void>[] = [];

  for (const planned of plannedPhases(scenario)) {
    if (brokeAt !== undefined || options.signal?.aborted) break;
    const handle = load.startPhase(planned.spec);
    phases.push({ ...planned, handle });
    judgements.push(judge(phases.length - 1, handle));
    await handle.ended;
  }
  const first = scenario.stages[0] as StressStage;
  // Recovery needs a peak to recover from and a first level that held (its p95 is the reference).
  if (phases.length > 1 && brokeAt !== 0 && !options.signal?.aborted) {
    const spec = { level: first.level, durationMs: scenario.cooldownMs };
    const handle = load.startPhase(spec);
    phases.push({ kind: 'cooldown', spec, handle });
    await handle.ended;
  }
  const { t0, seconds } = await load.finish();
  const results = await Promise.all(phases.map((p) => p.handle.settled));
  await Promise.all(judgements);

  const rows = results.map((result, index) =>
    phaseRow(result, phases[index] as RunningPhase, verdicts[index], brokeAt, t0, options.monitor),
  );
  const run: StressRun = {
    name: scenario.name,
    model: scenario.model,
    mix: scenario.mix.map((m) => ({
      name: m.name,
      weight: m.weight,
      method: m.request.method,
      path: m.request.path,
    })),
    limits: { ...scenario.limits },
    untilBreak: scenario.untilBreak !== undefined,
    phases: rows,
    capacity: capacityOf(rows),
    // A last second that mostly lies after the run (an arrival due right at the end) is left out.
    seconds: seconds
      .filter((s) => t0 + s.second * 1000 + 500 <= (results.at(-1)?.endedAt ?? t0))
      .map((s) => secondRow(s, results, t0, options.monitor)),
    totals: sumTotals(rows.map((r) => r.totals)),
  };
  const cooldown = rows.at(-1);
  if (cooldown?.kind === 'cooldown' && rows[0]?.status === 'held') {
    run.recovery = recoveryOf(rows, run.seconds, cooldown, scenario);
  }
  // Once it is over and every stage's line is out, with what it found.
  if (cooldown?.kind === 'cooldown') {
    options.log(describeCooldown(scenario.name, unit, cooldown, run.recovery));
  }
  const whole = resourcesOver(options.monitor, t0, results.at(-1)?.endedAt ?? t0);
  if (whole) run.resources = resourceFigures(whole);
  // The engine measured its own CPU over exactly the phase's sending time.
  const breaking = rows.find((r) => r.status === 'broke');
  if (breaking && breaking.generatorCpuPercent >= GENERATOR_SATURATION_PERCENT) {
    run.generatorSaturated = true;
  }
  return run;
}

/** `100.0 req/s, p95 2.01 ms, errors 0.00 %`. */
function describeFigures(figures: LoadFigures): string {
  return (
    `${figures.achievedRps.toFixed(1)} req/s, p95 ${formatValue(figures.p95Ms, 'ms')}, ` +
    `errors ${formatValue(figures.errorRate, 'ratio')}`
  );
}

/** `mix: cool-down at 100 req/s for 4.00 s: 100.0 req/s, p95 1.2 ms, errors 0.00 % — recovered after 1.00 s`. */
function describeCooldown(
  name: string,
  unit: string,
  row: StressPhaseRow,
  recovery: StressRun['recovery'],
): string {
  let found = '';
  if (recovery?.isRecovered) {
    found = ` — recovered after ${formatValue(recovery.seconds ?? 0, 's')}`;
  } else if (recovery) {
    const back = formatValue(recovery.prePeakP95Ms + recovery.toleranceMs, 'ms');
    found = ` — did not recover (p95 stayed above ${back})`;
  }
  return (
    `${name}: cool-down at ${row.level} ${unit} for ${formatValue(row.durationMs, 'ms')}: ` +
    `${describeFigures(row)}${found}`
  );
}

/**
 * A p95 breach known before the phase has settled: more than 5 % of its requests are still
 * unanswered (or failed) a whole p95 limit after its end, so its p95 is past the limit.
 */
function lateBreach(handle: PhaseHandle, limits: StressScenario['limits']): string | undefined {
  const pending = handle.pending();
  const sofar = mergeKinds(handle.result.kinds);
  const total = sofar.sent + pending;
  if (total === 0 || pending / total <= 0.05) return undefined;
  return (
    `p95 >= ${formatValue(limits.p95Ms, 'ms')} (${pending} of ${total} requests unanswered ` +
    `${formatValue(limits.p95Ms, 'ms')} after the stage ended)`
  );
}

/** The first level for `warmupMs`, unmeasured, on its own connections. */
async function warmUpStress(
  scenario: StressScenario,
  options: StressSuiteOptions,
  unit: string,
): Promise<void> {
  if (scenario.warmupMs <= 0 || options.signal?.aborted) return;
  const level = (scenario.stages[0] as StressStage).level;
  options.log(
    `${scenario.name}: warm-up at ${level} ${unit} for ${formatValue(scenario.warmupMs, 'ms')}`,
  );
  const load = options.engine.startStaged(stagedOptions(scenario, options));
  await load.startPhase({ level, durationMs: scenario.warmupMs }).ended;
  await load.finish();
}

function stagedOptions(scenario: StressScenario, options: StressSuiteOptions): StagedLoadOptions {
  return {
    baseUrl: options.baseUrl,
    model: scenario.model,
    mix: scenario.mix.map((item) => ({
      kind: item.name,
      weight: item.weight,
      request: toHttpRequest(item.request, options.authHeaders),
    })),
    timeoutMs: scenario.timeoutMs,
    maxInFlight: scenario.maxInFlight,
    seed: scenario.seed,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

function byKind(
  kinds: ReadonlyMap<string, Tally>,
  durationMs: number,
): Record<string, LoadFigures> {
  return Object.fromEntries([...kinds].map(([kind, t]) => [kind, figuresOf(t, durationMs)]));
}

function phaseRow(
  result: PhaseResult,
  phase: RunningPhase,
  verdict: string | undefined,
  brokeAt: number | undefined,
  t0: number,
  monitor: ResourceMonitor | undefined,
): StressPhaseRow {
  const durationMs = result.endedAt - result.startedAt;
  let status: StressPhaseRow['status'] = verdict === undefined ? 'held' : 'broke';
  if (phase.kind === 'cooldown') status = 'cooldown';
  else if (brokeAt !== undefined && result.index > brokeAt) status = 'stopped';
  const row: StressPhaseRow = {
    kind: phase.kind,
    level: result.level,
    startMs: result.startedAt - t0,
    durationMs,
    ...figuresOf(mergeKinds(result.kinds), durationMs),
    status,
    generatorCpuPercent: result.generatorCpuPercent,
    totals: totalsOfTally(mergeKinds(result.kinds)),
    byKind: byKind(result.kinds, durationMs),
  };
  if (status === 'broke' && verdict !== undefined) row.reason = verdict;
  const summary = resourcesOver(monitor, result.startedAt, result.endedAt);
  if (summary) {
    row.cpuMax = summary.cpuMax;
    row.memoryMaxMB = summary.memoryMaxMB;
  }
  return row;
}

/** A staged tally in results.json form: every request issued, by outcome. */
function totalsOfTally(t: Tally): RequestTotals {
  return {
    sent: t.sent,
    completed: t.completed,
    ok: t.ok,
    errorStatus: t.completed - t.ok,
    socketErrors: t.socketErrors,
    timeouts: t.timeouts,
    late: 0,
    dropped: t.dropped,
    statusCodes: { ...t.statusCodes },
  };
}

/** The service's resources between two performance.now() times, when it was watched. */
function resourcesOver(monitor: ResourceMonitor | undefined, fromMs: number, toMs: number) {
  return monitor
    ? summarizeResources(monitor.series(), monitor.generator(), fromMs, toMs)
    : undefined;
}

function secondRow(
  second: SecondResult,
  phases: readonly PhaseResult[],
  t0: number,
  monitor: ResourceMonitor | undefined,
): StressSecond {
  const from = t0 + second.second * 1000;
  const middle = from + 500;
  let phase = 0;
  phases.forEach((p, i) => {
    if (p.startedAt <= middle) phase = i;
  });
  const row: StressSecond = {
    t: second.second,
    phase,
    all: figuresOf(mergeKinds(second.kinds), 1000),
    byKind: byKind(second.kinds, 1000),
  };
  const summary = resourcesOver(monitor, from, from + 1000);
  if (summary) {
    row.cpuPercent = summary.cpuMean;
    row.memoryMB = summary.memoryMaxMB;
  }
  return row;
}

function recoveryOf(
  rows: readonly StressPhaseRow[],
  seconds: readonly StressSecond[],
  cooldown: StressPhaseRow,
  scenario: StressScenario,
): NonNullable<StressRun['recovery']> {
  const prePeakP95Ms = (rows[0] as StressPhaseRow).p95Ms;
  // Whole seconds inside the cool-down (phase starts are within a millisecond of the grid when
  // stage durations are whole seconds).
  const fromS = cooldown.startMs / 1000;
  const inCooldown: CooldownSecond[] = seconds
    .filter((s) => s.t >= fromS - 0.005 && s.t + 1 <= fromS + cooldown.durationMs / 1000 + 0.005)
    .map((s) => ({ offsetS: Math.round((s.t - fromS) * 10) / 10, figures: s.all }));
  const found = findRecovery(prePeakP95Ms, inCooldown, scenario.limits);
  return {
    prePeakP95Ms,
    toleranceMs: found.toleranceMs,
    cooldownMs: cooldown.durationMs,
    isRecovered: found.seconds !== undefined,
    ...(found.seconds !== undefined ? { seconds: found.seconds } : {}),
  };
}

/**
 * The scenario's metrics: `capacity.rps`, `capacity.level`, `recovery.s` (the cool-down's length
 * when it never recovered: a lower bound) and the service's resources over the whole run.
 */
export function stressMetrics(run: StressRun): Metric[] {
  const at = { suite: STRESS_SUITE, scenario: run.name };
  const metrics: Metric[] = [
    makeMetric(at, 'capacity.rps', run.capacity.rps),
    makeMetric(at, 'capacity.level', run.capacity.level),
  ];
  if (run.recovery) {
    const seconds = run.recovery.seconds ?? run.recovery.cooldownMs / 1000;
    metrics.push(makeMetric(at, 'recovery.s', seconds));
  }
  if (run.resources) {
    metrics.push(...resourceMetrics(STRESS_SUITE, run.name, run.resources));
  }
  return metrics;
}

/**
 * The stability verdict: breaking within the configured stages fails (the service did not take the
 * load it is meant to take); with until-break, finding the break is the point, so only breaking at
 * the very first level fails. Not recovering after the peak fails. A saturated load generator at
 * the break turns a fail into a warning: the limit found may be perf-action's, not the service's.
 */
export function stabilityChecks(run: StressRun): Check[] {
  const unit = levelUnit(run.model);
  const checks: Check[] = [];
  const { capacity } = run;
  const brokeIndex = run.phases.findIndex((p) => p.status === 'broke');
  const broke = run.phases[brokeIndex];
  let status: Check['status'] = 'pass';
  let message: string;
  if (!capacity.brokeAt || !broke) {
    const top = run.phases.filter((p) => p.kind !== 'cooldown').at(-1)?.level ?? 0;
    message = `stable: held every level up to ${top} ${unit}`;
  } else {
    const isExpected = run.untilBreak && broke.kind === 'step';
    const isFirst = brokeIndex === 0;
    status = isExpected && !isFirst ? 'pass' : 'fail';
    message =
      `${isFirst ? 'broke at the first level' : `stable up to ${capacity.level} ${unit}`}; ` +
      `broke at ${capacity.brokeAt.level} ${unit} (${capacity.brokeAt.reason})`;
    if (status === 'fail' && run.generatorSaturated) {
      status = 'warn';
      message += '; the load generator was saturated, so this may be its limit, not the service';
    }
  }
  checks.push({
    kind: 'stability',
    metric: `${STRESS_SUITE}/${run.name}/capacity.level`,
    status,
    value: capacity.level,
    unit: BUDGET_METRICS['capacity.level'].unit,
    source: 'stability',
    message: `capacity.level ${message}`,
  });
  if (run.recovery) {
    const r = run.recovery;
    const back = formatValue(r.prePeakP95Ms + r.toleranceMs, 'ms');
    checks.push({
      kind: 'stability',
      metric: `${STRESS_SUITE}/${run.name}/recovery.s`,
      status: r.isRecovered ? 'pass' : 'fail',
      value: r.seconds ?? r.cooldownMs / 1000,
      unit: 's',
      source: 'stability',
      message: r.isRecovered
        ? `recovery.s ${formatValue(r.seconds ?? 0, 's')}: p95 back within ${back} after the peak`
        : `recovery.s did not recover within ${formatValue(r.cooldownMs, 'ms')}: p95 stayed above ${back}`,
    });
  }
  return checks;
}
