// Hostile text (as a service, or a config, could put in a status text, an error body, a reason or
// a name) through the report's markdown escaping, rendered by a real CommonMark + GFM renderer
// (micromark, the autolink-literal and table extensions included): it must come out as the same
// text, with no link, image, HTML, mention or reference, and without breaking its table or
// <summary>.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { htmlText, markdownCode, markdownText } from '../../../src/report/markdown-text.ts';

/** GitHub's renderer, as far as the spec goes; raw HTML is kept so that a leak shows. */
function render(markdown: string): string {
  return micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
}

const OUR_TAGS = new Set(['p', 'code', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details']);
OUR_TAGS.add('summary');

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
}

const ENTITIES: Record<string, string> = { quot: '"', lt: '<', gt: '>', amp: '&' };

/** The text a browser shows for an HTML fragment (tags dropped, entities decoded once). */
function decode(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[\da-f]+|#\d+|quot|lt|gt|amp);/gi, (_, e: string) => {
      if (e.startsWith('#x') || e.startsWith('#X'))
        return String.fromCharCode(Number.parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCharCode(Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? e;
    });
}

/** The visible text outside code elements: where GitHub links mentions and references. */
function textOutsideCode(html: string): string {
  return decode(html.replace(/<code>[\s\S]*?<\/code>/g, ' '));
}

/** What a reader must see: the input on one line, backticks shown as quotes in code spans. */
function visible(input: string): string {
  return input
    .replace(/\r\n|[\r\n]/g, ' ')
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
}

function expectInert(html: string): void {
  expect(tagsOf(html).filter((tag) => !OUR_TAGS.has(tag))).toEqual([]);
  const outside = textOutsideCode(html);
  // GitHub's rules: a mention has no word character before its @; an email has a dotted domain.
  expect(outside).not.toMatch(/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/);
  expect(outside).not.toMatch(/[\w.+-]@[\w-]+\.\w/);
  expect(outside).not.toMatch(/#\d|gh-\d/i);
  expect(outside).not.toMatch(/[a-z][a-z\d+.-]*:[^\s:]/i);
  expect(outside).not.toMatch(/www\./i);
}

const HOSTILE: Array<[string, string]> = [
  ['a mention', 'ping @octocat now'],
  ['a team mention', 'cc @octo-org/security-team'],
  ['a mention in parentheses', 'owner (@octocat), please look'],
  ['an email address (autolinked)', 'mail ops@example.com for help'],
  ['an entity that decodes to @', 'hi &#64;octocat'],
  ['a javascript: link', '[click me](javascript:alert(1))'],
  ['a bare javascript: URL', 'javascript:alert(document.cookie)'],
  ['a data: URL', 'data:text/html;base64,PHNjcmlwdD4='],
  ['a vbscript: URL', 'vbscript:msgbox(1)'],
  ['a mailto: link', 'mailto:ops@example.com'],
  ['an image (a tracking pixel)', '![x](https://evil.example/pixel.png)'],
  ['an http URL (autolinked)', 'see https://evil.example/phish?x=1'],
  ['a www. autolink', 'visit www.evil.example today'],
  ['an angle-bracket autolink', '<https://evil.example>'],
  ['a reference-style link', '[x][1] and [1]: https://evil.example'],
  ['a footnote reference', 'note[^1]'],
  ['raw HTML', '<img src=x onerror=alert(1)>'],
  ['a script tag', '<script>alert(1)</script>'],
  ['an HTML comment', '<!-- hidden -->'],
  ['escaped HTML entities', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ['the end of a summary', '</summary></details><h1>owned</h1>'],
  ['an issue reference', 'fixed in #12'],
  ['a cross-repository reference', 'see octo-org/shop#3'],
  ['a GH- reference', 'GH-7 again'],
  ['a pipe', 'a | b | c'],
  ['a trailing backslash', 'path C:\\temp\\'],
  ['line breaks', 'first line\n# heading\r\n| x | y |\n|---|---|'],
  ['a backtick before a mention', 'one ` then @octocat'],
  ['backticks around a mention', '`@octocat`'],
  ['a bidirectional override', 'abc\u202e@octocat'],
  ['everything at once', '@a <b> [c](d:e) https://f.g #1 | \\ ` www.h.i'],
];

describe('markdownText', () => {
  it.each(HOSTILE)('%s stays text in a paragraph', (_, input) => {
    const html = render(markdownText(input));
    expectInert(html);
    expect(decode(html).trim().replaceAll("'", '`')).toBe(visible(input).replaceAll("'", '`'));
  });

  it.each(HOSTILE)('%s stays in its table cell', (_, input) => {
    const markdown = `| a | b | c |\n| - | - | - |\n| x | ${markdownText(input, { inTable: true })} | z |\n`;
    const html = render(markdown);
    expectInert(html);
    const cells = [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1] ?? '');
    expect(cells).toHaveLength(3);
    expect(decode(cells[0] ?? '')).toBe('x');
    expect(decode(cells[2] ?? '')).toBe('z');
    expect(decode(cells[1] ?? '').replaceAll("'", '`')).toBe(visible(input).replaceAll("'", '`'));
  });

  it.each([
    ['plain words', 'p95 within budget', 'p95 within budget'],
    [
      'our own punctuation',
      'load/list latency.p95 250.50 ms > 200.00 ms',
      'load/list latency.p95 250.50 ms > 200.00 ms',
    ],
    ['a URL as code', 'Target http://127.0.0.1:8000 up', 'Target `http://127.0.0.1:8000` up'],
    ['a mention as code', 'hi @octocat', 'hi `@octocat`'],
    ['an email address as code', 'mail a.b+c@ex-ample.org', 'mail `a.b+c@ex-ample.org`'],
    [
      'a metric key with @ is no mention',
      'volume/seed@1000/seed.rate',
      'volume/seed@1000/seed.rate',
    ],
    ['markup escaped', 'a<b [c] & d', 'a\\<b \\[c\\] \\& d'],
    ['a pipe escaped', 'a|b', 'a\\|b'],
    ['a backslash escaped', 'a\\b', 'a\\\\b'],
    ['a backtick escaped', 'a`b', 'a\\`b'],
    ['a line break as a space', 'a\nb', 'a b'],
  ])('%s: %j -> %j', (_, input, expected) => {
    expect(markdownText(input)).toBe(expected);
  });
});

describe('markdownCode', () => {
  it.each([
    ['GET /api/projects', {}, '`GET /api/projects`'],
    ['GET /a|b', { inTable: true }, '`GET /a\\|b`'],
    ['GET /a|b', {}, '`GET /a|b`'],
    ['a`b', {}, "`a'b`"],
    ['a\nb', {}, '`a b`'],
  ])('%j (%j) -> %j', (input, context, expected) => {
    expect(markdownCode(input, context)).toBe(expected);
  });

  it.each(HOSTILE)('%s stays in one code span of its cell', (_, input) => {
    const html = render(`| a |\n| - |\n| ${markdownCode(input, { inTable: true })} |\n`);
    expect(tagsOf(html).filter((tag) => !OUR_TAGS.has(tag))).toEqual([]);
    expect(html.match(/<td>/g)).toHaveLength(1);
    expect(html).toMatch(/<td><code>[^<]*<\/code><\/td>/);
  });
});

describe('htmlText', () => {
  it.each(HOSTILE)('%s stays text inside <summary>', (_, input) => {
    const markdown = `<details><summary>${htmlText(input)}</summary>\n\nbody\n\n</details>\n`;
    const html = render(markdown);
    expectInert(html);
    expect(tagsOf(html).filter((tag) => tag === 'summary')).toEqual(['summary', 'summary']);
    const summary = /<summary>([\s\S]*?)<\/summary>/.exec(html)?.[1] ?? '';
    expect(decode(summary)).toBe(visible(input));
  });
});
