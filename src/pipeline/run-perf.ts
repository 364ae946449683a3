// The whole run, as one readable pipeline shared by the CLI and the action:
// config -> target -> suites -> results -> verdict -> report files.
// Entry points pass settings in; nothing here reads process.argv, inputs or the GitHub context.
import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { appendRecord, emptyHistory, makeRecord } from '../baseline/history.ts';
import type { BaselineHistory, BaselineStore, SaveReport } from '../baseline/types.ts';
import { parseTargetUrl } from '../config/load-config.ts';
import { verdictOf } from '../core/worst-status.ts';
import { type LoadEngine, realEngine } from '../engine/load-engine.ts';
import { describeError } from '../errors.ts';
import { startMonitor } from '../monitor/start-monitor.ts';
import type { ResourceMonitor } from '../monitor/types.ts';
import type { Outlet } from '../output/outlet.ts';
import { renderHtml } from '../report/html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { describeEnvironment } from '../results/environment.ts';
import {
  type BaselineSummary,
  type Check,
  type Environment,
  SCHEMA_VERSION,
} from '../results/types.ts';
import {
  builtInRegistry,
  configOf,
  loadPerfConfig,
  type PerfConfig,
  type RunResult,
  type SuiteRegistry,
  selectSuites,
} from '../suites/registry.ts';
import { couldNotRunCheck } from '../suites/shared/scenario-checks.ts';
import type { AnySuite, SuiteContext } from '../suites/suite.ts';
import { type PreparedTarget, prepareTarget } from '../target/prepare-target.ts';
import { budgetScopes, checkBudgets } from '../verdict/budgets.ts';
import {
  type BusyScenario,
  capBusyRegressions,
  describeBusyRunner,
  findBusyScenarios,
  judgeConfirmed,
} from '../verdict/busy-runner.ts';
import { compareWithHistory, scenarioFacts } from '../verdict/compare.ts';
import { applyConfirmation, scenariosToConfirm } from '../verdict/confirm.ts';
import { selectGatedKeys } from '../verdict/gated-metrics.ts';
import { checkPairedRegressions, describePairedMethod } from '../verdict/paired.ts';
import { capInvalidRegressions, generatorChecks } from '../verdict/validity.ts';
import { TOOL_VERSION } from '../version.ts';
import { type ResolvedBase, resolveBase } from './base-target.ts';
import { type PairedRuns, runSuitesPaired } from './paired-run.ts';
import { addOutput, emptyRuns, type SuiteRuns } from './suite-runs.ts';

