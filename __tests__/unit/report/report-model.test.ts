// Each kind of check in its own place in the report: budgets in the Budgets tables only, validity
// problems in their own section first, stability with the stress suite, seeding with the volume
// suite; the counts and the headline name them by what they are. Plain data, built by hand.
import { describe, expect, it } from 'vitest';
import type { Cell, Section } from '../../../src/core/report-section.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import { buildReportModel, VALIDITY_HEADING } from '../../../src/report/report-model.ts';
import type { Check } from '../../../src/results/types.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import { runResultSchema } from '../../../src/suites/registry.ts';
import type { StressRun } from '../../../src/suites/stress/results.ts';
import { baselineOf, comparison } from '../../helpers/compared-result.ts';
import { COULD_NOT_RUN, SATURATED, SEEDING } from '../../helpers/sample-checks.ts';
import { requestTotals, sampleResult } from '../../helpers/sample-result.ts';

const BROKE: Check = {
  kind: 'stability',
  metric: 'stress/mix/capacity.level',
  status: 'fail',
  value: 20,
  unit: 'rps',
  source: 'stability',
  message: 'capacity.level stable up to 20 req/s; broke at 40 req/s (p95 2.50 s >= 2.00 s)',
};

const RECOVERED: Check = {
  kind: 'stability',
  metric: 'stress/mix/recovery.s',
  status: 'pass',
  value: 1,
  unit: 's',
  source: 'stability',
  message: 'recovery.s 1.0 s: p95 back within 9.600 ms after the peak',
};

/** A stress run of one stage that held and one that broke, recovered in the cool-down. */
function stressRun(): StressRun {
  const figures = { requests: 40, achievedRps: 20, p50Ms: 4, p95Ms: 8, p99Ms: 12, errorRate: 0 };
  const row = (level: number, status: 'held' | 'broke') => ({
    ...figures,
    kind: 'stage' as const,
    level,
    startMs: 0,
    durationMs: 2000,
    status,
    generatorCpuPercent: 15,
    totals: requestTotals(40),
    byKind: { list: figures },
  });
  return {
    name: 'mix',
    model: 'open',
    mix: [{ name: 'list', weight: 1, method: 'GET', path: '/api/projects' }],
    limits: { errorRate: 0.05, p95Ms: 2000 },
    untilBreak: false,
    phases: [row(20, 'held'), row(40, 'broke')],
    capacity: { level: 20, rps: 20, brokeAt: { level: 40, reason: 'p95 2.50 s >= 2.00 s' } },
    seconds: [],
    totals: requestTotals(80),
  };
}

/** The sample result (two budgets over, one met) with a regression and one check of every other kind. */
function everyKind(): RunResult {
  const result = sampleResult();
  result.baseline = baselineOf(12);
  result.stress = [stressRun()];
  result.metrics.push({
    key: 'volume/seed@200/seed.rate',
    suite: 'volume',
    scenario: 'seed@200',
    name: 'seed.rate',
    unit: 'records/s',
    better: 'higher',
    value: 5000,
  });
  result.checks.push(
    comparison('load/projects-list/latency.p99', 'ms', 17.48, 40.2, 'fail'),
    comparison('stress/mix/capacity.rps', 'rps', 40, 20, 'fail'),
    SATURATED,
    COULD_NOT_RUN,
    BROKE,
    RECOVERED,
    SEEDING,
  );
  result.verdict = 'fail';
  return result;
}

function section(sections: Section[], heading: string): Section {
  const found = sections.find((s) => s.heading === heading);
  if (!found) throw new Error(`no section '${heading}' in ${sections.map((s) => s.heading)}`);
  return found;
}

/** The metric keys a table of checks shows (its first three cells). */
function keysOf(s: Section): string[] {
  return (s.table?.rows ?? []).map((row: Cell[]) => {
    const [suite, scenario, name] = row.map((c) =>
      typeof c === 'string' ? c : 'code' in c ? c.code : '',
    );
    return `${suite}/${scenario}/${name}`;
  });
}

