// Runs a built dist/index.js as the runner does: a child process with the runner's environment
// contract (INPUT_*, GITHUB_*, the output and summary files, RUNNER_TEMP), for one event fixture.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './run-cli.ts';

export const EVENTS = join(ROOT, '__tests__', 'fixtures', 'events');

export interface ActionRun {
  code: number | null;
  /** stdout and stderr together: the job log. */
  log: string;
  /** GITHUB_OUTPUT as written. */
  outputFile: string;
  /** GITHUB_STEP_SUMMARY as written. */
  summary: string;
}

export interface ActionRunOptions {
  /** dist/index.js to run. */
  entry: string;
  event: 'pull_request' | 'pull_request_fork' | 'push_main';
  /** GITHUB_EVENT_PATH in place of the event's fixture (`null`: not set at all). */
  eventPath?: string | null;
  /** Action inputs by name (`results-dir`, `baseline`, …). */
  inputs: Record<string, string>;
  /** A folder for this run's files (output, summary, GITHUB_WORKSPACE). */
  work: string;
  /**
   * RUNNER_TEMP, the same for every run of a test: the cache's entries are versioned by the
   * cached path, and on a runner that path is the same in every job.
   */
  runnerTemp: string;
  githubApiUrl: string;
  runId: number;
  /** More environment: the config's variables, the cache and artifact services'. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const outputFile = join(options.work, 'github-output');
  const summaryFile = join(options.work, 'step-summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const isPr = options.event !== 'push_main';
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: isPr ? 'pull_request' : 'push',
    ...(options.eventPath === null
      ? {}
      : { GITHUB_EVENT_PATH: options.eventPath ?? join(EVENTS, `${options.event}.json`) }),
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_REF: isPr ? 'refs/pull/12/merge' : 'refs/heads/main',
    GITHUB_SHA: '4'.repeat(40),
    GITHUB_RUN_ID: String(options.runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.githubApiUrl,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.work,
    RUNNER_TEMP: options.runnerTemp,
    ...options.env,
  };
  // The runner passes inputs as INPUT_<NAME>, upper-cased, spaces as underscores, dashes kept.
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const { code, log } = await new Promise<{ code: number | null; log: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [options.entry], { env, cwd: options.work });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        out += d;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
      child.once('error', reject);
      child.once('close', (exit) => {
        clearTimeout(timer);
        resolve({ code: exit, log: out });
      });
    },
  );
  return {
    code,
    log,
    outputFile: await readFile(outputFile, 'utf8'),
    summary: await readFile(summaryFile, 'utf8'),
  };
}
