// The volume suite: how the service's latency grows with its data. For each step it seeds the
// difference to the step's record count (through the API or a command), runs every query there as
// a short load scenario (`<query>@<step>`), and at the end fits each query's growth exponent.
//
// A seeding failure ends the suite, not the run: what was measured at the earlier steps is kept,
// and a failed check names the request and the answer, so results.json and the report still say
// what happened.

import { formatValue } from '../../core/format.ts';
import { isOkStatus, joinUrl } from '../../engine/common.ts';
import { makeMetric } from '../../results/metric.ts';
import type { Check, Metric } from '../../results/types.ts';
import { describeHttpError, oneLine } from '../../target/http.ts';
import { sendRequest } from '../../target/http-client.ts';
import { readJsonPath } from '../../target/json-path.ts';
import { runScenarioPaired } from '../shared/paired-scenario.ts';
import {
  addScenario,
  runScenario,
  type ScenarioOutput,
  type ScenarioRunOptions,
  type SuiteOutput,
  toHttpRequest,
  warmUp,
} from '../shared/scenario-runner.ts';
import type { Pairing } from '../suite.ts';
import type { RecordCount, RequestSeed, VolumeConfig, VolumeQuery } from './config.ts';
import { SEED_SCENARIO } from './config.ts';
import { classifyGrowth, GROWTH_LATENCY, type GrowthStep, growthMetric } from './growth.ts';
import { SeedError, type SeedOutcome, seedThroughApi } from './seed-api.ts';
import { runSeedCommand } from './seed-command.ts';
import { compileSeedRequest, type SeedRequestTemplate } from './seed-template.ts';

export const VOLUME_SUITE = 'volume';

/** The metric name of a step's seeding throughput (records per second). */
export const SEED_RATE_METRIC = 'seed.rate';

/** The check name of a failed seeding (key `volume/seed@<step>/seed.failed`). */
export const SEED_FAILED_CHECK = 'seed.failed';

/** How long the record count may take to answer, in milliseconds. */
const COUNT_TIMEOUT_MS = 30_000;

/** Longest part of an answer quoted in an error, in characters. */
const MAX_QUOTED = 300;

export interface VolumeSuiteOptions extends ScenarioRunOptions {
  volume: VolumeConfig;
  /** Environment of a seed command (the run's). */
  env: Record<string, string | undefined>;
  /** How often seeding progress is logged, in milliseconds (default 2000). */
  progressEveryMs?: number;
}

/** The suite's metrics and scenario runs, and a failed check when seeding failed. */
export interface VolumeSuiteOutput extends SuiteOutput {
  checks: Check[];
}

/** The scenario name of a query measured at a step: `<query>@<step>`. */
export function stepScenario(query: string, step: number): string {
  return `${query}@${step}`;
}

/** The two services of a same-job sweep: each its own URL, auth headers, monitor and log. */
export interface PairedVolumeOptions {
  head: VolumeSuiteOptions;
  base: VolumeSuiteOptions;
}

/** One service's part of a sweep: the records it holds and has seeded, what it measured. */
interface SweepSide {
  options: VolumeSuiteOptions;
  /** Prefix of the sweep's own lines: `volume` or `volume (head)`. */
  label: string;
  /** Records the service holds, as the steps count them. */
  held: number;
  /** Records this sweep has seeded: the next record's `{{i}}`. */
  seeded: number;
  growth: Map<string, GrowthStep[]>;
  output: VolumeSuiteOutput;
}

function sweepSide(options: VolumeSuiteOptions, label: string): SweepSide {
  return {
    options,
    label,
    held: 0,
    seeded: 0,
    growth: new Map(options.volume.queries.map((q) => [q.name, []])),
    output: { scenarios: [], metrics: [], checks: [] },
  };
}

/** The seed request's compiled template (record i's values depend only on the seed and i). */
function seedTemplate(volume: VolumeConfig): SeedRequestTemplate | undefined {
  return volume.seed.kind === 'request'
    ? compileSeedRequest(volume.seed.request, {
        randomSeed: volume.seed.randomSeed,
        isBatch: volume.seed.batch !== undefined,
      })
    : undefined;
}

/**
 * Seeds the side's service to the step (step `index` of the sweep). With `volume.count` the steps
 * are the service's own totals: the count is read before the first step (only the difference is
 * seeded) and checked after each. False when seeding failed: the side then holds a failed check.
 */
