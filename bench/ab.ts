// `npm run bench:ab`: the same-job comparison (the base branch's service measured beside the PR's,
// in pairs) against the history mode, side by side on this machine in one run.
//
// The service under test is bench/ab-service.ts: every request does a fixed amount of CPU work
// (calibrated once to ~25 ms here, the same iteration count passed to every copy), the head of a
// "slower" trial 5 % more. Why 25 ms and not 1 ms: a latency change must also pass the unit's
// absolute floors (warn 0.5 ms, fail 1 ms, regressions.ts LATENCY_FLOORS) before the percent levels
// (warn 3 %, fail 4 % here) decide; 4 % of a p95 is 1 ms from a p95 of 25 ms on, so a 1 ms
// service could never warn on a 5 % change, whatever the statistics. Load: one closed-model
// connection, 1 s rounds after a warm-up, so that the service is never queued behind itself and a
// round's p95 is that of ~40 requests' work.
//
// Modes, each trial a fresh runPerf run through the real pipeline with fresh service processes:
//   interleaved: head and base started by the bench, `base: {mode: interleaved, pairs: 10}`;
//   concurrent:  the same with `mode: concurrent` (both loads at once);
//   history:     first --history-runs runs of the base service alone, each saved to a local
//                baseline store; each trial then runs the head alone (10 rounds) against it, unsaved.
// Kinds: A/A (head = base build) and slower (head 5 % more work), --trials of each per mode; a
// noise generator (a child process spinning a core on and off at random 0.5-3 s intervals) runs
// during every other trial of each kind (the even ones) and every other history run. Trials of all
// modes and kinds are interleaved in time, so that a change in the machine's load hits all alike.
// Confirmation re-runs and the speed calibration are off, so that every mode is judged alike.
//
// Printed: a line per trial, then per mode the A/A runs that failed / warned on any regression
// check, the slower runs that warned or failed, the median width of the p95 change's interval and
// the history mode's width over each same-job mode's, with PASS / MISS against the targets (0
// false fails and at most 1 false warn in 20 A/A runs; >= 19 of 20 slower runs caught; an
// interval >= 3x narrower than history's). All per-trial outcomes go to <out>/ab-bench.json,
// written after every trial. Exit 0 whatever the figures; 1 when the bench itself crashed.
//
// Flags: --trials N (20), --modes interleaved,concurrent,history, --quick (4 trials, 6 history
// runs: a smoke check), --history-runs N (10), --out DIR (default a new tmp dir), --work-ms (25),
// --round-ms (1000), --verbose (runPerf's progress lines).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalDirStore } from '../src/baseline/local-store.ts';
import { runClosed } from '../src/engine/closed.ts';
import { describeError } from '../src/errors.ts';
import { createOutlet, type Outlet } from '../src/output/outlet.ts';
import { runPerf } from '../src/pipeline/run-perf.ts';
import {
  describeP95,
  describeStatus,
  detectionNeeded,
  MODES,
  type Mode,
  narrowing,
  noiseTable,
  p95Outcome,
  regressionStatus,
  summariseMode,
  summaryTable,
  TARGETS,
  type TrialKind,
  type TrialOutcome,
} from './ab-analysis.ts';
import {
  type BenchService,
  calibrateIterations,
  installCleanup,
  startNoise,
  startService,
} from './ab-children.ts';
import { median } from './helpers.ts';
import { formatPercent } from './verdict-analysis.ts';

const SLOWER = 1.05;
const PAIRS = 10;
const WARMUP_MS = 500;
const WARN = 3;
const FAIL = 4;
/** runPerf's own time per run beyond its rounds (start-up, health, files), for the plan. */
const OVERHEAD_S = 1.5;
const HISTORY_NAME = 'ab-bench';
const SCENARIO = 'work';

interface Settings {
  trials: number;
  modes: Mode[];
  historyRuns: number;
  outDir: string;
  workMs: number;
  roundMs: number;
  verbose: boolean;
}

class UsageError extends Error {}

