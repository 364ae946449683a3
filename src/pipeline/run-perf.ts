// The whole run, as one readable pipeline shared by the CLI and the action:
// config -> target -> suites -> results -> verdict -> report files.
// Entry points pass settings in; nothing here reads process.argv, inputs or the GitHub context.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { appendRecord, emptyHistory, makeRecord } from '../baseline/history.ts';
import type { BaselineHistory, BaselineStore, SaveReport } from '../baseline/types.ts';
import { loadConfig, parseTargetUrl } from '../config/load-config.ts';
import type { PerfConfig } from '../config/schema.ts';
import { runClosed } from '../engine/closed.ts';
import { runOpen } from '../engine/open.ts';
import { describeError, UsageError } from '../errors.ts';
import { startMonitor } from '../monitor/start-monitor.ts';
import type { ResourceMonitor } from '../monitor/types.ts';
import type { Outlet } from '../output/outlet.ts';
import { renderHtml } from '../report/html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { describeEnvironment } from '../results/environment.ts';
import type { StressRun } from '../suites/stress/results.ts';
import {
  type Check,
  type Metric,
  type RunResult,
  SCHEMA_VERSION,
  type ScenarioRun,
} from '../results/types.ts';
import type { VideoSuiteRun } from '../suites/video/results.ts';
import type { LoadEngine } from '../suites/shared/engine-port.ts';
import { runLoadSuite } from '../suites/shared/scenario-runner.ts';
import { couldNotRunCheck } from '../suites/shared/scenario-checks.ts';
import { runStressSuite } from '../suites/stress/run.ts';
import { runVideoSuite } from '../suites/video/run.ts';
import { runVolumeSuite } from '../suites/volume/run.ts';
import { prepareTarget } from '../target/prepare-target.ts';
import { budgetScopes, checkBudgets } from '../verdict/budgets.ts';
import {
  capBusyRegressions,
  describeBusyRunner,
  findBusyScenarios,
} from '../verdict/busy-runner.ts';
import { compareWithHistory } from '../verdict/compare.ts';
import { applyConfirmation, scenariosToConfirm } from '../verdict/confirm.ts';
import { capInvalidRegressions, generatorChecks } from '../verdict/validity.ts';
import { verdictOf } from '../core/worst-status.ts';
import { TOOL_VERSION } from '../version.ts';

/** Every suite perf-action knows, in the order they run. */
export const SUITES = ['load', 'stress', 'volume', 'video'] as const;
export type SuiteName = (typeof SUITES)[number];

/** What one run needs to know; built by the CLI from flags and by the action from inputs. */
export interface RunSettings {
  /** Path of perf.yml. */
  configPath: string;
  /** Replaces `target.url`. */
  targetUrl?: string;
  /** Replaces `target.start` (the demo starts the sample service this way). */
  targetStart?: string;
  /** Run only these suites; all configured suites when absent. */
  suites?: string[];
  /** Where results.json, report.md, report.html and service.log go. */
  outDir: string;
  /** Environment for `${env:}` interpolation and the started command. */
  env: Record<string, string | undefined>;
  /** Commit facts to store with the results. */
  git?: { sha?: string; ref?: string };
  /**
   * Where every line and file goes: progress lines, warnings (degraded paths: baseline
   * unavailable, save failed; the run goes on), results, reports, the service log, the history
   * saved. The run adds the secrets it learns (`${env:}` values, the login token) to it.
   */
  outlet: Outlet;
  /** The load engine; the real one unless a test passes another. */
  engine?: LoadEngine;
  /** Milliseconds spent measuring the machine's speed at start (0 skips it). */
  calibrationMs?: number;
  /** Where the baseline history lives; none: budgets alone decide. */
  baselineStore?: BaselineStore;
  /** Append this run to the history and save it (after results.json is written). */
  updateBaseline?: boolean;
  /** Identifies the run in the history (e.g. the workflow run id and attempt). */
  runId?: string;
  /** Run a load scenario again to confirm a failing regression before it fails the run (default true). */
  confirmRegressions?: boolean;
  /** The GitHub Actions `services` JSON (`${{ toJSON(job.services) }}`): containers to watch. */
  services?: string;
}

export interface RunOutput {
  /** The run's result, redacted: the only form of it that leaves runPerf. */
  result: RunResult;
  /** The report rendered from that result. */
  markdown: string;
  paths: { results: string; markdown: string; html: string; serviceLog?: string };
  /** Whether the run was saved to the baseline history. */
  baselineSaved: boolean;
}

