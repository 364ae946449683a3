// No secret leaves the action: the bundled dist/index.js as the runner runs it, starting the echo
// service (which sends every credential back in error bodies, status texts and its own log), with a
// secret planted in each place one can come from, against the GitHub REST API stand-in (the
// comment) and the Actions results service stand-in with azurite (the real @actions/cache and
// @actions/artifact clients: baseline history in the cache and as an artifact, the results
// artifact). Every sink is searched for every secret in every form: the job log, the job summary,
// GITHUB_OUTPUT, the results folder, the comment GitHub received, and every blob the cache and
// artifact services stored (unpacked with the system's tar, zstd and unzip).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../scripts/build.ts';
import { freePort } from '../../src/cli/demo.ts';
import { type ResultsStandin, startResultsStandin } from '../helpers/actions-results-standin.ts';
import { type Azurite, startAzurite } from '../helpers/azurite.ts';
import { echoConfig, failingLoginConfig, plantSecrets } from '../helpers/echo-config.ts';
import { type GitHubApiStandin, startGitHubApiStandin } from '../helpers/github-api-standin.ts';
import { findLeaks, liveMentions, readTree } from '../helpers/leaks.ts';
import { type ActionRun, runAction } from '../helpers/run-action.ts';

let dir: string;
let entry: string;
let github: GitHubApiStandin;
let azurite: Azurite;
let results: ResultsStandin;
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-action-redaction-'));
  await buildDist(join(dir, 'dist'));
  entry = join(dir, 'dist', 'index.js');
  github = await startGitHubApiStandin({ owner: 'octo-org', repo: 'shop', pullRequests: [12] });
  azurite = await startAzurite(join(dir, 'azurite'));
  results = await startResultsStandin({ azuriteAccountUrl: azurite.accountUrl });
}, 120_000);

afterEach(() => {
  expect(github.violations).toEqual([]);
});

afterAll(async () => {
  await github?.close();
  await results?.close();
  await azurite?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One action run of `event` with `config` and the planted secrets in its environment. */
async function run(
  event: 'pull_request' | 'push_main',
  config: string,
  env: Record<string, string>,
): Promise<{ run: ActionRun; work: string }> {
  const n = ++runs;
  const work = join(dir, `run-${n}`);
  await mkdir(work, { recursive: true });
  const configFile = join(work, 'perf.yml');
  await writeFile(configFile, config);
  const runId = 7000 + n;
  const token = results.issueRuntimeToken({
    runId,
    backendRunId: randomUUID(),
    backendJobId: randomUUID(),
    headBranch: event === 'push_main' ? 'main' : 'feature',
  });
  const action = await runAction({
    entry,
    event,
    work,
    runnerTemp: join(dir, 'runner-temp'),
    runId,
    githubApiUrl: github.url,
    inputs: {
      config: configFile,
      'github-token': github.writeToken,
      'results-dir': join(work, 'perf-results'),
      'artifact-name': 'perf-results',
      baseline: 'cache',
    },
    env: {
      ...env,
      ACTIONS_RESULTS_URL: `${results.url}/`,
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_CACHE_SERVICE_V2: 'True',
    },
  });
  return { run: action, work };
}

/** The text of every file in every blob the cache and artifact services hold. */
async function storedFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const unpack = join(dir, 'unpack');
  for (const [index, blob] of (await results.storedBlobs()).entries()) {
    const file = join(unpack, `${index}.blob`);
    await mkdir(unpack, { recursive: true });
    await writeFile(file, blob.data);
    if (blob.kind === 'cache') {
      // Members are named relative to GITHUB_WORKSPACE (`../runner-temp/…`): read, do not extract.
      for (const name of execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n')) {
        if (name === '' || name.endsWith('/')) continue;
        const text = execFileSync('tar', ['-xOPf', file, name], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        files[`cache ${blob.name}: ${name}`] = text;
      }
    } else {
      const out = join(unpack, String(index));
      await mkdir(out, { recursive: true });
      execFileSync('unzip', ['-q', '-o', file, '-d', out]);
      for (const [name, text] of Object.entries(await readTree(out))) {
        files[`artifact ${blob.name} (blob ${index}): ${name}`] = text;
      }
    }
  }
  return files;
}

describe('the action lets no secret out', () => {
  it('in any sink: log, summary, outputs, results, comment, cache and artifacts', async () => {
    const secrets = plantSecrets();
    // A push to the default branch saves the history (cache and artifact); the PR run after it
    // compares with that history and writes the comment. Both upload the results artifact.
    const push = await run('push_main', echoConfig(await freePort()), secrets.env);
    expect(push.run.outputFile).toMatch(/baseline-saved<<.*\ntrue\n/);
    const pr = await run('pull_request', echoConfig(await freePort()), secrets.env);
    expect(pr.run.summary).toContain("Baseline 'default': 1 run");
    const comments = github.comments(12).map((c) => c.body);
    expect(comments).toHaveLength(1);

    const stored = await storedFiles();
    const names = Object.keys(stored);
    // The stores really hold a history, and the artifacts the results with the service log.
    expect(names.some((n) => n.startsWith('cache ') && n.endsWith('default.history.json'))).toBe(
      true,
    );
    expect(
      names.some((n) => n.startsWith('artifact perf-baseline-') && n.endsWith('.history.json')),
    ).toBe(true);
    expect(
      names.filter((n) => n.startsWith('artifact perf-results') && n.endsWith('service.log')),
    ).toHaveLength(2);

    const outputs: Record<string, string> = { 'the comment': comments.join('\n') };
    for (const [label, { run: action, work }] of Object.entries({ push, pr })) {
      outputs[`${label} job log`] = shownLog(action.log);
      outputs[`${label} job summary`] = action.summary;
      outputs[`${label} GITHUB_OUTPUT`] = action.outputFile;
      for (const [name, text] of Object.entries(await readTree(join(work, 'perf-results')))) {
        outputs[`${label} results/${name}`] = text;
      }
    }
    Object.assign(outputs, stored);
    expect(outputs['pr results/service.log']).toContain('issued token');
    expect(findLeaks(outputs, secrets.planted)).toEqual([]);
    // The service's words reach the comment as text: nobody is pinged.
    expect(comments[0]).toContain('octocat');
    expect(liveMentions(comments[0] ?? '', 'octocat')).toEqual([]);
    expect(liveMentions(pr.run.summary, 'octocat')).toEqual([]);
  }, 300_000);

  it('in the failure line of a login that failed', async () => {
    const secrets = plantSecrets();
    const failed = await run('pull_request', failingLoginConfig(await freePort()), secrets.env);
    expect(failed.run.code).toBe(1);
    expect(failed.run.log).toMatch(
      /::error::login POST http:\/\/127\.0\.0\.1:\d+\/base-\*\*\*\/login\?client_secret=\*\*\* answered 401/,
    );
    const outputs = {
      log: shownLog(failed.run.log),
      summary: failed.run.summary,
      output: failed.run.outputFile,
    };
    expect(findLeaks(outputs, secrets.planted)).toEqual([]);
  }, 120_000);
});

/**
 * The job log as the runner shows it: `::add-mask::` lines are the runner's protocol for learning
 * a secret (it removes them, and masks the value in everything after).
 */
function shownLog(log: string): string {
  const lines = log.split('\n');
  const masks = lines.filter((line) => line.startsWith('::add-mask::'));
  expect(masks.length).toBeGreaterThan(0);
  return lines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
}