async function readSettings(argv: readonly string[]): Promise<Settings> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      trials: { type: 'string' },
      modes: { type: 'string', default: MODES.join(',') },
      quick: { type: 'boolean', default: false },
      'history-runs': { type: 'string' },
      out: { type: 'string' },
      'work-ms': { type: 'string', default: '25' },
      'round-ms': { type: 'string', default: '1000' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const integer = (text: string | undefined, name: string, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min) {
      throw new UsageError(`--${name} must be an integer >= ${min}, got '${text}'`);
    }
    return Number(text);
  };
  const modes = values.modes.split(',').map((m) => m.trim());
  for (const mode of modes) {
    if (!(MODES as readonly string[]).includes(mode)) {
      throw new UsageError(`--modes: unknown mode '${mode}' (known: ${MODES.join(', ')})`);
    }
  }
  return {
    trials: integer(values.trials, 'trials', values.quick ? 4 : 20, 1),
    modes: MODES.filter((m) => modes.includes(m)),
    historyRuns: integer(values['history-runs'], 'history-runs', values.quick ? 6 : 10, 5),
    outDir: values.out
      ? resolve(values.out)
      : await mkdtemp(join(tmpdir(), 'perf-action-bench-ab-')),
    workMs: integer(values['work-ms'], 'work-ms', 25, 1),
    roundMs: integer(values['round-ms'], 'round-ms', 1000, 100),
    verbose: values.verbose,
  };
}

/** The perf.yml of a mode: one closed-model scenario, `base:` for the same-job modes. */
function configText(mode: Mode, settings: Settings): string {
  const base =
    mode === 'history'
      ? ''
      : `base:                     # its URL comes from the bench (baseUrl)
  mode: ${mode}
  pairs: ${PAIRS}
`;
  return `# Written by bench/ab.ts for the ${mode} mode.
target:
  url: http://127.0.0.1:9       # replaced by the bench (targetUrl)
  health: /health
  wait: 10s
monitor: { enabled: false }
${base}defaults:
  warmup: ${WARMUP_MS}ms
  timeout: 10s
load:
  scenarios:
    - name: ${SCENARIO}
      request: { path: /work }
      connections: 1
      duration: ${settings.roundMs}ms
      rounds: ${PAIRS}
baseline: { name: ${HISTORY_NAME}, history: 20 }
regression: { warn: ${WARN}%, fail: ${FAIL}% }
`;
}

/** Seconds a run of `mode` takes, roughly: its warm-ups and rounds, and runPerf's own time. */
function plannedSeconds(mode: Mode | 'history-build', settings: Settings): number {
  const round = settings.roundMs / 1000;
  const warm = WARMUP_MS / 1000;
  if (mode === 'interleaved') return 2 * warm + 2 * PAIRS * round + OVERHEAD_S;
  return warm + PAIRS * round + OVERHEAD_S;
}

function quietOutlet(verbose: boolean): Outlet {
  return createOutlet({
    info: verbose ? (line) => console.log(`      ${line}`) : () => {},
    warn: (line) => console.log(`      warning: ${line}`),
    fail: (line) => console.log(`      ${line}`),
    print: () => {},
  });
}

interface Bench {
  settings: Settings;
  iterations: number;
  configs: Record<Mode, string>;
  store: LocalDirStore;
  trials: TrialOutcome[];
  errors: { what: string; error: string }[];
  total: number;
  done: number;
  report: Record<string, unknown>;
}

async function saveReport(bench: Bench): Promise<void> {
  const summaries = bench.settings.modes.map((mode) => summariseMode(mode, bench.trials));
  await writeFile(
    join(bench.settings.outDir, 'ab-bench.json'),
    `${JSON.stringify({ ...bench.report, summaries, trials: bench.trials, errors: bench.errors }, null, 2)}\n`,
  );
}

/** Runs `body` with the noise generator beside it when `noise` is set. */
async function withNoise<T>(noise: boolean, body: () => Promise<T>): Promise<T> {
  const stopNoise = noise ? startNoise() : undefined;
  try {
    return await body();
  } finally {
    await stopNoise?.();
  }
}

async function stopAll(services: readonly (BenchService | undefined)[]): Promise<void> {
  await Promise.all(services.map((service) => service?.stop()));
}

