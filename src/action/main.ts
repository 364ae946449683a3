// The GitHub Action: settings -> event plan -> the shared pipeline -> job summary, artifact,
// sticky comment, outputs -> exit status. The report is out before a fail verdict fails the job.
// Every text goes out through the outlet (action-outlet.ts), redacted.
import { historyId } from '../baseline/history.ts';
import { describeError } from '../errors.ts';
import { runPerf } from '../pipeline/run-perf.ts';
import { headline } from '../report/headline.ts';
import { type ActionOutlet, createActionOutlet } from './action-outlet.ts';
import { createBaselineStore } from './baseline-store.ts';
import { buildCommentBody } from './comment-body.ts';
import { reportRunFailure } from './failure-report.ts';
import { countRegressions, failsJob, planRun } from './plan.ts';
import { type RunContext, readRunContext } from './run-context.ts';
import { readSettings } from './settings.ts';
import { commentMarker } from './sticky-comment.ts';
import { uploadResults } from './upload-results.ts';

async function main(out: ActionOutlet, known: RunContext | undefined): Promise<void> {
  const settings = readSettings();
  out.protect(settings.githubToken, 'the github-token input');
  const context = known ?? (await readRunContext());
  if (context.payloadProblem) {
    out.warn(`${context.payloadProblem}; no comment, no baseline saved`);
  }
  const plan = planRun(context, settings.updateBaseline);
  const warn = out.warn;
  out.info(`baseline: ${plan.saveBaseline ? 'will save' : 'will not save'} (${plan.reason})`);

  const output = await runPerf({
    configPath: settings.config,
    outDir: settings.resultsDir,
    env: process.env,
    outlet: out,
    ...(settings.targetUrl ? { targetUrl: settings.targetUrl } : {}),
    ...(settings.targetStart ? { targetStart: settings.targetStart } : {}),
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...(settings.baseStart ? { baseStart: settings.baseStart } : {}),
    ...(settings.suites ? { suites: settings.suites } : {}),
    ...(settings.services ? { services: settings.services } : {}),
    git: { sha: context.pullRequest?.headSha ?? context.sha, ref: context.ref },
    // The base measured beside the head (base-url, base-start or perf.yml's base:) is the PR's base.
    ...(context.pullRequest?.base ? { baseGit: context.pullRequest.base } : {}),
    runId: `${context.runId}-${context.runAttempt}`,
    ...withStore(createBaselineStore(settings, context, warn)),
    updateBaseline: plan.saveBaseline,
  }).catch(async (error: unknown) => {
    // No results: the summary and the comment say what happened instead of staying stale.
    out.setOutput('baseline-saved', 'false');
    await reportRunFailure(error, { settings, context, plan, out });
    throw error;
  });
  const { result } = output;

  out.setOutput('verdict', result.verdict);
  out.setOutput('results-path', output.paths.results);
  out.setOutput('report-path', output.paths.markdown);
  out.setOutput('regressions', countRegressions(result));
  out.setOutput('baseline-saved', String(output.baselineSaved));
  await out.writeSummary(output.markdown);

  const runUrl = `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`;
  let artifactUrl: string | undefined;
  if (settings.artifactName) {
    try {
      const files = Object.values(output.paths).filter((p): p is string => p !== undefined);
      const id = await uploadResults(settings.artifactName, files, settings.resultsDir);
      if (id !== undefined) artifactUrl = `${runUrl}/artifacts/${id}`;
    } catch (error) {
      warn(`results not uploaded as an artifact: ${describeError(error)}`);
    }
  }

  if (plan.pullRequestNumber !== undefined && settings.comment !== 'never') {
    const links = [
      `[Workflow run](${runUrl})`,
      ...(artifactUrl ? [`[Full report and results](${artifactUrl})`] : []),
    ];
    const marker = commentMarker(historyId(result.config.name));
    const comment = await out.upsertComment({
      token: settings.githubToken,
      baseUrl: context.apiUrl,
      target: { owner: context.owner, repo: context.repo, issueNumber: plan.pullRequestNumber },
      marker,
      body: buildCommentBody(result, { marker, links }),
      onlyUpdate: settings.comment === 'on-change' && result.verdict === 'pass',
    });
    if (comment.status === 'degraded') warn(comment.reason);
    else if (comment.status !== 'skipped') out.setOutput('comment-url', comment.url);
  }

  // The failure annotation is the headline, the comment's line 1: one short line whatever the
  // number of checks; the report holds the detail.
  if (failsJob(settings.failOn, result.verdict)) out.fail(headline(result));
  else out.info(headline(result));
}

function withStore(store: ReturnType<typeof createBaselineStore>) {
  return store ? { baselineStore: store } : {};
}

/**
 * Runs the action once: reads the inputs and the runner's environment, runs the suites and writes
 * every sink. Never rejects: an error fails the step with one line, redacted with every secret the
 * run had learnt by then (the config's, the login token). `context` is the run as the entry read it
 * (read here when absent).
 */
export async function run(context?: RunContext): Promise<void> {
  const outlet = createActionOutlet();
  try {
    await main(outlet, context);
  } catch (error) {
    outlet.fail(describeError(error));
  }
}
