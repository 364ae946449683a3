// The volume suite's report section: per query, latency at each step and the fitted growth.
import { formatValue } from '../../core/format.ts';
import type { Align, Cell, Section } from '../../core/report-section.ts';
import { verdictOf } from '../../core/worst-status.ts';
import type { CoreRunResult } from '../../results/types.ts';
import { SEED_SCENARIO } from './config.ts';
import { classifyGrowth, describeGrowthClasses, GROWTH_METRIC, splitVolumeStep } from './growth.ts';

const VOLUME = 'volume';
const SEED = SEED_SCENARIO;

/**
 * The volume suite's table: per query, p50 / p95 at each step, the fitted growth exponent, its
 * class and the worst of the query's checks; a last row with the seeding throughput per step.
 */
export function volumeSection(result: CoreRunResult): Section | undefined {
  const inVolume = (key: string) => key.startsWith(`${VOLUME}/`);
  const metrics = result.metrics.filter((m) => m.suite === VOLUME);
  // Every check of the seeding steps decides the seeding row; the seeding checks also say why.
  const seedChecks = result.checks.filter(
    (c) => inVolume(c.metric) && c.metric.includes(`/${SEED}@`),
  );
  const failed = seedChecks.filter((c) => c.kind === 'seeding' && c.status !== 'pass');
  if (metrics.length === 0 && seedChecks.length === 0) return undefined;
  const steps = new Set<number>();
  const queries: string[] = [];
  for (const m of metrics) {
    const split = splitVolumeStep(m.scenario);
    if (split) steps.add(split.step);
    const query = split?.query ?? m.scenario;
    if (query !== SEED && !queries.includes(query)) queries.push(query);
  }
  for (const c of seedChecks) {
    const split = splitVolumeStep(c.metric.split('/')[1] ?? '');
    if (split) steps.add(split.step);
  }
  const ordered = [...steps].sort((a, b) => a - b);
  const value = (scenario: string, name: string) =>
    metrics.find((m) => m.scenario === scenario && m.name === name);
  const latencyCell = (query: string, step: number): string => {
    const p50 = value(`${query}@${step}`, 'latency.p50');
    const p95 = value(`${query}@${step}`, 'latency.p95');
    if (!p50 || !p95) return '–';
    const [low, high] = [formatValue(p50.value, 'ms'), formatValue(p95.value, 'ms')];
    return low.endsWith(' ms') && high.endsWith(' ms')
      ? `${low.slice(0, -3)} / ${high}`
      : `${low} / ${high}`;
  };
  const rows = queries.map((query): Cell[] => {
    const growth = value(query, GROWTH_METRIC);
    const checks = result.checks.filter(
      (c) =>
        c.metric.startsWith(`${VOLUME}/${query}@`) || c.metric.startsWith(`${VOLUME}/${query}/`),
    );
    return [
      query,
      ...ordered.map((step) => latencyCell(query, step)),
      growth ? formatValue(growth.value, 'exponent') : '–',
      growth ? classifyGrowth(growth.value) : '–',
      checks.length === 0 ? '–' : { status: verdictOf(checks) },
    ];
  });
  const seedRates = ordered.map((step) => {
    const rate = value(`${SEED}@${step}`, 'seed.rate');
    return rate ? formatValue(rate.value, 'records/s') : '–';
  });
  rows.push([
    'seeding',
    ...seedRates,
    '–',
    '–',
    seedChecks.length === 0 ? '–' : { status: verdictOf(seedChecks) },
  ]);
  const notes = [
    'Latency p50 / p95 of each query with the data seeded to each step (records); b is the ' +
      'exponent of latency ~ size^b fitted on the p50s (doubling the data multiplies the latency ' +
      `by 2^b): ${describeGrowthClasses()}.`,
    ...failed.map((c) => `Seeding failed, later steps were not measured: ${c.message}.`),
  ];
  return {
    heading: 'Volume',
    note: notes.join(' '),
    table: {
      header: ['Query', ...ordered.map((s) => s.toLocaleString('en-US')), 'b', 'Growth', 'Status'],
      align: ['l', ...ordered.map((): Align => 'r'), 'r', 'l', 'l'],
      rows,
    },
  };
}
