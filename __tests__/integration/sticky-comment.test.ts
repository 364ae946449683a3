// The sticky PR comment through the real octokit (@actions/github with the retry and throttling
// plugins) against a local stand-in of the REST API that checks every request against GitHub's
// OpenAPI description.

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COMMENT_BODY_LIMIT,
  type CommentTarget,
  commentMarker,
  fitCommentBody,
  TRUNCATION_NOTE,
  type UpsertStickyCommentOptions,
  upsertStickyComment,
} from '../../src/action/sticky-comment.ts';
import {
  GITHUB_ACTIONS_BOT,
  type GitHubApiStandin,
  OCTOCAT,
  startGitHubApiStandin,
} from '../helpers/github-api-standin.ts';

const PR = 12;
const marker = commentMarker('perf.yml');
let standin: GitHubApiStandin;
let target: CommentTarget;

beforeEach(async () => {
  standin = await startGitHubApiStandin({ pullRequests: [PR] });
  target = { owner: standin.owner, repo: standin.repo, issueNumber: PR };
});

afterEach(async () => {
  const violations = [...standin.violations];
  await standin.close();
  expect(violations).toEqual([]);
});

function upsert(body: string, overrides: Partial<UpsertStickyCommentOptions> = {}) {
  return upsertStickyComment({
    token: standin.writeToken,
    baseUrl: standin.url,
    target,
    marker,
    body,
    // Waits shrunk to milliseconds: the tests check that retries happen, not how long they wait.
    retry: { retries: 2, minDelayMs: 1, rateLimitSecondMs: 1 },
    ...overrides,
  });
}

function withMarker(issueNumber = PR) {
  return standin.comments(issueNumber).filter((comment) => comment.body.includes(marker));
}

function writes() {
  return standin.requests.filter((request) => request.method !== 'GET');
}

