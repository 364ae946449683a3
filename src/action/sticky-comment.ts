// The sticky PR comment: one comment per PR per config, found again by a hidden marker and updated
// in place. Writing it is best effort: a refused or failing comment degrades to a warning (the
// report is also in the job summary), it never fails the job.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { getOctokit } from '@actions/github';
import { defaults } from '@actions/github/lib/utils';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/** The pull request (an issue, for the REST API) the comment belongs to. */
export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

/** What became of the comment. */
export type UpsertResult =
  | { status: 'created' | 'updated'; url: string; id: number }
  /** `onlyUpdate` and there was no comment to update. */
  | { status: 'skipped' }
  /** Not written: 401/403/404 (fork PR, missing `pull-requests: write`), or retries exhausted. */
  | { status: 'degraded'; reason: string };

/** How hard to retry; the delays are parameters so tests need not wait. */
export interface CommentRetryOptions {
  /** Retries after a 5xx or network error, after a rate limit, and after a 429 (default 3). */
  retries?: number;
  /** Back-off unit for 5xx/network retries, in ms: retry n waits minDelayMs × n² (default 1000). */
  minDelayMs?: number;
  /** Length of one second of a wait GitHub asks for (`retry-after`, rate-limit reset), in ms (default 1000). */
  rateLimitSecondMs?: number;
  /**
   * Longest wait a rate limit or a 429's `retry-after` may ask for before it is retried, in s;
   * longer ones degrade (default 60). A wait that would outlast the deadline degrades too.
   */
  maxRateLimitWaitS?: number;
}

/** Options of {@link upsertStickyComment}. */
export interface UpsertStickyCommentOptions {
  /** A token with `pull-requests: write` (or `issues: write`), e.g. the job's GITHUB_TOKEN. */
  token: string;
  /** REST API base URL (GITHUB_API_URL); default https://api.github.com. */
  baseUrl?: string;
  target: CommentTarget;
  /** The hidden marker that identifies the comment, from {@link commentMarker}. */
  marker: string;
  /** Markdown of the comment; the marker is prepended when missing, and the body is cut to fit. */
  body: string;
  retry?: CommentRetryOptions;
  /** Time for the whole call, retries and waits included, in ms (default 120 000). */
  deadlineMs?: number;
  /** Progress lines (which comment was found, retries); default: none. */
  log?: (line: string) => void;
  /** Update the comment if there is one, but do not create one (`comment: on-change` on a pass). */
  onlyUpdate?: boolean;
}

/** GitHub's limit on the body of a comment, in characters. */
export const COMMENT_BODY_LIMIT = 65_536;

/** The line that ends a body cut to fit {@link COMMENT_BODY_LIMIT}. */
export const TRUNCATION_NOTE =
  '(truncated; the full report is in the job summary and the artifact)';

/**
 * The hidden marker of the sticky comment for one config, e.g.
 * `<!-- perf-action:comment:perf.yml -->`. Characters that could end the HTML comment early are
 * replaced, so any config id is safe.
 */
export function commentMarker(configId: string): string {
  const id =
    configId
      .trim()
      .replace(/[^\w./@:+-]/g, '_')
      .replace(/-{2,}/g, '-') || 'default';
  return `<!-- perf-action:comment:${id} -->`;
}

/**
 * The body as it is sent: with the marker (prepended when missing) and at most `limit` characters
 * (UTF-16 code units, never fewer than GitHub counts). A longer body is cut at a line boundary, open
 * code fences and `<details>` are closed, and {@link TRUNCATION_NOTE} ends it.
 */
export function fitCommentBody(body: string, marker: string, limit = COMMENT_BODY_LIMIT): string {
  const marked = body.includes(marker) ? body : `${marker}\n${body}`;
  if (marked.length <= limit) return marked;
  // The marker must survive the cut: keep it as the first line.
  const rest = body.split(marker).join('').replace(/^\n+/, '');
  const head = `${marker}\n`;
  const note = `\n\n${TRUNCATION_NOTE}\n`;
  let budget = limit - head.length - note.length;
  for (;;) {
    const kept = cutAtLine(rest, Math.max(0, budget));
    const fitted = `${head}${kept}${closers(kept)}${note}`;
    if (fitted.length <= limit || budget <= 0) return fitted.slice(0, limit);
    budget -= fitted.length - limit;
  }
}

function cutAtLine(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const newline = text.lastIndexOf('\n', budget);
  if (newline > 0) return text.slice(0, newline);
  // One line longer than the budget: cut it, but not inside a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(budget - 1)) ? budget - 1 : budget;
  return text.slice(0, end);
}

// What the kept text leaves open, closed again so the note renders outside of it.
function closers(kept: string): string {
  let fence: string | undefined;
  let openDetails = 0;
  for (const line of kept.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    openDetails += (line.match(/<details[\s>]/gi) ?? []).length;
    openDetails -= (line.match(/<\/details>/gi) ?? []).length;
  }
  return (fence ? `\n${fence}` : '') + '\n</details>'.repeat(Math.max(0, openDetails));
}

