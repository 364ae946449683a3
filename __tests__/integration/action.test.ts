// The action as the runner runs it: the bundled dist/index.js (built fresh from the sources) in a
// child process with the runner's environment contract, against the real sample service and a
// stand-in of GitHub's REST API that checks every request against GitHub's OpenAPI description.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../examples/validation-platform/service.ts';
import { buildDist } from '../../scripts/build.ts';
import { type GitHubApiStandin, startGitHubApiStandin } from '../helpers/github-api-standin.ts';
import { ROOT } from '../helpers/run-cli.ts';

const EVENTS = join(ROOT, '__tests__', 'fixtures', 'events');
let dir: string;
let dist: string;
let fast: { url: string; close(): Promise<void> };
let slow: { url: string; close(): Promise<void> };
/** A second fast service: the same build as `fast`, for a base beside it. */
let twin: { url: string; close(): Promise<void> };
let github: GitHubApiStandin;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-action-'));
  dist = join(dir, 'dist');
  await buildDist(dist);
  fast = await startServer({ port: 0 });
  slow = await startServer({ port: 0, delayMs: 250 });
  twin = await startServer({ port: 0 });
  github = await startGitHubApiStandin({ owner: 'octo-org', repo: 'shop', pullRequests: [12, 13] });
});

afterEach(() => {
  expect(github.violations).toEqual([]);
});

afterAll(async () => {
  await fast?.close();
  await slow?.close();
  await twin?.close();
  await github?.close();
  await rm(dir, { recursive: true, force: true });
});

const CONFIG = `target:
  url: http://127.0.0.1:1
  health: /health
  wait: 5s
auth:
  login: { path: /auth/login, json: { email: test@example.com, password: password } }
  token: access_token
defaults: { warmup: 0s, rounds: 2 }
load:
  scenarios:
    - name: list
      request: { path: /api/projects }
      connections: 4
      requests: 40
`;

interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

let runs = 0;

/** Runs dist/index.js for an event, as the runner would. */
async function runAction(options: {
  /** The payload fixture (or a payload file's path); with `eventName` and `ref` the run's event. */
  event: string;
  eventName?: string;
  ref?: string;
  inputs: Record<string, string>;
  token?: string;
  env?: Record<string, string>;
}): Promise<ActionRun> {
  const n = ++runs;
  const work = join(dir, `run-${n}`);
  const outputFile = join(dir, `output-${n}`);
  const summaryFile = join(dir, `summary-${n}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const configFile = join(dir, 'perf.yml');
  await writeFile(configFile, CONFIG);
  const isPr = options.event.startsWith('pull_request');
  const inputs: Record<string, string> = {
    config: configFile,
    'github-token': options.token ?? github.writeToken,
    'results-dir': work,
    'artifact-name': '',
    ...options.inputs,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? (isPr ? 'pull_request' : 'push'),
    GITHUB_EVENT_PATH: options.event.startsWith('/')
      ? options.event
      : join(EVENTS, `${options.event}.json`),
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_REF: options.ref ?? (isPr ? 'refs/pull/12/merge' : 'refs/heads/main'),
    GITHUB_SHA: '4'.repeat(40),
    GITHUB_RUN_ID: String(1000 + n),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    ...options.env,
  };
  // The runner passes inputs as INPUT_<NAME>, upper-cased, spaces as underscores, dashes kept.
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [join(dist, 'index.js')], { env, cwd: dir });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', reject);
      child.once('close', (exit) => {
        clearTimeout(timer);
        resolve({ code: exit, stdout: out });
      });
    },
  );
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

/** GITHUB_OUTPUT's heredoc form: `name<<DELIMITER\nvalue\nDELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] ?? ''] = match[3] ?? '';
  return outputs;
}

const marked = (issue: number) =>
  github.comments(issue).filter((c) => c.body.includes('<!-- perf-action:comment:'));

