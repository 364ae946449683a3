// `npm run bench:verdict`: does the regression verdict tell the truth on this machine?
//
// It runs the sample service (examples/validation-platform) through the real pipeline (runPerf:
// start the service, wait for health, log in, open-model load, compare with the baseline history,
// write the results) many times:
//   1. history: BENCH_HISTORY runs of the unchanged service (A), each appended to the history;
//   2. then BENCH_RUNS pairs, interleaved so that a change in the machine's load hits both alike:
//      - A/A: the unchanged service, compared with the history, then appended to it (a rolling
//        history, as on the default branch: every push is checked, then becomes a baseline run);
//      - A/B: the service with DEMO_DELAY_MS raised so that p95 grows by about 15 %, compared
//        with the history and NOT appended (a pull request never becomes a baseline).
// Each run starts the service afresh (a new process, cold JIT, fresh database), as a CI job does.
// For every run it prints the verdict of perf-action with the bench policy (fail at 10 %), what
// the default policy (warn 10 %, fail 25 %) says on the same data, and what the naive rule
// "10 % worse than the last stored run" says. Exit 0 unless the bench itself crashes.
//
// Why A runs with a base delay (BENCH_BASE_DELAY_MS, default 10 ms) rather than 0: the delay is a
// whole-millisecond timer, so a 15 % change needs a p95 of ~10 ms or more. The sample service
// answers its light endpoints in ~1 ms (p95 ~3 ms under load on 2 cores: +1 ms would be +30 %),
// and its naturally slow work is CPU-bound (scrypt login: p95 ~60-110 ms; 200-item pages of a big
// database: p95 ~5-10 ms), whose p95 moves by 15-25 % from run to run on a shared 2-core machine.
// No test can tell a 15 % change from such noise. The base delay stands for the I/O waits
// (database, downstream calls) that dominate most real services' latency; BENCH_BASE_DELAY_MS=0
// runs the bench without it (the smallest delay then adds far more than 15 %).
//
// Knobs (environment, integers): BENCH_HISTORY (10) history runs; BENCH_RUNS (10) A/A and as many
// A/B runs; BENCH_BASE_DELAY_MS (10); BENCH_CHANGE_PERCENT (15) the p95 change B aims at;
// BENCH_DELAY_MS B's extra delay (default: derived from the history's median p95); BENCH_RATE
// (200 req/s); BENCH_ROUNDS (5); BENCH_ROUND_MS (2500); BENCH_WARMUP_MS (2000). BENCH_KEEP=1 keeps
// the work directory (config, every run's results, the history); BENCH_VERBOSE=1 prints each
// run's progress. A quick try: BENCH_HISTORY=3 BENCH_RUNS=2 npm run bench:verdict (~2 min); the
// default full run takes ~8 min.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HISTORY_SIZE } from '../src/baseline/history.ts';
import { LocalDirStore } from '../src/baseline/local-store.ts';
import { findPackageRoot, freePort } from '../src/cli/demo.ts';
import { describeError } from '../src/errors.ts';
import { createOutlet } from '../src/output/outlet.ts';
import { runPerf } from '../src/pipeline/run-perf.ts';
import type { Check, Metric, RunResult } from '../src/results/types.ts';
import {
  checkRegressions,
  DEFAULT_REGRESSION_POLICY,
  type RegressionPolicy,
} from '../src/verdict/regressions.ts';
import { medianOf } from '../src/verdict/statistics.ts';
import {
  type CpuTimes,
  cpuShares,
  deriveDelayMs,
  formatPercent,
  formatRate,
  formatTable,
  judgeNaively,
  type NaiveOutcome,
  parseCpuTimes,
  type RegressionOutcome,
  type RunKind,
  relativeSpread,
  summariseRegressions,
  valuesOf,
} from './verdict-analysis.ts';

