// The action as the runner runs it: the bundled dist/index.js (built fresh from the sources) in a
// child process with the runner's environment contract, against the real sample service and a
// stand-in of GitHub's REST API that checks every request against GitHub's OpenAPI description.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
let github: GitHubApiStandin;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-action-'));
  dist = join(dir, 'dist');
  await buildDist(dist);
  fast = await startServer({ port: 0 });
  slow = await startServer({ port: 0, delayMs: 250 });
  github = await startGitHubApiStandin({ owner: 'octo-org', repo: 'shop', pullRequests: [12, 13] });
});

afterEach(() => {
  expect(github.violations).toEqual([]);
});

afterAll(async () => {
  await fast?.close();
  await slow?.close();
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
  event: 'pull_request' | 'pull_request_fork' | 'push_main';
  inputs: Record<string, string>;
  token?: string;
}): Promise<ActionRun> {
  const n = ++runs;
  const work = join(dir, `run-${n}`);
  const outputFile = join(dir, `output-${n}`);
  const summaryFile = join(dir, `summary-${n}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const configFile = join(dir, 'perf.yml');
  await writeFile(configFile, CONFIG);
  const isPr = options.event !== 'push_main';
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
    GITHUB_EVENT_NAME: isPr ? 'pull_request' : 'push',
    GITHUB_EVENT_PATH: join(EVENTS, `${options.event}.json`),
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_REF: isPr ? 'refs/pull/12/merge' : 'refs/heads/main',
    GITHUB_SHA: '4'.repeat(40),
    GITHUB_RUN_ID: String(1000 + n),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
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
    expect(comment?.body).toContain('perf-action: pass');
    expect(comment?.body).toContain(
      '[Workflow run](https://github.com/octo-org/shop/actions/runs/',
    );
    expect(first.outputs.verdict).toBe('pass');
    expect(first.outputs['comment-url']).toContain('/pull/12#issuecomment-');
    expect(first.outputs['results-path']).toMatch(/results\.json$/);
    expect(first.outputs['report-path']).toMatch(/report\.md$/);
    expect(first.outputs.regressions).toBe('0');
    expect(first.outputs['baseline-saved']).toBe('false');
    expect(first.summary).toContain('perf-action: pass');

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
    expect(run.summary).toContain('## ✅ perf-action: pass');
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
    if (code === 1) expect(run.stdout).toMatch(/::error::FAIL: \d+ of \d+ checks failed/);
    // The report is out before the job fails.
    expect(run.summary).toContain('## ❌ perf-action: fail');
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