interface FoundComment {
  id: number;
  body?: string;
  user?: { type?: string } | null;
}

// Our comments start with the marker and, with the job token, are written by a bot; a comment
// that only quotes the marker ranks last. The login is not checked: a PAT or an app token writes
// under another name.
function rank(comment: FoundComment, marker: string): number {
  const isBot = comment.user?.type === 'Bot';
  const isOurs = comment.body?.startsWith(marker) ?? false;
  return (isBot ? 0 : 2) + (isOurs ? 0 : 1);
}

/**
 * Creates the sticky comment on the PR, or updates the one that carries `marker` (never a second
 * one). Never throws: permission problems (fork PRs' read-only token, a missing
 * `pull-requests: write`, 404) and failures that outlast the retries come back as `degraded` with a
 * one-line reason for a warning.
 */
export async function upsertStickyComment(
  options: UpsertStickyCommentOptions,
): Promise<UpsertResult> {
  const { target, marker } = options;
  const log = options.log ?? (() => {});
  const retries = options.retry?.retries ?? 3;
  const secondMs = options.retry?.rateLimitSecondMs ?? 1000;
  const maxWaitS = options.retry?.maxRateLimitWaitS ?? 60;
  const deadlineMs = options.deadlineMs ?? 120_000;
  const deadlineAt = Date.now() + deadlineMs;
  const body = fitCommentBody(options.body, marker);
  const where = `PR #${target.issueNumber}`;
  if (body.length < options.body.length) {
    log(`the comment is cut to ${body.length} characters (GitHub's limit: ${COMMENT_BODY_LIMIT})`);
  }
  const limits = { retries, secondMs, maxWaitS, deadlineAt, log };
  const onLimit =
    (kind: string) =>
    (retryAfterS: number, request: { method: string; url: string }, _: unknown, count: number) => {
      const wantRetry = count < retries && isWaitAllowed(retryAfterS, limits);
      log(
        `${kind} on ${request.method} ${request.url}: ${wantRetry ? `retrying in ${retryAfterS} s` : 'giving up'}`,
      );
      return wantRetry;
    };

  let phase = 'listing the comments of';
  try {
    const octokit = getOctokit(
      options.token,
      {
        baseUrl: options.baseUrl ?? 'https://api.github.com',
        userAgent: 'perf-action',
        // @actions/github's request defaults (its proxy-aware fetch) plus one deadline for all.
        request: {
          ...defaults.request,
          signal: AbortSignal.timeout(deadlineMs),
        },
        log: { debug: () => {}, info: () => {}, warn: log, error: log },
        retry: {
          retries,
          retryAfterBaseValue: options.retry?.minDelayMs ?? 1000,
          // 403 and 429 are the throttling plugin's: it knows a rate limit from a refusal.
          doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        },
        throttle: {
          // Writes are spaced per id; one id per call keeps calls from queueing behind each other.
          id: `perf-action-comment-${randomUUID()}`,
          retryAfterBaseValue: secondMs,
          onRateLimit: onLimit('rate limited'),
          onSecondaryRateLimit: onLimit('secondary rate limit'),
        },
      },
      // Innermost first: a bare 429 is retried before the other two plugins see it.
      retryTooManyRequests(limits),
      retry,
      throttling,
    );
    const found = await findComment(octokit, target, marker, log);
    const request = { owner: target.owner, repo: target.repo, body };
    if (found) {
      phase = 'updating the comment on';
      try {
        const { data } = await octokit.rest.issues.updateComment({ ...request, comment_id: found });
        log(`updated comment ${data.id} on ${where}`);
        return { status: 'updated', url: data.html_url, id: data.id };
      } catch (error) {
        // Deleted between the listing and the update: write a new one instead.
        if (statusOf(error) !== 404) throw error;
        log(`comment ${found} is gone; creating a new one`);
      }
    }
    if (options.onlyUpdate) {
      log(`no comment on ${where} to update; none created`);
      return { status: 'skipped' };
    }
    phase = 'creating a comment on';
    const { data } = await octokit.rest.issues.createComment({
      ...request,
      issue_number: target.issueNumber,
    });
    log(`created comment ${data.id} on ${where}`);
    return { status: 'created', url: data.html_url, id: data.id };
  } catch (error) {
    return {
      status: 'degraded',
      reason: describeFailure(error, `${phase} ${where}`, where, retries),
    };
  }
}

type Octokit = ReturnType<typeof getOctokit>;

/** What a wait may cost: retries left, the longest wait, the call's deadline. */
interface WaitLimits {
  retries: number;
  /** Length of one second of a wait GitHub asks for, in ms (1000; shorter in tests). */
  secondMs: number;
  maxWaitS: number;
  /** Date.now() when the whole call must be done, in ms. */
  deadlineAt: number;
  log: (line: string) => void;
}

