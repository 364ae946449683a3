// Plain text into markdown: the one place where the report's words (scenario names from the
// config, check messages, a service's status texts, error bodies and JSON fields, video failure
// reasons, seeding errors) become markdown. The PR comment and the job summary are rendered by
// GitHub, so a text must stay text there: no HTML, no links or images, no autolinks, no @mentions
// that notify people or teams, no #123 references that post a backlink in another issue, and
// nothing that ends a table row, a code span or the <summary> it sits in. Pure.

import { oneLine } from './one-line.ts';

/**
 * Tokens GitHub would turn into a link or a notification: @mentions and email addresses, URLs and
 * other `scheme:` links (`javascript:`, `data:`, `mailto:`…), `www.` autolinks, and issue
 * references (`#12`, `GH-12`, `owner/repo#12`). Such a token is shown in a code span, where
 * GitHub links and notifies nothing.
 */
const LINKISH = [
  // A mention needs no word character before the @ (`seed@1000` in a metric key is none), an
  // email address a dot in its domain.
  /(?:^|[^A-Za-z0-9_])@[A-Za-z0-9_-]/,
  /[A-Za-z0-9_.+-]@[A-Za-z0-9_-]+\.[A-Za-z0-9_-]/,
  /(?:^|[^A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:(?=[^\s:])/,
  /(?:^|[^A-Za-z0-9])www\./i,
  /#\d/,
  /(?:^|[^A-Za-z0-9])gh-\d/i,
];

/**
 * Characters of markdown that could open HTML, a link, an entity or a code span, or end a cell
 * (a trailing backslash would escape the cell's closing pipe).
 */
const MARKDOWN_PUNCTUATION = /[\\`<&[\]|]/g;

/** Where the text goes: a table cell must also escape `|` inside code spans. */
export interface MarkdownContext {
  /** The text is a table cell (default false). */
  inTable?: boolean;
}

function isLinkish(token: string): boolean {
  return LINKISH.some((pattern) => pattern.test(token));
}

/**
 * Plain text as inline markdown (a paragraph, a heading, a table cell): markdown punctuation that
 * could start HTML, a link, an entity or a code span is backslash-escaped, line breaks become
 * spaces, and every link-like token (see above) is put in a code span. Other punctuation (`*`,
 * `_`) is left as is, so that the report still reads well in a terminal.
 */
export function markdownText(text: string, context: MarkdownContext = {}): string {
  return oneLine(text)
    .split(/(\s+)/)
    .map((token) => {
      if (token === '' || /^\s+$/.test(token)) return token;
      if (isLinkish(token)) return markdownCode(token, context);
      return token.replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
    })
    .join('');
}

/**
 * Text as a markdown code span: backticks (which would end it) become `'`, line breaks spaces,
 * and in a table `|` is escaped (GitHub reads `\|` as a pipe inside a cell's code span).
 */
export function markdownCode(text: string, context: MarkdownContext = {}): string {
  const body = oneLine(text).replaceAll('`', "'");
  return `\`${context.inTable ? body.replaceAll('|', '\\|') : body}\``;
}

/**
 * Plain text inside an HTML element of the markdown (`<summary>…</summary>`), where markdown is
 * not read: HTML-escaped, with link-like tokens in `<code>`.
 */
export function htmlText(text: string): string {
  return oneLine(text)
    .split(/(\s+)/)
    .map((token) => {
      if (token === '' || /^\s+$/.test(token)) return token;
      const escaped = token.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      return isLinkish(token) ? `<code>${escaped}</code>` : escaped;
    })
    .join('');
}
