// The GitHub Action: settings -> event plan -> the shared pipeline -> job summary, artifact,
// sticky comment, outputs -> exit status. The report is out before a fail verdict fails the job.
import * as core from '@actions/core';
import { historyId } from '../baseline/history.ts';
import { describeError } from '../errors.ts';
import { runPerf } from '../pipeline/run-perf.ts';
import { verdictLine } from '../report/report-model.ts';
import { createBaselineStore } from './baseline-store.ts';
import { buildCommentBody } from './comment-body.ts';
import { countRegressions, failsJob, planRun } from './plan.ts';
import { readRunContext } from './run-context.ts';
import { readSettings } from './settings.ts';
import { commentMarker, upsertStickyComment } from './sticky-comment.ts';
import { uploadResults } from './upload-results.ts';

async function main(): Promise<void> {
  const settings = readSettings();
  const context = readRunContext();
  const plan = planRun(context, settings.updateBaseline);
  const warn = (line: string) => core.warning(line);
  core.info(`baseline: ${plan.saveBaseline ? 'will save' : 'will not save'} (${plan.reason})`);

  const output = await runPerf({
    configPath: settings.config,
    outDir: settings.resultsDir,
    env: process.env,
    log: (line) => core.info(line),
    warn,
    ...(settings.targetUrl ? { targetUrl: settings.targetUrl } : {}),
    ...(settings.suites ? { suites: settings.suites } : {}),
    ...(settings.services ? { services: settings.services } : {}),
    git: { sha: context.pullRequest?.headSha ?? context.sha, ref: context.ref },
    runId: `${context.runId}-${context.runAttempt}`,
    ...withStore(createBaselineStore(settings, context, warn)),
    updateBaseline: plan.saveBaseline,
  });
  for (const secret of output.secrets) core.setSecret(secret);
  const { result } = output;

  core.setOutput('verdict', result.verdict);
  core.setOutput('results-path', output.paths.results);
  core.setOutput('report-path', output.paths.markdown);
  core.setOutput('regressions', countRegressions(result));
  core.setOutput('baseline-saved', String(output.baselineSaved));
  await core.summary.addRaw(output.markdown).write();

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
    const comment = await upsertStickyComment({
      token: settings.githubToken,
      baseUrl: context.apiUrl,
      target: { owner: context.owner, repo: context.repo, issueNumber: plan.pullRequestNumber },
      marker,
      body: buildCommentBody(result, { marker, links }),
      onlyUpdate: settings.comment === 'on-change' && result.verdict === 'pass',
      log: (line) => core.info(line),
    });
    if (comment.status === 'degraded') warn(comment.reason);
    else if (comment.status !== 'skipped') core.setOutput('comment-url', comment.url);
  }

  const line = verdictLine(result);
  if (failsJob(settings.failOn, result.verdict)) core.setFailed(line);
  else core.info(line);
}

function withStore(store: ReturnType<typeof createBaselineStore>) {
  return store ? { baselineStore: store } : {};
}

/**
 * Runs the action once: reads the inputs and the runner's environment, runs the suites and writes
 * every sink. Never rejects: an error fails the step with one line (`core.setFailed`).
 */
export async function run(): Promise<void> {
  try {
    await main();
  } catch (error) {
    core.setFailed(describeError(error));
  }
}
