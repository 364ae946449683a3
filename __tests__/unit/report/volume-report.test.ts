// The report's Volume section: latency by step per query, the growth exponent and class, each
// query's verdict, the seeding row, and what a seeding failure left.
import { describe, expect, it } from 'vitest';
import type { Section, Table } from '../../../src/core/report-section.ts';
import { renderHtml } from '../../../src/report/html.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import { buildReportModel } from '../../../src/report/report-model.ts';
import type { Check, Metric } from '../../../src/results/types.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import { seedFailureCheck } from '../../../src/suites/volume/run.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

function volumeMetric(scenario: string, name: string, value: number): Metric {
  const unit = name.startsWith('latency.')
    ? 'ms'
    : name === 'growth.exponent'
      ? 'exponent'
      : 'records/s';
  return {
    key: `volume/${scenario}/${name}`,
    suite: 'volume',
    scenario,
    name,
    unit,
    better: name === 'seed.rate' ? 'higher' : 'lower',
    value,
  };
}

function stepMetrics(query: string, step: number, p50: number, p95: number): Metric[] {
  return [
    volumeMetric(`${query}@${step}`, 'latency.p50', p50),
    volumeMetric(`${query}@${step}`, 'latency.p95', p95),
  ];
}

/** The sample load result plus a volume run of two queries at two steps. */
function withVolume(extraChecks: Check[] = []): RunResult {
  const result = sampleResult();
  result.metrics.push(
    volumeMetric('seed@1000', 'seed.rate', 20000),
    ...stepMetrics('page', 1000, 0.9, 1.5),
    ...stepMetrics('search', 1000, 1.2, 2.5),
    volumeMetric('seed@50000', 'seed.rate', 41000.4),
    ...stepMetrics('page', 50000, 0.92, 1.6),
    ...stepMetrics('search', 50000, 40.5, 1250),
    volumeMetric('page', 'growth.exponent', 0.0061),
    volumeMetric('search', 'growth.exponent', 0.9123),
  );
  result.checks.push(
    {
      kind: 'budget',
      metric: 'volume/search/growth.exponent',
      status: 'warn',
      value: 0.9123,
      unit: 'exponent',
      warn: 0.3,
      source: 'scenario',
      message: 'growth.exponent 0.91 > 0.30 (warn level)',
    },
    {
      kind: 'budget',
      metric: 'volume/page@50000/latency.p95',
      status: 'pass',
      value: 1.6,
      unit: 'ms',
      fail: 200,
      source: 'global',
      message: 'latency.p95 1.600 ms <= 200.00 ms',
    },
    ...extraChecks,
  );
  return result;
}

function volumeSection(result: RunResult): Section & { table: Table } {
  const section = buildReportModel(result).sections.find((s) => s.heading === 'Volume');
  if (!section?.table) throw new Error('no Volume section with a table');
  return { ...section, table: section.table };
}

describe('Volume section', () => {
  it('is absent without volume data (the load report is unchanged)', () => {
    const headings = buildReportModel(sampleResult()).sections.map((s) => s.heading);
    expect(headings).not.toContain('Volume');
  });

  it('has a column per step and a row per query with exponent, class and verdict', () => {
    const { table, note } = volumeSection(withVolume());
    expect(table.header).toEqual(['Query', '1,000', '50,000', 'b', 'Growth', 'Status']);
    expect(table.rows).toEqual([
      ['page', '0.900 / 1.500 ms', '0.920 / 1.600 ms', '0.01', 'flat', { status: 'pass' }],
      ['search', '1.200 / 2.500 ms', '40.50 ms / 1.25 s', '0.91', 'linear-ish', { status: 'warn' }],
      ['seeding', '20000 records/s', '41000 records/s', '–', '–', '–'],
    ]);
    expect(note).toContain('fitted on the p50s');
    expect(note).toContain('flat below 0.1');
  });

  it('replaces the generic scenario table of the volume suite', () => {
    const result = withVolume();
    result.scenarios.push({
      ...(result.scenarios[0] as RunResult['scenarios'][0]),
      suite: 'volume',
    });
    const headings = buildReportModel(result).sections.map((s) => s.heading);
    expect(headings.filter((h) => h === 'Volume')).toHaveLength(1);
    expect(headings).toContain('Load');
  });

  it('after a seeding failure: the failed step as a column, the message in the note', () => {
    const failure = seedFailureCheck(
      200000,
      50000,
      'POST /api/projects/bulk (records 50000..50499) answered 500 Internal Server Error: {"detail":"disk full"}',
    );
    const { table, note } = volumeSection(withVolume([failure]));
    expect(table.header).toEqual(['Query', '1,000', '50,000', '200,000', 'b', 'Growth', 'Status']);
    expect(table.rows[0]?.[3]).toBe('–');
    expect(table.rows.at(-1)).toEqual([
      'seeding',
      '20000 records/s',
      '41000 records/s',
      '–',
      '–',
      '–',
      { status: 'fail' },
    ]);
    expect(note).toContain(
      'Seeding failed, later steps were not measured: seeding 50000 -> 200000 records failed: POST /api/projects/bulk',
    );
  });

  it('renders in markdown and HTML, with the headline naming the warned query', () => {
    const result = withVolume();
    result.verdict = 'warn';
    result.checks = result.checks.filter((c) => c.metric.startsWith('volume/'));
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('### Volume');
    expect(markdown).toMatch(
      /\| search +\| +1\.200 \/ 2\.500\u00a0ms \|.*\| +0\.91 \| linear-ish \| ⚠️ warn/,
    );
    expect(markdown.split('\n')[0]).toBe(
      '**⚠️ 1 budget over (worst: search growth.exponent 0.91 >\u00a00.30) · budgets only**',
    );
    expect(renderHtml(result)).toContain('<h2>Volume</h2>');
  });
});