/** One history run: the base service alone, saved to the store. */
async function historyRun(bench: Bench, index: number, noise: boolean): Promise<void> {
  const started = performance.now();
  const load = loadavg()[0] ?? 0;
  const service = await startService(bench.iterations, 1);
  let p95: string;
  try {
    const { result, baselineSaved } = await withNoise(noise, () =>
      runPerf({
        configPath: bench.configs.history,
        targetUrl: service.url,
        outDir: join(bench.settings.outDir, 'runs', `history-build-${index}`),
        env: process.env,
        outlet: quietOutlet(bench.settings.verbose),
        baselineStore: bench.store,
        updateBaseline: true,
        runId: `history-${index}`,
        confirmRegressions: false,
        calibrationMs: 0,
      }),
    );
    if (!baselineSaved) throw new Error('the history run was not saved to the baseline store');
    const metric = result.metrics.find((m) => m.key.endsWith('/latency.p95'));
    p95 = metric ? `${metric.value.toFixed(2)} ms` : '-';
  } finally {
    await stopAll([service]);
  }
  console.log(
    `  history run ${String(index).padStart(2)}/${bench.settings.historyRuns}  ` +
      `${noise ? 'noise' : 'quiet'}  p95 ${p95}  ` +
      `[${((performance.now() - started) / 1000).toFixed(1)} s, load ${load.toFixed(2)}]`,
  );
}

async function runTrial(
  bench: Bench,
  mode: Mode,
  kind: TrialKind,
  trial: number,
  noise: boolean,
): Promise<void> {
  const { settings } = bench;
  const started = performance.now();
  const loadAverage = loadavg()[0] ?? 0;
  const slug = `${mode}-${kind === 'A/A' ? 'aa' : 'slower'}-${trial}`;
  const outDir = join(settings.outDir, 'runs', slug);
  const sameJob = mode !== 'history';
  let head: BenchService | undefined;
  let base: BenchService | undefined;
  try {
    [head, base] = await Promise.all([
      startService(bench.iterations, kind === 'slower' ? SLOWER : 1),
      sameJob ? startService(bench.iterations, 1) : Promise.resolve(undefined),
    ]);
    const { head: h, base: b } = { head, base };
    const { result, paths } = await withNoise(noise, () =>
      runPerf({
        configPath: bench.configs[mode],
        targetUrl: h.url,
        ...(b ? { baseUrl: b.url } : { baselineStore: bench.store, updateBaseline: false }),
        outDir,
        env: process.env,
        outlet: quietOutlet(settings.verbose),
        runId: slug,
        confirmRegressions: false,
        calibrationMs: 0,
      }),
    );
    const p95 = p95Outcome(result.checks);
    const outcome: TrialOutcome = {
      mode,
      kind,
      trial,
      noise,
      ...regressionStatus(result.checks),
      ...(p95 ? { p95 } : {}),
      ...(result.sameJob ? { seed: result.sameJob.seed } : {}),
      elapsedMs: performance.now() - started,
      loadAverage,
      resultsPath: paths.results,
    };
    bench.trials.push(outcome);
    bench.done += 1;
    console.log(trialLine(bench, outcome));
  } catch (error) {
    bench.done += 1;
    const what = `${mode} ${kind} #${trial}`;
    bench.errors.push({ what, error: describeError(error) });
    console.log(`  [${bench.done}/${bench.total}] ${what}: could not run: ${describeError(error)}`);
  } finally {
    await stopAll([head, base]);
  }
  await saveReport(bench);
}

function trialLine(bench: Bench, t: TrialOutcome): string {
  const width = String(bench.total).length;
  const pairs = t.p95?.pairs !== undefined ? ` (${t.p95.pairs} pairs)` : '';
  return (
    `  [${String(bench.done).padStart(width)}/${bench.total}] ${t.mode.padEnd(11)} ` +
    `${t.kind.padEnd(6)} #${String(t.trial).padEnd(2)} ${t.noise ? 'noise' : 'quiet'}  ` +
    `${describeStatus(t).padEnd(28)} p95 ${describeP95(t.p95)}${pairs}  ` +
    `[${(t.elapsedMs / 1000).toFixed(1)} s, load ${t.loadAverage.toFixed(2)}]`
  );
}

/**
 * The preamble's check of the service: does 5 % more work give about 5 % more p95 here? Rounds of
 * the base and the slower service alternate (same connection count and length as the bench's).
 * Beside the p95s, the ratio of the fastest requests: the work alone, what a busy moment least
 * disturbs, so it tells a wrong service from a noisy machine.
 */
