// The sticky comment's text: the hidden marker, the compact report (line 1 the headline), links to
// the run and the artifact; small enough to read on one screen above its folded details. Pure.
import { countFoldedSections, renderMarkdown } from '../report/markdown.ts';
import type { RunResult } from '../suites/registry.ts';

/** GitHub rejects issue comment bodies longer than this (characters). */
export const COMMENT_LIMIT = 65_536;

/**
 * The size a comment aims to stay under, in UTF-8 bytes: folded details beyond it are left out
 * (the job summary and the artifact hold them), since a long comment buries the PR's conversation
 * and loads slowly, whatever GitHub would accept.
 */
export const COMMENT_TARGET_BYTES = 20_000;

const utf8 = new TextEncoder();

/**
 * The comment for a run: folded details are dropped from the end until it is under `target` bytes;
 * as a last resort (open tables alone too big) the text is cut at a line to fit `limit` characters.
 */
export function buildCommentBody(
  result: RunResult,
  options: { marker: string; links: string[]; limit?: number; target?: number },
): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const target = Math.min(options.target ?? COMMENT_TARGET_BYTES, limit);
  const render = (dropFoldedFrom?: number) =>
    `${options.marker}\n${renderMarkdown(result, {
      compact: true,
      links: options.links,
      ...(dropFoldedFrom !== undefined ? { dropFoldedFrom } : {}),
    })}`;
  const fits = (text: string) => utf8.encode(text).length <= target;
  let body = render();
  for (let keep = countFoldedSections(result, true) - 1; !fits(body) && keep >= 0; keep--) {
    body = render(keep);
  }
  if (body.length <= limit) return body;
  const note = '\n\n_(truncated; the full report is in the job summary and the artifact)_\n';
  const cut = body.lastIndexOf('\n', limit - note.length);
  return `${body.slice(0, Math.max(cut, options.marker.length))}${note}`;
}
