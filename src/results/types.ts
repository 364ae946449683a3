// results.json, schemaVersion 1 (DESIGN.md). Other code and checks rely on this shape:
// change it only with a schemaVersion bump.

import type { StressRun } from './stress-run.ts';
import type { VideoSuiteRun } from './video-run.ts';

export const SCHEMA_VERSION = 1;

export type Better = 'lower' | 'higher';
export type Status = 'pass' | 'warn' | 'fail';

/**
 * Units a metric can carry. `ratio` is 0..1; `exponent` is a dimensionless power (b in
 * latency ~ size^b); `records/s` counts records written per second (seeding); `x` is a plain
 * factor (video seconds processed per second); `MB/s` is megabytes (MiB) per second.
 */
export type Unit =
  | 'ms'
  | 'rps'
  | 'ratio'
  | 'percent'
  | 'MB'
  | 's'
  | 'count'
  | 'exponent'
  | 'records/s'
  | 'x'
  | 'MB/s';

/** One measured number with its meaning. */
export interface Metric {
  /** `<suite>/<scenario>/<name>`, e.g. `load/projects-list/latency.p95`. */
  key: string;
  suite: string;
  scenario: string;
  /** e.g. `latency.p95`, `throughput.rps`, `errors.rate`. */
  name: string;
  unit: Unit;
  better: Better;
  /** Over all rounds together (latency from the merged histogram). */
  value: number;
  /** One value per measured round, where rounds ran. */
  samples?: number[];
}

/** One budget, regression or improvement decision, with the numbers behind it. */
export interface Check {
  /** `improvement`: a significant change for the better; reported, never fails. */
  kind: 'budget' | 'regression' | 'improvement';
  /** The metric key the check is about. */
  metric: string;
  status: Status;
  /** The measured value, in the metric's unit. */
  value: number;
  unit: Unit;
  /**
   * Budgets: the limits in the metric's unit; the comparison follows the metric's `better`.
   * Regressions: the relative change (0.1 = 10 %) at which a worsening warns or fails.
   */
  warn?: number;
  fail?: number;
  /** Budgets: where the limit came from (`global`, `suite`, `scenario`). */
  source?: string;
  /** Regressions: the history's reference value, in the metric's unit. */
  baseline?: number;
  /** Regressions: relative change of the value against `baseline`, signed (+0.12 = 12 % higher). */
  change?: number;
  /** Regressions: confidence interval of `change` at `confidenceLevel`. */
  changeInterval?: [number, number];
  /** Regressions: e.g. 0.95. */
  confidenceLevel?: number;
  /** Regressions: how significance was judged, e.g. `robust-z`, `mann-whitney`, `percent-only`. */
  method?: string;
  /** Regressions: too little history for a statistical test; the percent rule alone decided. */
  lowConfidence?: boolean;
  /** Regressions: baseline runs the decision used. */
  historySize?: number;
  /** Set when an `accept:` entry in perf.yml covers this metric: the reason given there. */
  accepted?: string;
  /** One line a person reads, e.g. `latency.p95 212.4 ms > 200 ms`. */
  message: string;
}

/** Details of one scenario's run that are not metrics: how it ran and what came back. */
export interface ScenarioRun {
  suite: string;
  name: string;
  model: 'closed' | 'open';
  request: { method: string; path: string };
  connections?: number;
  /** Open model: asked-for requests/s. */
  targetRate?: number;
  /** Answered requests/s over all rounds. */
  achievedRate: number;
  rounds: RoundRun[];
  /** Over all rounds. */
  totals: RequestTotals;
  /** HdrHistogram compressed base64 of all rounds merged, latencies in microseconds. */
  histogram: string;
  /** The service over the measured rounds (CPU in percent of one core, memory in MB), when watched. */
  resources?: ResourceFigures;
}

/** CPU (percent of one core; the environment states the cores) and memory of the service. */
export interface ResourceFigures {
  cpuMax: number;
  cpuMean: number;
  memoryMaxMB: number;
}

/**
 * What became of the requests of a round or a scenario. Every request issued ends as exactly one
 * outcome: `sent = ok + errorStatus + socketErrors + timeouts + dropped`.
 */
export interface RequestTotals {
  /** Requests issued, dropped ones included. */
  sent: number;
  /** Answered with any HTTP status: `ok + errorStatus`. */
  completed: number;
  /** Answered 2xx or 3xx. */
  ok: number;
  /** Answered with a status outside 2xx/3xx (their codes are in `statusCodes`). */
  errorStatus: number;
  /** No whole HTTP answer: refused, reset, or closed before the answer ended. */
  socketErrors: number;
  /** No answer within the scenario's timeout. */
  timeouts: number;
  /** Open model: sends that left more than 1 ms after their intended time (not an outcome). */
  late: number;
  /**
   * Issued but never sent: the open model's in-flight cap held them until the end, or the
   * round's wall-clock cap ended it first.
   */
  dropped: number;
  /** Answered requests by status code. */
  statusCodes: Record<string, number>;
}

export interface RoundRun {
  elapsedMs: number;
  achievedRate: number;
  totals: RequestTotals;
  /**
   * Set when the round hit its wall-clock cap before sending all its requests (closed model with
   * a request count): the cap, in ms. The requests not sent by then are counted as dropped.
   */
  cappedAtMs?: number;
  /** HdrHistogram compressed base64, latencies in microseconds. */
  histogram: string;
  generatorCpuPercent: number;
}

/** Facts about the machine that ran the load, so results from different machines are not compared blindly. */
export interface Environment {
  os: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryMB: number;
  node: string;
  /** Operations per millisecond of a fixed CPU-bound task measured at start; higher is faster. */
  calibration?: number;
}

/** The baseline history a run was compared with. */
export interface BaselineSummary {
  /** `baseline.name` of the config. */
  name: string;
  /** Runs in the history (0: no baseline yet, budgets alone decided). */
  runs: number;
  /** The newest baseline run's commit and save time. */
  newestCommit?: string;
  newestAt?: string;
  /** Set when the baseline runs came from a different kind of machine: what differs. */
  environmentNote?: string;
  /** Set when the history could not be read (store down): why. Budgets alone decided. */
  unavailable?: string;
}

export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'perf-action'; version: string };
  startedAt: string;
  finishedAt: string;
  /** The config file the run used and the baseline identity. */
  config: { file: string; name: string };
  /** The target's URL (credentials stripped). */
  target: { url: string };
  /** Commit facts, when known (passed in by the entry point). */
  git?: { sha?: string; ref?: string };
  environment: Environment;
  /** What the run was compared with; absent when no baseline history was consulted. */
  baseline?: BaselineSummary;
  scenarios: ScenarioRun[];
  /** The stress suite's scenarios: phases, capacity, recovery and the time series. */
  stress?: StressRun[];
  /** The video suite: the videos used, and per level each upload's outcome and timings. */
  video?: VideoSuiteRun;
  metrics: Metric[];
  checks: Check[];
  verdict: Status;
}
