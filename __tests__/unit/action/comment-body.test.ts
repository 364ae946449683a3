import { describe, expect, it } from 'vitest';
import { buildCommentBody, COMMENT_TARGET_BYTES } from '../../../src/action/comment-body.ts';
import { headline } from '../../../src/report/headline.ts';
import { markdownHeadline } from '../../../src/report/markdown.ts';
import type { ScenarioRun } from '../../../src/results/types.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

const marker = '<!-- perf-action:comment:default -->';
const links = ['[Workflow run](https://github.com/o/r/actions/runs/1)'];

describe('buildCommentBody', () => {
  it('starts with the marker, then the headline; regressions and budgets open, the rest folded', () => {
    const body = buildCommentBody(sampleResult(), { marker, links });
    const lines = body.split('\n');
    expect(lines[0]).toBe(marker);
    expect(lines[1]).toBe(markdownHeadline(headline(sampleResult())));
    expect(body).toContain(links[0]);
    expect(body).toContain('### Budgets');
    expect(body).toContain('<details><summary>Load</summary>');
    expect(body).not.toContain('### Load');
  });

  it('drops folded details to stay under its target size, and says what it left out', () => {
    const result = sampleResult();
    const template = result.scenarios[0] as ScenarioRun;
    result.scenarios = Array.from({ length: 2000 }, (_, i) => ({ ...template, name: `s${i}` }));
    const body = buildCommentBody(result, { marker, links });
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(COMMENT_TARGET_BYTES);
    expect(body.startsWith(marker)).toBe(true);
    expect(body).toContain('### Budgets');
    expect(body).toContain(
      '_Left out to keep this short: Load; Requests, status codes and rounds. The full report',
    );
  });

  it('a small limit still keeps the marker', () => {
    const body = buildCommentBody(sampleResult(), { marker, links, limit: 200 });
    expect(body.length).toBeLessThanOrEqual(200);
    expect(body.startsWith(marker)).toBe(true);
    expect(body).toContain('truncated');
  });
});
