// The sticky comment's text: the compact report, links to the run and the artifact, the hidden
// marker, and under GitHub's 65 536-character limit. Pure.
import { countFoldedSections, renderMarkdown } from '../report/markdown.ts';
import type { RunResult } from '../results/types.ts';

/** GitHub rejects issue comment bodies longer than this. */
export const COMMENT_LIMIT = 65_536;

/**
 * The comment for a run: folded details are dropped from the end until it fits; as a last resort
 * the text is cut at a line (the job summary and the artifact always hold the full report).
 */
export function buildCommentBody(
  result: RunResult,
  options: { marker: string; links: string[]; limit?: number },
): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const render = (dropFoldedFrom?: number) =>
    `${options.marker}\n${renderMarkdown(result, {
      compact: true,
      links: options.links,
      ...(dropFoldedFrom !== undefined ? { dropFoldedFrom } : {}),
    })}`;
  let body = render();
  for (let keep = countFoldedSections(result, true) - 1; body.length > limit && keep >= 0; keep--) {
    body = render(keep);
  }
  if (body.length <= limit) return body;
  const note = '\n\n_(truncated; the full report is in the job summary and the artifact)_\n';
  const cut = body.lastIndexOf('\n', limit - note.length);
  return `${body.slice(0, Math.max(cut, options.marker.length))}${note}`;
}