const realEngine: LoadEngine = { runClosed, runOpen };

/** Runs the configured suites against the target and writes the result files. */
export async function runPerf(settings: RunSettings): Promise<RunOutput> {
  const startedAt = new Date();
  const loaded = await loadConfig(settings.configPath, settings.env);
  const { config } = loaded;
  applyOverrides(config, settings);
  const { outlet } = settings;
  for (const secret of configSecrets(loaded.secrets, config.target.url)) {
    outlet.protect(secret, 'a value taken from the environment');
  }
  const suites = selectSuites(config, settings.suites);
  const log = (line: string) => outlet.info(line);
  const warn = (line: string) => outlet.warn(line);

  await mkdir(settings.outDir, { recursive: true });
  const environment = describeEnvironment(settings.calibrationMs ?? 200);
  const target = await prepareTarget({
    config,
    env: settings.env,
    serviceLog: outlet.serviceLog(join(settings.outDir, 'service.log')),
    log,
  });
  for (const secret of target.secrets) outlet.protect(secret, 'the login token');
  const history = settings.baselineStore
    ? await tryLoadHistory(settings.baselineStore, config.baseline, warn)
    : {};

  const monitor = await tryStartMonitor(config, target.pid, settings.services, log, warn);
  const scenarios: ScenarioRun[] = [];
  const stress: StressRun[] = [];
  let video: VideoSuiteRun | undefined;
  const metrics: Metric[] = [];
  // Checks a suite decides itself (a volume seeding failure): the suite ends, the run goes on.
  const suiteChecks: Check[] = [];
  const engine = settings.engine ?? realEngine;
  const loadOptions = {
    baseUrl: config.target.url,
    authHeaders: target.authHeaders,
    engine,
    log,
    ...(monitor ? { monitor } : {}),
  };
  let comparison: ReturnType<typeof compareWithHistory>;
  try {
    if (suites.includes('load') && config.load) {
      const { scenarios: list } = config.load;
      log(`load suite: ${list.length} scenario(s) against ${config.target.url}`);
      await keepGoing('load', suiteChecks, log, async () => {
        const out = await runLoadSuite({ ...loadOptions, scenarios: list });
        scenarios.push(...out.scenarios);
        metrics.push(...out.metrics);
        suiteChecks.push(...out.checks);
      });
    }
    // Stress last: it may leave the service strained, and its writes must not shift volume steps.
    if (suites.includes('volume') && config.volume) {
      const { steps, queries } = config.volume;
      log(
        `volume suite: ${queries.length} quer${queries.length === 1 ? 'y' : 'ies'} at ` +
          `${steps.join(', ')} records against ${config.target.url}`,
      );
      const volume = config.volume;
      await keepGoing('volume', suiteChecks, log, async () => {
        const out = await runVolumeSuite({ ...loadOptions, volume, env: settings.env });
        scenarios.push(...out.scenarios);
        metrics.push(...out.metrics);
        suiteChecks.push(...out.checks);
      });
    }
    if (suites.includes('stress') && config.stress) {
      const { scenarios: list } = config.stress;
      log(`stress suite: ${list.length} scenario(s) against ${config.target.url}`);
      await keepGoing('stress', suiteChecks, log, async () => {
        const out = await runStressSuite({ ...loadOptions, scenarios: list });
        stress.push(...out.runs);
        metrics.push(...out.metrics);
        suiteChecks.push(...out.checks);
      });
    }
    if (suites.includes('video') && config.video) {
      const { levels } = config.video;
      log(
        `video suite: levels ${levels.join(', ')} (videos in flight) against ${config.target.url}`,
      );
      // Synthetic videos are generated once per run, shared by every level, removed at the end.
      const workDir = await mkdtemp(join(tmpdir(), 'perf-action-videos-'));
      const videoConfig = config.video;
      try {
        await keepGoing('video', suiteChecks, log, async () => {
          const out = await runVideoSuite({
            ...loadOptions,
            video: videoConfig,
            workDir,
            configDir: dirname(settings.configPath),
          });
          video = out.run;
          metrics.push(...out.metrics);
        });
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    }
    comparison = compareWithHistory(metrics, scenarios, environment, history.history, config);
    const baselineRuns = (history.history?.records ?? []).map((r) => r.result);
    const busy = findBusyScenarios(
      { scenarios, stress, ...(video ? { video } : {}) },
      baselineRuns,
    );
    // While the target is still up: run each load scenario with a failing regression once more
    // (a busy runner's too: a second run on a quiet one may confirm it).
    // What the report names as busy: what decided each verdict (a re-run scenario's second run).
    let busyDeciding = busy;
    const failing = new Set(scenariosToConfirm(comparison.checks));
    const again = (config.load?.scenarios ?? []).filter((s) => failing.has(`load/${s.name}`));
    if (again.length > 0 && settings.confirmRegressions !== false) {
      log(
        `confirming failing regressions with a second run of: ${again.map((s) => s.name).join(', ')}`,
      );
      const second = await runLoadSuite({ ...loadOptions, scenarios: again });
      const recheck = compareWithHistory(
        second.metrics,
        second.scenarios,
        environment,
        history.history,
        config,
      );
      const secondBusy = findBusyScenarios({ scenarios: second.scenarios }, baselineRuns);
      comparison.checks = applyConfirmation(
        comparison.checks,
        capBusyRegressions(recheck.checks, secondBusy),
      );
      // A scenario run twice is judged on both runs: the second was capped above if it was busy.
      for (const s of again) busy.delete(`load/${s.name}`);
      busyDeciding = new Map([...busy, ...secondBusy]);
    }
    comparison.checks = capBusyRegressions(comparison.checks, busy);
    const busyNote = comparison.summary.runs > 0 ? describeBusyRunner(busyDeciding) : undefined;
    if (busyNote) comparison.summary.busyRunner = busyNote;
  } finally {
    await monitor?.stop();
    await target.stop();
  }

  if (history.unavailable) comparison.summary.unavailable = history.unavailable;
  const invalid = generatorChecks(scenarios);
  const checks = [
    ...suiteChecks,
    ...invalid,
    ...capInvalidRegressions(comparison.checks, invalid),
    ...checkBudgets(metrics, budgetScopes(config, environment.cores)),
  ];
  const measured: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'perf-action', version: TOOL_VERSION },
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    config: { file: settings.configPath, name: config.baseline.name },
    target: { url: displayUrl(config.target.url) },
    ...(settings.git ? { git: settings.git } : {}),
    environment,
    ...(settings.baselineStore ? { baseline: comparison.summary } : {}),
    scenarios,
    ...(stress.length > 0 ? { stress } : {}),
    ...(video ? { video } : {}),
    metrics,
    checks,
    verdict: verdictOf(checks),
  };
  // Redacted once, deeply, before any renderer, file, store or sink sees it.
  const result = outlet.redact(measured);

  // results.json first: whatever happens to the reports or any network sink, nothing measured is lost.
  const paths = {
    results: join(settings.outDir, 'results.json'),
    markdown: join(settings.outDir, 'report.md'),
    html: join(settings.outDir, 'report.html'),
    ...(target.logFile ? { serviceLog: target.logFile } : {}),
  };
  await outlet.writeFile(paths.results, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = outlet.redact(renderMarkdown(result));
  await outlet.writeFile(paths.markdown, markdown);
  await outlet.writeFile(paths.html, renderHtml(result));
  const baselineSaved =
    settings.updateBaseline === true &&
    settings.baselineStore !== undefined &&
    (await trySaveHistory(settings.baselineStore, history.history, result, config, settings, {
      log,
      warn,
    }));
  return { result, markdown, paths, baselineSaved };
}

