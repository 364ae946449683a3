// Which checks compare with the baseline history, and which judge the run on its own. Pure.
import type { Check } from './types.ts';

/**
 * Whether a check compares a metric with the baseline history (a regression or an improvement);
 * the other kinds (budget, validity, stability, seeding) judge this run on its own.
 */
export function isComparison(check: Pick<Check, 'kind'>): boolean {
  return check.kind === 'regression' || check.kind === 'improvement';
}
