// Pure helpers of the same-job bench (bench/ab.ts): what one trial's checks say, and the per-mode
// figures against the targets. No I/O here: the bench passes data in.
import type { Check, Status } from '../src/results/types.ts';
import { median } from './helpers.ts';
import { formatPercent, formatRate, formatTable } from './verdict-analysis.ts';

export const MODES = ['interleaved', 'concurrent', 'history'] as const;
export type Mode = (typeof MODES)[number];
export type SameJobMode = Exclude<Mode, 'history'>;
/** A/A: head and base the same build; slower: the head does 5 % more work per request. */
export type TrialKind = 'A/A' | 'slower';

/** The p95 comparison of a trial, as its check states it. */
export interface P95Outcome {
  metric: string;
  status: Status;
  kind: Check['kind'];
  change?: number;
  interval?: [number, number];
  pairs?: number;
  method?: string;
  message: string;
}

/** One trial: one runPerf run of one mode and kind. */
export interface TrialOutcome {
  mode: Mode;
  kind: TrialKind;
  trial: number;
  noise: boolean;
  /** Worst status of the run's regression checks. */
  status: Status;
  /** Metric keys whose regression check failed, warned. */
  failed: string[];
  warned: string[];
  p95?: P95Outcome;
  /** The seed of the pair orders (same-job modes). */
  seed?: number;
  elapsedMs: number;
  loadAverage: number;
  /** Where the run's results.json is. */
  resultsPath: string;
}

/** The worst status of `checks`' regression checks, and the keys at each level. */
export function regressionStatus(checks: readonly Check[]): {
  status: Status;
  failed: string[];
  warned: string[];
} {
  const failed: string[] = [];
  const warned: string[] = [];
  for (const check of checks) {
    if (check.kind !== 'regression') continue;
    if (check.status === 'fail') failed.push(check.metric);
    else if (check.status === 'warn') warned.push(check.metric);
  }
  const status: Status = failed.length > 0 ? 'fail' : warned.length > 0 ? 'warn' : 'pass';
  return { status, failed, warned };
}

/** The comparison check (regression or improvement) of the first `latency.p95` key. */
export function p95Outcome(checks: readonly Check[]): P95Outcome | undefined {
  const check = checks.find(
    (c) =>
      (c.kind === 'regression' || c.kind === 'improvement') && c.metric.endsWith('/latency.p95'),
  );
  if (!check) return undefined;
  return {
    metric: check.metric,
    status: check.status,
    kind: check.kind,
    ...(check.change !== undefined ? { change: check.change } : {}),
    ...(check.changeInterval ? { interval: check.changeInterval } : {}),
    ...(check.pairs !== undefined ? { pairs: check.pairs } : {}),
    ...(check.method !== undefined ? { method: check.method } : {}),
    message: check.message,
  };
}

/** `+1.2 % [-0.4 %, +2.8 %]`, or `-` without a p95 comparison. */
export function describeP95(p95: P95Outcome | undefined): string {
  if (!p95) return 'no p95 check';
  const interval = p95.interval
    ? ` [${formatPercent(p95.interval[0])}, ${formatPercent(p95.interval[1])}]`
    : '';
  return `${formatPercent(p95.change)}${interval}`;
}

/** `FAIL (latency.p95, throughput.rps)` / `warn (latency.p95)` / `pass`. */
export function describeStatus(trial: Pick<TrialOutcome, 'status' | 'failed' | 'warned'>): string {
  const short = (keys: readonly string[]) => keys.map((k) => k.split('/').at(-1)).join(', ');
  if (trial.status === 'fail') return `FAIL (${short(trial.failed)})`;
  if (trial.status === 'warn') return `warn (${short(trial.warned)})`;
  return 'pass';
}

/** Width of an interval in percentage points of change. */
export function intervalWidth(interval: readonly [number, number]): number {
  return interval[1] - interval[0];
}

/** The per-mode figures the bench's table shows. */
export interface ModeSummary {
  mode: Mode;
  aa: number;
  /** A/A runs whose regression checks failed (any metric). */
  aaFails: number;
  /** A/A runs whose worst regression check warned. */
  aaWarns: number;
  slower: number;
  /** Slower runs that warned or failed on a regression. */
  detected: number;
  /** Median width of the p95 change's interval over the mode's trials (both kinds). */
  medianWidth?: number;
  /** The same by noise on / off, to see what the noise does to each mode. */
  medianWidthQuiet?: number;
  medianWidthNoisy?: number;
  /** Median p95 change of the slower runs (their true change is about +5 %). */
  medianSlowerChange?: number;
  /** Median p95 change of the A/A runs. */
  medianAaChange?: number;
}

