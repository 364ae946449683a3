// A scenario measured beside the base (the same-job comparison): pair by pair, one round on the
// head (the PR's service) and one on the base, either one after the other in each pair's order
// (interleaved) or both at once (concurrent). Pair i's rounds land at index i of both sides'
// samples; a pair one side could not complete is the scenario's last. Each side's output is
// built as runScenario builds it (the same keys and checks), from the same steps.

import type { LoadScenario } from '../../config/scenario-schema.ts';
import { describeError } from '../../errors.ts';
import type { RoundRun } from '../../results/types.ts';
import type { PairedOutput, Pairing, PairOrder } from '../suite.ts';
import {
  addScenario,
  finishScenario,
  formatP95,
  LOAD_SUITE,
  type MeasuredRound,
  measureRound,
  resourcesSince,
  type ScenarioOutput,
  type ScenarioRunOptions,
  type SuiteOutput,
  warmUp,
} from './scenario-runner.ts';

export type PairSide = 'head' | 'base';

/** The two services' run options: each its own URL, auth headers and monitor. */
export interface PairedRunOptions {
  head: ScenarioRunOptions;
  base: ScenarioRunOptions;
}

/** How a scenario's pairs run: the mode and each pair's order (their count is the pairs'). */
export interface PairedRun {
  mode: Pairing['mode'];
  orders: readonly PairOrder[];
}

export interface PairedScenarioOutput {
  head: ScenarioOutput;
  base: ScenarioOutput;
}

/** One side of the pairs as they run. */
interface SideState {
  side: PairSide;
  /** The side's options, its own lines marked with the side (`head: list: warm-up ...`). */
  options: ScenarioRunOptions;
  rounds: RoundRun[];
  figures: Record<string, number>[];
  warmed: boolean;
  /** When the side's first measured round began. */
  measuredFrom?: number;
  failure?: { error: unknown };
}

const SIDES: readonly PairSide[] = ['head', 'base'];

function sideState(side: PairSide, options: ScenarioRunOptions): SideState {
  return {
    side,
    options: { ...options, log: (line) => options.log(`${side}: ${line}`) },
    rounds: [],
    figures: [],
    warmed: false,
  };
}

/** The sides of a pair in the order they run. */
function sidesInOrder(order: PairOrder): readonly PairSide[] {
  return order === 'head-first' ? ['head', 'base'] : ['base', 'head'];
}

/**
 * The side's next round, after its warm-up when it has not warmed up yet; undefined when it threw
 * (the failure is kept on the side, as runScenario keeps it). Throws only on abort.
 */
async function nextRound(
  scenario: LoadScenario,
  state: SideState,
): Promise<MeasuredRound | undefined> {
  try {
    if (!state.warmed) {
      await warmUp(scenario, state.options);
      state.warmed = true;
    }
    state.measuredFrom ??= performance.now();
    return await measureRound(scenario, state.options);
  } catch (error) {
    state.options.signal?.throwIfAborted();
    state.failure = { error };
    state.options.log(`${scenario.name}: could not run: ${describeError(error)}`);
    return undefined;
  }
}

/**
 * Runs one scenario on both services, `run.orders.length` pairs (they replace its `rounds`).
 * Warm-ups: interleaved, each side warms up right before its own first measured round, so that
 * in pair 0 both sides are measured straight after their own warm-up (had both warmed up first,
 * the side measured second would have had the other's warm-up and round in between, colder than
 * the first); concurrent, both warm up together, as they are then measured together.
 * A round that hits its cap or gets no answer, on either side, skips the remaining pairs; a side
 * that throws ends both (its failed check on it), keeping the pairs measured before. Never throws
 * but on abort.
 */
export async function runScenarioPaired(
  scenario: LoadScenario,
  options: PairedRunOptions,
  run: PairedRun,
  suite: string = LOAD_SUITE,
): Promise<PairedScenarioOutput> {
  const states = { head: sideState('head', options.head), base: sideState('base', options.base) };
  const pairs = run.orders.length;
  for (const [index, order] of run.orders.entries()) {
    const measured: Partial<Record<PairSide, MeasuredRound>> = {};
    if (run.mode === 'concurrent') {
      const [head, base] = await Promise.all(
        SIDES.map((side) => nextRound(scenario, states[side])),
      );
      if (head) measured.head = head;
      if (base) measured.base = base;
    } else {
      for (const side of sidesInOrder(order)) {
        const round = await nextRound(scenario, states[side]);
        if (!round) break;
        measured[side] = round;
      }
    }
    // Every round measured is kept, so that each request sent is counted once. A pair one side
    // could not complete ends the scenario and is always the last: the other side's lone round
    // is the last of its samples, and the pairs before stay aligned (the paired test zips them).
    for (const side of SIDES) {
      const round = measured[side];
      if (!round) continue;
      states[side].rounds.push(round.round);
      states[side].figures.push(round.figures);
    }
    const { head, base } = measured;
    if (!head || !base) break;
    const how =
      run.mode === 'concurrent' ? 'together' : order === 'head-first' ? 'head first' : 'base first';
    options.head.log(
      `${scenario.name}: pair ${index + 1}/${pairs} (${how}): ` +
        `head p95 ${formatP95(head.figures)}, base p95 ${formatP95(base.figures)}`,
    );
    const ends = SIDES.flatMap((side) => {
      const because = (side === 'head' ? head : base).endsScenario;
      return because === undefined ? [] : [`${side}: ${because}`];
    });
    if (ends.length > 0 && index < pairs - 1) {
      options.head.log(`${scenario.name}: the remaining pairs are skipped (${ends.join('; ')})`);
      break;
    }
  }
  const finish = async (state: SideState): Promise<ScenarioOutput> => {
    // Resources: each side's monitor over its whole paired span, from its first measured round
    // to the end of the last pair. Interleaved, that span holds the other side's rounds too, when
    // this side idles: its CPU mean is lower than under load alone (memory and CPU max are not),
    // the same on both sides. Summing only a side's own rounds would need readings at each
    // round's edges, which a monitor sampling every few hundred ms does not have.
    const resources =
      state.rounds.length > 0 && state.measuredFrom !== undefined
        ? await resourcesSince(state.options.monitor, state.measuredFrom)
        : undefined;
    return finishScenario(scenario, suite, state.rounds, state.figures, state.failure, resources);
  };
  const [head, base] = await Promise.all([finish(states.head), finish(states.base)]);
  return { head, base };
}

/** Runs every scenario on both services, pair by pair, in order (the load suite's runPaired). */
export async function runScenariosPaired(
  scenarios: readonly LoadScenario[],
  options: PairedRunOptions,
  pairing: Pairing,
  suite: string = LOAD_SUITE,
): Promise<PairedOutput<never>> {
  const output: Record<PairSide, SuiteOutput> = {
    head: { scenarios: [], metrics: [], checks: [] },
    base: { scenarios: [], metrics: [], checks: [] },
  };
  for (const scenario of scenarios) {
    const run = { mode: pairing.mode, orders: pairing.orderOf(scenario.name) };
    const measured = await runScenarioPaired(scenario, options, run, suite);
    addScenario(output.head, measured.head);
    addScenario(output.base, measured.base);
  }
  return output;
}
