// The PR comment at three sizes, as golden files: every check passing, three regressions, and
// more than a hundred failing checks. UPDATE_GOLDEN=1 rewrites them after a deliberate change;
// read the diff (and the rendered markdown) before committing it.
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildCommentBody, COMMENT_TARGET_BYTES } from '../../../src/action/comment-body.ts';
import { HEADLINE_LIMIT, headline } from '../../../src/report/headline.ts';
import { markdownHeadline } from '../../../src/report/markdown.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import {
  allPassResult,
  manyFailuresResult,
  threeRegressionsResult,
} from '../../helpers/compared-result.ts';

const marker = '<!-- perf-action:comment:main -->';
const links = [
  '[Workflow run](https://github.com/o/r/actions/runs/1)',
  '[Full report and results](https://github.com/o/r/actions/runs/1/artifacts/2)',
];

const cases: Array<[string, () => RunResult, string]> = [
  ['all pass', allPassResult, 'comment-pass.golden.md'],
  ['three regressions', threeRegressionsResult, 'comment-three-regressions.golden.md'],
  ['more than 100 failing checks', manyFailuresResult, 'comment-many-failures.golden.md'],
];

describe.each(cases)('the comment, %s', (_name, build, file) => {
  const golden = new URL(`../../fixtures/${file}`, import.meta.url);
  const result = build();
  const body = buildCommentBody(result, { marker, links });

  it('matches its golden file', async () => {
    if (process.env.UPDATE_GOLDEN) await writeFile(golden, body);
    expect(body).toBe(await readFile(golden, 'utf8'));
  });

  it('has the headline on line 1 after the marker, then the counts', () => {
    const lines = body.split('\n');
    expect(lines[0]).toBe(marker);
    expect(lines[1]).toBe(markdownHeadline(headline(result)));
    expect([...headline(result)].length).toBeLessThanOrEqual(HEADLINE_LIMIT);
    expect(lines[3]).toMatch(
      /^\d+ regressions? · \d+ budgets? over · \d+ improvements? · \d+ unchanged/,
    );
  });

  it(`stays under ${COMMENT_TARGET_BYTES} bytes`, () => {
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(COMMENT_TARGET_BYTES);
  });

  it('states low confidence once at most', () => {
    expect(body.match(/low confidence/gi)?.length ?? 0).toBeLessThanOrEqual(1);
  });
});

describe('the comment of a run with more than 100 failing checks', () => {
  const result = manyFailuresResult();
  const body = buildCommentBody(result, { marker, links });

  it('has that many failing checks', () => {
    expect(result.checks.filter((c) => c.status === 'fail').length).toBeGreaterThan(100);
  });

  it('opens 10 rows per table and points to the full report for the rest', () => {
    const open = body.slice(body.indexOf('### Regressions'), body.indexOf('<details>'));
    expect(open.split('\n').filter((l) => l.startsWith('| load')).length).toBe(10);
    expect(body).toContain('The full report is in the job summary and the artifact.');
  });
});