export function summariseMode(mode: Mode, trials: readonly TrialOutcome[]): ModeSummary {
  const mine = trials.filter((t) => t.mode === mode);
  const aa = mine.filter((t) => t.kind === 'A/A');
  const slower = mine.filter((t) => t.kind === 'slower');
  const widths = (list: readonly TrialOutcome[]) =>
    list.flatMap((t) => (t.p95?.interval ? [intervalWidth(t.p95.interval)] : []));
  const changes = (list: readonly TrialOutcome[]) =>
    list.flatMap((t) => (t.p95?.change !== undefined ? [t.p95.change] : []));
  const medianOrNone = (values: readonly number[]) =>
    values.length > 0 ? median(values) : undefined;
  const out: ModeSummary = {
    mode,
    aa: aa.length,
    aaFails: aa.filter((t) => t.status === 'fail').length,
    aaWarns: aa.filter((t) => t.status === 'warn').length,
    slower: slower.length,
    detected: slower.filter((t) => t.status !== 'pass').length,
  };
  const set = <K extends keyof ModeSummary>(key: K, value: ModeSummary[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('medianWidth', medianOrNone(widths(mine)));
  set('medianWidthQuiet', medianOrNone(widths(mine.filter((t) => !t.noise))));
  set('medianWidthNoisy', medianOrNone(widths(mine.filter((t) => t.noise))));
  set('medianSlowerChange', medianOrNone(changes(slower)));
  set('medianAaChange', medianOrNone(changes(aa)));
  return out;
}

/** The history mode's median width over this mode's: how many times narrower this mode is. */
export function narrowing(history: ModeSummary | undefined, mode: ModeSummary): number | undefined {
  if (history?.medianWidth === undefined || mode.medianWidth === undefined) return undefined;
  return mode.medianWidth > 0 ? history.medianWidth / mode.medianWidth : undefined;
}

export const TARGETS = {
  aaFails: 0,
  aaWarns: 1,
  /** Share of slower runs to warn or fail: 19 of 20. */
  detection: 19 / 20,
  narrowing: 3,
} as const;

/** The least detections that meet the target for `runs` slower runs (19 of 20). */
export function detectionNeeded(runs: number): number {
  return Math.ceil(TARGETS.detection * runs);
}

/** The side-by-side table: one row per mode, the figures with PASS / MISS beside them. */
export function summaryTable(summaries: readonly ModeSummary[]): string {
  const history = summaries.find((s) => s.mode === 'history');
  const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const pp = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1)} pp`);
  return formatTable(
    [
      'mode',
      'A/A fail',
      `<=${TARGETS.aaFails}`,
      'A/A warn',
      `<=${TARGETS.aaWarns}`,
      'slower warn/fail',
      '>=19/20',
      'p95 change A/A',
      'p95 change slower',
      'p95 interval width',
      'quiet',
      'noisy',
      'history / this',
      '>=3x',
    ],
    summaries.map((s) => {
      const ratio = s.mode === 'history' ? undefined : narrowing(history, s);
      return [
        s.mode,
        formatRate(s.aaFails, s.aa),
        s.aa > 0 ? mark(s.aaFails <= TARGETS.aaFails) : '-',
        formatRate(s.aaWarns, s.aa),
        s.aa > 0 ? mark(s.aaWarns <= TARGETS.aaWarns) : '-',
        formatRate(s.detected, s.slower),
        s.slower > 0 ? mark(s.detected >= detectionNeeded(s.slower)) : '-',
        formatPercent(s.medianAaChange),
        formatPercent(s.medianSlowerChange),
        pp(s.medianWidth),
        pp(s.medianWidthQuiet),
        pp(s.medianWidthNoisy),
        ratio === undefined ? '-' : `${ratio.toFixed(1)}x`,
        s.mode === 'history' || ratio === undefined ? '-' : mark(ratio >= TARGETS.narrowing),
      ];
    }),
  );
}

/** A/A alarms and detections split by noise on / off, one row per mode. */
export function noiseTable(trials: readonly TrialOutcome[], modes: readonly Mode[]): string {
  const rate = (list: readonly TrialOutcome[], test: (t: TrialOutcome) => boolean) =>
    formatRate(list.filter(test).length, list.length);
  return formatTable(
    [
      'mode',
      'A/A quiet: fail',
      'A/A quiet: warn',
      'A/A noisy: fail',
      'A/A noisy: warn',
      'slower quiet: warn/fail',
      'slower noisy: warn/fail',
    ],
    modes.map((mode) => {
      const of = (kind: TrialKind, noise: boolean) =>
        trials.filter((t) => t.mode === mode && t.kind === kind && t.noise === noise);
      return [
        mode,
        rate(of('A/A', false), (t) => t.status === 'fail'),
        rate(of('A/A', false), (t) => t.status === 'warn'),
        rate(of('A/A', true), (t) => t.status === 'fail'),
        rate(of('A/A', true), (t) => t.status === 'warn'),
        rate(of('slower', false), (t) => t.status !== 'pass'),
        rate(of('slower', true), (t) => t.status !== 'pass'),
      ];
    }),
  );
}