describe('the action, from dist/index.js', () => {
  it('a PR run creates one sticky comment; the next run updates it', async () => {
    const first = await runAction({
      event: 'pull_request',
      inputs: { 'target-url': fast.url, baseline: 'none' },
    });
    expect(first.code).toBe(0);
    expect(marked(12)).toHaveLength(1);
    const comment = marked(12)[0];
    // Line 1 after the marker is the headline.
    expect(comment?.body.split('\n')[1]).toMatch(/^\*\*✅ /);
    expect(comment?.body).toContain(
      '[Workflow run](https://github.com/octo-org/shop/actions/runs/',
    );
    expect(first.outputs.verdict).toBe('pass');
    expect(first.outputs['comment-url']).toContain('/pull/12#issuecomment-');
    expect(first.outputs['results-path']).toMatch(/results\.json$/);
    expect(first.outputs['report-path']).toMatch(/report\.md$/);
    expect(first.outputs.regressions).toBe('0');
    expect(first.outputs['baseline-saved']).toBe('false');
    expect(first.summary).toMatch(/^\*\*✅ /);

    const second = await runAction({
      event: 'pull_request',
      inputs: { 'target-url': fast.url, baseline: 'none' },
    });
    expect(second.code).toBe(0);
    expect(marked(12)).toHaveLength(1);
    expect(second.outputs['comment-url']).toBe(first.outputs['comment-url']);
    const writes = github.requests.filter((r) => r.method !== 'GET').map((r) => r.method);
    expect(writes).toEqual(['POST', 'PATCH']);
  });

  it("a fork PR's 403 leaves the job green with the report in the summary", async () => {
    const run = await runAction({
      event: 'pull_request_fork',
      token: github.readToken,
      inputs: { 'target-url': fast.url, baseline: 'none' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /::warning::cannot comment on PR #13: Resource not accessible by integration/,
    );
    expect(marked(13)).toHaveLength(0);
    expect(run.summary).toMatch(/^\*\*✅ /);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs['comment-url']).toBeUndefined();
  });

  it('a push to the default branch saves a baseline; a pull_request run does not', async () => {
    const store = join(dir, 'baselines');
    const pr = await runAction({
      event: 'pull_request',
      inputs: {
        'target-url': fast.url,
        'baseline-path': store,
        'update-baseline': 'true',
        comment: 'never',
      },
    });
    expect(pr.code).toBe(0);
    expect(pr.outputs['baseline-saved']).toBe('false');
    expect(await readdir(store).catch(() => [])).toEqual([]);

    const push = await runAction({
      event: 'push_main',
      inputs: { 'target-url': fast.url, 'baseline-path': store },
    });
    expect(push.code).toBe(0);
    expect(push.outputs['baseline-saved']).toBe('true');
    const history = JSON.parse(await readFile(join(store, 'default.history.json'), 'utf8'));
    expect(history.records).toHaveLength(1);
    expect(history.records[0].commit).toBe('4'.repeat(40));

    // The next PR compares with that history.
    const next = await runAction({
      event: 'pull_request',
      inputs: { 'target-url': fast.url, 'baseline-path': store, comment: 'never' },
    });
    expect(next.summary).toContain("Baseline 'default': 1 run");
  });

  it.each([
    ['fail', 1],
    ['warn', 1],
    ['never', 0],
  ])('fail-on %s decides the exit code of a failing run (%d)', async (failOn, code) => {
    const run = await runAction({
      event: 'push_main',
      inputs: { 'target-url': slow.url, baseline: 'none', 'fail-on': failOn },
    });
    expect(run.outputs.verdict).toBe('fail');
    expect(run.code).toBe(code);
    if (code === 1) {
      // One short line, the headline: the report holds the detail.
      const [line] = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
      expect(line).toMatch(/^::error::❌ \d+ budgets? over \(worst: .+\) · budgets only$/);
      expect([...(line ?? '')].length).toBeLessThanOrEqual('::error::'.length + 120);
    }
    // The report is out before the job fails.
    expect(run.summary).toMatch(/^\*\*❌ /);
  });

  it('bad input fails the step with one line', async () => {
    const run = await runAction({
      event: 'push_main',
      inputs: { 'target-url': fast.url, 'fail-on': 'sometimes' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error::input 'fail-on' is 'sometimes'; expected one of: fail, warn, never",
    );
  });
});

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const historyFile = (store: string) => join(store, 'default.history.json');

describe('the action saves baselines only from runs of the default branch it can trust', () => {
  it.each([
    ['workflow_run', 'workflow_run', 'auto'],
    ['workflow_run', 'workflow_run', 'true'],
    ['issue_comment', 'issue_comment', 'auto'],
    ['issue_comment', 'issue_comment', 'true'],
    ['repository_dispatch', 'repository_dispatch', 'auto'],
    ['merge_group', 'push_main', 'true'],
  ])(
    "a %s run (payload %s, update-baseline %s) on main is not saved as main's baseline",
    async (eventName, event, update) => {
      const store = join(dir, `never-${eventName}-${update}`);
      const run = await runAction({
        event,
        eventName,
        ref: 'refs/heads/main',
        inputs: { 'target-url': fast.url, 'baseline-path': store, 'update-baseline': update },
      });
      expect(run.code).toBe(0);
      expect(run.outputs['baseline-saved']).toBe('false');
      expect(run.stdout).toMatch(/baseline: will not save \(/);
      expect(await readdir(store).catch(() => [])).toEqual([]);
    },
  );

  it('a schedule run (its payload names no repository) is saved', async () => {
    const store = join(dir, 'scheduled');
    const run = await runAction({
      event: 'schedule',
      eventName: 'schedule',
      ref: 'refs/heads/main',
      inputs: { 'target-url': fast.url, 'baseline-path': store },
    });
    expect(run.code).toBe(0);
    expect(run.outputs['baseline-saved']).toBe('true');
    expect(run.stdout).toContain('baseline: will save (a schedule on the default branch)');
    const history = JSON.parse(await readFile(historyFile(store), 'utf8'));
    expect(history.records).toHaveLength(1);
  });
});

describe('the action tells the truth about the baseline it saved', () => {
  it('says which stores did not save, and why, and outputs baseline-saved false when none did', async () => {
    const port = await closedPort();
    const claims = Buffer.from(
      JSON.stringify({ scp: 'Actions.GenericRead:0 Actions.Results:run-1:job-1' }),
    ).toString('base64url');
    const run = await runAction({
      event: 'push_main',
      inputs: { 'target-url': fast.url, baseline: 'cache' },
      env: {
        ACTIONS_CACHE_SERVICE_V2: 'True',
        ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/`,
        ACTIONS_RUNTIME_TOKEN: `e30.${claims}.c2ln`,
      },
    });
    expect(run.code).toBe(0);
    expect(run.outputs['baseline-saved']).toBe('false');
    expect(run.stdout).toMatch(
      /::warning::baseline 'default' not saved to Actions cache \(perf-action-baseline-main-\*\): .*ECONNREFUSED/,
    );
    expect(run.stdout).toMatch(
      /::warning::baseline 'default' not saved to artifacts of octo-org\/shop@main: artifacts: cannot upload/,
    );
    expect(run.stdout).not.toMatch(/baseline 'default' saved to/);
  });

  it('keeps a history it cannot read (a newer schemaVersion) and does not claim a save', async () => {
    const store = join(dir, 'newer-history');
    await runAction({
      event: 'push_main',
      inputs: { 'target-url': fast.url, 'baseline-path': store },
    });
    const text = JSON.parse(await readFile(historyFile(store), 'utf8'));
    text.schemaVersion = 2;
    const newer = `${JSON.stringify(text, null, 2)}\n`;
    await writeFile(historyFile(store), newer);

    const run = await runAction({
      event: 'push_main',
      inputs: { 'target-url': fast.url, 'baseline-path': store },
    });
    expect(run.code).toBe(0);
    expect(run.outputs['baseline-saved']).toBe('false');
    expect(run.stdout).toMatch(
      /::warning::baseline history 'default' has schemaVersion 2 .*kept as it is \(never saved over\)/,
    );
    expect(run.stdout).toMatch(/::warning::baseline 'default' not saved to local dir .*refused/);
    expect(await readFile(historyFile(store), 'utf8')).toBe(newer);
  });
});

describe('the action when the target is down', () => {
  it('writes the summary and replaces the stale sticky comment with what happened', async () => {
    const port = await closedPort();
    const marker = '<!-- perf-action:comment:default -->';
    const stale = github.addComment(15, `${marker}\n## ✅ perf-action: pass (an older run)`, {
      login: 'github-actions[bot]',
      id: 41898282,
      type: 'Bot',
    });
    const payload = JSON.parse(await readFile(join(EVENTS, 'pull_request.json'), 'utf8'));
    payload.number = 15;
    payload.pull_request.number = 15;
    const event = join(dir, 'pull_request_15.json');
    await writeFile(event, JSON.stringify(payload));
    const run = await runAction({
      event,
      eventName: 'pull_request',
      ref: 'refs/pull/15/merge',
      inputs: { 'target-url': `http://127.0.0.1:${port}`, baseline: 'none' },
    });
    expect(run.code).toBe(1);
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/127\.0\.0\.1/);
    expect(run.summary).toContain(
      '**❌ no result: the target could not be reached or failed to start**',
    );
    expect(run.summary).toContain('[Workflow run](https://github.com/octo-org/shop/actions/runs/');
    const [comment] = marked(15);
    expect(marked(15)).toHaveLength(1);
    expect(comment?.id).toBe(stale.id);
    expect(comment?.body).toContain('the target could not be reached or failed to start');
    expect(comment?.body).toContain(`for commit \`${'1'.repeat(12)}\``);
    expect(comment?.body).not.toContain('an older run');
    expect(run.outputs['comment-url']).toContain(`#issuecomment-${stale.id}`);
    expect(run.outputs['baseline-saved']).toBe('false');
  });
});

describe('the action against a GitHub API that answers 429', () => {
  it('waits the retry-after of a bare 429 and writes the comment', async () => {
    github.failNext({
      route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      kind: 'too-many-requests',
      retryAfterS: 1,
    });
    const before = github.requests.length;
    const run = await runAction({
      event: 'pull_request',
      inputs: { 'target-url': fast.url, baseline: 'none' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/too many requests \(429\) on GET .*: retrying in 1 s/);
    const listings = github.requests.slice(before).filter((r) => r.method === 'GET');
    expect(listings.map((r) => r.status).slice(0, 2)).toEqual([429, 200]);
    expect(run.outputs['comment-url']).toContain('#issuecomment-');
  });

  it('with base-url, judges the PR against the base measured in the same job', async () => {
    // The head is the slow service (250 ms more per API request), the base the fast one.
    const slower = await runAction({
      event: 'pull_request',
      inputs: { 'target-url': slow.url, 'base-url': fast.url, baseline: 'none' },
    });
    expect(slower.code).toBe(1);
    expect(slower.outputs.verdict).toBe('fail');
    const result = JSON.parse(await readFile(slower.outputs['results-path'] ?? '', 'utf8'));
    expect(result.sameJob.target.url).toBe(fast.url);
    // The PR's base branch from the event payload names the base.
    expect(result.sameJob.git).toEqual({ ref: 'main', sha: '2'.repeat(40) });
    expect(result.sameJob.orders['load/list']).toHaveLength(5);
    for (const side of [result, result.sameJob]) {
      const p95 = side.metrics.find((m: { key: string }) => m.key === 'load/list/latency.p95');
      expect(p95.samples).toHaveLength(5);
      expect(side.scenarios[0].rounds).toHaveLength(5);
    }
    const p95 = result.checks.find(
      (c: { kind: string; metric: string }) =>
        c.kind === 'regression' && c.metric === 'load/list/latency.p95',
    );
    expect(p95).toMatchObject({ status: 'fail', pairs: 5 });
    expect(p95.value).toBeGreaterThanOrEqual(250);
    const comment = marked(12).at(-1)?.body ?? '';
    expect(comment.split('\n')[1]).toMatch(
      /^\*\*❌ .* · vs base main@2222222, measured in this job, 5 pairs interleaved\*\*$/,
    );
    expect(slower.summary).toContain('measured in this job beside the head');

    // The same build on both sides: no regression fails.
    const same = await runAction({
      event: 'pull_request',
      inputs: { 'target-url': fast.url, 'base-url': twin.url, baseline: 'none', comment: 'never' },
    });
    const again = JSON.parse(await readFile(same.outputs['results-path'] ?? '', 'utf8'));
    expect(again.sameJob.metrics.length).toBe(again.metrics.length);
    expect(
      again.checks.filter(
        (c: { kind: string; status: string }) => c.kind === 'regression' && c.status === 'fail',
      ),
    ).toEqual([]);
    expect(same.outputs.verdict).not.toBe('fail');
  });
});