describe('buildReportModel: each kind of check in its own place', () => {
  const model = buildReportModel(everyKind());

  it('lists validity problems first, in a section of their own, with what happened', () => {
    const [first] = model.sections;
    expect(first?.heading).toBe(VALIDITY_HEADING);
    expect(first?.note).toBe(
      'These figures cannot be trusted or were not measured, whatever their budgets and comparisons say.',
    );
    expect(first?.table?.header).toEqual(['Suite', 'Scenario', 'Check', 'Status', 'What happened']);
    expect(first?.table?.rows).toEqual([
      ['video', 'suite', { code: 'run' }, { status: 'fail' }, COULD_NOT_RUN.message],
      ['load', 'projects-list', { code: 'generator.cpu' }, { status: 'warn' }, SATURATED.message],
    ]);
  });

  it('keeps budgets alone in the Budgets tables', () => {
    const budgets = section(model.sections, 'Budgets');
    expect(budgets.note).toBe('2 of 3 budgets warned or failed.');
    expect(keysOf(budgets)).toEqual(['load/sessions-rate/p95', 'load/sessions-rate/errors.rate']);
    expect(keysOf(section(model.sections, 'All budgets (3)'))).toEqual([
      'load/sessions-rate/p95',
      'load/sessions-rate/errors.rate',
      'load/projects-list/p95',
    ]);
  });

  it('keeps regressions alone in the Regressions table', () => {
    expect(keysOf(section(model.sections, 'Regressions'))).toEqual([
      'load/projects-list/p99',
      'stress/mix/capacity.rps',
    ]);
  });

  it('judges the stress run by its stability checks, saying what failed, in its section', () => {
    const note = section(model.sections, 'Stress: mix').note ?? '';
    // The capacity.rps regression is in the Regressions table; stability is its own judgement.
    expect(note).toContain('Stability (errors < 5.00 %, p95 < 2.00 s): unstable.');
    expect(note).toContain(`Failed: ${BROKE.message}.`);
    expect(note).not.toContain(RECOVERED.message);
  });

  it('says a seeding failure with the volume suite', () => {
    const volume = section(model.sections, 'Volume');
    expect(volume.note).toContain(
      `Seeding failed, later steps were not measured: ${SEEDING.message}.`,
    );
    expect(volume.table?.rows.at(-1)?.at(-1)).toEqual({ status: 'fail' });
  });

  it('names every kind by what it is in the counts and the headline', () => {
    expect(model.counts).toBe(
      '2 regressions · 2 budgets over · 0 improvements · 0 unchanged · 1 suite could not run · ' +
        'generator saturated in 1 scenario · 1 stress run broke · seeding failed at 1 step',
    );
    // The worst case's label stays; the parts that do not fit give way to `…`.
    expect(model.headline).toBe(
      '❌ 2 regressions (worst: project… p99 +130.0 %) · 2 budgets over · 1 suite could not run · … · vs 12 runs of main@abc1234',
    );
  });

  it('leads with what went wrong when no regression or budget did', () => {
    const result = everyKind();
    result.checks = [SATURATED, RECOVERED];
    result.verdict = 'warn';
    expect(buildReportModel(result).headline).toBe(
      '⚠️ generator saturated in 1 scenario (worst: projects-l… generator.cpu 97.0 % > 90.0 %) · … · vs 12 runs of main@abc1234',
    );
  });

  it('shows a stress run that held as stable, whatever its regressions', () => {
    const result = everyKind();
    result.checks = result.checks.filter((c) => c !== BROKE && c.kind !== 'validity');
    const note = section(buildReportModel(result).sections, 'Stress: mix').note ?? '';
    expect(note).toContain('Stability (errors < 5.00 %, p95 < 2.00 s): stable.');
    expect(note).not.toContain('Failed:');
  });

  it('has no validity section when every measurement could be trusted', () => {
    const headings = buildReportModel(sampleResult()).sections.map((s) => s.heading);
    expect(headings).not.toContain(VALIDITY_HEADING);
  });

  it('keeps the validity section open in the PR comment', () => {
    const markdown = renderMarkdown(everyKind(), { compact: true });
    expect(markdown).toContain(`### ${VALIDITY_HEADING}`);
    expect(markdown.indexOf(`### ${VALIDITY_HEADING}`)).toBeLessThan(
      markdown.indexOf('### Regressions'),
    );
  });
});

describe('buildReportModel of results written before these kinds', () => {
  it('places their budget-filed validity, stability and seeding checks as it does today', () => {
    const today = everyKind();
    const before = JSON.parse(JSON.stringify(today)) as RunResult;
    for (const check of before.checks) {
      if (check.kind !== 'regression' && check.kind !== 'improvement') check.kind = 'budget';
    }
    const read = runResultSchema.parse(before);
    expect(read.checks.map((c) => c.kind)).toEqual(today.checks.map((c) => c.kind));
    expect(buildReportModel(read)).toEqual(buildReportModel(today));
  });
});
