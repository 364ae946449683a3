// The GitHub Action entry: inputs -> the shared pipeline -> job summary, outputs, exit status.
import * as core from '@actions/core';
import { describeError } from '../errors.ts';
import { runPerf } from '../pipeline/run-perf.ts';
import { verdictLine } from '../report/report-model.ts';
import { readInputs } from './inputs.ts';

async function main(): Promise<void> {
  try {
    const inputs = readInputs();
    const output = await runPerf({
      configPath: inputs.config,
      outDir: inputs.resultsDir,
      env: process.env,
      log: (line) => core.info(line),
      ...(inputs.targetUrl ? { targetUrl: inputs.targetUrl } : {}),
      ...(inputs.suites ? { suites: inputs.suites } : {}),
      git: {
        ...(process.env.GITHUB_SHA ? { sha: process.env.GITHUB_SHA } : {}),
        ...(process.env.GITHUB_REF ? { ref: process.env.GITHUB_REF } : {}),
      },
    });
    for (const secret of output.secrets) core.setSecret(secret);
    core.setOutput('verdict', output.result.verdict);
    core.setOutput('results-path', output.paths.results);
    core.setOutput('report-path', output.paths.markdown);
    // The report goes out before the verdict can fail the job.
    await core.summary.addRaw(output.markdown).write();
    const line = verdictLine(output.result);
    if (output.result.verdict === 'fail') core.setFailed(line);
    else core.info(line);
  } catch (error) {
    core.setFailed(describeError(error));
  }
}

await main();