async function checkSlowdown(
  iterations: number,
  roundMs: number,
): Promise<{
  base: number;
  slower: number;
  ratio: number;
  pairRatios: number[];
  minRatio: number;
}> {
  const [base, slower] = await Promise.all([
    startService(iterations, 1),
    startService(iterations, SLOWER),
  ]);
  try {
    const round = async (service: BenchService, durationMs: number) => {
      const result = await runClosed({
        baseUrl: service.url,
        request: { method: 'GET', path: '/work', headers: {} },
        timeoutMs: 10_000,
        connections: 1,
        durationMs,
      });
      return { p95: result.histogram.percentileMs(95), min: result.histogram.minMs };
    };
    await round(base, WARMUP_MS);
    await round(slower, WARMUP_MS);
    const p95s = { base: [] as number[], slower: [] as number[] };
    const mins = { base: Number.POSITIVE_INFINITY, slower: Number.POSITIVE_INFINITY };
    const pairRatios: number[] = [];
    for (let i = 0; i < 6; i++) {
      const order = i % 2 === 0 ? (['base', 'slower'] as const) : (['slower', 'base'] as const);
      const got = { base: 0, slower: 0 };
      for (const side of order) {
        const measured = await round(side === 'base' ? base : slower, roundMs);
        got[side] = measured.p95;
        p95s[side].push(measured.p95);
        mins[side] = Math.min(mins[side], measured.min);
      }
      pairRatios.push(got.slower / got.base);
    }
    const b = median(p95s.base);
    const s = median(p95s.slower);
    return { base: b, slower: s, ratio: s / b, pairRatios, minRatio: mins.slower / mins.base };
  } finally {
    await stopAll([base, slower]);
  }
}