/** What one run needs to know; built by the CLI from flags and by the action from inputs. */
export interface RunSettings {
  /** Path of perf.yml. */
  configPath: string;
  /** Replaces `target.url`. */
  targetUrl?: string;
  /** Replaces `target.start` (the demo starts the sample service this way). */
  targetStart?: string;
  /** Replaces `base.url`: with it (or `base.url`) the base is measured beside the target. */
  baseUrl?: string;
  /** Replaces `base.start`. */
  baseStart?: string;
  /** The base's commit facts (the PR's base branch), for the report's headline. */
  baseGit?: { sha?: string; ref?: string };
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
  /** The suites perf.yml may configure; the built-in ones unless a test registers its own. */
  registry?: SuiteRegistry;
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

/** Runs the configured suites against the target and writes the result files. */
export async function runPerf(settings: RunSettings): Promise<RunOutput> {
  const startedAt = new Date();
  const registry = settings.registry ?? builtInRegistry;
  const loaded = await loadPerfConfig(settings.configPath, settings.env, registry);
  const config = withOverrides(loaded.config, settings);
  const { outlet } = settings;
  const addresses = [config.target.url, config.base?.target.url].filter(
    (url): url is string => url !== undefined,
  );
  for (const secret of configSecrets(loaded.secrets, addresses)) {
    outlet.protect(secret, 'a value taken from the environment');
  }
  const suites = selectSuites(registry, config, settings.suites);
  const log = (line: string) => outlet.info(line);
  const warn = (line: string) => outlet.warn(line);

  const base = resolveBase(config, settings);
  await mkdir(settings.outDir, { recursive: true });
  const environment = describeEnvironment(settings.calibrationMs ?? 200);
  const target = await prepareTarget({
    config,
    env: settings.env,
    serviceLog: outlet.serviceLog(join(settings.outDir, 'service.log')),
    log,
  });
  for (const secret of target.secrets) outlet.protect(secret, 'the login token');
  const baseTarget = base
    ? await prepareBase(config, base, settings).catch(async (error: unknown) => {
        await target.stop();
        throw error;
      })
    : undefined;
  for (const secret of baseTarget?.secrets ?? []) outlet.protect(secret, "the base's login token");
  const history = settings.baselineStore
    ? await tryLoadHistory(settings.baselineStore, config.baseline, warn)
    : {};

  // The workflow's service containers add up to one service; beside a base they would hold both
  // sides (two service containers), so each side is watched through its own container or process.
  const services = base ? undefined : settings.services;
  const monitor = await tryStartMonitor(config, target.pid, services, log, warn);
  const baseMonitor =
    base && baseTarget
      ? await tryStartMonitor(
          { ...config, target: base.target },
          baseTarget.pid,
          undefined,
          log,
          warn,
        )
      : undefined;
  const context: SuiteContext = {
    target: {
      url: config.target.url,
      authHeaders: target.authHeaders,
      ...(monitor ? { monitor } : {}),
    },
    engine: settings.engine ?? realEngine,
    log,
    env: settings.env,
    configDir: dirname(settings.configPath),
  };
  const judging = {
    suites,
    config,
    environment,
    ...(history.history ? { history: history.history } : {}),
    confirm: settings.confirmRegressions !== false,
  };
  // The targets stay up until the verdict is in: a confirming second run needs them.
  const { runs, comparison, sameJob } = await whileUp(
    [monitor, baseMonitor, target, baseTarget],
    async () => {
      if (base && baseTarget) {
        const baseContext: SuiteContext = {
          ...context,
          target: {
            url: base.target.url,
            authHeaders: baseTarget.authHeaders,
            ...(baseMonitor ? { monitor: baseMonitor } : {}),
          },
        };
        const seed = base.seed ?? randomInt(2 ** 32);
        const paired = await runSuitesPaired(
          suites,
          config,
          { head: context, base: baseContext },
          { ...base, seed },
        );
        return {
          runs: paired.head,
          comparison: judgeAgainstBase(paired, judging),
          sameJob: { paired, seed, base },
        };
      }
      const runs = await runSuites(suites, config, context);
      return { runs, comparison: await judgeAgainstHistory(runs, judging, context) };
    },
  );

  const summary = history.unavailable
    ? { ...comparison.summary, unavailable: history.unavailable }
    : comparison.summary;
  const invalid = generatorChecks(runs.scenarios);
  const baseInvalid = sameJob ? generatorChecks(sameJob.paired.base.scenarios) : [];
  const baseChecks = sameJob ? [...sameJob.paired.base.checks, ...baseInvalid] : [];
  const checks = [
    ...runs.checks,
    ...invalid,
    ...baseChecks.filter((check) => check.status !== 'pass').map(asBaseValidity),
    ...capInvalidRegressions(comparison.checks, [...invalid, ...baseInvalid]),
    ...checkBudgets(runs.metrics, budgetScopes(config, environment.cores, registry.suites)),
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
    ...(settings.baselineStore || sameJob ? { baseline: summary } : {}),
    ...(sameJob
      ? {
          sameJob: {
            target: { url: displayUrl(sameJob.base.target.url) },
            ...(settings.baseGit ? { git: settings.baseGit } : {}),
            mode: sameJob.base.mode,
            seed: sameJob.seed,
            pairs: sameJob.paired.pairs,
            orders: sameJob.paired.orders,
            scenarios: sameJob.paired.base.scenarios,
            metrics: sameJob.paired.base.metrics,
            checks: baseChecks,
            ...sameJob.paired.base.details,
          },
        }
      : {}),
    scenarios: runs.scenarios,
    ...runs.details,
    metrics: runs.metrics,
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
  const markdown = outlet.redact(renderMarkdown(result, { suites: registry.suites }));
  await outlet.writeFile(paths.markdown, markdown);
  await outlet.writeFile(paths.html, renderHtml(result, registry.suites));
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
 * Runs each suite in registry order. A suite that throws ends there and the run goes on: what it
 * had handed over stays, and a failed check `<suite>/suite/run` names the error (its scenarios
 * catch their own errors first, keeping what they measured). The run then ends with verdict fail,
 * exit 1, its results written.
 */
async function runSuites(
  suites: readonly AnySuite[],
  config: PerfConfig,
  context: SuiteContext,
): Promise<SuiteRuns> {
  const runs = emptyRuns();
  for (const suite of suites) {
    const section = configOf(suite, config);
    const announce = suite.announce ?? suite.describe;
    context.log(`${suite.name} suite: ${announce(section)} against ${context.target.url}`);
    try {
      addOutput(runs, suite, await suite.run(context, section, suite.plan(section)));
    } catch (error) {
      context.log(`${suite.name} suite could not run to its end: ${describeError(error)}`);
      runs.checks.push(
        couldNotRunCheck(suite.name, 'suite', error, 'what it measured before is kept'),
      );
    }
  }
  return runs;
}

interface Judging {
  suites: readonly AnySuite[];
  config: PerfConfig;
  environment: Environment;
  history?: BaselineHistory;
  /** Run a unit with a failing regression once more before it fails the run. */
  confirm: boolean;
}

/**
 * The regression checks against the history, with the two guards that need the target up: a
 * unit with a failing regression runs once more (a busy runner's too: a second run on a quiet one
 * may confirm it), and a fail measured beside other work warns instead (see busy-runner.ts).
 */
async function judgeAgainstHistory(
  runs: SuiteRuns,
  judging: Judging,
  context: SuiteContext,
): Promise<{ checks: Check[]; summary: BaselineSummary }> {
  const { suites, config, environment, history } = judging;
  const compare = (r: Pick<SuiteRuns, 'metrics' | 'scenarios'>) =>
    compareWithHistory(r.metrics, r.scenarios, environment, history, config, suites);
  const first = compare(runs);
  const baselineRuns = (history?.records ?? []).map((record) => record.result);
  const measuredRun = { scenarios: runs.scenarios, ...runs.details };
  const busy = findBusyScenarios(measuredRun, baselineRuns, undefined, suites);
  const failing = new Set(scenariosToConfirm(first.checks));
  const again = judging.confirm
    ? await confirmFailing(suites, config, context, failing)
    : undefined;
  let checks: Check[];
  let deciding: Map<string, BusyScenario>;
  if (again) {
    const second = compare(again.runs);
    const secondBusy = findBusyScenarios(
      { scenarios: again.runs.scenarios, ...again.runs.details },
      baselineRuns,
      undefined,
      suites,
    );
    const judged = judgeConfirmed(busy, again.keys, secondBusy);
    checks = capBusyRegressions(
      applyConfirmation(first.checks, capBusyRegressions(second.checks, secondBusy)),
      judged.first,
    );
    deciding = judged.deciding;
  } else {
    checks = capBusyRegressions(first.checks, busy);
    deciding = busy;
  }
  const busyNote = first.summary.runs > 0 ? describeBusyRunner(deciding) : undefined;
  return { checks, summary: busyNote ? { ...first.summary, busyRunner: busyNote } : first.summary };
}

/**
 * The regression checks of a same-job comparison: the head against the base, pair by pair. The
 * history is not judged (the pairs measured on this machine, now, are the better evidence; see
 * paired.ts), but its summary is kept for the report's trend.
 */
function judgeAgainstBase(
  paired: PairedRuns,
  judging: Judging,
): { checks: Check[]; summary: BaselineSummary } {
  const { suites, config, environment, history } = judging;
  const { head, base } = paired;
  const { summary } = compareWithHistory([], [], environment, history, config, suites);
  const gated = selectGatedKeys(
    head.metrics,
    head.scenarios.map(scenarioFacts),
    config.regression.metrics,
    suites,
  );
  const checks = checkPairedRegressions(
    head.metrics,
    base.metrics,
    config.regression,
    config.accept,
    {
      gated,
    },
  );
  const method = describePairedMethod(checks, config.regression);
  const { errorControl: _history, ...rest } = summary;
  return { checks, summary: method ? { ...rest, errorControl: method } : rest };
}

/**
 * A base check that did not pass, as a warning of the run: a base that could not be measured
 * (could not run, saturated generator, too few answers) makes the comparison no evidence, and the
 * reader must see it; it warns rather than fails, as the PR's code is not what went wrong.
 */
function asBaseValidity(check: Check): Check {
  return {
    ...check,
    kind: 'validity',
    status: 'warn',
    message: `base service: ${check.message}; the comparison with the base is no evidence there`,
  };
}

/** Starts (if asked), waits for and logs in to the base, its output in service-base.log. */
function prepareBase(
  config: PerfConfig,
  base: ResolvedBase,
  settings: RunSettings,
): Promise<PreparedTarget> {
  return prepareTarget({
    config: { ...config, target: base.target },
    env: settings.env,
    serviceLog: settings.outlet.serviceLog(join(settings.outDir, 'service-base.log')),
    log: (line) => settings.outlet.info(line),
    role: 'base',
  });
}

/** Runs again the units of confirmable suites with a failing regression; undefined when none. */
async function confirmFailing(
  suites: readonly AnySuite[],
  config: PerfConfig,
  context: SuiteContext,
  failing: ReadonlySet<string>,
): Promise<{ runs: SuiteRuns; keys: string[] } | undefined> {
  const keys: string[] = [];
  const names: string[] = [];
  const picked = suites
    .filter((suite) => suite.confirmable)
    .flatMap((suite) => {
      const section = configOf(suite, config);
      const units = suite.plan(section).filter((unit: unknown) => {
        const name = suite.unitName(unit);
        if (!failing.has(`${suite.name}/${name}`)) return false;
        keys.push(`${suite.name}/${name}`);
        names.push(name);
        return true;
      });
      return units.length > 0 ? [{ suite, section, units }] : [];
    });
  if (picked.length === 0) return undefined;
  context.log(`confirming failing regressions with a second run of: ${names.join(', ')}`);
  const runs = emptyRuns();
  for (const { suite, section, units } of picked) {
    addOutput(runs, suite, await suite.run(context, section, units));
  }
  return { runs, keys };
}

/** Runs `body`, then stops what it needed up (the monitor, the started target), whatever happens. */
async function whileUp<T>(
  stoppers: readonly ({ stop(): Promise<void> } | undefined)[],
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } finally {
    for (const stopper of stoppers) await stopper?.stop();
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

/** The config with the entry point's overrides of the target (a new object; the loaded one is kept). */
function withOverrides(config: PerfConfig, settings: RunSettings): PerfConfig {
  const target = { ...config.target };
  if (settings.targetUrl !== undefined) {
    target.url = parseTargetUrl(settings.targetUrl, { key: '--target' });
  }
  if (settings.targetStart !== undefined) target.start = settings.targetStart;
  return { ...config, target };
}

/**
 * The `${env:}` values to hide. An address is not a secret: `${env:TARGET_URL}` (or a host or port
 * from the environment) is how CI passes it, and hiding it would blank every line naming the target
 * (or the base).
 */
function configSecrets(values: readonly string[], urls: readonly string[]): string[] {
  const address = urls.flatMap((text) => {
    const url = URL.parse(text);
    return url ? [text, url.host, url.hostname, url.port, url.origin] : [text];
  });
  return values.filter((value) => !address.includes(value));
}

/** The URL without credentials or query, which may carry secrets. */
function displayUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString().replace(/\/$/, '');
}
