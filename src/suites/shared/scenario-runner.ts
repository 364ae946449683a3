// The load suite: each scenario runs an untimed warm-up, then `rounds` measured rounds through the
// engine. Each round's figures become a metric's `samples`; the merged histogram gives its `value`.
// A scenario that throws (the engine refused a value) ends with a failed check and keeps the
// rounds measured before; the next scenario still runs.

import type { LoadScenario } from '../../config/scenario-schema.ts';
import type { RequestConfig } from '../../config/schema.ts';
import { mergeHistograms } from '../../engine/histogram.ts';
import type { LoadEngine } from '../../engine/load-engine.ts';
import type { EngineRunResult, HttpRequestSpec } from '../../engine/types.ts';
import { describeError } from '../../errors.ts';
import {
  type ResourceSummary,
  resourceFigures,
  resourceMetrics,
  summarizeResources,
} from '../../monitor/summarize.ts';
import type { ResourceMonitor } from '../../monitor/types.ts';
import {
  measurementFigures,
  overallRate,
  scenarioMetrics,
  sumTotals,
  totalsOf,
} from '../../results/scenario-metrics.ts';
import type { Check, Metric, RoundRun, ScenarioRun } from '../../results/types.ts';
import { describeModel } from './describe-model.ts';
import { capCheck, couldNotRunCheck, describeKept, tooFewAnswersCheck } from './scenario-checks.ts';

export const LOAD_SUITE = 'load';

export interface LoadSuiteOptions {
  baseUrl: string;
  scenarios: LoadScenario[];
  /** Headers added to every request (the login's auth header). */
  authHeaders: Record<string, string>;
  engine: LoadEngine;
  /** Progress lines for people (never contain headers or bodies). */
  log: (line: string) => void;
  /** Watches the service: each scenario gets its CPU and memory over the measured rounds. */
  monitor?: ResourceMonitor;
  signal?: AbortSignal;
}

/** What one scenario run needs besides the scenario: the suite's options without its list. */
export type ScenarioRunOptions = Omit<LoadSuiteOptions, 'scenarios'>;

export interface SuiteOutput {
  scenarios: ScenarioRun[];
  metrics: Metric[];
  /** Scenarios that could not run, measured too few answers, or hit their wall-clock cap. */
  checks: Check[];
}

/** What one scenario measured; `run` is absent when not even one round was measured. */
export interface ScenarioOutput {
  run?: ScenarioRun;
  metrics: Metric[];
  checks: Check[];
}

/** Runs every load scenario in order; one scenario's service errors are measured, not thrown. */
export async function runLoadSuite(options: LoadSuiteOptions): Promise<SuiteOutput> {
  const output: SuiteOutput = { scenarios: [], metrics: [], checks: [] };
  for (const scenario of options.scenarios)
    addScenario(output, await runScenario(scenario, options));
  return output;
}

/** The engine request for a configured request: auth header added, JSON serialized. */
export function toHttpRequest(
  request: RequestConfig,
  authHeaders: Record<string, string>,
): HttpRequestSpec {
  const headers: Record<string, string> = { ...authHeaders, ...request.headers };
  let body = request.body;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  }
  return body === undefined
    ? { method: request.method, path: request.path, headers }
    : { method: request.method, path: request.path, headers, body };
}

