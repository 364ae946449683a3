// `npm run bench:verdict`: does the regression verdict tell the truth on this machine, over every
// metric the example config gates by default (load, volume, stress and video), not p95 alone?
//
// It runs the sample service (examples/validation-platform) through the real pipeline (runPerf:
// start the service, wait for health, log in, every suite of examples/perf.yml, compare with the
// baseline history, confirm, write the results) many times, a fresh service process each time:
//   1. history: BENCH_HISTORY runs of the unchanged service (A), each appended to the history;
//   2. BENCH_AA A/A runs of A, compared with the history and then appended to it (as on the
//      default branch: every push is checked, then becomes a baseline run). Every other one runs
//      beside a noise generator: a child process that spins one core on and off at random
//      intervals of 0.5 to 3 s, the neighbour a shared runner has;
//   3. BENCH_AB A/B runs, interleaved with the A/A runs so that a change in the machine's load
//      hits both alike: DEMO_DELAY_MS raised so that the load scenarios' p95 grows by about 15 %,
//      compared with the history and NOT appended (a pull request never becomes a baseline).
// For each run it prints the run-level verdict of its regression checks with the bench policy
// (warn 5 %, fail 10 %: the default 25 % could never fail a 15 % change), the same checks without
// the run-level false-alarm control (each comparison at its own level), the default policy's
// levels, and the naive rule "any gated metric 10 % worse than the last stored run". Budgets are
// not part of the bench: it is about regressions. Exit 0 unless the bench itself crashes.
//
// Why A runs with a base delay (BENCH_BASE_DELAY_MS, default 10 ms): the delay is a whole-
// millisecond timer, so a 15 % change needs a p95 of ~10 ms or more; the sample service answers
// its light endpoints in ~1 ms, where +1 ms is already +30 %. The delay stands for the I/O waits
// (database, downstream calls) that dominate most real services' latency.
//
// Knobs (environment, integers): BENCH_HISTORY (10), BENCH_AA (20), BENCH_AB (10),
// BENCH_BASE_DELAY_MS (10), BENCH_CHANGE_PERCENT (15), BENCH_DELAY_MS (B's extra delay; default
// derived from the history's median load p95), BENCH_NOISE (1: the noise generator beside every
// other A/A run; 0: never). BENCH_KEEP=1 keeps the work directory; BENCH_VERBOSE=1 prints each
// run's progress. A quick try: BENCH_HISTORY=2 BENCH_AA=2 BENCH_AB=1 npm run bench:verdict.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { LocalDirStore } from '../src/baseline/local-store.ts';
import { findPackageRoot, freePort } from '../src/cli/demo.ts';
import type { RegressionPolicy } from '../src/config/regression-policy.ts';
import {
  DEFAULT_HISTORY_SIZE,
  DEFAULT_REGRESSION_POLICY,
} from '../src/config/regression-policy.ts';
import { describeError } from '../src/errors.ts';
import { createOutlet } from '../src/output/outlet.ts';
import { runPerf } from '../src/pipeline/run-perf.ts';
import type { Metric } from '../src/results/types.ts';
import type { RunResult } from '../src/suites/registry.ts';
import { scenarioFacts } from '../src/verdict/compare.ts';
import { selectGatedKeys } from '../src/verdict/gated-metrics.ts';
import { checkRegressions } from '../src/verdict/regressions.ts';
import { medianOf } from '../src/verdict/statistics.ts';
import {
  type CpuTimes,
  cpuShares,
  deriveDelayMs,
  formatPercent,
  formatRate,
  formatTable,
  parseCpuTimes,
  type RegressionOutcome,
  type RunKind,
  summariseRegressions,
} from './verdict-analysis.ts';

interface BenchSettings {
  historyRuns: number;
  aaRuns: number;
  abRuns: number;
  /** DEMO_DELAY_MS of A, in ms. */
  baseDelayMs: number;
  /** The slowdown B should bring to the load p95s, a fraction (0.15 = 15 %). */
  change: number;
  /** B's extra delay in ms; derived from the history when undefined. */
  extraDelayMs?: number;
  /** Run the noise generator beside every other A/A run. */
  noise: boolean;
  keep: boolean;
  verbose: boolean;
}

