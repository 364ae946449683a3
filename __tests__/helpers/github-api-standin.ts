// A local stand-in of api.github.com for the REST calls perf-action makes (PR comments, the
// artifact listing), so the real @actions/github / octokit code, and later the built action as a
// child process (GITHUB_API_URL), can be tested without mocking it.
//
// Every request is checked against GitHub's published OpenAPI description (openapi-check.ts): an
// unknown method + path answers 404, a body that is not JSON 400, other parameter or body
// problems 422, as GitHub does; each of them, and each answer of the stand-in that does not fit the
// documented response, is recorded in `violations`, which tests expect to be empty.
//
// Wire facts it follows:
// - errors are `{ message, documentation_url, status }` (status as a string), the documentation
//   URL being the operation's page; a token without write access (a fork PR's GITHUB_TOKEN, or a
//   workflow without `pull-requests: write`) gets 403 "Resource not accessible by integration".
// - list endpoints take `per_page` (default 30, capped at 100) and `page`; the `Link` header names
//   the repository by id (`/repositories/<id>/…`), keeps the other query parameters, and lists
//   prev, next, last, first in that order, each only when it applies. Those alias paths are served.
// - every answer carries `x-ratelimit-*` headers; a primary rate limit answers 403 (or 429) with
//   `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds); a secondary one answers
//   403 (or 429) "You have exceeded a secondary rate limit…" with `retry-after` (seconds); a bare
//   429 carries only `retry-after` (seconds or an HTTP date).
// - comment bodies longer than 65 536 characters are refused with 422.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { sendJson, serveOnLoopback } from './json-server.ts';
import {
  checkRequest,
  checkResponse,
  loadGitHubOpenApi,
  matchOperation,
  type Operation,
  type RequestProblem,
} from './openapi-check.ts';

/** An account that writes comments. */
export interface StandinUser {
  login: string;
  id: number;
  type: 'Bot' | 'User' | 'Organization';
  /** Its `author_association` with the repository (default NONE for bots, CONTRIBUTOR otherwise). */
  association?:
    | 'COLLABORATOR'
    | 'CONTRIBUTOR'
    | 'FIRST_TIMER'
    | 'FIRST_TIME_CONTRIBUTOR'
    | 'MANNEQUIN'
    | 'MEMBER'
    | 'NONE'
    | 'OWNER';
}

/** The account behind a workflow's GITHUB_TOKEN. */
export const GITHUB_ACTIONS_BOT: StandinUser = {
  login: 'github-actions[bot]',
  id: 41898282,
  type: 'Bot',
};

/** A human account. */
export const OCTOCAT: StandinUser = {
  login: 'octocat',
  id: 583231,
  type: 'User',
  association: 'OWNER',
};

/** A comment as the stand-in keeps it. */
export interface StandinComment {
  id: number;
  issueNumber: number;
  body: string;
  user: StandinUser;
  /** RFC 3339, seconds resolution, as GitHub writes it. */
  createdAt: string;
  updatedAt: string;
}

/** An artifact the listing shows. */
export interface StandinArtifact {
  id: number;
  name: string;
  sizeInBytes: number;
  runId: number;
  headBranch: string;
  headSha: string;
  expired: boolean;
  createdAt: string;
  expiresAt: string;
  digest: string | null;
}

/**
 * Makes the next matching request(s) fail, before they reach the handler. `route` is a method
 * (`POST`), a documented template, or both (`GET /repos/{owner}/{repo}/issues/{issue_number}/comments`);
 * omitted, any request matches. `times` defaults to 1.
 */