async function main(): Promise<number> {
  let settings: Settings;
  try {
    settings = await readSettings(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    console.error(`bench:ab: ${error.message}`);
    return 2;
  }
  const startedAt = performance.now();
  const loadAtStart = loadavg();
  await mkdir(settings.outDir, { recursive: true });
  installCleanup(() =>
    console.error(`\nbench:ab: interrupted; outcomes so far in ${settings.outDir}`),
  );

  const sameJobModes = settings.modes.filter((m) => m !== 'history');
  const kinds: TrialKind[] = ['A/A', 'slower'];
  const plan =
    (settings.modes.includes('history')
      ? settings.historyRuns * plannedSeconds('history-build', settings)
      : 0) +
    settings.modes.reduce((sum, mode) => sum + plannedSeconds(mode, settings), 0) *
      settings.trials *
      kinds.length;
  console.log(
    `bench:ab: modes ${settings.modes.join(', ')}; ${settings.trials} A/A + ${settings.trials} slower ` +
      `(+${Math.round((SLOWER - 1) * 100)} % work) trials per mode` +
      (settings.modes.includes('history')
        ? `, after ${settings.historyRuns} history runs of the base`
        : '') +
      `; noise on every other trial of each kind`,
  );
  console.log(
    `  planned: ~${Math.ceil(plan / 60)} min (${PAIRS} pairs / rounds of ${settings.roundMs} ms, ` +
      `warm-up ${WARMUP_MS} ms, regression warn ${WARN} %, fail ${FAIL} %)`,
  );
  console.log(`  output: ${settings.outDir}`);
  console.log(
    `  machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.versions.node}; ` +
      `load average ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}`,
  );

  const iterations = await calibrateIterations(settings.workMs);
  console.log(`  service work: ${iterations} iterations (~${settings.workMs} ms here, quiet)`);
  const slowdown = await checkSlowdown(iterations, settings.roundMs);
  console.log(
    `  check, ${SLOWER}x work (6 alternating rounds each, no noise): p95 base ` +
      `${slowdown.base.toFixed(2)} ms, slower ${slowdown.slower.toFixed(2)} ms, ratio ` +
      `${slowdown.ratio.toFixed(3)} (expected ~${SLOWER}); per-pair ratios ` +
      `${slowdown.pairRatios.map((r) => r.toFixed(3)).join(' ')}; fastest requests' ratio ` +
      `${slowdown.minRatio.toFixed(3)}; load average ${(loadavg()[0] ?? 0).toFixed(2)}`,
  );

  const configs = {} as Record<Mode, string>;
  for (const mode of MODES) {
    configs[mode] = join(settings.outDir, `${mode}.perf.yml`);
    await writeFile(configs[mode], configText(mode, settings));
  }
  const bench: Bench = {
    settings,
    iterations,
    configs,
    store: new LocalDirStore(join(settings.outDir, 'baseline'), {
      onWarning: (line) => console.log(`      warning: ${line}`),
    }),
    trials: [],
    errors: [],
    total: settings.modes.length * settings.trials * kinds.length,
    done: 0,
    report: {
      startedAt: new Date().toISOString(),
      settings: {
        ...settings,
        slower: SLOWER,
        pairs: PAIRS,
        warmupMs: WARMUP_MS,
        warn: WARN,
        fail: FAIL,
      },
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.versions.node },
      loadAverageAtStart: loadAtStart,
      iterations,
      slowdownCheck: slowdown,
    },
  };

  if (settings.modes.includes('history')) {
    console.log(`history: ${settings.historyRuns} runs of the base service alone, saved`);
    for (let j = 1; j <= settings.historyRuns; j++) await historyRun(bench, j, j % 2 === 0);
  }
  console.log(
    `trials (${bench.total}): mode, kind, trial, noise, regression verdict, p95 change [interval]`,
  );
  for (let i = 1; i <= settings.trials; i++) {
    const noise = i % 2 === 0;
    for (const mode of settings.modes) {
      for (const kind of kinds) await runTrial(bench, mode, kind, i, noise);
    }
  }

  const summaries = settings.modes.map((mode) => summariseMode(mode, bench.trials));
  const history = summaries.find((s) => s.mode === 'history');
  const out = (line = '') => console.log(line);
  out();
  out(
    `=== side by side (regression: warn ${WARN} %, fail ${FAIL} %; slower = +${Math.round((SLOWER - 1) * 100)} % work; ` +
      `interval width in percentage points of the p95 change) ===`,
  );
  out(summaryTable(summaries));
  out();
  out('=== by noise ===');
  out(noiseTable(bench.trials, settings.modes));
  out();
  out('=== targets ===');
  for (const s of summaries) {
    const parts = [
      `false fails ${s.aaFails}/${s.aa} (target ${TARGETS.aaFails}) ${s.aaFails <= TARGETS.aaFails ? 'PASS' : 'MISS'}`,
      `false warns ${s.aaWarns}/${s.aa} (target <= ${TARGETS.aaWarns}) ${s.aaWarns <= TARGETS.aaWarns ? 'PASS' : 'MISS'}`,
      `caught ${s.detected}/${s.slower} (target >= ${detectionNeeded(s.slower)}) ${s.detected >= detectionNeeded(s.slower) ? 'PASS' : 'MISS'}`,
    ];
    if (s.mode !== 'history') {
      const ratio = narrowing(history, s);
      parts.push(
        ratio === undefined
          ? 'interval vs history: - (history not run)'
          : `interval ${ratio.toFixed(1)}x narrower than history's (target >= ${TARGETS.narrowing}x) ${ratio >= TARGETS.narrowing ? 'PASS' : 'MISS'}`,
      );
    }
    out(`${s.mode.padEnd(11)} ${parts.join('; ')}`);
  }
  if (sameJobModes.length > 0 && history) {
    out(
      "(history's interval is where one run of the base would fall, as the change; the same-job " +
        "modes' is the t-interval of the pairs' mean log ratio)",
    );
  }
  if (bench.errors.length > 0) {
    out();
    out(`trials that could not run (${bench.errors.length}, not counted):`);
    for (const e of bench.errors) out(`  ${e.what}: ${e.error}`);
  }
  const loadAtEnd = loadavg();
  bench.report.loadAverageAtEnd = loadAtEnd;
  bench.report.elapsedS = (performance.now() - startedAt) / 1000;
  out();
  out(
    `ran ${bench.trials.length} trials in ${((performance.now() - startedAt) / 60_000).toFixed(1)} min; ` +
      `load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ` +
      `${loadAtEnd.map((x) => x.toFixed(2)).join(' ')}, median over the trials ` +
      `${median(bench.trials.map((t) => t.loadAverage).concat(loadAtEnd[0] ?? 0)).toFixed(2)}`,
  );
  out(
    `median p95 change of slower trials: ${summaries
      .map((s) => `${s.mode} ${formatPercent(s.medianSlowerChange)}`)
      .join(', ')} (the work is +${Math.round((SLOWER - 1) * 100)} %)`,
  );
  await saveReport(bench);
  out(`per-trial outcomes: ${join(settings.outDir, 'ab-bench.json')}`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`bench:ab: ${describeError(error)}`);
  process.exitCode = 1;
}
