// The whole report (the full one for the job summary, the compact one for the PR comment) with a
// service's hostile text in every kind of place it reaches (a check message quoting an error body,
// a status text, a baseline store's error, a scenario name, a request path), rendered as GitHub
// would (CommonMark + GFM through micromark): no link, image, HTML, mention or reference, and
// every table row keeps its cells.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { buildCommentBody } from '../../../src/action/comment-body.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

const HOSTILE =
  'Bad Gateway @octocat @octo-org/team ops@example.com [x](javascript:alert(1)) ' +
  '![p](https://evil.example/p.png) <img src=x onerror=alert(1)> https://evil.example/a ' +
  'www.evil.example data:text/html,x #12 octo-org/shop#3 | cell \\ </summary></details> `';

function hostileResult(): RunResult {
  const result = sampleResult();
  const [first] = result.scenarios;
  if (!first) throw new Error('fixture');
  first.name = `list ${HOSTILE}`;
  first.request.path = `/a?q=${HOSTILE}`;
  result.checks.push({
    kind: 'budget',
    metric: 'volume/seed@1000/seed.rate',
    status: 'fail',
    value: 0,
    unit: 'records/s',
    source: 'suite',
    message: `seeding failed: POST /bulk answered 502 ${HOSTILE}: {"error":"${HOSTILE}"}`,
  });
  result.verdict = 'fail';
  result.baseline = { name: 'default', runs: 0, unavailable: `artifacts: ${HOSTILE}` };
  return result;
}

function render(markdown: string): string {
  return micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
}

const OURS = ['p', 'code', 'strong', 'em', 'h2', 'h3', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const OUR_TAGS = new Set([...OURS, 'details', 'summary', 'a']);

function expectInert(html: string, ownLinks: string[]): void {
  const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
  expect(tags.filter((tag) => !OUR_TAGS.has(tag))).toEqual([]);
  // The only links are the comment's own (the workflow run, the artifact).
  const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
  expect(hrefs).toEqual(ownLinks);
  const outside = html
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/<a [^>]*>[\s\S]*?<\/a>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replaceAll('&amp;', '&');
  // GitHub's rules: a mention has no word character before its @; an email has a dotted domain.
  expect(outside).not.toMatch(/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/);
  expect(outside).not.toMatch(/[\w.+-]@[\w-]+\.\w/);
  expect(outside).not.toMatch(/#\d/);
  expect(outside).not.toMatch(/(?:javascript|data|https?):/);
  expect(outside).not.toMatch(/www\./);
}

function expectTablesWhole(html: string): void {
  for (const table of html.matchAll(/<table>([\s\S]*?)<\/table>/g)) {
    const body = table[1] ?? '';
    const columns = (/<tr>([\s\S]*?)<\/tr>/.exec(body)?.[1] ?? '').match(/<th/g)?.length ?? 0;
    for (const row of body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
      expect((row[1] ?? '').match(/<t[hd]/g)?.length).toBe(columns);
    }
  }
}

describe('untrusted text in the report', () => {
  it('the full report (job summary, CLI) keeps it text', () => {
    const html = render(renderMarkdown(hostileResult()));
    expectInert(html, []);
    expectTablesWhole(html);
    // Nothing is lost: the service's words are all there to read.
    expect(html).toContain('octocat');
    expect(html).toContain('evil.example/a');
  });

  it('the PR comment keeps it text, with only its own links', () => {
    const links = [
      'https://github.com/o/r/actions/runs/1',
      'https://github.com/o/r/actions/runs/1/artifacts/2',
    ];
    const body = buildCommentBody(hostileResult(), {
      marker: '<!-- perf-action:comment:default -->',
      links: [`[Workflow run](${links[0]})`, `[Full report and results](${links[1]})`],
    });
    const html = render(body);
    expectInert(html, links);
    expectTablesWhole(html);
    expect(html.match(/<summary>/g)?.length).toBe(html.match(/<\/summary>/g)?.length);
  });
});