/** The bench's levels; everything else (which metrics, confidence, min-history) is the default. */
const BENCH_POLICY: RegressionPolicy = {
  ...DEFAULT_REGRESSION_POLICY,
  metrics: [...DEFAULT_REGRESSION_POLICY.metrics],
  warn: 0.05,
  fail: 0.1,
};
const NAIVE_THRESHOLD = 0.1;
const HISTORY_NAME = 'bench-verdict';

interface BenchRun {
  kind: RunKind;
  index: number;
  delayMs: number;
  noisy: boolean;
  result: RunResult;
  history: Metric[][];
  /** The run's own regression checks: bench policy, run-level control, confirmation. */
  bench: RegressionOutcome;
  /** The same comparisons, each at its own level (no run-level control, no confirmation). */
  uncontrolled: RegressionOutcome;
  /** The default levels (warn 10 %, fail 25 %), with the run-level control. */
  defaults: RegressionOutcome;
  /** Gated keys more than 10 % worse than the last stored run. */
  naive: string[];
  /** Median change of the load scenarios' p95 against the history's medians. */
  loadP95Change?: number;
  elapsedMs: number;
  loadAtStart: number;
  cpu?: { busy: number; steal: number };
}

function readSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const extra = env.BENCH_DELAY_MS?.trim();
  return {
    historyRuns: readInteger(env, 'BENCH_HISTORY', 10, 1),
    aaRuns: readInteger(env, 'BENCH_AA', 20, 1),
    abRuns: readInteger(env, 'BENCH_AB', 10, 0),
    baseDelayMs: readInteger(env, 'BENCH_BASE_DELAY_MS', 10, 0),
    change: readInteger(env, 'BENCH_CHANGE_PERCENT', 15, 1) / 100,
    ...(extra ? { extraDelayMs: readInteger(env, 'BENCH_DELAY_MS', 0, 1) } : {}),
    noise: readInteger(env, 'BENCH_NOISE', 1, 0) === 1,
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

/** examples/perf.yml with the bench's history and levels appended (the example sets neither). */
async function benchConfig(root: string): Promise<string> {
  const example = await readFile(join(root, 'examples', 'perf.yml'), 'utf8');
  if (/^(baseline|regression):/m.test(example)) {
    throw new Error('examples/perf.yml sets baseline or regression: the bench sets its own');
  }
  return `${example}
# Appended by bench/verdict.ts.
baseline: { name: ${HISTORY_NAME}, history: ${DEFAULT_HISTORY_SIZE} }
regression: { warn: ${BENCH_POLICY.warn * 100}%, fail: ${BENCH_POLICY.fail * 100}% }
`;
}

/**
 * A neighbour that spins one core on and off at random intervals of 0.5 to 3 s, in a child
 * process of its own (so the bench's own event loop is not the one that stalls).
 */
function startNoise(): ChildProcess {
  const script = `
const pick = () => 500 + Math.random() * 2500;
const spin = () => { const end = Date.now() + pick(); while (Date.now() < end) {} setTimeout(spin, pick()); };
setTimeout(spin, pick() / 4);`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

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
  noisy: boolean,
): Promise<BenchRun> {
  const { settings, store } = context;
  const past = await store.load(HISTORY_NAME);
  const history = (past?.records ?? []).map((r) => r.result.metrics);
  const port = await freePort();
  const loadAtStart = loadavg()[0] ?? 0;
  const cpuBefore = await readCpuTimes();
  const started = performance.now();
  const slug = `${kind === 'history' ? 'h' : kind === 'A/A' ? 'aa' : 'ab'}-${index}`;
  const noise = noisy ? startNoise() : undefined;
  let result: RunResult;
  try {
    ({ result } = await runPerf({
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
    }));
  } finally {
    noise?.kill('SIGKILL');
  }
  const elapsedMs = performance.now() - started;
  const cpuAfter = await readCpuTimes();
  const cpu = cpuBefore && cpuAfter ? cpuShares(cpuBefore, cpuAfter) : undefined;
  const gated = selectGatedKeys(
    result.metrics,
    result.scenarios.map(scenarioFacts),
    BENCH_POLICY.metrics,
  );
  const recheck = (policy: RegressionPolicy, controlRunErrors: boolean) =>
    summariseRegressions(
      checkRegressions(result.metrics, history, policy, [], { gated, controlRunErrors }),
    );
  const run: BenchRun = {
    kind,
    index,
    delayMs,
    noisy,
    result,
    history,
    bench: summariseRegressions(result.checks),
    uncontrolled: recheck(BENCH_POLICY, false),
    defaults: recheck(DEFAULT_REGRESSION_POLICY, true),
    naive: naiveWorse(result.metrics, history.at(-1), gated),
    ...optional('loadP95Change', loadP95Change(result.metrics, history)),
    elapsedMs,
    loadAtStart,
    ...(cpu ? { cpu } : {}),
  };
  context.done += 1;
  console.log(progressLine(context, run));
  return run;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The naive gate of the peers: each gated key against the last stored run alone. */
function naiveWorse(
  current: readonly Metric[],
  last: readonly Metric[] | undefined,
  gated: ReadonlySet<string>,
): string[] {
  if (!last) return [];
  const before = new Map(last.map((m) => [m.key, m.value]));
  return current
    .filter((m) => gated.has(m.key))
    .filter((m) => {
      const old = before.get(m.key);
      if (old === undefined || !Number.isFinite(old) || !Number.isFinite(m.value)) return false;
      const worsening = (m.better === 'lower' ? 1 : -1) * (m.value - old);
      return old === 0 ? worsening > 0 : worsening / Math.abs(old) > NAIVE_THRESHOLD;
    })
    .map((m) => m.key);
}

/** The median over load scenarios of p95 / median of the history's p95 - 1. */
function loadP95Change(
  current: readonly Metric[],
  history: readonly Metric[][],
): number | undefined {
  const changes = current
    .filter((m) => m.suite === 'load' && m.name === 'latency.p95')
    .flatMap((m) => {
      const past = history.flatMap((run) => run.filter((x) => x.key === m.key).map((x) => x.value));
      const reference = medianOf(past);
      return reference && reference > 0 ? [m.value / reference - 1] : [];
    });
  return medianOf(changes);
}

function progressLine(context: BenchContext, run: BenchRun): string {
  const width = String(context.total).length;
  let line =
    `[${String(context.done).padStart(width)}/${context.total}] ${run.kind.padEnd(7)} ` +
    `#${String(run.index).padEnd(2)} delay ${run.delayMs} ms${run.noisy ? ' +noise' : ''}`;
  if (run.kind !== 'history') {
    line +=
      `  load p95 ${formatPercent(run.loadP95Change)} vs median of ${run.history.length}` +
      `  perf-action ${describeOutcome(run.bench)}  uncontrolled ${describeOutcome(run.uncontrolled)}` +
      `  default ${run.defaults.status}  naive ${run.naive.length > 0 ? `FAIL (${run.naive.length})` : 'pass'}`;
  }
  return `${line}  [load ${run.loadAtStart.toFixed(1)}, ${(run.elapsedMs / 1000).toFixed(1)} s]`;
}

/** `FAIL 2, warn 1` / `warn 3` / `pass`: the counts of the run's regression checks. */
function describeOutcome(outcome: RegressionOutcome): string {
  const parts = [
    ...(outcome.failed.length > 0 ? [`FAIL ${outcome.failed.length}`] : []),
    ...(outcome.warned.length > 0 ? [`warn ${outcome.warned.length}`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : 'pass';
}

/** The metrics behind the runs that went wrong: A/A runs that alarmed, A/B runs that did not fail. */
function describeMisses(aa: readonly BenchRun[], ab: readonly BenchRun[]): string[] {
  const wrong = [
    ...aa.filter((r) => r.bench.status !== 'pass'),
    ...ab.filter((r) => r.bench.status !== 'fail'),
  ];
  return wrong.flatMap((run) => {
    const keys = new Set([...run.bench.failed, ...run.bench.warned]);
    const lines = run.result.checks
      .filter((c) => keys.has(c.metric) && c.kind === 'regression')
      .map((c) => `  ${c.status} ${c.metric}: ${c.message}`);
    return [
      `${run.kind} #${run.index}${run.noisy ? ' (noise)' : ''}: ${describeOutcome(run.bench)}`,
      ...lines,
    ];
  });
}

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

function count(runs: readonly BenchRun[], test: (run: BenchRun) => boolean): number {
  return runs.filter(test).length;
}

function runTable(runs: readonly BenchRun[]): string {
  const share = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(0)} %`);
  return formatTable(
    [
      'run',
      'delay',
      'noise',
      'load p95 vs hist',
      'perf-action',
      'uncontrolled',
      'default levels',
      'naive',
      'load',
      'busy',
      'steal',
      'calib',
    ],
    runs.map((run) => [
      `${run.kind} #${run.index}`,
      String(run.delayMs),
      run.noisy ? 'yes' : '',
      formatPercent(run.loadP95Change),
      describeOutcome(run.bench),
      describeOutcome(run.uncontrolled),
      run.defaults.status,
      run.naive.length > 0 ? `FAIL (${run.naive.length})` : 'pass',
      run.loadAtStart.toFixed(2),
      share(run.cpu?.busy),
      share(run.cpu?.steal),
      String(run.result.environment.calibration ?? '-'),
    ]),
  );
}

function printSummary(
  all: { history: BenchRun[]; aa: BenchRun[]; ab: BenchRun[] },
  delays: { base: number; extra: number; referenceP95: number },
  startedAt: number,
): boolean {
  const { history, aa, ab } = all;
  const out = (line = '') => console.log(line);
  const quiet = aa.filter((r) => !r.noisy);
  const noisy = aa.filter((r) => r.noisy);
  out();
  out('=== per run (perf-action: bench policy, warn 5 % / fail 10 %, 95 %, run-level control) ===');
  out(runTable([...aa, ...ab]));
  const gated = aa[0]
    ? selectGatedKeys(
        aa[0].result.metrics,
        aa[0].result.scenarios.map(scenarioFacts),
        BENCH_POLICY.metrics,
      )
    : new Set<string>();
  out();
  out(`gated by default (${gated.size}): ${[...gated].join(', ')}`);
  out(
    `A: DEMO_DELAY_MS=${delays.base}; B: DEMO_DELAY_MS=${delays.base + delays.extra} (+${delays.extra} ms = ` +
      `${formatPercent(delays.extra / delays.referenceP95)} of the history's median load p95 ` +
      `${delays.referenceP95.toFixed(2)} ms); measured: A/B load p95 median change ` +
      `${formatPercent(medianOf(ab.flatMap((r) => (r.loadP95Change === undefined ? [] : [r.loadP95Change]))))}`,
  );

  const misses = describeMisses(aa, ab);
  if (misses.length > 0) {
    out();
    out('=== what went wrong: A/A alarms and A/B misses (perf-action) ===');
    for (const line of misses) out(line);
  }
  const rate = (runs: readonly BenchRun[], test: (run: BenchRun) => boolean) =>
    formatRate(count(runs, test), runs.length);
  const failed = (pick: (r: BenchRun) => RegressionOutcome) => (r: BenchRun) =>
    pick(r).status === 'fail';
  const alarmed = (pick: (r: BenchRun) => RegressionOutcome) => (r: BenchRun) =>
    pick(r).status !== 'pass';
  out();
  out('=== side by side, on the same runs (run-level: any gated metric of the run) ===');
  out(
    formatTable(
      [
        'rule',
        'A/A quiet: fail',
        'A/A quiet: warn/fail',
        'A/A noisy: fail',
        'A/A noisy: warn/fail',
        'A/B: fail',
      ],
      (
        [
          ['perf-action (run-level control)', (r: BenchRun) => r.bench],
          ['same comparisons, each at its own level', (r: BenchRun) => r.uncontrolled],
          ['default levels (warn 10 %, fail 25 %)', (r: BenchRun) => r.defaults],
        ] as const
      )
        .map(([label, pick]) => [
          label,
          rate(quiet, failed(pick)),
          rate(quiet, alarmed(pick)),
          rate(noisy, failed(pick)),
          rate(noisy, alarmed(pick)),
          rate(ab, failed(pick)),
        ])
        .concat([
          [
            'naive: any gated metric > 10 % worse than the last run',
            rate(quiet, (r) => r.naive.length > 0),
            '-',
            rate(noisy, (r) => r.naive.length > 0),
            '-',
            rate(ab, (r) => r.naive.length > 0),
          ],
        ]),
    ),
  );

  const calibrations = [...history, ...aa, ...ab]
    .map((r) => r.result.environment.calibration)
    .filter((c): c is number => c !== undefined);
  const allRuns = [...history, ...aa, ...ab];
  out();
  out(
    `machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; calibration min ` +
      `${Math.min(...calibrations)}, median ${medianOf(calibrations)?.toFixed(2)}, max ${Math.max(...calibrations)}`,
  );
  out(
    `runs: ${history.length} history + ${aa.length} A/A (${noisy.length} with noise) + ${ab.length} A/B ` +
      `in ${((performance.now() - startedAt) / 1000).toFixed(0)} s ` +
      `(${(allRuns.reduce((s, r) => s + r.elapsedMs, 0) / allRuns.length / 1000).toFixed(1)} s per run)`,
  );

  const aaFails = count(
    aa,
    failed((r) => r.bench),
  );
  const aaWarns = count(aa, (r) => r.bench.status === 'warn');
  const quietWarns = count(quiet, (r) => r.bench.status === 'warn');
  const abFails = count(
    ab,
    failed((r) => r.bench),
  );
  const needed = Math.ceil(0.9 * ab.length);
  const checks: [string, string, boolean][] = [
    ['A/A (quiet and noisy): no fail', formatRate(aaFails, aa.length), aaFails === 0],
    ['A/A quiet: at most 1 warn', formatRate(quietWarns, quiet.length), quietWarns <= 1],
    [
      `A/B: fail in >= ${needed} of ${ab.length}`,
      formatRate(abFails, ab.length),
      abFails >= needed,
    ],
  ];
  out();
  out('=== targets ===');
  for (const [what, figure, ok] of checks)
    out(`${what.padEnd(34)} ${figure.padEnd(14)} ${ok ? 'PASS' : 'FAIL'}`);
  out(`(A/A warnings over all ${aa.length}: ${aaWarns})`);
  const pass = checks.every(([, , ok]) => ok);
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
  const root = findPackageRoot();
  const workDir = await mkdtemp(join(tmpdir(), 'perf-action-bench-verdict-'));
  const configPath = join(workDir, 'verdict.perf.yml');
  await writeFile(configPath, await benchConfig(root));
  const context: BenchContext = {
    settings,
    workDir,
    configPath,
    serverPath: join(root, 'examples', 'validation-platform', 'server.ts'),
    store: new LocalDirStore(join(workDir, 'baseline'), {
      onWarning: (line) => console.log(`    warning: ${line}`),
    }),
    total: settings.historyRuns + settings.aaRuns + settings.abRuns,
    done: 0,
  };
  console.log(
    `bench:verdict: examples/perf.yml, ${settings.historyRuns} history runs, then ${settings.aaRuns} A/A ` +
      `(${settings.noise ? 'every other one beside a noise generator' : 'no noise generator'}) and ` +
      `${settings.abRuns} A/B runs interleaved; work dir ${workDir}`,
  );
  try {
    const history: BenchRun[] = [];
    for (let i = 1; i <= settings.historyRuns; i++) {
      history.push(await runOnce(context, 'history', i, settings.baseDelayMs, false));
    }
    const referenceP95 = medianOf(
      history.flatMap((r) =>
        r.result.metrics
          .filter((m) => m.suite === 'load' && m.name === 'latency.p95')
          .map((m) => m.value),
      ),
    );
    if (referenceP95 === undefined || !(referenceP95 > 0)) {
      throw new Error('the history runs measured no load p95');
    }
    const extra = settings.extraDelayMs ?? deriveDelayMs(referenceP95, settings.change);
    console.log(
      `history median load p95 ${referenceP95.toFixed(2)} ms: B adds ${extra} ms ` +
        `(${formatPercent(extra / referenceP95)}; target ${formatPercent(settings.change)})`,
    );
    const aa: BenchRun[] = [];
    const ab: BenchRun[] = [];
    // A/B runs spread evenly among the A/A runs.
    const abAfter = (i: number) =>
      Math.floor((i * settings.abRuns) / settings.aaRuns) -
      Math.floor(((i - 1) * settings.abRuns) / settings.aaRuns);
    for (let i = 1; i <= settings.aaRuns; i++) {
      aa.push(
        await runOnce(context, 'A/A', i, settings.baseDelayMs, settings.noise && i % 2 === 0),
      );
      for (let k = 0; k < abAfter(i); k++) {
        ab.push(await runOnce(context, 'A/B', ab.length + 1, settings.baseDelayMs + extra, false));
      }
    }
    printSummary(
      { history, aa, ab },
      { base: settings.baseDelayMs, extra, referenceP95 },
      startedAt,
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
