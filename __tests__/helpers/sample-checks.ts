// Checks of each kind the report tests place, as a run writes them: a saturated load generator
// and a suite that could not run (validity), a volume step that could not be seeded (seeding).
import type { Check } from '../../src/results/types.ts';

export const SATURATED: Check = {
  kind: 'validity',
  metric: 'load/projects-list/generator.cpu',
  status: 'warn',
  value: 97,
  unit: 'percent',
  warn: 90,
  source: 'validity',
  message: 'generator.cpu 97 % of one core: the load generator was saturated',
};

export const COULD_NOT_RUN: Check = {
  kind: 'validity',
  metric: 'video/suite/run',
  status: 'fail',
  value: 1,
  unit: 'count',
  source: 'run',
  message: 'could not run: ffmpeg exited 1 (nothing measured)',
};

export const SEEDING: Check = {
  kind: 'seeding',
  metric: 'volume/seed@400/seed.failed',
  status: 'fail',
  value: 1,
  unit: 'count',
  fail: 0,
  source: 'volume seed',
  message: 'seeding 200 -> 400 records failed: answered 500',
};