/**
 * Runs one suite; when it throws, the run goes on: what the suite had handed over stays, and a
 * failed check `<suite>/suite/run` names the error (its scenarios catch their own errors first,
 * keeping what they measured). The run then ends with verdict fail, exit 1, its results written.
 */
async function keepGoing(
  suite: SuiteName,
  checks: Check[],
  log: (line: string) => void,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    log(`${suite} suite could not run to its end: ${describeError(error)}`);
    checks.push(couldNotRunCheck(suite, 'suite', error, 'what it measured before is kept'));
  }
}

/**
 * Watches the started command's process tree (or `target.pid`), `target.container` and the
 * workflow's service containers; without any, only the load generator's own CPU.
 */
async function tryStartMonitor(
  config: PerfConfig,
  startedPid: number | undefined,
  services: string | undefined,
  log: (line: string) => void,
  warn: (line: string) => void,
): Promise<ResourceMonitor | undefined> {
  if (!config.monitor.isEnabled) return undefined;
  const pid = startedPid ?? config.target.pid;
  const monitor = await startMonitor({
    ...(pid !== undefined ? { pid } : {}),
    ...(config.target.container ? { container: config.target.container } : {}),
    ...(services ? { services } : {}),
    ...(config.target.dockerSocket ? { dockerSocket: config.target.dockerSocket } : {}),
    intervalMs: config.monitor.intervalMs,
    warn,
  });
  log(`resource monitor: ${monitor.description}`);
  return monitor;
}

