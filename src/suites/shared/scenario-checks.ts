// The checks a scenario decides about itself, beyond its budgets: it could not run, it measured
// too few answers to be judged, or a round hit its wall-clock cap. Each fails the run, with one
// line that says what happened. Pure: plain data in, plain data out.
import { describeError } from '../../errors.ts';
import type { Check, RoundRun } from '../../results/types.ts';

/**
 * Fewest answered requests (any HTTP status) over a scenario's measured rounds for its figures to
 * mean anything: below it, a p95 is one of a handful of values and a scenario could pass on a
 * single lucky request.
 */
export const MIN_ANSWERED_REQUESTS = 20;

/** The check name (key `<suite>/<scenario>/run`) of a scenario that could not run to its end. */
export const RUN_CHECK = 'run';

/** The check name (key `<suite>/<scenario>/requests`) of a scenario that measured too few answers. */
export const REQUESTS_CHECK = 'requests';

/** The check name (key `<suite>/<scenario>/cap`) of a scenario whose round hit its wall-clock cap. */
export const CAP_CHECK = 'cap';

function failed(suite: string, scenario: string, name: string, value: number, message: string) {
  return {
    kind: 'validity',
    metric: `${suite}/${scenario}/${name}`,
    status: 'fail',
    value,
    unit: 'count',
    source: 'run',
    message,
  } satisfies Check;
}

/**
 * A scenario (or a whole suite) that threw before its end: the engine refused a value, a bug.
 * What it measured before is kept; `kept` says what that is, e.g. `2 rounds measured before are
 * kept`.
 */
export function couldNotRunCheck(
  suite: string,
  scenario: string,
  error: unknown,
  kept: string,
): Check {
  const why = describeError(error).replace(/\s+/g, ' ').trim();
  return failed(suite, scenario, RUN_CHECK, 1, `could not run: ${why} (${kept})`);
}

/** What a scenario that threw keeps, for {@link couldNotRunCheck}. */
export function describeKept(roundsMeasured: number): string {
  if (roundsMeasured === 0) return 'nothing measured';
  return `${roundsMeasured} measured round${roundsMeasured === 1 ? '' : 's'} kept`;
}

/** A failed check when fewer than MIN_ANSWERED_REQUESTS were answered over `rounds`. */
export function tooFewAnswersCheck(
  suite: string,
  scenario: string,
  rounds: readonly RoundRun[],
): Check | undefined {
  const answered = rounds.reduce((n, r) => n + r.totals.completed, 0);
  if (answered >= MIN_ANSWERED_REQUESTS) return undefined;
  return failed(
    suite,
    scenario,
    REQUESTS_CHECK,
    answered,
    `requests: ${answered} answered over ${rounds.length} measured round${rounds.length === 1 ? '' : 's'}, ` +
      `fewer than the ${MIN_ANSWERED_REQUESTS} needed to judge a scenario (lengthen duration or raise requests)`,
  );
}

/** A failed check naming the rounds that hit their wall-clock cap before sending every request. */
export function capCheck(
  suite: string,
  scenario: string,
  rounds: readonly RoundRun[],
): Check | undefined {
  const capped = rounds
    .map((round, index) => ({ round, number: index + 1 }))
    .filter(({ round }) => round.cappedAtMs !== undefined);
  if (capped.length === 0) return undefined;
  const dropped = capped.reduce((n, { round }) => n + round.totals.dropped, 0);
  const first = capped[0]?.round;
  const capS = Number(((first?.cappedAtMs ?? 0) / 1000).toFixed(1));
  const which = capped.map(({ number }) => number).join(', ');
  return failed(
    suite,
    scenario,
    CAP_CHECK,
    capped.length,
    `cap: round${capped.length === 1 ? '' : 's'} ${which} hit the ${capS} s wall-clock cap with ` +
      `${dropped} request${dropped === 1 ? '' : 's'} not sent (counted as dropped)`,
  );
}
