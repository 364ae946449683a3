// No secret leaves the CLI: the real CLI as a child process, starting the echo service (which
// sends every credential back in error bodies, status texts and its own log), with a secret
// planted in each place one can come from. Every output is searched for every secret in every
// form: stdout, stderr, every file of the results folder (results.json, report.md, report.html,
// service.log) and of the baseline folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/demo.ts';
import {
  echoConfig,
  failingLoginConfig,
  plantSecrets,
  unhealthyConfig,
} from '../helpers/echo-config.ts';
import { findLeaks, liveMentions, readTree } from '../helpers/leaks.ts';
import { runCli } from '../helpers/run-cli.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-redaction-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI lets no secret out', () => {
  it('in any output of a whole run: stdout, stderr, results, reports, service log, history', async () => {
    const secrets = plantSecrets();
    const config = join(dir, 'echo.yml');
    await writeFile(config, echoConfig(await freePort()));
    const out = join(dir, 'run');
    const baseline = join(dir, 'baseline');
    const run = await runCli(
      ['run', '-c', config, '--out', out, '--baseline-dir', baseline, '--update-baseline'],
      { env: secrets.env, timeoutMs: 120_000 },
    );
    const results = await readTree(out);
    const history = await readTree(baseline);
    // PROBE=<file> keeps everything the run wrote, to see what a failure here was about.
    if (process.env.PROBE)
      await writeFile(process.env.PROBE, JSON.stringify({ run, results, history }, null, 2));
    // The run did reach every place a secret can come back from.
    expect(run.stderr).toContain('logged in');
    expect(Object.keys(results).sort()).toEqual([
      'report.html',
      'report.md',
      'results.json',
      'service.log',
    ]);
    expect(results['service.log']).toContain('issued token');
    expect(results['service.log']).toContain('basic credentials: ');
    // The status line's own reason phrase is not quoted (the standard text for the code is), so a
    // secret echoed there stays with the service; the body, which echoes it too, is quoted.
    expect(results['results.json']).toContain('answered 500 Internal Server Error: ');
    expect(results['results.json']).toContain('upload answered 401');
    expect(Object.keys(history)).toEqual(['default.history.json']);

    const outputs = {
      stdout: run.stdout,
      stderr: run.stderr,
      ...prefixed('results/', results),
      ...prefixed('baseline/', history),
    };
    expect(findLeaks(outputs, secrets.planted)).toEqual([]);
    // What the service said is still there to read, as text: no mention that pings anyone.
    expect(results['report.md']).toContain('octocat');
    expect(liveMentions(results['report.md'] ?? '', 'octocat')).toEqual([]);
  }, 150_000);

  it('in the fatal line of a login that failed (its URL and answer carry the secrets)', async () => {
    const secrets = plantSecrets();
    const config = join(dir, 'login.yml');
    await writeFile(config, failingLoginConfig(await freePort()));
    const out = join(dir, 'login');
    const run = await runCli(['run', '-c', config, '--out', out], { env: secrets.env });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /perf-action: login POST http:\/\/127\.0\.0\.1:\d+\/base-\*\*\*\/login\?client_secret=\*\*\* answered 401/,
    );
    const outputs = {
      stdout: run.stdout,
      stderr: run.stderr,
      ...prefixed('results/', await readTree(out)),
    };
    expect(outputs).toHaveProperty(['results/service.log']);
    expect(findLeaks(outputs, secrets.planted)).toEqual([]);
  }, 60_000);

  it('in the fatal line of a target that never became healthy (--debug: with the stack)', async () => {
    const secrets = plantSecrets();
    const config = join(dir, 'unhealthy.yml');
    await writeFile(config, unhealthyConfig(await freePort()));
    const run = await runCli(['run', '-c', config, '--out', join(dir, 'unhealthy'), '--debug'], {
      env: secrets.env,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /perf-action: target http:\/\/127\.0\.0\.1:\d+\/health\?token=\*\*\* /,
    );
    expect(run.stderr).toContain('    at ');
    expect(findLeaks({ stdout: run.stdout, stderr: run.stderr }, secrets.planted)).toEqual([]);
  }, 60_000);
});

function prefixed(prefix: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([name, text]) => [`${prefix}${name}`, text]),
  );
}
