// A failing regression is confirmed by a second run of its scenario before it fails the run.
// A burst of load from elsewhere on a shared runner rarely lasts into the next run; a service
// that really got slower is slower again.
import type { Check } from '../results/types.ts';

/** The scenarios (`<suite>/<scenario>`) of the regression checks that failed. */
export function scenariosToConfirm(checks: Check[]): string[] {
  const keys = checks
    .filter((c) => c.kind === 'regression' && c.status === 'fail')
    .map((c) => c.metric.slice(0, c.metric.lastIndexOf('/')));
  return [...new Set(keys)];
}

/**
 * The first run's checks, each failing regression kept as a fail only when the second run's check
 * of the same metric failed too; otherwise it becomes a warning that says so. Other checks are
 * unchanged. A metric the second run did not measure keeps its first verdict.
 */
export function applyConfirmation(first: Check[], second: Check[]): Check[] {
  const again = new Map(second.map((c) => [c.metric, c]));
  return first.map((check) => {
    if (check.kind !== 'regression' || check.status !== 'fail') return check;
    const repeat = again.get(check.metric);
    if (!repeat) return check;
    if (repeat.kind === 'regression' && repeat.status === 'fail') {
      return { ...check, message: `${check.message}; confirmed by a second run` };
    }
    return {
      ...check,
      status: 'warn',
      message: `${check.message}; not confirmed by a second run (${repeat.message})`,
    };
  });
}
