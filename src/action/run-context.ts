// The workflow run as plain data, read once from the runner's environment and the event payload
// file. The rest of the action (and the core) never reads the GitHub context itself.
import { describeError } from '../errors.ts';
import { readBoundedFile } from '../read-bounded-file.ts';

/** GitHub caps a webhook payload at 25 MB; the event file holds one. */
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

export interface RunContext {
  /** GITHUB_EVENT_NAME, e.g. `pull_request`, `push`. */
  eventName: string;
  /** `owner/repo`. */
  repository: string;
  owner: string;
  repo: string;
  /** GITHUB_REF, e.g. `refs/heads/main`, `refs/pull/12/merge`. */
  ref: string;
  sha: string;
  /**
   * The repository's default branch, from the event payload (`main` when it has none; then
   * `isDefaultBranchKnown` is false and no run counts as being on it).
   */
  defaultBranch: string;
  /** Whether `defaultBranch` came from the run (the payload, or GITHUB_REF of a schedule run). */
  isDefaultBranchKnown: boolean;
  runId: string;
  runAttempt: string;
  /** e.g. `https://github.com`. */
  serverUrl: string;
  /** e.g. `https://api.github.com`. */
  apiUrl: string;
  /** The pull request, for pull_request events. */
  pullRequest?: {
    number: number;
    isFork: boolean;
    headSha?: string;
    /** The branch it merges into and that branch's commit (`pull_request.base.ref` and `.sha`). */
    base?: { ref?: string; sha?: string };
  };
  /**
   * Why the event payload (GITHUB_EVENT_PATH) could not be used, in one line; the run then knows
   * no pull request and no default branch, so it comments nowhere and saves no baseline.
   */
  payloadProblem?: string;
}

/** Reads the context from `env` (the runner's environment contract). */
export async function readRunContext(
  env: Record<string, string | undefined> = process.env,
): Promise<RunContext> {
  const { payload, problem } = await readPayload(env.GITHUB_EVENT_PATH);
  const repository = env.GITHUB_REPOSITORY ?? stringAt(payload, 'repository', 'full_name') ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const ref = env.GITHUB_REF ?? '';
  // A schedule's payload holds no repository, but scheduled runs only ever run on the default branch.
  const defaultBranch =
    stringAt(payload, 'repository', 'default_branch') ||
    (eventName === 'schedule' && ref.startsWith('refs/heads/') ? ref.slice(11) : '') ||
    undefined;
  const context: RunContext = {
    eventName,
    repository,
    owner,
    repo,
    ref,
    sha: env.GITHUB_SHA ?? '',
    defaultBranch: defaultBranch ?? 'main',
    isDefaultBranchKnown: defaultBranch !== undefined,
    runId: env.GITHUB_RUN_ID ?? '0',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, ''),
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, ''),
  };
  if (problem) context.payloadProblem = problem;
  const pr = objectAt(payload, 'pull_request');
  const number = pr?.number;
  if (pr && !(typeof number === 'number' && Number.isSafeInteger(number) && number >= 1)) {
    context.payloadProblem = `GITHUB_EVENT_PATH ${env.GITHUB_EVENT_PATH}: 'pull_request.number' is not a pull request number (got ${describeValue(number)})`;
  } else if (pr && typeof number === 'number') {
    const headRepo = stringAt(pr, 'head', 'repo', 'full_name');
    // A fork's PR runs with a read-only token and must never write baselines.
    const isFork = headRepo === undefined || headRepo !== repository;
    const headSha = stringAt(pr, 'head', 'sha');
    const baseRef = stringAt(pr, 'base', 'ref');
    const baseSha = stringAt(pr, 'base', 'sha');
    context.pullRequest = {
      number,
      isFork,
      ...(headSha ? { headSha } : {}),
      ...(baseRef || baseSha
        ? { base: { ...(baseRef ? { ref: baseRef } : {}), ...(baseSha ? { sha: baseSha } : {}) } }
        : {}),
    };
  }
  return context;
}

/** The payload as an object, or why it cannot be one (a file the runner did not write, say). */
async function readPayload(
  path: string | undefined,
): Promise<{ payload: Record<string, unknown>; problem?: string }> {
  if (!path) return { payload: {}, problem: 'GITHUB_EVENT_PATH is not set' };
  let data: unknown;
  try {
    data = JSON.parse(
      await readBoundedFile(path, { maxBytes: MAX_PAYLOAD_BYTES, noun: 'payload file' }),
    );
  } catch (error) {
    const why = error instanceof SyntaxError ? `not JSON (${error.message})` : describeError(error);
    return { payload: {}, problem: `GITHUB_EVENT_PATH ${path}: ${why}` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      payload: {},
      problem: `GITHUB_EVENT_PATH ${path}: expected a JSON object, got ${describeValue(data)}`,
    };
  }
  return { payload: data as Record<string, unknown> };
}

/** A value as a message shows it: its JSON, cut short. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function objectAt(value: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== null && typeof current === 'object'
    ? (current as Record<string, unknown>)
    : undefined;
}

function stringAt(value: unknown, ...keys: string[]): string | undefined {
  const parent = objectAt(value, ...keys.slice(0, -1));
  const last = keys.at(-1);
  const found = parent && last !== undefined ? parent[last] : undefined;
  return typeof found === 'string' ? found : undefined;
}
