// The sentence that says what a CPU column means, shared by the scenario and stress tables.
import type { Environment } from '../../results/types.ts';

/** What the CPU column means: percent of one core, and how many cores the machine has. */
export function cpuUnitNote(environment: Pick<Environment, 'cores'>): string {
  return `CPU is percent of one core (this machine has ${environment.cores}, so ${environment.cores * 100} % is all of it).`;
}