describe('upsertStickyComment', () => {
  it('creates the comment, then updates it in place and leaves other comments alone', async () => {
    const other = standin.addComment(PR, 'LGTM', OCTOCAT);

    const first = await upsert('## perf: pass');
    expect(first).toMatchObject({ status: 'created' });
    const [created] = withMarker();
    expect(created?.body).toBe(`${marker}\n## perf: pass`);
    expect(created?.user.login).toBe(GITHUB_ACTIONS_BOT.login);
    if (first.status !== 'created') throw new Error('unreachable');
    expect(first.url).toBe(
      `https://github.com/${standin.owner}/${standin.repo}/pull/${PR}#issuecomment-${created?.id}`,
    );

    const second = await upsert(`${marker}\n## perf: warn`);
    expect(second).toEqual({ status: 'updated', url: first.url, id: first.id });
    expect(withMarker()).toHaveLength(1);
    expect(withMarker()[0]?.body).toBe(`${marker}\n## perf: warn`);
    expect(standin.comments(PR)).toHaveLength(2);
    expect(standin.comments(PR)[0]).toEqual(other);
    expect(writes().map((request) => `${request.method} ${request.status}`)).toEqual([
      'POST 201',
      'PATCH 200',
    ]);
    expect(standin.requests.every((request) => request.auth === 'token')).toBe(true);
  });

  it('onlyUpdate updates an existing comment but never creates one', async () => {
    expect(await upsert('## perf: pass', { onlyUpdate: true })).toEqual({ status: 'skipped' });
    expect(withMarker()).toHaveLength(0);
    await upsert('## perf: fail');
    expect(await upsert('## perf: pass', { onlyUpdate: true })).toMatchObject({
      status: 'updated',
    });
    expect(withMarker()).toHaveLength(1);
    expect(withMarker()[0]?.body).toBe(`${marker}\n## perf: pass`);
  });

  it('keeps one comment per config', async () => {
    await upsert('report for perf.yml');
    const other = await upsert('report for stress.yml', { marker: commentMarker('stress.yml') });
    expect(other.status).toBe('created');
    expect(await upsert('report for perf.yml, again')).toMatchObject({ status: 'updated' });
    expect(standin.comments(PR)).toHaveLength(2);
  });

  it('finds the marker comment on the second page of 120 and updates it', async () => {
    for (let index = 0; index < 120; index += 1) {
      if (index === 40) standin.addComment(PR, `someone quoting ${marker} in a reply`, OCTOCAT);
      else if (index === 104) standin.addComment(PR, `${marker}\nold report`, GITHUB_ACTIONS_BOT);
      else standin.addComment(PR, `comment ${index}`, OCTOCAT);
    }
    const ours = standin.comments(PR)[104];

    const result = await upsert('new report');

    expect(result).toMatchObject({ status: 'updated', id: ours?.id });
    expect(standin.comments(PR)).toHaveLength(120);
    expect(standin.comments(PR)[104]?.body).toBe(`${marker}\nnew report`);
    expect(standin.comments(PR)[40]?.body).toBe(`someone quoting ${marker} in a reply`);
    const listings = standin.requests.filter((request) => request.method === 'GET');
    // Page 2 is read through the Link header, as GitHub forms it (/repositories/<id>/…).
    expect(listings.map((request) => [request.path, request.query])).toEqual([
      [`/repos/${standin.owner}/${standin.repo}/issues/${PR}/comments`, { per_page: '100' }],
      [
        `/repositories/${standin.repositoryId}/issues/${PR}/comments`,
        { per_page: '100', page: '2' },
      ],
    ]);
  });

  it('does not depend on the login: finds a marker comment written with a personal token', async () => {
    const personal = standin.addToken('write', OCTOCAT);
    await upsert('first', { token: personal });
    const result = await upsert('second', { token: personal });
    expect(result.status).toBe('updated');
    expect(withMarker()).toHaveLength(1);
    expect(withMarker()[0]?.user.login).toBe(OCTOCAT.login);
  });

  it("degrades on a fork PR's read-only token, without writing", async () => {
    const lines: string[] = [];
    const result = await upsert('report', { token: standin.readToken, log: (l) => lines.push(l) });

    expect(result).toEqual({
      status: 'degraded',
      reason: expect.stringMatching(
        /^cannot comment on PR #12: Resource not accessible by integration \(fork PRs get a read-only token.*\); the report is in the job summary$/,
      ),
    });
    expect(standin.comments(PR)).toEqual([]);
    // Refused once, not retried: a 403 without a rate limit is final.
    expect(writes().map((request) => `${request.method} ${request.status}`)).toEqual(['POST 403']);
  });

  it('degrades on 404 (no such PR, or a repository the token cannot see)', async () => {
    const result = await upsert('report', { target: { ...target, issueNumber: 999 } });
    expect(result).toEqual({
      status: 'degraded',
      reason: expect.stringMatching(/^cannot comment on PR #999: Not Found \(/),
    });
    expect(writes()).toEqual([]);
    expect(standin.requests).toHaveLength(1);
  });

  it('retries after a primary rate limit and succeeds', async () => {
    standin.failNext({ route: 'GET', kind: 'rate-limit', resetInS: 1 });
    const lines: string[] = [];
    const result = await upsert('report', { log: (line) => lines.push(line) });

    expect(result.status).toBe('created');
    expect(standin.requests.map((request) => `${request.method} ${request.status}`)).toEqual([
      'GET 403',
      'GET 200',
      'POST 201',
    ]);
    expect(lines.some((line) => /^rate limited on GET .*retrying/.test(line))).toBe(true);
  });

  it('retries after a secondary rate limit (429, retry-after) on the write and succeeds', async () => {
    standin.failNext({ route: 'POST', kind: 'secondary-rate-limit', status: 429 });
    const result = await upsert('report');
    expect(result.status).toBe('created');
    expect(writes().map((request) => `${request.method} ${request.status}`)).toEqual([
      'POST 429',
      'POST 201',
    ]);
    expect(withMarker()).toHaveLength(1);
  });

  it('retries a bare 429 after the retry-after it names, and succeeds', async () => {
    standin.failNext({ route: 'POST', kind: 'too-many-requests', retryAfterS: 2 });
    const lines: string[] = [];
    const started = performance.now();
    // A second of retry-after lasts 100 ms here: the wait must be at least 200 ms.
    const result = await upsert('report', {
      log: (line) => lines.push(line),
      retry: { retries: 2, minDelayMs: 1, rateLimitSecondMs: 100 },
    });
    expect(result.status).toBe('created');
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(writes().map((request) => `${request.method} ${request.status}`)).toEqual([
      'POST 429',
      'POST 201',
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^too many requests \(429\) on POST .*: retrying in 2 s$/),
    );
    expect(withMarker()).toHaveLength(1);
  });

  it('reads a retry-after given as an HTTP date', async () => {
    const at = new Date(Date.now() + 2000).toUTCString();
    standin.failNext({ route: 'GET', kind: 'too-many-requests', retryAfter: at });
    const lines: string[] = [];
    const result = await upsert('report', { log: (line) => lines.push(line) });
    expect(result.status).toBe('created');
    expect(standin.requests.map((request) => request.status)).toEqual([429, 200, 201]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^too many requests \(429\) on GET .*: retrying in [1-3] s$/),
    );
  });

  it('gives up on a bare 429 after the retries', async () => {
    standin.failNext({ route: 'GET', kind: 'too-many-requests', times: 10 });
    const result = await upsert('report');
    expect(result).toEqual({
      status: 'degraded',
      reason:
        'cannot comment on PR #12: too many requests (429 Too Many Requests, retry-after 1); the report is in the job summary',
    });
    expect(standin.requests.map((request) => request.status)).toEqual([429, 429, 429]);
  });

  it.each([
    ['than allowed', { retryAfterS: 120 }, {}],
    ['than the deadline leaves', { retryAfterS: 30 }, { deadlineMs: 2000 }],
  ])('degrades at once when a bare 429 asks for a longer wait %s', async (_, fault, overrides) => {
    standin.failNext({ route: 'GET', kind: 'too-many-requests', ...fault });
    const started = performance.now();
    const result = await upsert('report', {
      retry: { retries: 2, minDelayMs: 1, rateLimitSecondMs: 1000 },
      ...overrides,
    });
    expect(result).toMatchObject({
      status: 'degraded',
      reason: expect.stringMatching(/^cannot comment on PR #12: too many requests \(429/),
    });
    expect(standin.requests).toHaveLength(1);
    // It did not sit out the wait it was asked for.
    expect(performance.now() - started).toBeLessThan(fault.retryAfterS * 1000);
  });

  it('degrades when a rate limit asks for a longer wait than allowed', async () => {
    standin.failNext({ route: 'GET', kind: 'rate-limit', resetInS: 3600 });
    const result = await upsert('report');
    expect(result).toEqual({
      status: 'degraded',
      reason: expect.stringMatching(/^cannot comment on PR #12: rate limited \(API rate limit/),
    });
    expect(standin.requests).toHaveLength(1);
  });

  it('retries a 500 and succeeds', async () => {
    standin.failNext({
      route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      kind: 'server-error',
    });
    const result = await upsert('report');
    expect(result.status).toBe('created');
    expect(writes().map((request) => `${request.method} ${request.status}`)).toEqual([
      'POST 500',
      'POST 201',
    ]);
    expect(withMarker()).toHaveLength(1);
  });

  it('degrades when 5xx outlast the retries', async () => {
    standin.failNext({ kind: 'server-error', status: 503, times: 10 });
    const result = await upsert('report');
    expect(result).toEqual({
      status: 'degraded',
      reason:
        'cannot comment: listing the comments of PR #12 failed: GitHub answered 503 Service Unavailable after 2 retries; the report is in the job summary',
    });
    expect(standin.requests).toHaveLength(3);
  });

  it('degrades when GitHub cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const result = await upsert('report', { baseUrl: `http://127.0.0.1:${port}` });
    expect(result).toEqual({
      status: 'degraded',
      reason: expect.stringMatching(
        /^cannot comment: listing the comments of PR #12 failed: .*ECONNREFUSED.* after 2 retries; the report is in the job summary$/,
      ),
    });
  });

  it('degrades when GitHub is too slow for the deadline', async () => {
    standin.failNext({ route: 'GET', kind: 'slow', delayMs: 3000 });
    const result = await upsert('report', { deadlineMs: 300 });
    expect(result).toEqual({
      status: 'degraded',
      reason:
        'cannot comment: listing the comments of PR #12 timed out; the report is in the job summary',
    });
    expect(writes()).toEqual([]);
  });

  it('cuts an oversize body below the limit at a line boundary and keeps the marker', async () => {
    const line = `| load/projects-list/latency.p95 | 180 ms | 200 ms | pass | ${'x'.repeat(40)} |`;
    const report = `## perf: pass\n<details><summary>all checks</summary>\n\n${Array.from(
      { length: 1200 },
      () => line,
    ).join('\n')}\n</details>\n`;
    expect(report.length).toBeGreaterThan(COMMENT_BODY_LIMIT);

    const result = await upsert(report);
    expect(result.status).toBe('created');
    const [stored] = withMarker();
    const body = stored?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_BODY_LIMIT - line.length - 200);
    expect(body.startsWith(`${marker}\n## perf: pass\n`)).toBe(true);
    expect(body.endsWith(`${line}\n</details>\n\n${TRUNCATION_NOTE}\n`)).toBe(true);

    expect(await upsert(report)).toMatchObject({ status: 'updated', id: stored?.id });
  });
});