/** The bench's knobs, from the environment (see readSettings). */
interface BenchSettings {
  /** Runs of A that build the history before the A/A and A/B runs. */
  historyRuns: number;
  /** A/A runs, and as many A/B runs. */
  runs: number;
  /** DEMO_DELAY_MS of A, in ms. */
  baseDelayMs: number;
  /** The slowdown B should bring to p95, a fraction (0.15 = 15 %). */
  change: number;
  /** B's extra delay in ms; derived from the history's p95 when undefined. */
  extraDelayMs?: number;
  /** Open-model arrival rate, requests per second. */
  rate: number;
  /** Measured rounds per run. */
  rounds: number;
  /** Length of one round, in ms. */
  roundMs: number;
  /** Unmeasured warm-up before the rounds, in ms. */
  warmupMs: number;
  /** Keep the work directory (config, results, history) instead of deleting it. */
  keep: boolean;
  /** Print runPerf's progress lines. */
  verbose: boolean;
}

/** The bench's regression policy: the default one but for the levels (the target is a 15 % change). */
const BENCH_POLICY: RegressionPolicy = {
  ...DEFAULT_REGRESSION_POLICY,
  metrics: [...DEFAULT_REGRESSION_POLICY.metrics],
  warn: 0.05,
  fail: 0.1,
};
/** The naive rule's threshold: 10 % worse than the last stored run. */
const NAIVE_THRESHOLD = 0.1;
const SCENARIO = 'projects-list';
const HISTORY_NAME = 'bench-verdict';
const P95 = 'latency.p95';

/** One run of the service and everything the bench says about it. */
interface BenchRun {
  kind: RunKind;
  /** 1-based within its kind. */
  index: number;
  delayMs: number;
  result: RunResult;
  /** Runs of the history this run was compared with, oldest first. */
  history: Metric[][];
  bench: RegressionOutcome;
  defaults: RegressionOutcome;
  /** The naive rule on every gated metric, and on p95 alone. */
  naive: NaiveOutcome;
  naiveP95: boolean;
  /** Wall time of the whole run (start of the service to the files written), in ms. */
  elapsedMs: number;
  /** The machine's 1-minute load average when the run started (2 cores: above 2 is contention). */
  loadAtStart: number;
  /** Shares of all cores' time during the run: busy (the bench included) and stolen by the host. */
  cpu?: { busy: number; steal: number };
}

function readSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const extra = env.BENCH_DELAY_MS?.trim();
  return {
    historyRuns: readInteger(env, 'BENCH_HISTORY', 10, 1),
    runs: readInteger(env, 'BENCH_RUNS', 10, 1),
    baseDelayMs: readInteger(env, 'BENCH_BASE_DELAY_MS', 10, 0),
    change: readInteger(env, 'BENCH_CHANGE_PERCENT', 15, 1) / 100,
    ...(extra ? { extraDelayMs: readInteger(env, 'BENCH_DELAY_MS', 0, 1) } : {}),
    rate: readInteger(env, 'BENCH_RATE', 200, 1),
    rounds: readInteger(env, 'BENCH_ROUNDS', 5, 1),
    roundMs: readInteger(env, 'BENCH_ROUND_MS', 2500, 100),
    warmupMs: readInteger(env, 'BENCH_WARMUP_MS', 2000, 0),
    keep: env.BENCH_KEEP === '1',
    verbose: env.BENCH_VERBOSE === '1',
  };
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new BenchUsageError(`${name} must be an integer >= ${min}, got '${raw}'`);
  }
  return Number(raw);
}

class BenchUsageError extends Error {}

/** The bench's perf.yml: one open-model scenario, budgets out of the way, fail at 10 %. */
function benchConfig(settings: BenchSettings): string {
  return `# Written by bench/verdict.ts for one bench run; the target's URL and start come from the bench.
target:
  url: http://127.0.0.1:1
  health: /health
  wait: 30s
auth:
  login:
    method: POST
    path: /auth/login
    json: { email: test@example.com, password: password }
  token: access_token
defaults:
  warmup: ${settings.warmupMs}ms
  rounds: ${settings.rounds}
  timeout: 10s
# The bench is about regressions: budgets loose enough never to decide a verdict.
budgets:
  latency.p95: 60s
  errors.rate: 100%
load:
  scenarios:
    # Open model at a moderate fixed rate: the service is far from saturation, so p95 is the
    # service's own latency, not queueing that swings with the machine's load.
    - name: ${SCENARIO}
      request:
        method: GET
        path: /api/projects?limit=20
      rate: ${settings.rate}
      duration: ${settings.roundMs}ms
baseline:
  name: ${HISTORY_NAME}
  history: ${DEFAULT_HISTORY_SIZE}
regression:
  warn: ${BENCH_POLICY.warn * 100}%
  fail: ${BENCH_POLICY.fail * 100}%
  confidence: ${BENCH_POLICY.confidence * 100}%
  min-history: ${BENCH_POLICY.minHistory}
`;
}