/** The history, or why there is none; a store that fails is a warning, never the end of the run. */
async function tryLoadHistory(
  store: BaselineStore,
  { name, history: maxRecords }: PerfConfig['baseline'],
  warn: (line: string) => void,
): Promise<{ history?: BaselineHistory; unavailable?: string }> {
  try {
    const history = await store.load(name, { maxRecords });
    return history ? { history } : {};
  } catch (error) {
    const why = `baseline history '${name}' unavailable from ${store.description}: ${describeError(error)}`;
    warn(`${why}; budgets alone decide this run`);
    return { unavailable: why };
  }
}

async function trySaveHistory(
  store: BaselineStore,
  history: BaselineHistory | undefined,
  result: RunResult,
  config: PerfConfig,
  settings: RunSettings,
  out: { log: (line: string) => void; warn: (line: string) => void },
): Promise<boolean> {
  const { outlet } = settings;
  const record = makeRecord(result, {
    savedAt: result.finishedAt,
    ...(settings.runId !== undefined ? { runId: settings.runId } : {}),
  });
  const next = appendRecord(
    history ?? emptyHistory(config.baseline.name),
    record,
    config.baseline.history,
  );
  let report: SaveReport;
  try {
    // Records saved by older versions may hold what this run knows to be secret.
    report = await store.save(outlet.redact(next));
  } catch (error) {
    report = { saved: [], failed: [{ store: store.description, reason: describeError(error) }] };
  }
  // Each store that did not save says why; the log names only the stores that did.
  for (const { store: where, reason } of report.failed) {
    out.warn(`baseline '${config.baseline.name}' not saved to ${where}: ${reason}`);
  }
  if (report.saved.length > 0) {
    out.log(
      `baseline '${config.baseline.name}' saved to ${report.saved.join(' and ')} (${next.stored?.length ?? next.records.length} runs)`,
    );
  }
  return report.saved.length > 0;
}

function applyOverrides(config: PerfConfig, settings: RunSettings): void {
  if (settings.targetUrl !== undefined) {
    config.target.url = parseTargetUrl(settings.targetUrl, { key: '--target' });
  }
  if (settings.targetStart !== undefined) config.target.start = settings.targetStart;
}

/** The suites to run: the requested ones (each must be known and configured), else all configured. */
export function selectSuites(config: PerfConfig, requested: string[] | undefined): SuiteName[] {
  const configured = SUITES.filter((s) => hasSuite(config, s));
  if (requested === undefined || requested.length === 0) {
    if (configured.length === 0)
      throw new UsageError(
        'perf.yml configures no suite (expected load:, stress:, volume: or video:)',
      );
    return configured;
  }
  for (const name of requested) {
    if (!(SUITES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown suite '${name}' (expected one of: ${SUITES.join(', ')})`);
    }
    if (!(configured as readonly string[]).includes(name)) {
      throw new UsageError(`suite '${name}' is not configured in the config file`);
    }
  }
  return configured.filter((s) => requested.includes(s));
}

function hasSuite(config: PerfConfig, suite: SuiteName): boolean {
  if (suite === 'load') return (config.load?.scenarios.length ?? 0) > 0;
  if (suite === 'volume') return config.volume !== undefined;
  if (suite === 'stress') return (config.stress?.scenarios.length ?? 0) > 0;
  if (suite === 'video') return config.video !== undefined;
  return false;
}

/**
 * The `${env:}` values to hide. An address is not a secret: `${env:TARGET_URL}` (or a host or port
 * from the environment) is how CI passes it, and hiding it would blank every line naming the target.
 */
function configSecrets(values: readonly string[], targetUrl: string): string[] {
  const url = URL.parse(targetUrl);
  const address = url ? [url.host, url.hostname, url.port, url.origin] : [];
  return values.filter((value) => value !== targetUrl && !address.includes(value));
}

/** The URL without credentials or query, which may carry secrets. */
function displayUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString().replace(/\/$/, '');
}