describe('fitCommentBody', () => {
  it('prepends the marker only when it is missing', () => {
    expect(fitCommentBody('hello', marker)).toBe(`${marker}\nhello`);
    expect(fitCommentBody(`intro\n${marker}`, marker)).toBe(`intro\n${marker}`);
  });

  it('closes a code fence that the cut leaves open', () => {
    const body = `intro\n\`\`\`text\n${'a line\n'.repeat(50)}\`\`\`\nend`;
    const fitted = fitCommentBody(body, marker, 200);
    expect(fitted.length).toBeLessThanOrEqual(200);
    expect(fitted).toMatch(/a line\n```\n\n\(truncated; .*\)\n$/);
  });

  it('cuts one overlong line without splitting a surrogate pair, and keeps a marker placed last', () => {
    const body = `${'😀'.repeat(300)}\n${marker}`;
    const fitted = fitCommentBody(body, marker, 300);
    expect(fitted.length).toBeLessThanOrEqual(300);
    expect(fitted.startsWith(`${marker}\n😀`)).toBe(true);
    expect(fitted).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('makes markers that cannot end the HTML comment early', () => {
    expect(commentMarker('perf.yml')).toBe('<!-- perf-action:comment:perf.yml -->');
    expect(commentMarker('a --> b')).toBe('<!-- perf-action:comment:a_-__b -->');
    expect(commentMarker('  ')).toBe('<!-- perf-action:comment:default -->');
  });
});

interface JsonAnswer {
  errors: Array<{ message: string }>;
  total_count: number;
  artifacts: Array<{ id: number }>;
  length: number;
  map<T>(mapper: (item: { body: string }) => T): T[];
}

describe('the GitHub API stand-in', () => {
  async function call(method: string, path: string, body?: string, token = standin.writeToken) {
    const response = await fetch(`${standin.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body }),
    });
    // The answers' shapes are checked by the stand-in itself; here they are read loosely.
    const json = (await response.json()) as JsonAnswer;
    return { status: response.status, json, headers: response.headers };
  }

  it('rejects requests that do not fit the OpenAPI description, as GitHub would', async () => {
    const comments = `/repos/${standin.owner}/${standin.repo}/issues/${PR}/comments`;
    expect((await call('POST', comments, '{"text":"no body"}')).status).toBe(422);
    expect((await call('POST', comments, '{"body":42}')).status).toBe(422);
    expect((await call('POST', comments, '{not json')).status).toBe(400);
    expect(
      (await call('GET', `/repos/${standin.owner}/${standin.repo}/issues/abc/comments`)).status,
    ).toBe(404);
    expect((await call('GET', `${comments}?per_page=many`)).status).toBe(422);
    expect((await call('GET', `${comments}?perPage=10`)).status).toBe(422);
    expect((await call('PUT', comments, '{"body":"x"}')).status).toBe(404);
    expect((await call('GET', '/repos/a/b/no-such-thing')).json).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });

    expect(standin.violations).toEqual([
      expect.stringMatching(/^POST .*: \$\.body is required$/),
      expect.stringMatching(/^POST .*: \$\.body should be a string$/),
      expect.stringMatching(/^POST .*: the request body is not JSON$/),
      expect.stringMatching(/^GET .*: path parameter issue_number should be an integer/),
      expect.stringMatching(/^GET .*: query parameter per_page should be an integer/),
      expect.stringMatching(/^GET .*: query parameter perPage is not documented$/),
      expect.stringMatching(/^PUT .*: no such operation/),
      expect.stringMatching(/^GET \/repos\/a\/b\/no-such-thing: no such operation/),
    ]);
    expect(standin.comments(PR)).toEqual([]);
    standin.violations.splice(0);
  });

  it('answers bad credentials with 401, and refuses writes over 65 536 characters', async () => {
    const comments = `/repos/${standin.owner}/${standin.repo}/issues/${PR}/comments`;
    expect((await call('GET', comments, undefined, 'ghs_unknown')).status).toBe(401);
    const tooLong = await call('POST', comments, JSON.stringify({ body: 'x'.repeat(65_537) }));
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.errors[0]?.message).toBe('body is too long (maximum is 65536 characters)');
    expect(
      (await call('POST', comments, JSON.stringify({ body: 'x'.repeat(65_536) }))).status,
    ).toBe(201);
  });

  it('pages with a Link header formed as GitHub forms it', async () => {
    for (let index = 0; index < 120; index += 1) standin.addComment(PR, `comment ${index}`);
    const base = `${standin.url}/repositories/${standin.repositoryId}/issues/${PR}/comments`;
    const comments = `/repos/${standin.owner}/${standin.repo}/issues/${PR}/comments`;

    const first = await call('GET', `${comments}?per_page=50`);
    expect(first.json).toHaveLength(50);
    expect(first.headers.get('link')).toBe(
      `<${base}?per_page=50&page=2>; rel="next", <${base}?per_page=50&page=3>; rel="last"`,
    );
    const middle = await call('GET', `${comments}?per_page=50&page=2`);
    expect(middle.headers.get('link')).toBe(
      `<${base}?per_page=50&page=1>; rel="prev", <${base}?per_page=50&page=3>; rel="next", ` +
        `<${base}?per_page=50&page=3>; rel="last", <${base}?per_page=50&page=1>; rel="first"`,
    );
    const last = await call('GET', `${comments}?per_page=50&page=3`);
    expect(last.json.map((comment) => comment.body)).toEqual(
      Array.from({ length: 20 }, (_, index) => `comment ${100 + index}`),
    );
    expect(last.headers.get('link')).toBe(
      `<${base}?per_page=50&page=2>; rel="prev", <${base}?per_page=50&page=1>; rel="first"`,
    );
    expect((await call('GET', comments)).headers.get('link')).toContain('page=4>; rel="last"');
    expect(first.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  });

  it('lists artifacts, newest first, shaped per the description', async () => {
    const added = ['perf-baseline-main', 'perf-results', 'perf-baseline-main'].map((name) =>
      standin.addArtifact({ name }),
    );
    const listing = await call(
      'GET',
      `/repos/${standin.owner}/${standin.repo}/actions/artifacts?name=perf-baseline-main&per_page=1`,
    );
    expect(listing.json.total_count).toBe(2);
    expect(listing.json.artifacts).toHaveLength(1);
    expect(listing.headers.get('link')).toContain('rel="next"');
    expect(listing.json.artifacts[0]?.id).toBe(added[2]?.id);
  });
});
