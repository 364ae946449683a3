import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import { orderChecks, verdictLine } from '../../../src/report/report-model.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

const golden = new URL('../../fixtures/report.golden.md', import.meta.url);

describe('renderMarkdown', () => {
  it('matches the golden report', async () => {
    const markdown = renderMarkdown(sampleResult());
    // UPDATE_GOLDEN=1 rewrites the file after a deliberate change; review the diff.
    if (process.env.UPDATE_GOLDEN) await writeFile(golden, markdown);
    expect(markdown).toBe(await readFile(golden, 'utf8'));
  });

  it('states the model that ran and the verdict on top', () => {
    const markdown = renderMarkdown(sampleResult());
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('## ❌ perf-action: fail');
    expect(markdown).toContain('closed model, 50 connections');
    expect(markdown).toContain('open model, 200 req/s');
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

describe('verdictLine', () => {
  it('names the failed checks', () => {
    expect(verdictLine(sampleResult())).toBe(
      'FAIL: 1 of 3 checks failed (load/sessions-rate latency.p95 250.50 ms > 200.00 ms)',
    );
  });

  it('names warnings when nothing failed', () => {
    const result = sampleResult();
    result.checks = result.checks.filter((c) => c.status !== 'fail');
    result.verdict = 'warn';
    expect(verdictLine(result)).toBe(
      'WARN: 1 of 2 checks warned (load/sessions-rate errors.rate 0.50 % > 0.10 % (warn level))',
    );
  });

  it('says all passed', () => {
    expect(verdictLine({ verdict: 'pass', checks: [] })).toBe('PASS: all 0 checks passed');
  });
});

describe('orderChecks', () => {
  it('puts failures, then warnings, then passes', () => {
    expect(orderChecks(sampleResult().checks).map((c) => c.status)).toEqual([
      'fail',
      'warn',
      'pass',
    ]);
  });
});

describe('renderHtml', () => {
  it('escapes text and carries the same verdict line', () => {
    const result = sampleResult();
    const first = result.scenarios[0];
    if (!first) throw new Error('fixture');
    first.name = '<img src=x>';
    const html = renderHtml(result);
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x&#62;');
    expect(html).toContain(verdictLine(result).replace('>', '&#62;'));
  });
});
