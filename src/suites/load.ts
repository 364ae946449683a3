// The load suite: each scenario runs an untimed warm-up, then `rounds` measured rounds through the
// engine. Each round's figures become a metric's `samples`; the merged histogram gives its `value`.
import type { LoadScenario, RequestConfig } from '../config/schema.ts';
import { mergeHistograms } from '../engine/histogram.ts';
import type { EngineRunResult, HttpRequestSpec } from '../engine/types.ts';
import { resourceFigures, resourceMetrics, summarizeResources } from '../monitor/summarize.ts';
import type { ResourceMonitor } from '../monitor/types.ts';
import {
  measurementFigures,
  overallRate,
  scenarioMetrics,
  sumTotals,
  totalsOf,
} from '../results/scenario-metrics.ts';
import type { Metric, RoundRun, ScenarioRun } from '../results/types.ts';
import { describeModel } from './describe-model.ts';
import type { LoadEngine } from './engine-port.ts';

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
}

/** Runs every load scenario in order; one scenario's service errors are measured, not thrown. */
export async function runLoadSuite(options: LoadSuiteOptions): Promise<SuiteOutput> {
  const output: SuiteOutput = { scenarios: [], metrics: [] };
  for (const scenario of options.scenarios) {
    const { run, metrics } = await runScenario(scenario, options);
    output.scenarios.push(run);
    output.metrics.push(...metrics);
  }
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

/**
 * Runs one scenario: an unmeasured warm-up, then its measured rounds. Metrics are keyed
 * `<suite>/<scenario.name>/<metric>`; the volume suite passes its queries renamed `<query>@<step>`.
 */
export async function runScenario(
  scenario: LoadScenario,
  options: ScenarioRunOptions,
  suite: string = LOAD_SUITE,
): Promise<{ run: ScenarioRun; metrics: Metric[] }> {
  await warmUp(scenario, options);
  const measuredFrom = performance.now();
  const rounds: RoundRun[] = [];
  const roundFigures: Record<string, number>[] = [];
  for (let i = 1; i <= scenario.rounds; i++) {
    const measured = await engineRun(scenario, options, {
      ...(scenario.durationMs !== undefined ? { durationMs: scenario.durationMs } : {}),
      ...(scenario.requests !== undefined ? { requests: scenario.requests } : {}),
    });
    const totals = totalsOf(measured);
    roundFigures.push(measurementFigures(measured.histogram, totals, measured.achievedRate));
    rounds.push({
      elapsedMs: measured.elapsedMs,
      achievedRate: measured.achievedRate,
      totals,
      histogram: measured.histogram.encode(),
      generatorCpuPercent: measured.generatorCpuPercent,
    });
    const f = roundFigures.at(-1) ?? {};
    options.log(
      `${scenario.name}: round ${i}/${scenario.rounds}: ${measured.completed} answered, ` +
        `${(f['throughput.rps'] ?? 0).toFixed(1)} req/s, p95 ${(f['latency.p95'] ?? 0).toFixed(2)} ms, ` +
        `errors ${((f['errors.rate'] ?? 0) * 100).toFixed(2)} %`,
    );
  }
  // A reading at the end: a scenario shorter than the interval still gets one.
  await options.monitor?.sampleNow();
  const resources = options.monitor
    ? summarizeResources(
        options.monitor.series(),
        options.monitor.generator(),
        measuredFrom,
        performance.now(),
      )
    : undefined;
  const merged = mergeHistograms(rounds.map((r) => r.histogram));
  const totals = sumTotals(rounds.map((r) => r.totals));
  const achievedRate = overallRate(rounds);
  const overall = measurementFigures(merged, totals, achievedRate);
  const run: ScenarioRun = {
    suite,
    name: scenario.name,
    model: scenario.model,
    request: { method: scenario.request.method, path: scenario.request.path },
    ...(scenario.connections !== undefined ? { connections: scenario.connections } : {}),
    ...(scenario.rate !== undefined ? { targetRate: scenario.rate } : {}),
    achievedRate,
    rounds,
    totals,
    histogram: merged.encode(),
  };
  const metrics = scenarioMetrics(suite, scenario.name, overall, roundFigures);
  if (resources) {
    run.resources = resourceFigures(resources);
    metrics.push(...resourceMetrics(suite, scenario.name, resources));
  }
  return { run, metrics };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