async function seedSide(
  side: SweepSide,
  template: SeedRequestTemplate | undefined,
  index: number,
  step: number,
): Promise<boolean> {
  const { options, label } = side;
  const { volume, log } = options;
  let outcome: SeedOutcome;
  try {
    if (index === 0 && volume.count) {
      side.held = await readRecordCount(options, volume.count);
      log(`${label}: the service holds ${side.held} records (${describeCount(volume.count)})`);
      if (side.held > step) {
        throw new SeedError(
          `the service already holds ${side.held} records, more than the first step (${step})`,
        );
      }
    }
    log(
      `${label}: step ${index + 1}/${volume.steps.length}: seeding ${side.held} -> ${step} records`,
    );
    outcome = await seedStep(options, template, {
      first: side.seeded,
      from: side.held,
      to: step,
      step: index + 1,
    });
    if (volume.count) {
      const now = await readRecordCount(options, volume.count);
      if (now < step) {
        throw new SeedError(
          `seeding reported success, but ${describeCount(volume.count)} says ${now} records`,
        );
      }
    }
  } catch (error) {
    if (!(error instanceof SeedError)) throw error;
    log(
      `${label}: seeding failed, the suite stops here (what was measured is kept): ${error.message}`,
    );
    side.output.checks.push(seedFailureCheck(step, side.held, error.message));
    return false;
  }
  side.seeded += step - side.held;
  side.held = step;
  const rate = outcome.elapsedMs > 0 ? (outcome.records * 1000) / outcome.elapsedMs : 0;
  log(
    `${label}: seeded ${outcome.records} records in ${(outcome.elapsedMs / 1000).toFixed(1)} s ` +
      `(${Math.round(rate)} records/s)`,
  );
  side.output.metrics.push(seedRateMetric(step, rate));
  return true;
}

/**
 * The service and the load generator are coldest at the first step (JIT, caches): measured cold,
 * the first step would be slow and pull every exponent below 0. So each query is warmed up once
 * more there, all of them before the first is measured, on every side (`together`: each query on
 * all sides at once, as a concurrent comparison measures them).
 */
async function warmUpFirstStep(
  sides: readonly SweepSide[],
  step: number,
  together = false,
): Promise<void> {
  const [first] = sides;
  if (!first) return;
  const { volume } = first.options;
  const warmOne = (side: SweepSide, query: VolumeQuery) =>
    // Silent: each query's own warm-up line follows right before its rounds, and one line per
    // query here would print every warm-up line twice. A warm-up that throws throws again in the
    // query's own run, which reports it.
    warmUp(atStep(query, step), { ...side.options, log: () => {} }).catch(() =>
      side.options.signal?.throwIfAborted(),
    );
  for (const query of volume.queries) {
    if (together) await Promise.all(sides.map((side) => warmOne(side, query)));
    else for (const side of sides) await warmOne(side, query);
  }
  const warmed = volume.queries.filter((query) => query.warmupMs > 0).length;
  if (warmed > 0) {
    first.options.log(
      `volume: warmed up ${warmed} quer${warmed === 1 ? 'y' : 'ies'} at ${step} records ` +
        `first${sides.length > 1 ? ' on both services' : ''}, unmeasured ` +
        '(each warms up again right before its rounds)',
    );
  }
}

/** Keeps what a query measured at a step on the side, and its latency for the growth fit. */
function addQuery(side: SweepSide, query: VolumeQuery, step: number, measured: ScenarioOutput) {
  addScenario(side.output, measured);
  const latency = measured.metrics.find((m) => m.name === GROWTH_LATENCY);
  if (latency) {
    side.growth.get(query.name)?.push({
      size: step,
      latencyMs: latency.value,
      roundsMs: latency.samples ?? [],
    });
  }
}

/** Fits each query's growth exponent over the steps the side measured. */
function addGrowth(side: SweepSide): VolumeSuiteOutput {
  for (const query of side.options.volume.queries) {
    const metric = growthMetric(VOLUME_SUITE, query.name, side.growth.get(query.name) ?? []);
    if (!metric) continue;
    side.output.metrics.push(metric);
    side.options.log(
      `${side.label}: ${query.name}: latency ~ size^${formatValue(metric.value, 'exponent')} ` +
        `(${classifyGrowth(metric.value)})`,
    );
  }
  return side.output;
}

/** Seeds to every step, measures every query there, then fits each query's growth. */
export async function runVolumeSuite(options: VolumeSuiteOptions): Promise<VolumeSuiteOutput> {
  const { volume } = options;
  const template = seedTemplate(volume);
  const side = sweepSide(options, VOLUME_SUITE);
  for (const [index, step] of volume.steps.entries()) {
    if (!(await seedSide(side, template, index, step))) break;
    if (index === 0) await warmUpFirstStep([side], step);
    for (const query of volume.queries) {
      addQuery(side, query, step, await runScenario(atStep(query, step), options, VOLUME_SUITE));
    }
  }
  return addGrowth(side);
}