/** What the scenario asks of the engine for one run of `durationMs` (or its request count). */
function engineRun(
  scenario: LoadScenario,
  options: ScenarioRunOptions,
  run: { durationMs?: number; requests?: number },
): Promise<EngineRunResult> {
  const common = {
    baseUrl: options.baseUrl,
    request: toHttpRequest(scenario.request, options.authHeaders),
    timeoutMs: scenario.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  if (scenario.model === 'open') {
    return options.engine.runOpen({
      ...common,
      rate: scenario.rate ?? 1,
      durationMs: run.durationMs ?? 0,
      maxInFlight: scenario.maxInFlight ?? 1000,
    });
  }
  return options.engine.runClosed({
    ...common,
    connections: scenario.connections ?? 1,
    ...(run.requests !== undefined ? { requests: run.requests } : { durationMs: run.durationMs }),
  });
}

/** Runs the scenario's warm-up alone, unmeasured; nothing when its warm-up is 0. */
export async function warmUp(scenario: LoadScenario, options: ScenarioRunOptions): Promise<void> {
  if (scenario.warmupMs <= 0) return;
  const shape = describeModel(scenario);
  options.log(`${scenario.name}: warm-up ${formatSeconds(scenario.warmupMs)} (${shape})`);
  await engineRun(scenario, options, { durationMs: scenario.warmupMs });
}

/** One measured round: what results.json keeps of it, its figures (a metric's samples) and more. */
export interface MeasuredRound {
  round: RoundRun;
  /** The round's figures by metric name (`latency.p95`, `throughput.rps`, ...). */
  figures: Record<string, number>;
  /** Requests answered (any status). */
  answered: number;
  /** Why the rounds after this one are not worth running: its cap was hit, nothing answered. */
  endsScenario?: string;
  /** The round in a few words: answered, rate, p95, errors, and the cap when it was hit. */
  summary: string;
}

/** Runs one measured round of the scenario through the engine. Throws what the engine throws. */
export async function measureRound(
  scenario: LoadScenario,
  options: ScenarioRunOptions,
): Promise<MeasuredRound> {
  const measured = await engineRun(scenario, options, {
    ...(scenario.durationMs !== undefined ? { durationMs: scenario.durationMs } : {}),
    ...(scenario.requests !== undefined ? { requests: scenario.requests } : {}),
  });
  const totals = totalsOf(measured);
  const figures = measurementFigures(measured.histogram, totals, measured.achievedRate);
  const round: RoundRun = {
    elapsedMs: measured.elapsedMs,
    achievedRate: measured.achievedRate,
    totals,
    ...(measured.cappedAtMs !== undefined ? { cappedAtMs: measured.cappedAtMs } : {}),
    histogram: measured.histogram.encode(),
    generatorCpuPercent: measured.generatorCpuPercent,
  };
  const capped =
    measured.cappedAtMs === undefined
      ? ''
      : `, hit the ${formatSeconds(measured.cappedAtMs)} cap: ${measured.dropped} not sent (dropped)`;
  // A round that hit its cap, or got no answer at all, ends the scenario: the next rounds would
  // do the same, each as long, and the scenario fails either way.
  const endsScenario =
    measured.cappedAtMs !== undefined
      ? 'the cap was hit'
      : measured.completed === 0
        ? 'nothing was answered'
        : undefined;
  return {
    round,
    figures,
    answered: measured.completed,
    ...(endsScenario !== undefined ? { endsScenario } : {}),
    summary:
      `${measured.completed} answered, ${(figures['throughput.rps'] ?? 0).toFixed(1)} req/s, ` +
      `p95 ${formatP95(figures)}, errors ${((figures['errors.rate'] ?? 0) * 100).toFixed(2)} %${capped}`,
  };
}

/** A round's p95 as the progress lines say it: `12.34 ms`. */
export function formatP95(figures: Record<string, number>): string {
  return `${(figures['latency.p95'] ?? 0).toFixed(2)} ms`;
}

/** The service's resources over a measured span ending now; undefined without a monitor. */
export async function resourcesSince(
  monitor: ResourceMonitor | undefined,
  fromMs: number,
): Promise<ResourceSummary | undefined> {
  if (!monitor) return undefined;
  // A reading at the end: a scenario shorter than the interval still gets one.
  await monitor.sampleNow();
  return summarizeResources(monitor.series(), monitor.generator(), fromMs, performance.now());
}

/**
 * A scenario's output from its measured rounds (`figures[i]` of `rounds[i]`): its run, metrics
 * keyed `<suite>/<scenario.name>/<metric>` (samples: one per round) and its validity checks
 * (could not run, too few answers, cap). `failure`: what ended it early, when something threw.
 */
export function finishScenario(
  scenario: LoadScenario,
  suite: string,
  rounds: readonly RoundRun[],
  figures: readonly Record<string, number>[],
  failure: { error: unknown } | undefined,
  resources: ResourceSummary | undefined,
): ScenarioOutput {
  const checks: Check[] = [];
  if (failure) {
    const kept = describeKept(rounds.length);
    checks.push(couldNotRunCheck(suite, scenario.name, failure.error, kept));
  }
  if (rounds.length === 0) return { metrics: [], checks };
  const tooFew = tooFewAnswersCheck(suite, scenario.name, rounds);
  if (tooFew) checks.push(tooFew);
  const capped = capCheck(suite, scenario.name, rounds);
  if (capped) checks.push(capped);
  const merged = mergeHistograms(rounds.map((r) => r.histogram));
  const totals = sumTotals(rounds.map((r) => r.totals));
  const achievedRate = overallRate([...rounds]);
  const overall = measurementFigures(merged, totals, achievedRate);
  const run: ScenarioRun = {
    suite,
    name: scenario.name,
    model: scenario.model,
    request: { method: scenario.request.method, path: scenario.request.path },
    ...(scenario.connections !== undefined ? { connections: scenario.connections } : {}),
    ...(scenario.rate !== undefined ? { targetRate: scenario.rate } : {}),
    achievedRate,
    rounds: [...rounds],
    totals,
    histogram: merged.encode(),
  };
  const metrics = scenarioMetrics(suite, scenario.name, overall, [...figures]);
  if (resources) {
    run.resources = resourceFigures(resources);
    metrics.push(...resourceMetrics(suite, scenario.name, resources));
  }
  return { run, metrics, checks };
}

/** Adds what one scenario measured to a suite's output. */
export function addScenario(output: SuiteOutput, measured: ScenarioOutput): void {
  if (measured.run) output.scenarios.push(measured.run);
  output.metrics.push(...measured.metrics);
  output.checks.push(...measured.checks);
}

/**
 * Runs one scenario: an unmeasured warm-up, then its measured rounds. Metrics are keyed
 * `<suite>/<scenario.name>/<metric>`; the volume suite passes its queries renamed `<query>@<step>`.
 * Never throws but on abort: an error ends the scenario with a failed check, and the rounds
 * measured before it are kept.
 */
export async function runScenario(
  scenario: LoadScenario,
  options: ScenarioRunOptions,
  suite: string = LOAD_SUITE,
): Promise<ScenarioOutput> {
  const rounds: RoundRun[] = [];
  const roundFigures: Record<string, number>[] = [];
  let measuredFrom = performance.now();
  let failure: { error: unknown } | undefined;
  try {
    await warmUp(scenario, options);
    measuredFrom = performance.now();
    for (let i = 1; i <= scenario.rounds; i++) {
      const measured = await measureRound(scenario, options);
      rounds.push(measured.round);
      roundFigures.push(measured.figures);
      options.log(`${scenario.name}: round ${i}/${scenario.rounds}: ${measured.summary}`);
      if (measured.endsScenario !== undefined && i < scenario.rounds) {
        options.log(
          `${scenario.name}: the remaining rounds are skipped (${measured.endsScenario})`,
        );
        break;
      }
    }
  } catch (error) {
    options.signal?.throwIfAborted();
    failure = { error };
    options.log(`${scenario.name}: could not run: ${describeError(error)}`);
  }
  const resources =
    rounds.length > 0 ? await resourcesSince(options.monitor, measuredFrom) : undefined;
  return finishScenario(scenario, suite, rounds, roundFigures, failure, resources);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