function isWaitAllowed(waitS: number, limits: WaitLimits): boolean {
  return waitS <= limits.maxWaitS && Date.now() + waitS * limits.secondMs < limits.deadlineAt;
}

/**
 * Retries a bare 429 Too Many Requests after the `retry-after` it names. Neither octokit plugin
 * does: plugin-throttling retries only the limits it recognises (the secondary-rate-limit message,
 * or `x-ratelimit-remaining: 0`) and passes any other 429 on as a failure, and plugin-retry must
 * not see 429 at all (it would wait its own back-off instead of `retry-after`, and retry the
 * throttling plugin's limits a second time). Registered first, it wraps the request innermost, so
 * the answers the throttling plugin knows still reach it.
 */
function retryTooManyRequests(limits: WaitLimits) {
  return (octokit: { hook: Octokit['hook'] }) => {
    octokit.hook.wrap('request', async (request, options) => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await request(options);
        } catch (error) {
          const waitS = bareRetryAfterS(error);
          if (waitS === undefined || attempt >= limits.retries || !isWaitAllowed(waitS, limits)) {
            throw error;
          }
          limits.log(
            `too many requests (429) on ${options.method} ${options.url}: retrying in ${waitS} s`,
          );
          const signal = (options.request as { signal?: AbortSignal } | undefined)?.signal;
          await delay(waitS * limits.secondMs, undefined, signal ? { signal } : {});
        }
      }
    });
  };
}

/**
 * The wait a bare 429 asks for, in whole seconds (from `retry-after`: seconds or an HTTP date;
 * without one, GitHub's advice: a minute), or undefined for any other answer, including the rate
 * limits the throttling plugin handles.
 */
function bareRetryAfterS(error: unknown): number | undefined {
  if (statusOf(error) !== 429) return undefined;
  const failure = error as { message?: unknown; response?: { headers?: Record<string, unknown> } };
  const headers = failure.response?.headers ?? {};
  if (headers['x-ratelimit-remaining'] === '0') return undefined;
  if (/\bsecondary rate\b/i.test(String(failure.message ?? ''))) return undefined;
  const header = headers['retry-after'];
  if (header === undefined) return 60;
  const text = String(header).trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? 60 : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function findComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  log: (line: string) => void,
): Promise<number | undefined> {
  let best: { comment: FoundComment; rank: number; page: number } | undefined;
  let page = 0;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const { data } of pages) {
    page += 1;
    for (const comment of data) {
      if (!comment.body?.includes(marker)) continue;
      const score = rank(comment, marker);
      if (!best || score < best.rank) best = { comment, rank: score, page };
    }
    // The oldest bot comment that starts with the marker cannot be beaten: stop reading.
    if (best?.rank === 0) break;
  }
  if (best) log(`found comment ${best.comment.id} with the marker on page ${best.page}`);
  return best?.comment.id;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function describeFailure(error: unknown, doing: string, where: string, retries: number): string {
  const status = statusOf(error);
  const response = (error as { response?: { data?: unknown; headers?: Record<string, unknown> } })
    ?.response;
  const data = response?.data as { message?: unknown } | undefined;
  const message =
    typeof data?.message === 'string'
      ? data.message
      : error instanceof Error
        ? error.message
        : String(error);
  const summary = 'the report is in the job summary';
  const cause = (error as { cause?: { name?: unknown } } | null)?.cause;
  if ((error as Error | null)?.name === 'TimeoutError' || cause?.name === 'TimeoutError') {
    return `cannot comment: ${doing} timed out; ${summary}`;
  }
  const isRateLimited =
    response?.headers?.['x-ratelimit-remaining'] === '0' || /\bsecondary rate\b/i.test(message);
  if (isRateLimited) return `cannot comment on ${where}: rate limited (${message}); ${summary}`;
  if (status === 429) {
    const after = response?.headers?.['retry-after'];
    const asked = after === undefined ? '' : `, retry-after ${String(after)}`;
    return `cannot comment on ${where}: too many requests (429 ${message}${asked}); ${summary}`;
  }
  if (status === 403) {
    return `cannot comment on ${where}: ${message} (fork PRs get a read-only token; otherwise the workflow needs \`permissions: pull-requests: write\`); ${summary}`;
  }
  if (status === 404) {
    return `cannot comment on ${where}: ${message} (no such PR, or the token cannot see the repository); ${summary}`;
  }
  if (status === 401)
    return `cannot comment on ${where}: ${message} (check github-token); ${summary}`;
  // octokit reports a failed connection as status 500 without a response.
  const retried =
    retries > 0 && (status === undefined || status >= 500) ? ` after ${retries} retries` : '';
  const what = response && status !== undefined ? `GitHub answered ${status} ${message}` : message;
  return `cannot comment: ${doing} failed: ${what}${retried}; ${summary}`;
}
