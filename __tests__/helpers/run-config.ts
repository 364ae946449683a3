// Whole runs of the pipeline in this process, from a config written for the test: against any
// local server, or against the bundled sample service started the way the demo starts it (by
// target.start, in a process of its own so that it does not share the test's event loop, on a
// port free when the run begins, and logged in as its demo user).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaselineStore } from '../../src/baseline/types.ts';
import { demoSettings } from '../../src/cli/demo.ts';
import { type RunOutput, type RunSettings, runPerf } from '../../src/pipeline/run-perf.ts';
import { recordingOutlet } from './outlet.ts';

/**
 * The head of a perf.yml for the sample service: the URL is a placeholder the run replaces, the
 * health wait leaves room for a busy machine, and the login is the service's demo user.
 */
export const SAMPLE_SERVICE_HEAD = `target:
  url: http://127.0.0.1:1
  health: /health
  wait: 30s
auth:
  login: { path: /auth/login, json: { email: test@example.com, password: password } }
  token: access_token
`;

export interface ConfigRun {
  /** The folder the config is written to and the results go under (a test's mkdtemp). */
  dir: string;
  /** Names the config file (`<name>.yml`) and the results folder (`<name>/`). */
  name: string;
  /** The whole config. */
  yaml: string;
  /** Environment for `${env:}` and the started service (DEMO_CPU_MS, VIDEO_WORKERS, ...). */
  env?: Record<string, string>;
  /** Receives every progress line and warning of the run. */
  lines?: string[];
  baselineStore?: BaselineStore;
}

/** Writes the config and runs it; `target` replaces the config's target URL and start command. */
export async function runConfig(
  run: ConfigRun,
  target: Pick<RunSettings, 'targetUrl' | 'targetStart'> = {},
): Promise<RunOutput> {
  const configPath = join(run.dir, `${run.name}.yml`);
  await writeFile(configPath, run.yaml);
  return runPerf({
    configPath,
    ...target,
    outDir: join(run.dir, run.name),
    env: run.env ?? {},
    // A calibration takes seconds of every run and measures nothing these tests check.
    calibrationMs: 0,
    outlet: recordingOutlet(run.lines),
    ...(run.baselineStore ? { baselineStore: run.baselineStore } : {}),
  });
}

/** Runs the config against a fresh sample service, which stops with the run. */
export async function runOnSampleService(run: ConfigRun): Promise<RunOutput> {
  const demo = await demoSettings(process.cwd());
  return runConfig(run, { targetUrl: demo.targetUrl, targetStart: demo.targetStart });
}