/**
 * The sweep on both services of a same-job comparison: at each step both are seeded (each from
 * its own count, the same records `{{i}}` on both), then each query is measured pair by pair
 * (runScenarioPaired, the orders `pairing.orderOf('<query>@<step>')`), and each side's growth is
 * fitted at the end. A seeding failure on either side stops the sweep for both, with a failed
 * check on the side that failed; what was measured before is kept.
 */
export async function runVolumePaired(
  options: PairedVolumeOptions,
  pairing: Pairing,
): Promise<{ head: VolumeSuiteOutput; base: VolumeSuiteOutput }> {
  const { volume } = options.head;
  const template = seedTemplate(volume);
  const head = sweepSide(options.head, `${VOLUME_SUITE} (head)`);
  const base = sweepSide(options.base, `${VOLUME_SUITE} (base)`);
  for (const [index, step] of volume.steps.entries()) {
    if (!(await seedSide(head, template, index, step))) break;
    if (!(await seedSide(base, template, index, step))) break;
    if (index === 0) await warmUpFirstStep([head, base], step, pairing.mode === 'concurrent');
    for (const query of volume.queries) {
      const scenario = atStep(query, step);
      const run = { mode: pairing.mode, orders: pairing.orderOf(scenario.name) };
      const measured = await runScenarioPaired(scenario, options, run, VOLUME_SUITE);
      addQuery(head, query, step, measured.head);
      addQuery(base, query, step, measured.base);
    }
  }
  return { head: addGrowth(head), base: addGrowth(base) };
}

function describeCount(count: RecordCount): string {
  return `${count.request.method} ${count.request.path} -> ${count.value}`;
}

/** The service's own record count. @throws SeedError when it cannot be read. */
async function readRecordCount(options: VolumeSuiteOptions, count: RecordCount): Promise<number> {
  const request = toHttpRequest(count.request, options.authHeaders);
  const what = `record count ${describeCount(count)}`;
  let status: number;
  let text: string;
  try {
    const answer = await sendRequest(joinUrl(options.baseUrl, request.path), {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      timeoutMs: COUNT_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    status = answer.status;
    text = answer.text;
  } catch (error) {
    options.signal?.throwIfAborted();
    throw new SeedError(`${what} failed: ${describeHttpError(error, COUNT_TIMEOUT_MS)}`);
  }
  const quoted = oneLine(text).slice(0, MAX_QUOTED);
  if (!isOkStatus(status)) throw new SeedError(`${what} answered ${status}: ${quoted}`);
  let value: unknown;
  try {
    value = readJsonPath(JSON.parse(text), count.value);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new SeedError(`${what}: no count of records at ${count.value} in ${quoted}`);
  }
  return value;
}

function seedStep(
  options: VolumeSuiteOptions,
  template: SeedRequestTemplate | undefined,
  at: { first: number; from: number; to: number; step: number },
): Promise<SeedOutcome> {
  const { seed } = options.volume;
  if (seed.kind === 'command') {
    return runSeedCommand({
      command: seed.command,
      timeoutMs: seed.timeoutMs,
      from: at.from,
      to: at.to,
      step: at.step,
      targetUrl: options.baseUrl,
      env: options.env,
      log: options.log,
    });
  }
  return seedThroughApi({
    baseUrl: options.baseUrl,
    seed: seed as RequestSeed,
    template: template as SeedRequestTemplate,
    authHeaders: options.authHeaders,
    first: at.first,
    count: at.to - at.from,
    log: options.log,
    ...(options.progressEveryMs !== undefined ? { progressEveryMs: options.progressEveryMs } : {}),
  });
}

/** The query as the load scenario it runs at a step. */
function atStep(query: VolumeQuery, step: number): VolumeQuery {
  return { ...query, name: stepScenario(query.name, step) };
}

/** The seeding throughput of a step: records per second, higher is better. */
export function seedRateMetric(step: number, recordsPerSecond: number): Metric {
  const scenario = stepScenario(SEED_SCENARIO, step);
  return makeMetric(
    { suite: VOLUME_SUITE, scenario },
    SEED_RATE_METRIC,
    Math.round(recordsPerSecond * 10) / 10,
  );
}

/**
 * The failed check a seeding failure becomes: it fails the run (no seeded data, no trustworthy
 * measurement) and its message, shown in the verdict line, names the request and the answer.
 */
export function seedFailureCheck(step: number, held: number, message: string): Check {
  return {
    kind: 'seeding',
    metric: `${VOLUME_SUITE}/${stepScenario(SEED_SCENARIO, step)}/${SEED_FAILED_CHECK}`,
    status: 'fail',
    value: 1,
    unit: 'count',
    fail: 0,
    source: 'volume seed',
    message: `seeding ${held} -> ${step} records failed: ${message}`,
  };
}