export type StandinFault = { route?: string; times?: number } & (
  | { kind: 'server-error'; status?: 500 | 502 | 503 }
  /** Primary rate limit; the reset lies `resetInS` seconds ahead (default 1). */
  | { kind: 'rate-limit'; status?: 403 | 429; resetInS?: number }
  /** Secondary rate limit with `retry-after: retryAfterS` (default 1). */
  | { kind: 'secondary-rate-limit'; status?: 403 | 429; retryAfterS?: number }
  /**
   * A bare 429 "Too Many Requests" with `retry-after` (seconds, default 1, or an HTTP date when
   * `retryAfter` is given) and neither the secondary-limit message nor an exhausted quota, as a
   * proxy in front of GitHub Enterprise Server or an overloaded API answers.
   */
  | { kind: 'too-many-requests'; retryAfterS?: number; retryAfter?: string }
  /** Answers normally, but only after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
);

/** One request the stand-in answered. */
export interface StandinRequest {
  method: string;
  /** Path as requested, without the query string. */
  path: string;
  query: Record<string, string>;
  /** The documented template it matched, if any. */
  template?: string;
  /** How it authenticated. */
  auth: 'none' | 'token' | 'bearer' | 'other';
  /** The parsed JSON body, when one was sent. */
  body?: unknown;
  status: number;
  response?: unknown;
  /** Response headers the stand-in set beyond the common ones (link, location, retry-after…). */
  headers: Record<string, string>;
}

/** A running stand-in. */
export interface GitHubApiStandin {
  /** `http://127.0.0.1:<port>`: the base URL for octokit and GITHUB_API_URL. */
  url: string;
  owner: string;
  repo: string;
  repositoryId: number;
  /** A token with write access, acting as github-actions[bot] (a same-repo PR's GITHUB_TOKEN). */
  writeToken: string;
  /** A read-only token, acting as github-actions[bot] (a fork PR's GITHUB_TOKEN). */
  readToken: string;
  /** Adds a token with that access, acting as `user` (default github-actions[bot]). */
  addToken(access: 'read' | 'write', user?: StandinUser): string;
  /** Makes a pull request exist, so its comments can be listed and written. */
  addPullRequest(issueNumber: number): void;
  /** Seeds a comment (not logged as a request). */
  addComment(issueNumber: number, body: string, user?: StandinUser): StandinComment;
  /** The comments of an issue, oldest first (copies). */
  comments(issueNumber: number): StandinComment[];
  /** Seeds an artifact of the repository. */
  addArtifact(artifact: Partial<StandinArtifact> & { name: string }): StandinArtifact;
  /** Queues a fault; faults are consumed in order, each by matching requests. */
  failNext(fault: StandinFault): void;
  /** Every request, in order. */
  readonly requests: StandinRequest[];
  /** Requests or answers that do not fit GitHub's OpenAPI description, one line each. */
  readonly violations: string[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const COMMENT_LIMIT = 65_536;
const RATE_LIMIT = 5000;

// The GitHub App behind github-actions[bot], as comment answers show it.
function githubActionsApp(apiUrl: string): Record<string, unknown> {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: simpleUser(apiUrl, { login: 'github', id: 9919, type: 'Organization' }),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: 'https://github.com/apps/github-actions',
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: {
      actions: 'write',
      checks: 'write',
      contents: 'write',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'write',
    },
    events: ['check_run', 'check_suite', 'issue_comment', 'pull_request', 'push', 'workflow_run'],
  };
}

function simpleUser(apiUrl: string, user: StandinUser): Record<string, unknown> {
  const api = `${apiUrl}/users/${encodeURIComponent(user.login)}`;
  const isBot = user.type === 'Bot';
  return {
    login: user.login,
    id: user.id,
    node_id: Buffer.from(`${isBot ? '03:Bot' : '04:User'}${user.id}`).toString('base64'),
    avatar_url: isBot
      ? 'https://avatars.githubusercontent.com/in/15368?v=4'
      : `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: isBot
      ? `https://github.com/apps/${user.login.replace(/\[bot\]$/, '')}`
      : `https://github.com/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** GitHub's timestamps: RFC 3339 in UTC, whole seconds. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering, in ms. */
  delayMs?: number;
}

/** An answer, with the documented operation the request hit (to check the answer against it). */
type RoutedAnswer = Answer & { operation?: Operation };

interface Context {
  method: string;
  template: string;
  operation: Operation;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  json: unknown;
  user: StandinUser;
}

/** Starts the stand-in on 127.0.0.1, port 0. */
export async function startGitHubApiStandin(
  options: { owner?: string; repo?: string; repositoryId?: number; pullRequests?: number[] } = {},
): Promise<GitHubApiStandin> {
  const spec = loadGitHubOpenApi();
  const owner = options.owner ?? 'octo-org';
  const repo = options.repo ?? 'shop';
  const repositoryId = options.repositoryId ?? 4242;
  const tokens = new Map<string, { access: 'read' | 'write'; user: StandinUser }>();
  const pullRequests = new Set(options.pullRequests ?? []);
  const comments: StandinComment[] = [];
  const artifacts: StandinArtifact[] = [];
  const faults: Array<StandinFault & { left: number }> = [];
  const requests: StandinRequest[] = [];
  const violations: string[] = [];
  const rateLimitReset = Math.floor(Date.now() / 1000) + 3600;
  let rateLimitUsed = 0;
  let nextCommentId = 2_468_135_790;
  let nextArtifactId = 1_100_000;
  // Comment times advance a second per write, so created/updated order never rests on the clock.
  let clock = Date.now() - 86_400_000;
  const tick = () => {
    clock = Math.max(clock + 1000, Date.now());
    return timestamp(clock);
  };

  function addToken(access: 'read' | 'write', user: StandinUser = GITHUB_ACTIONS_BOT): string {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { access, user });
    return token;
  }

  function error(status: number, message: string, operation?: Operation): Answer {
    return {
      status,
      body: {
        message,
        documentation_url: operationDocs(operation),
        status: String(status),
      },
    };
  }

  function operationDocs(operation?: Operation): string {
    const docs = (operation as { externalDocs?: { url?: string } } | undefined)?.externalDocs;
    return docs?.url ?? DOCS;
  }

  function commentJson(comment: StandinComment): Record<string, unknown> {
    const api = `${url}/repos/${owner}/${repo}`;
    return {
      id: comment.id,
      node_id: `IC_kwDO${Buffer.from(`${repositoryId}:${comment.id}`).toString('base64url')}`,
      url: `${api}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      body: comment.body,
      user: simpleUser(url, comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      issue_url: `${api}/issues/${comment.issueNumber}`,
      author_association:
        comment.user.association ?? (comment.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR'),
      performed_via_github_app:
        comment.user.login === GITHUB_ACTIONS_BOT.login ? githubActionsApp(url) : null,
      reactions: {
        url: `${api}/issues/comments/${comment.id}/reactions`,
        total_count: 0,
        '+1': 0,
        '-1': 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
    };
  }

  function artifactJson(artifact: StandinArtifact): Record<string, unknown> {
    const api = `${url}/repos/${owner}/${repo}/actions/artifacts/${artifact.id}`;
    return {
      id: artifact.id,
      node_id: `MDg6QXJ0aWZhY3Q${Buffer.from(String(artifact.id)).toString('base64url')}`,
      name: artifact.name,
      size_in_bytes: artifact.sizeInBytes,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: artifact.expired,
      created_at: artifact.createdAt,
      updated_at: artifact.createdAt,
      expires_at: artifact.expiresAt,
      digest: artifact.digest,
      workflow_run: {
        id: artifact.runId,
        repository_id: repositoryId,
        head_repository_id: repositoryId,
        head_branch: artifact.headBranch,
        head_sha: artifact.headSha,
      },
    };
  }

  /** One page of `items` and GitHub's Link header for it (absent when everything fits one page). */
  function paginate<T>(
    items: T[],
    query: URLSearchParams,
    aliasPath: string,
  ): { page: T[]; link?: string } {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30)));
    const page = Math.max(1, Number(query.get('page') ?? 1));
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    if (lastPage === 1) return { page: slice };
    const linkTo = (target: number) => {
      const params = new URLSearchParams(query);
      params.set('page', String(target));
      return `<${url}/repositories/${repositoryId}${aliasPath}?${params.toString()}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${linkTo(Math.min(page - 1, lastPage))}; rel="prev"`);
    if (page < lastPage) {
      links.push(`${linkTo(page + 1)}; rel="next"`, `${linkTo(lastPage)}; rel="last"`);
    }
    if (page > 1) links.push(`${linkTo(1)}; rel="first"`);
    return { page: slice, link: links.join(', ') };
  }

  function checkBody(body: unknown, operation: Operation): Answer | undefined {
    const text = (body as { body?: unknown }).body;
    if (typeof text === 'string' && [...text].length > COMMENT_LIMIT) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'IssueComment',
              code: 'custom',
              field: 'body',
              message: `body is too long (maximum is ${COMMENT_LIMIT} characters)`,
            },
          ],
          documentation_url: operationDocs(operation),
          status: '422',
        },
      };
    }
    return undefined;
  }

  function route(context: Context): Answer {
    const { method, template, operation, pathParams, query } = context;
    const key = `${method} ${template}`;
    const issueNumber = Number(pathParams.issue_number);
    const commentId = Number(pathParams.comment_id);
    switch (key) {
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        if (!pullRequests.has(issueNumber)) return error(404, 'Not Found', operation);
        const since = query.get('since');
        const matching = comments.filter(
          (comment) =>
            comment.issueNumber === issueNumber && (since === null || comment.updatedAt >= since),
        );
        const { page, link } = paginate(matching, query, `/issues/${issueNumber}/comments`);
        return { status: 200, body: page.map(commentJson), headers: link ? { link } : {} };
      }
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        if (!pullRequests.has(issueNumber)) return error(404, 'Not Found', operation);
        const refused = checkBody(context.json, operation);
        if (refused) return refused;
        const now = tick();
        const comment: StandinComment = {
          id: nextCommentId++,
          issueNumber,
          body: (context.json as { body: string }).body,
          user: context.user,
          createdAt: now,
          updatedAt: now,
        };
        comments.push(comment);
        const answer = commentJson(comment);
        return { status: 201, body: answer, headers: { location: String(answer.url) } };
      }
      case 'GET /repos/{owner}/{repo}/issues/comments/{comment_id}':
      case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}':
      case 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        const index = comments.findIndex((comment) => comment.id === commentId);
        const comment = comments[index];
        if (!comment) return error(404, 'Not Found', operation);
        if (method === 'GET') return { status: 200, body: commentJson(comment) };
        if (method === 'DELETE') {
          comments.splice(index, 1);
          return { status: 204 };
        }
        const refused = checkBody(context.json, operation);
        if (refused) return refused;
        comment.body = (context.json as { body: string }).body;
        comment.updatedAt = tick();
        return { status: 200, body: commentJson(comment) };
      }
      case 'GET /repos/{owner}/{repo}/actions/artifacts': {
        const name = query.get('name');
        const matching = artifacts
          .filter((artifact) => name === null || artifact.name === name)
          .sort((a, b) => b.id - a.id);
        const { page, link } = paginate(matching, query, '/actions/artifacts');
        return {
          status: 200,
          body: { total_count: matching.length, artifacts: page.map(artifactJson) },
          headers: link ? { link } : {},
        };
      }
      default:
        violations.push(`${key}: documented, but the stand-in does not implement it`);
        return error(501, `the stand-in does not implement ${key}`, operation);
    }
  }

  function takeFault(method: string, template: string): StandinFault | undefined {
    const index = faults.findIndex(
      (fault) =>
        fault.route === undefined ||
        fault.route === method ||
        fault.route === template ||
        fault.route === `${method} ${template}`,
    );
    const fault = faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) faults.splice(index, 1);
    return fault;
  }

  function faultAnswer(
    fault: Exclude<StandinFault, { kind: 'slow' }>,
    operation: Operation,
  ): Answer {
    switch (fault.kind) {
      case 'server-error': {
        const status = fault.status ?? 500;
        const message = status === 500 ? 'Server Error' : 'Service Unavailable';
        return { status, body: { message, status: String(status) } };
      }
      case 'rate-limit': {
        const status = fault.status ?? 403;
        const reset = Math.ceil(Date.now() / 1000) + (fault.resetInS ?? 1);
        return {
          status,
          body: {
            message: `API rate limit exceeded for installation ID ${repositoryId}.`,
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
            status: String(status),
          },
          headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        };
      }
      case 'secondary-rate-limit': {
        const status = fault.status ?? 403;
        return {
          status,
          body: {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url: `${operationDocs(operation).split('#')[0]}#about-secondary-rate-limits`,
            status: String(status),
          },
          headers: { 'retry-after': String(fault.retryAfterS ?? 1) },
        };
      }
      case 'too-many-requests':
        return {
          status: 429,
          body: { message: 'Too Many Requests', documentation_url: DOCS, status: '429' },
          headers: { 'retry-after': fault.retryAfter ?? String(fault.retryAfterS ?? 1) },
        };
    }
  }

  const REQUEST_PROBLEM_STATUS: Record<RequestProblem['kind'], number> = {
    path: 404,
    json: 400,
    query: 422,
    body: 422,
  };

  function answer(
    request: IncomingMessage,
    path: string,
    query: URLSearchParams,
    text: string,
    entry: StandinRequest,
  ): RoutedAnswer {
    const method = request.method ?? 'GET';
    const where = `${method} ${path}`;
    // GitHub serves /repositories/<id>/… (the form its Link headers use) like /repos/<owner>/<repo>/….
    let routed = path;
    const alias = /^\/repositories\/(\d+)(\/.*)$/.exec(path);
    if (alias) {
      if (Number(alias[1]) !== repositoryId) {
        violations.push(`${where}: no repository with id ${alias[1]}`);
        return error(404, 'Not Found');
      }
      routed = `/repos/${owner}/${repo}${alias[2]}`;
    }
    const match = matchOperation(spec, method, routed);
    if (!match) {
      violations.push(`${where}: no such operation in GitHub's REST API`);
      return error(404, 'Not Found');
    }
    entry.template = match.template;
    return { operation: match.operation, ...respond(request, where, match, query, text, entry) };
  }

  function respond(
    request: IncomingMessage,
    where: string,
    match: NonNullable<ReturnType<typeof matchOperation>>,
    query: URLSearchParams,
    text: string,
    entry: StandinRequest,
  ): Answer {
    const { method = 'GET' } = request;
    const { operation, pathParams } = match;
    const checked = checkRequest(spec, operation, {
      pathParams,
      query,
      body: text,
      ...(request.headers['content-type'] ? { contentType: request.headers['content-type'] } : {}),
    });
    if (checked.json !== undefined) entry.body = checked.json;
    const [first] = checked.problems;
    if (first) {
      for (const problem of checked.problems) violations.push(`${where}: ${problem.message}`);
      const status = REQUEST_PROBLEM_STATUS[first.kind];
      if (status === 404) return error(404, 'Not Found', operation);
      if (status === 400) return error(400, 'Problems parsing JSON', operation);
      return error(
        422,
        `Invalid request.\n\n${checked.problems.map((p) => p.message).join('\n')}`,
        operation,
      );
    }

    const authorization = request.headers.authorization ?? '';
    const scheme = /^(token|bearer) (.+)$/i.exec(authorization);
    entry.auth =
      authorization === ''
        ? 'none'
        : scheme
          ? (scheme[1]?.toLowerCase() as 'token' | 'bearer')
          : 'other';
    const grant = scheme ? tokens.get(scheme[2] ?? '') : undefined;
    if (!grant) {
      return error(401, authorization === '' ? 'Requires authentication' : 'Bad credentials');
    }
    rateLimitUsed += 1;

    const fault = takeFault(method, match.template);
    if (fault && fault.kind !== 'slow') return faultAnswer(fault, operation);
    const slowness = fault?.kind === 'slow' ? { delayMs: fault.delayMs } : {};

    if (
      pathParams.owner?.toLowerCase() !== owner.toLowerCase() ||
      pathParams.repo?.toLowerCase() !== repo.toLowerCase()
    ) {
      return { ...error(404, 'Not Found', operation), ...slowness };
    }
    const isWrite = method !== 'GET' && method !== 'HEAD';
    if (isWrite && grant.access !== 'write') {
      return { ...error(403, 'Resource not accessible by integration', operation), ...slowness };
    }
    const routed = route({
      method,
      template: match.template,
      operation,
      pathParams,
      query,
      json: checked.json,
      user: grant.user,
    });
    return { ...routed, ...slowness };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(request.url ?? '/', 'http://127.0.0.1');
    const entry: StandinRequest = {
      method: request.method ?? 'GET',
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      auth: 'none',
      status: 0,
      headers: {},
    };
    const result = answer(request, parsed.pathname, parsed.searchParams, text, entry);
    if (result.delayMs) await delay(result.delayMs);
    entry.status = result.status;
    entry.response = result.body;
    entry.headers = result.headers ?? {};
    requests.push(entry);
    // The stand-in checks itself too: a documented status must carry the documented shape.
    const { operation } = result;
    if (operation) {
      const documented = operation.responses?.[String(result.status)];
      if (documented || (result.status >= 200 && result.status < 300)) {
        for (const problem of checkResponse(spec, operation, result.status, result.body)) {
          violations.push(`${entry.method} ${entry.path}: the stand-in's answer: ${problem}`);
        }
      }
    }
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': randomUUID().toUpperCase(),
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - rateLimitUsed)),
      'x-ratelimit-reset': String(rateLimitReset),
      'x-ratelimit-used': String(rateLimitUsed),
      'x-ratelimit-resource': 'core',
      ...entry.headers,
    };
    sendJson(response, result.status, result.body, headers, 'application/json; charset=utf-8');
  }

  const server = await serveOnLoopback(handle, (request, problem) => {
    violations.push(`${request.method} ${request.url}: the stand-in failed: ${String(problem)}`);
    return { message: 'Server Error' };
  });
  const url = server.url;

  return {
    url,
    owner,
    repo,
    repositoryId,
    writeToken: addToken('write'),
    readToken: addToken('read'),
    addToken,
    addPullRequest(issueNumber) {
      pullRequests.add(issueNumber);
    },
    addComment(issueNumber, body, user = OCTOCAT) {
      pullRequests.add(issueNumber);
      const now = tick();
      const comment = {
        id: nextCommentId++,
        issueNumber,
        body,
        user,
        createdAt: now,
        updatedAt: now,
      };
      comments.push(comment);
      return { ...comment };
    },
    comments: (issueNumber) =>
      comments.filter((comment) => comment.issueNumber === issueNumber).map((c) => ({ ...c })),
    addArtifact(artifact) {
      const created = artifact.createdAt ?? tick();
      const entry: StandinArtifact = {
        id: nextArtifactId++,
        sizeInBytes: 1024,
        runId: 7_000_000 + nextArtifactId,
        headBranch: 'main',
        headSha: randomBytes(20).toString('hex'),
        expired: false,
        createdAt: created,
        expiresAt: timestamp(Date.parse(created) + 90 * 86_400_000),
        digest: null,
        ...artifact,
      };
      artifacts.push(entry);
      return { ...entry };
    },
    failNext(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    requests,
    violations,
    close: server.close,
  };
}
