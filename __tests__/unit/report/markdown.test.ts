import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { headline } from '../../../src/report/headline.ts';
import { renderHtml } from '../../../src/report/html.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import { baselineOf, comparison } from '../../helpers/compared-result.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

const golden = new URL('../../fixtures/report.golden.md', import.meta.url);

describe('renderMarkdown', () => {
  it('matches the golden report', async () => {
    const markdown = renderMarkdown(sampleResult());
    // UPDATE_GOLDEN=1 rewrites the file after a deliberate change; review the diff.
    if (process.env.UPDATE_GOLDEN) await writeFile(golden, markdown);
    expect(markdown).toBe(await readFile(golden, 'utf8'));
  });

  it('opens with the headline and the counts, and states the model that ran', () => {
    const markdown = renderMarkdown(sampleResult());
    const lines = markdown.split('\n');
    expect(lines[0]).toBe(
      '**❌ 2 budgets over (worst: sessions-rate p95 250.50\u00a0ms >\u00a0200.00\u00a0ms) · budgets only**',
    );
    expect(lines[2]).toBe('0 regressions · 2 budgets over · 0 improvements · 0 unchanged');
    expect(markdown).toContain('closed model, 50 connections');
    // Table cells keep a value and its unit together.
    expect(markdown).toContain('open model, 200\u00a0req/s');
  });

  it('keeps config text from turning into markup', () => {
    const result = sampleResult();
    const first = result.scenarios[0];
    if (!first) throw new Error('fixture');
    first.name = 'list<script>';
    first.request.path = '/a|b';
    const markdown = renderMarkdown(result);
    expect(markdown).not.toMatch(/(?<!\\)<script>/);
    expect(markdown).toContain('list\\<script>');
    // A pipe inside a table cell would split the row.
    expect(markdown).toContain('`GET /a\\|b`');
  });
});

describe('low confidence', () => {
  const lowConfidence = () => {
    const result = sampleResult();
    result.baseline = baselineOf(1);
    result.checks.push(
      ...['p50', 'p90', 'p95', 'p99'].map((stat) =>
        comparison(`load/projects-list/latency.${stat}`, 'ms', 10, 13, 'warn', {
          lowConfidence: true,
        }),
      ),
    );
    return result;
  };

  it('is stated once, in the baseline line, not per row', () => {
    const markdown = renderMarkdown(lowConfidence());
    expect(markdown.match(/low confidence/gi)).toHaveLength(1);
    expect(markdown).toContain(
      "Baseline 'main': 1 run (newest abc1234, 2026-11-26). Low confidence:",
    );
  });

  it('is left to the verdict’s own line on how it judged, when the run has one', () => {
    const result = lowConfidence();
    result.baseline = baselineOf(1, {
      errorControl:
        'Low confidence for 4 comparisons (fewer than 5 baseline runs): they warn at most.',
    });
    const markdown = renderMarkdown(result);
    expect(markdown.match(/low confidence/gi)).toHaveLength(1);
    expect(markdown).toContain(
      '(newest abc1234, 2026-11-26). Low confidence for 4 comparisons (fewer than 5 baseline runs): they warn at most.',
    );
  });
});

describe('renderHtml', () => {
  it('escapes text and carries the same headline', () => {
    const result = sampleResult();
    const first = result.scenarios[0];
    if (!first) throw new Error('fixture');
    first.name = '<img src=x>';
    const html = renderHtml(result);
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x&#62;');
    expect(html).toContain(headline(result).replaceAll('>', '&#62;'));
  });
});

describe('a busy runner', () => {
  it('is stated once, in the baseline line', () => {
    const result = sampleResult();
    result.baseline = baselineOf(10, {
      busyRunner:
        'Busy runner during load/list (other work took 62 % of a core): their regressions warn at most.',
    });
    const markdown = renderMarkdown(result);
    expect(markdown.match(/Busy runner/g)).toHaveLength(1);
    expect(markdown).toContain(
      'Busy runner during load/list (other work took 62 % of a core): their regressions warn at most.',
    );
  });
});
