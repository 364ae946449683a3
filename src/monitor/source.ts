// What the sampling loop drives: one watched thing that appends to its own series.
import type { ResourceSeries } from './types.ts';

/** One watched source (a process tree, a container). */
export interface Source {
  readonly series: ResourceSeries;
  /** Takes one reading and appends a sample when it can; never throws (problems go to warn). */
  sample(): Promise<void>;
}

/** Bytes to MB (MiB). */
export function toMB(bytes: number): number {
  return bytes / (1024 * 1024);
}

/** A warn() that passes each distinct line on once, so a failure repeated every tick is said once. */
export function warnOnce(warn: (line: string) => void): (line: string) => void {
  const said = new Set<string>();
  return (line) => {
    if (said.has(line)) return;
    said.add(line);
    warn(line);
  };
}
