// What the numbers of a check that judges the run on its own (a budget, validity, stability or
// seeding check) say: the limit it is judged against, and whether its numbers tell the story at
// all. Pure.
import { isComparison } from '../results/check-kinds.ts';
import type { Check } from '../results/types.ts';

/**
 * The limit a check is judged against: the fail limit when it failed, else the warn limit
 * (or the fail limit when it has no warn limit). Undefined for a check without limits.
 */
export function trippedLimit(check: Check): number | undefined {
  return check.status === 'fail' ? check.fail : (check.warn ?? check.fail);
}

/**
 * Whether a check that is not a comparison is told by its message rather than by value and limit:
 * one without limits (a scenario that could not run, a stress run's capacity) or about a count (a
 * failed seeding step, `1 > 0`), where the numbers alone say nothing.
 */
export function isToldByMessage(check: Check): boolean {
  return !isComparison(check) && (trippedLimit(check) === undefined || check.unit === 'count');
}