/** Everything a run needs that does not change between runs. */
interface BenchContext {
  settings: BenchSettings;
  workDir: string;
  configPath: string;
  serverPath: string;
  store: LocalDirStore;
  total: number;
  done: number;
}

async function runOnce(
  context: BenchContext,
  kind: RunKind,
  index: number,
  delayMs: number,
): Promise<BenchRun> {
  const { settings, store } = context;
  const past = await store.load(HISTORY_NAME);
  const history = (past?.records ?? []).map((r) => r.result.metrics);
  const port = await freePort();
  const loadAtStart = loadavg()[0] ?? 0;
  const cpuBefore = await readCpuTimes();
  const started = performance.now();
  const slug = `${kind === 'history' ? 'h' : kind === 'A/A' ? 'aa' : 'ab'}-${index}`;
  const { result } = await runPerf({
    configPath: context.configPath,
    targetUrl: `http://127.0.0.1:${port}`,
    targetStart: `${shellQuote(process.execPath)} ${shellQuote(context.serverPath)} --port ${port}`,
    outDir: join(context.workDir, 'runs', slug),
    env: { ...process.env, DEMO_DELAY_MS: String(delayMs) },
    outlet: createOutlet({
      info: settings.verbose ? (line) => console.log(`    ${line}`) : () => {},
      warn: (line) => console.log(`    warning: ${line}`),
      fail: (line) => console.log(`    ${line}`),
      print: (text) => console.log(text),
    }),
    baselineStore: store,
    updateBaseline: kind !== 'A/B',
    runId: `bench-${slug}`,
    calibrationMs: 200,
  });
  const elapsedMs = performance.now() - started;
  const cpuAfter = await readCpuTimes();
  const cpu = cpuBefore && cpuAfter ? cpuShares(cpuBefore, cpuAfter) : undefined;
  const bench = summariseRegressions(result.checks);
  // The same decision again from the history the bench loaded: a guard that the bench's account
  // of which history a run met is the one runPerf used.
  const again = summariseRegressions(checkRegressions(result.metrics, history, BENCH_POLICY));
  if (again.status !== bench.status || history.length !== (result.baseline?.runs ?? 0)) {
    console.log(
      `    warning: recomputed verdict ${again.status} differs from the run's ${bench.status}`,
    );
  }
  const defaults = summariseRegressions(
    checkRegressions(result.metrics, history, DEFAULT_REGRESSION_POLICY),
  );
  const last = history.at(-1);
  const naive = judgeNaively(result.metrics, last, BENCH_POLICY.metrics, NAIVE_THRESHOLD);
  const naiveP95 = judgeNaively(result.metrics, last, [P95], NAIVE_THRESHOLD).worse.length > 0;
  const run: BenchRun = {
    kind,
    index,
    delayMs,
    result,
    history,
    bench,
    defaults,
    naive,
    naiveP95,
    elapsedMs,
    loadAtStart,
    ...(cpu ? { cpu } : {}),
  };
  context.done += 1;
  console.log(progressLine(context, run));
  return run;
}

function progressLine(context: BenchContext, run: BenchRun): string {
  const width = String(context.total).length;
  const head = `[${String(context.done).padStart(width)}/${context.total}] ${run.kind.padEnd(7)} #${String(run.index).padEnd(2)}`;
  const p95 = metricValue(run.result.metrics, P95);
  let line = `${head} DEMO_DELAY_MS=${run.delayMs}  p95 ${p95.toFixed(2)} ms`;
  if (run.kind !== 'history') {
    line +=
      ` (${formatPercent(p95Change(run))} vs median of ${run.history.length})` +
      `  perf-action ${describeOutcome(run.bench)}  default ${describeOutcome(run.defaults)}` +
      `  naive ${run.naive.worse.length > 0 ? `FAIL (${run.naive.worse.join(', ')})` : 'pass'}`;
  }
  return `${line}  [load ${run.loadAtStart.toFixed(1)}, ${(run.elapsedMs / 1000).toFixed(1)} s]`;
}

