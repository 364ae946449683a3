// The suites run against the head and the base service in pairs (the same-job comparison). A
// suite that knows how to pair its own units finely (load and volume: round by round) does it in
// its runPaired; for the others each pair is one whole run of a unit on each side, one after the
// other in the pair's order, or both at once in concurrent mode.
import { type PairOrder, pairOrders } from '../core/pair-order.ts';
import { describeError } from '../errors.ts';
import type { Metric } from '../results/types.ts';
import { configOf, type PerfConfig } from '../suites/registry.ts';
import { couldNotRunCheck } from '../suites/shared/scenario-checks.ts';
import type {
  AnySuite,
  PairedContexts,
  PairedOutput,
  Pairing,
  SuiteContext,
  SuiteOutput,
} from '../suites/suite.ts';
import { pairsOf, type ResolvedBase } from './base-target.ts';
import { addOutput, emptyRuns, type SuiteRuns } from './suite-runs.ts';

/** Both sides' runs and how their pairs ran, for results.json's `sameJob`. */
export interface PairedRuns {
  head: SuiteRuns;
  base: SuiteRuns;
  /** Pairs per suite. */
  pairs: Record<string, number>;
  /** Each unit's pair orders, by `<suite>/<unit>`. */
  orders: Record<string, PairOrder[]>;
}

/**
 * Runs each suite's units on both services, pair by pair. A suite that throws ends there, as in
 * a single-service run: a failed `<suite>/suite/run` check on the head's side names the error.
 */
export async function runSuitesPaired(
  suites: readonly AnySuite[],
  config: PerfConfig,
  contexts: PairedContexts,
  base: ResolvedBase & { seed: number },
): Promise<PairedRuns> {
  const runs: PairedRuns = { head: emptyRuns(), base: emptyRuns(), pairs: {}, orders: {} };
  const { log } = contexts.head;
  for (const suite of suites) {
    const section = configOf(suite, config);
    const pairs = pairsOf(base, suite);
    runs.pairs[suite.name] = pairs;
    const pairing: Pairing = {
      mode: base.mode,
      pairs,
      orderOf: (unit) => {
        const key = `${suite.name}/${unit}`;
        runs.orders[key] ??= pairOrders(base.seed, key, pairs);
        return runs.orders[key];
      },
    };
    const announce = suite.announce ?? suite.describe;
    log(
      `${suite.name} suite: ${announce(section)}, ${pairs} ${pairs === 1 ? 'pair' : 'pairs'} ` +
        `${base.mode} against ${contexts.head.target.url} (head) and ${contexts.base.target.url} (base)`,
    );
    try {
      const units = suite.plan(section);
      const out = suite.runPaired
        ? await suite.runPaired(contexts, section, units, pairing)
        : await alternateWholeRuns(suite, contexts, section, units, pairing);
      addOutput(runs.head, suite, out.head);
      addOutput(runs.base, suite, out.base);
    } catch (error) {
      log(`${suite.name} suite could not run to its end: ${describeError(error)}`);
      runs.head.checks.push(
        couldNotRunCheck(suite.name, 'suite', error, 'what it measured before is kept'),
      );
    }
  }
  return runs;
}

/**
 * Each unit runs whole on each side once per pair. With several pairs a side's metric is the
 * median of its runs and its samples are the runs' values in pair order (a metric only some runs
 * measured is left out: its samples could not line up with the other side's); its scenarios,
 * checks and details are every run's.
 */
async function alternateWholeRuns(
  suite: AnySuite,
  contexts: PairedContexts,
  section: unknown,
  units: readonly unknown[],
  pairing: Pairing,
): Promise<PairedOutput> {
  const sides = { head: [] as SuiteOutput[], base: [] as SuiteOutput[] };
  const labelled = {
    head: withLogPrefix(contexts.head, 'head'),
    base: withLogPrefix(contexts.base, 'base'),
  };
  for (const unit of units) {
    const name = suite.unitName(unit);
    const orders = pairing.orderOf(name);
    const perPair = { head: [] as SuiteOutput[], base: [] as SuiteOutput[] };
    for (const [index, order] of orders.entries()) {
      const run = (side: 'head' | 'base') =>
        suite.run(labelled[side], section, [unit]).then((out) => {
          perPair[side].push(out);
        });
      contexts.head.log(
        `${suite.name}/${name}: pair ${index + 1}/${orders.length} (${pairing.mode === 'concurrent' ? 'together' : order === 'head-first' ? 'head first' : 'base first'})`,
      );
      if (pairing.mode === 'concurrent') await Promise.all([run('head'), run('base')]);
      else if (order === 'head-first') await run('head').then(() => run('base'));
      else await run('base').then(() => run('head'));
    }
    sides.head.push(combinePairs(perPair.head));
    sides.base.push(combinePairs(perPair.base));
  }
  return { head: concatOutputs(sides.head), base: concatOutputs(sides.base) };
}

/** One side's runs of one unit, pair by pair, as one output (see alternateWholeRuns). */
export function combinePairs(runs: readonly SuiteOutput[]): SuiteOutput {
  const [first] = runs;
  if (runs.length <= 1 || !first) return first ?? { scenarios: [], metrics: [], checks: [] };
  const byKey = runs.map((run) => new Map(run.metrics.map((m) => [m.key, m])));
  const metrics: Metric[] = [];
  for (const metric of first.metrics) {
    const values = byKey.map((run) => run.get(metric.key)?.value);
    if (values.some((v) => v === undefined || !Number.isFinite(v))) continue;
    const samples = values as number[];
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median =
      sorted.length % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    metrics.push({ ...metric, value: median, samples });
  }
  return {
    scenarios: runs.flatMap((run) => run.scenarios),
    metrics,
    checks: runs.flatMap((run) => run.checks),
    ...detailOfAll(runs.map((run) => run.detail)),
  };
}

function concatOutputs(outputs: readonly SuiteOutput[]): SuiteOutput {
  return {
    scenarios: outputs.flatMap((out) => out.scenarios),
    metrics: outputs.flatMap((out) => out.metrics),
    checks: outputs.flatMap((out) => out.checks),
    ...detailOfAll(outputs.map((out) => out.detail)),
  };
}

/** Details that are lists (stress runs) add up; another kind of detail is the last run's. */
function detailOfAll(details: readonly unknown[]): { detail?: unknown } {
  const present = details.filter((detail) => detail !== undefined);
  if (present.length === 0) return {};
  if (present.every(Array.isArray)) return { detail: present.flat() };
  return { detail: present.at(-1) };
}

function withLogPrefix(context: SuiteContext, side: 'head' | 'base'): SuiteContext {
  return { ...context, log: (line) => context.log(`[${side}] ${line}`) };
}
