// When a run ends without results (the target is down, failed to start or refused the login; the
// config is invalid; the run itself failed), the job summary and the sticky comment say so, instead
// of an empty summary and a comment that still shows the last run's report as if it were this one's.
import { historyId } from '../baseline/history.ts';
import { ConfigError, describeError, TargetError, UsageError } from '../errors.ts';
import { loadPerfConfig } from '../suites/registry.ts';
import type { ActionOutlet } from './action-outlet.ts';
import type { ActionPlan } from './plan.ts';
import type { RunContext } from './run-context.ts';
import type { ActionSettings } from './settings.ts';
import { commentMarker } from './sticky-comment.ts';

/** The reason shown is cut to this many characters (the job log holds all of it). */
const REASON_LIMIT = 2000;

/** What the report of a run without results says. */
export interface RunFailure {
  /** `target`: unreachable, failed to start, login refused; `config`: bad config or usage. */
  kind: 'target' | 'config' | 'run';
  /** Why, one line or a few (the outlet redacts it on the way out). */
  reason: string;
  /** Links to show under it, as markdown. */
  links: string[];
  /** The commit the run was for, when known. */
  commit?: string;
}

/** The kind of failure a thrown value stands for. */
export function failureKindOf(error: unknown): RunFailure['kind'] {
  if (error instanceof TargetError) return 'target';
  if (error instanceof ConfigError || error instanceof UsageError) return 'config';
  return 'run';
}

const HEADLINES: Record<RunFailure['kind'], string> = {
  target: 'the target could not be reached or failed to start',
  config: 'the configuration is invalid',
  run: 'the run failed',
};

/**
 * The markdown of a run without results: a headline saying so, in the place and form of a run's
 * headline (line 1, bold), the reason in a code block (so no
 * text from a service or a config renders as markdown, pings anyone or links anywhere), and links.
 * Pure.
 */
export function buildFailureReport(failure: RunFailure): string {
  const reason =
    failure.reason.length > REASON_LIMIT
      ? `${failure.reason.slice(0, REASON_LIMIT)}… (cut; the job log has all of it)`
      : failure.reason;
  // A fence longer than any run of backticks in the reason cannot be closed by it.
  const longest = Math.max(0, ...[...reason.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const commit = failure.commit ? ` for commit \`${failure.commit.slice(0, 12)}\`` : '';
  return [
    `**❌ no result: ${HEADLINES[failure.kind]}**`,
    '',
    `perf-action measured nothing${commit}, so nothing was compared; an earlier report no longer applies.`,
    '',
    `${fence}text`,
    reason,
    fence,
    '',
    failure.links.join(' · '),
    '',
  ].join('\n');
}

/**
 * Writes the failure report to the job summary and, on a pull request (unless `comment: never`),
 * to the sticky comment, creating or updating it. Never throws: a sink that fails is a warning.
 * The config's secrets (its `${env:}` values) are read again and given to the outlet, since
 * the run ended before it could hand them over.
 */
export async function reportRunFailure(
  error: unknown,
  run: { settings: ActionSettings; context: RunContext; plan: ActionPlan; out: ActionOutlet },
): Promise<void> {
  const { settings, context, plan, out } = run;
  const { name, secrets } = await tryReadConfigFacts(settings);
  for (const secret of secrets) out.protect(secret, 'a value taken from the environment');
  const runUrl = `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`;
  const commit = context.pullRequest?.headSha ?? context.sha;
  const report = buildFailureReport({
    kind: failureKindOf(error),
    reason: describeError(error),
    links: [`[Workflow run](${runUrl})`],
    ...(commit ? { commit } : {}),
  });
  try {
    await out.writeSummary(report);
  } catch (problem) {
    out.warn(`job summary not written: ${describeError(problem)}`);
  }
  if (plan.pullRequestNumber === undefined || settings.comment === 'never') return;
  const marker = commentMarker(historyId(name));
  const comment = await out.upsertComment({
    token: settings.githubToken,
    baseUrl: context.apiUrl,
    target: { owner: context.owner, repo: context.repo, issueNumber: plan.pullRequestNumber },
    marker,
    body: `${marker}\n${report}`,
  });
  if (comment.status === 'degraded') out.warn(comment.reason);
  else if (comment.status !== 'skipped') out.setOutput('comment-url', comment.url);
}

/**
 * The baseline name (the sticky comment's identity) and the secrets of the config, as far as the
 * config can be read; `default` and none when it cannot (it is what failed).
 */
async function tryReadConfigFacts(
  settings: ActionSettings,
): Promise<{ name: string; secrets: string[] }> {
  try {
    const { config, secrets } = await loadPerfConfig(settings.config, process.env);
    // As in the run: an address is not a secret, and hiding it would blank the reason's target.
    const address = new Set([
      config.target.url,
      settings.targetUrl,
      config.base?.target.url,
      settings.baseUrl,
    ]);
    return { name: config.baseline.name, secrets: secrets.filter((s) => !address.has(s)) };
  } catch {
    return { name: 'default', secrets: [] };
  }
}
