// Pure helpers of the verdict bench (bench/verdict.ts): how a run's regression checks read, the
// delay that fakes a ~15 % slowdown, the machine's CPU shares, and plain-text tables. No I/O here: the bench passes data in.
import type { Check, Status } from '../src/results/types.ts';

/** Which part of the bench a run belongs to. */
export type RunKind = 'history' | 'A/A' | 'A/B';

/** How a run's regression checks read: the worst status, and the metrics at each level. */
export interface RegressionOutcome {
  status: Status;
  /** Metric keys whose regression check failed. */
  failed: string[];
  /** Metric keys whose regression check warned. */
  warned: string[];
}

/** Summarises the `regression` checks among `checks` by key (budgets and improvements are ignored). */
export function summariseRegressions(checks: readonly Check[]): RegressionOutcome {
  const failed: string[] = [];
  const warned: string[] = [];
  for (const check of checks) {
    if (check.kind !== 'regression') continue;
    const name = check.metric;
    if (check.status === 'fail') failed.push(name);
    else if (check.status === 'warn') warned.push(name);
  }
  const status: Status = failed.length > 0 ? 'fail' : warned.length > 0 ? 'warn' : 'pass';
  return { status, failed, warned };
}

/**
 * The extra whole milliseconds of delay that add about `change` (a fraction) to a p95 of `p95Ms`:
 * at least 1 ms, since the sample service's delay is a whole-millisecond timer.
 */
export function deriveDelayMs(p95Ms: number, change: number): number {
  if (!(p95Ms > 0) || !(change > 0)) {
    throw new RangeError(`need a p95 > 0 ms and a change > 0, got ${p95Ms} ms and ${change}`);
  }
  return Math.max(1, Math.round(p95Ms * change));
}

/** Cumulative CPU times of the whole machine, in clock ticks (the `cpu` line of /proc/stat). */
export interface CpuTimes {
  /** All time: user, nice, system, idle, iowait, irq, softirq, steal. */
  total: number;
  /** idle + iowait. */
  idle: number;
  /** Time the hypervisor gave to other guests while this one wanted to run. */
  steal: number;
}

/** The machine's CPU times from the text of /proc/stat; undefined when it has no `cpu` line. */
export function parseCpuTimes(procStat: string): CpuTimes | undefined {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  if (!Number.isFinite(total)) return undefined;
  return { total, idle: idle + iowait, steal };
}

/**
 * How the machine's CPUs were used between two readings, as fractions of all cores' time: `busy`
 * (running anything in this machine, the bench included) and `steal` (taken by the hypervisor).
 */
export function cpuShares(
  before: CpuTimes,
  after: CpuTimes,
): { busy: number; steal: number } | undefined {
  const total = after.total - before.total;
  if (!(total > 0)) return undefined;
  const steal = (after.steal - before.steal) / total;
  return { busy: 1 - (after.idle - before.idle) / total - steal, steal };
}

/** `k/n` with the share in percent, e.g. `0/10 (0 %)`. */
export function formatRate(count: number, total: number): string {
  if (total === 0) return '0/0';
  return `${count}/${total} (${Math.round((count / total) * 100)} %)`;
}

/** A signed percent with one decimal, e.g. `+12.3 %`; `-` for undefined. */
export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '-';
  const pct = ratio * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

/**
 * A plain-text table: columns padded to their widest cell, numbers-looking cells right-aligned,
 * a dashed line under the header.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const isNumeric = (cell: string) => /^[+-]?[\d.]+( %| ms)?$/.test(cell);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? cell.length;
        return isNumeric(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