function describeOutcome(outcome: RegressionOutcome): string {
  if (outcome.status === 'fail') return `FAIL (${outcome.failed.join(', ')})`;
  if (outcome.status === 'warn') return `warn (${outcome.warned.join(', ')})`;
  return 'pass';
}

function metricValue(metrics: readonly Metric[], name: string): number {
  return metrics.find((m) => m.name === name)?.value ?? Number.NaN;
}

function regressionCheck(run: BenchRun, name: string): Check | undefined {
  return run.result.checks.find(
    (c) => (c.kind === 'regression' || c.kind === 'improvement') && c.metric.endsWith(`/${name}`),
  );
}

/** p95's change against the median of the history the run met. */
function p95Change(run: BenchRun): number | undefined {
  const reference = medianOf(valuesOf(run.history, P95));
  if (reference === undefined || reference === 0) return undefined;
  return metricValue(run.result.metrics, P95) / reference - 1;
}

/** The machine's CPU times (Linux); undefined elsewhere: the bench then shows no CPU columns. */
async function readCpuTimes(): Promise<CpuTimes | undefined> {
  try {
    return parseCpuTimes(await readFile('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

// --- the report ------------------------------------------------------------------------------

/** The gated metric names the runs report, in policy order (the scenario has no volume metrics). */
function gatedIn(runs: readonly BenchRun[]): string[] {
  return BENCH_POLICY.metrics.filter((name) =>
    runs.some((run) => run.result.metrics.some((m) => m.name === name)),
  );
}

function runTable(runs: readonly BenchRun[]): string {
  const gated = gatedIn(runs);
  const rows = runs.map((run) => {
    const cells = gated.map((name) => {
      const check = regressionCheck(run, name);
      const mark = check?.status === 'fail' ? ' F' : check?.status === 'warn' ? ' W' : '';
      return `${formatPercent(check?.change)}${mark}`;
    });
    return [
      `${run.kind} #${run.index}`,
      String(run.delayMs),
      metricValue(run.result.metrics, P95).toFixed(2),
      ...cells,
      describeOutcome(run.bench),
      describeOutcome(run.defaults),
      `${formatPercent(run.naive.changes[P95])}${run.naiveP95 ? ' FAIL' : ''}`,
      run.naive.worse.length > 0 ? `FAIL (${run.naive.worse.join(', ')})` : 'pass',
      ...machineCells(run),
    ];
  });
  return formatTable(
    [
      'run',
      'delay',
      'p95 ms',
      ...gated.map((m) => `${shortName(m)} vs hist`),
      'perf-action (fail 10 %)',
      'default (warn 10/fail 25 %)',
      'naive p95 vs last',
      'naive: any gated > 10 % vs last',
      ...MACHINE_COLUMNS,
    ],
    rows,
  );
}

/** `latency.p95` -> `p95`, `throughput.rps` -> `rps`, `errors.rate` -> `errors`. */
function shortName(metric: string): string {
  return metric
    .replace(/^latency\./, '')
    .replace(/^throughput\./, '')
    .replace(/\.rate$/, '');
}

const MACHINE_COLUMNS = ['load', 'busy', 'steal', 'calib'];

/** The machine's state around a run: load average at start, CPU shares during, calibration. */
function machineCells(run: BenchRun): string[] {
  const share = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(0)} %`);
  return [
    run.loadAtStart.toFixed(2),
    share(run.cpu?.busy),
    share(run.cpu?.steal),
    String(run.result.environment.calibration ?? '-'),
  ];
}

/** The history runs' values, with the machine's state when each ran. */
function historyTable(runs: readonly BenchRun[]): string {
  const gated = gatedIn(runs);
  const rows = runs.map((run) => [
    `history #${run.index}`,
    String(run.delayMs),
    ...gated.map((name) => {
      const value = metricValue(run.result.metrics, name);
      return name === 'errors.rate' ? formatPercent(value).replace('+', '') : value.toFixed(2);
    }),
    ...machineCells(run),
  ]);
  return formatTable(['run', 'delay', ...gated.map(shortName), ...MACHINE_COLUMNS], rows);
}

function noiseTable(groups: { label: string; runs: readonly BenchRun[] }[]): string {
  const gated = gatedIn(groups.flatMap((g) => g.runs));
  const rows = gated.map((name) => [
    name,
    ...groups.flatMap(({ runs }) => {
      const values = valuesOf(
        runs.map((r) => r.result.metrics),
        name,
      );
      const median = medianOf(values);
      return [
        median === undefined ? '-' : median.toPrecision(4),
        formatPercent(relativeSpread(values)).replace('+', ''),
      ];
    }),
  ]);
  return formatTable(
    ['metric', ...groups.flatMap(({ label }) => [`${label} median`, `${label} noise`])],
    rows,
  );
}

/**
 * The runs that went wrong, metric by metric: A/A runs that warned or failed, A/B runs that did not
 * fail. Round samples and the history's range show whether one bad round or a whole slow run did it.
 */
function describeMisses(aa: readonly BenchRun[], ab: readonly BenchRun[]): string[] {
  const lines: string[] = [];
  const wrong = [
    ...aa.filter((r) => r.bench.status !== 'pass'),
    ...ab.filter((r) => r.bench.status !== 'fail'),
  ];
  for (const run of wrong) {
    const [load, busy, steal] = machineCells(run);
    lines.push(
      `${run.kind} #${run.index}: ${describeOutcome(run.bench)} ` +
        `(machine: load ${load}, busy ${busy}, steal ${steal})`,
    );
    const names = run.kind === 'A/A' ? [...run.bench.failed, ...run.bench.warned] : [P95];
    for (const name of names) {
      const metric = run.result.metrics.find((m) => m.name === name);
      const check = regressionCheck(run, name);
      if (!metric) continue;
      const past = valuesOf(run.history, name).sort((a, b) => a - b);
      const rounds = (metric.samples ?? []).map((v) => v.toFixed(2)).join(' ');
      lines.push(
        `  ${name} ${metric.value.toFixed(2)}, rounds [${rounds}]; history of ${past.length}: ` +
          `min ${past[0]?.toFixed(2)}, median ${medianOf(past)?.toFixed(2)}, ` +
          `max ${past.at(-1)?.toFixed(2)}${check ? `; ${check.message}` : ''}`,
      );
    }
  }
  return lines;
}

function count(runs: readonly BenchRun[], test: (run: BenchRun) => boolean): number {
  return runs.filter(test).length;
}

function printSummary(
  settings: BenchSettings,
  all: { history: BenchRun[]; aa: BenchRun[]; ab: BenchRun[] },
  delays: { base: number; extra: number; referenceP95: number },
  startedAt: number,
  loadStart: number[],
): boolean {
  const { history, aa, ab } = all;
  const out = (line = '') => console.log(line);
  out();
  out('=== history runs (A) ===');
  out(
    '(load: 1-minute load average at the start; busy / steal: share of both cores busy in this ' +
      "machine / stolen by the host during the run; calib: the run's calibration score)",
  );
  out(historyTable(history));
  out();
  out('=== per run: change of each gated metric vs the median of the history it met ===');
  out('(F / W: that metric failed / warned with the bench policy; delay = DEMO_DELAY_MS)');
  out(runTable([...aa, ...ab]));

  out();
  out('=== run-to-run noise: Qn spread of the run values relative to their median ===');
  out(
    noiseTable([
      { label: 'history', runs: history },
      { label: 'A/A', runs: aa },
      { label: 'A/B', runs: ab },
    ]),
  );

  const busy = (runs: readonly BenchRun[]) => {
    const median = medianOf(runs.flatMap((r) => (r.cpu ? [r.cpu.busy] : [])));
    return median === undefined ? '-' : `${(median * 100).toFixed(0)} %`;
  };
  out(
    `CPU busy during the runs (both cores, everything in this machine), median: history ` +
      `${busy(history)}, A/A ${busy(aa)}, A/B ${busy(ab)}`,
  );

  const misses = describeMisses(aa, ab);
  if (misses.length > 0) {
    out();
    out('=== what went wrong: A/A alarms and A/B misses ===');
    for (const line of misses) out(line);
  }

  const aaP95 = medianOf(
    valuesOf(
      aa.map((r) => r.result.metrics),
      P95,
    ),
  );
  const abP95 = medianOf(
    valuesOf(
      ab.map((r) => r.result.metrics),
      P95,
    ),
  );
  out();
  out('=== the change under test ===');
  out(
    `A: DEMO_DELAY_MS=${delays.base}; B: DEMO_DELAY_MS=${delays.base + delays.extra} ` +
      `(+${delays.extra} ms = ${formatPercent(delays.extra / delays.referenceP95)} of the history's ` +
      `median p95 ${delays.referenceP95.toFixed(2)} ms)`,
  );
  if (aaP95 !== undefined && abP95 !== undefined) {
    out(
      `measured p95: A/A median ${aaP95.toFixed(2)} ms, A/B median ${abP95.toFixed(2)} ms ` +
        `-> ${formatPercent(abP95 / aaP95 - 1)}`,
    );
  }

  const aaFails = count(aa, (r) => r.bench.status === 'fail');
  const abFails = count(ab, (r) => r.bench.status === 'fail');
  const needed = Math.ceil(0.9 * ab.length);
  const aaOk = aaFails === 0;
  const abOk = abFails >= needed;
  out();
  out('=== side by side, on the same runs ===');
  out(
    formatTable(
      ['rule', 'A/A false alarms', 'A/B detections'],
      [
        [
          'perf-action, bench policy (warn 5 %, fail 10 %, 95 %): fail',
          formatRate(aaFails, aa.length),
          formatRate(abFails, ab.length),
        ],
        [
          'perf-action, bench policy: warn or fail',
          formatRate(
            count(aa, (r) => r.bench.status !== 'pass'),
            aa.length,
          ),
          formatRate(
            count(ab, (r) => r.bench.status !== 'pass'),
            ab.length,
          ),
        ],
        [
          '  of which its latency.p95 check failed',
          formatRate(
            count(aa, (r) => r.bench.failed.includes(P95)),
            aa.length,
          ),
          formatRate(
            count(ab, (r) => r.bench.failed.includes(P95)),
            ab.length,
          ),
        ],
        [
          'perf-action, DEFAULT policy (warn 10 %, fail 25 %): fail',
          formatRate(
            count(aa, (r) => r.defaults.status === 'fail'),
            aa.length,
          ),
          formatRate(
            count(ab, (r) => r.defaults.status === 'fail'),
            ab.length,
          ),
        ],
        [
          'perf-action, DEFAULT policy: warn or fail',
          formatRate(
            count(aa, (r) => r.defaults.status !== 'pass'),
            aa.length,
          ),
          formatRate(
            count(ab, (r) => r.defaults.status !== 'pass'),
            ab.length,
          ),
        ],
        [
          'naive: p95 > 10 % worse than the last stored run',
          formatRate(
            count(aa, (r) => r.naiveP95),
            aa.length,
          ),
          formatRate(
            count(ab, (r) => r.naiveP95),
            ab.length,
          ),
        ],
        [
          'naive: any gated metric > 10 % worse than the last stored run',
          formatRate(
            count(aa, (r) => r.naive.worse.length > 0),
            aa.length,
          ),
          formatRate(
            count(ab, (r) => r.naive.worse.length > 0),
            ab.length,
          ),
        ],
      ],
    ),
  );
  out(`gated metrics: ${gatedIn([...aa, ...ab]).join(', ')} of load/${SCENARIO}`);

  const environment = (history[0] ?? aa[0])?.result.environment;
  const calibrations = [...history, ...aa, ...ab]
    .map((r) => r.result.environment.calibration)
    .filter((c): c is number => c !== undefined);
  const allRuns = [...history, ...aa, ...ab];
  const totalS = (performance.now() - startedAt) / 1000;
  out();
  out('=== machine and timing ===');
  out(
    `machine: ${environment?.cpuModel ?? cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
  );
  if (calibrations.length > 0) {
    out(
      `calibration (SHA-256 64 KiB blocks per ms, higher is faster): min ${Math.min(...calibrations)}, ` +
        `median ${medianOf(calibrations)?.toFixed(2)}, max ${Math.max(...calibrations)}`,
    );
  }
  out(
    `load average (1/5/15 min): at start ${loadStart.map((l) => l.toFixed(2)).join(' / ')}, ` +
      `at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}`,
  );
  out(
    `scenario: GET /api/projects?limit=20, open model ${settings.rate} req/s, warm-up ` +
      `${settings.warmupMs} ms, ${settings.rounds} x ${settings.roundMs} ms rounds; ` +
      `a fresh service process per run`,
  );
  out(
    `runs: ${history.length} history + ${aa.length} A/A + ${ab.length} A/B in ${totalS.toFixed(0)} s ` +
      `(${(allRuns.reduce((s, r) => s + r.elapsedMs, 0) / allRuns.length / 1000).toFixed(1)} s per run)`,
  );

  out();
  out('=== targets (bench policy: fail at 10 % with 95 % confidence) ===');
  out(
    `A/A: no fail verdict            ${formatRate(aaFails, aa.length).padEnd(14)} ${aaOk ? 'PASS' : 'FAIL'}`,
  );
  out(
    `A/B: fail in >= ${needed} of ${ab.length} runs     ${formatRate(abFails, ab.length).padEnd(14)} ${abOk ? 'PASS' : 'FAIL'}`,
  );
  const pass = aaOk && abOk;
  out(`bench: ${pass ? 'PASS' : 'FAIL'}`);
  return pass;
}

// --- main --------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let settings: BenchSettings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`bench:verdict: ${error.message}`);
    return 2;
  }
  const startedAt = performance.now();
  const loadStart = loadavg();
  const root = findPackageRoot();
  const workDir = await mkdtemp(join(tmpdir(), 'perf-action-bench-verdict-'));
  const configPath = join(workDir, 'verdict.perf.yml');
  await writeFile(configPath, benchConfig(settings));
  const context: BenchContext = {
    settings,
    workDir,
    configPath,
    serverPath: join(root, 'examples', 'validation-platform', 'server.ts'),
    store: new LocalDirStore(join(workDir, 'baseline'), {
      onWarning: (line) => console.log(`    warning: ${line}`),
    }),
    total: settings.historyRuns + 2 * settings.runs,
    done: 0,
  };
  const minutes =
    (context.total * (settings.warmupMs + settings.rounds * settings.roundMs + 1500)) / 60_000;
  console.log(
    `bench:verdict: ${settings.historyRuns} history runs, then ${settings.runs} A/A and ` +
      `${settings.runs} A/B runs, interleaved (~${minutes.toFixed(0)} min); work dir ${workDir}`,
  );
  console.log(
    `policy: fail at ${BENCH_POLICY.fail * 100} % (warn ${BENCH_POLICY.warn * 100} %), ` +
      `${BENCH_POLICY.confidence * 100} % confidence, statistical test from ${BENCH_POLICY.minHistory} ` +
      `history runs; the default policy (warn 10 %, fail 25 %) is evaluated on the same data`,
  );
  try {
    const history: BenchRun[] = [];
    for (let i = 1; i <= settings.historyRuns; i++) {
      history.push(await runOnce(context, 'history', i, settings.baseDelayMs));
    }
    const referenceP95 = medianOf(
      valuesOf(
        history.map((r) => r.result.metrics),
        P95,
      ),
    );
    if (referenceP95 === undefined || !(referenceP95 > 0)) {
      throw new Error('the history runs measured no p95');
    }
    const extra = settings.extraDelayMs ?? deriveDelayMs(referenceP95, settings.change);
    console.log(
      `history median p95 ${referenceP95.toFixed(2)} ms: B adds ${extra} ms ` +
        `(${formatPercent(extra / referenceP95)}; target ${formatPercent(settings.change)}), ` +
        `DEMO_DELAY_MS=${settings.baseDelayMs + extra}`,
    );
    const aa: BenchRun[] = [];
    const ab: BenchRun[] = [];
    for (let i = 1; i <= settings.runs; i++) {
      aa.push(await runOnce(context, 'A/A', i, settings.baseDelayMs));
      ab.push(await runOnce(context, 'A/B', i, settings.baseDelayMs + extra));
    }
    printSummary(
      settings,
      { history, aa, ab },
      { base: settings.baseDelayMs, extra, referenceP95 },
      startedAt,
      loadStart,
    );
  } finally {
    if (settings.keep) console.log(`kept ${workDir} (config, results of every run, history)`);
    else await rm(workDir, { recursive: true, force: true });
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`bench:verdict: ${describeError(error)}`);
  process.exitCode = 1;
}
