// The run's verdict: the worst status among its checks.
import type { Status } from './metric-units.ts';

const RANK: Record<Status, number> = { pass: 0, warn: 1, fail: 2 };

/** `fail` if any check failed, else `warn` if any warned, else `pass` (also with no checks). */
export function verdictOf(checks: readonly { status: Status }[]): Status {
  let worst: Status = 'pass';
  for (const c of checks) if (RANK[c.status] > RANK[worst]) worst = c.status;
  return worst;
}
