// The action under GitHub's own local runner, @github/local-action, as `npm run local-action` runs
// it: src/action/main.ts's run() through tsx, with the environment of .env.example, against the
// real sample service. local-action swaps in its own @actions/* stand-ins (outputs into a table,
// the summary into a file, the artifact into a zip); everything else is our code, and the files it
// writes are checked against each other.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseEnv, stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../examples/validation-platform/service.ts';
import { inertCommands } from '../../src/action/action-outlet.ts';
import { failsJob } from '../../src/action/plan.ts';
import type { FailOn } from '../../src/action/settings.ts';
import { headline } from '../../src/report/headline.ts';
import { markdownHeadline } from '../../src/report/markdown.ts';
import type { Status } from '../../src/results/types.ts';
import { TOOL_VERSION } from '../../src/version.ts';
import { ROOT } from '../helpers/run-cli.ts';

let dir: string;
let service: { url: string; close(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-local-action-'));
  service = await startServer({ port: 0 });
});

afterAll(async () => {
  await service?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `npm run local-action`'s command, with the .env path it is given swapped for `envFile`. */
async function localActionArgs(envFile: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const words = String(pkg.scripts['local-action']).split(' ');
  expect(words[0]).toBe('local-action');
  expect(words.at(-1)).toBe('.env');
  return [...words.slice(1, -1), envFile];
}

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/@github/local-action/bin/local-action.js'), ...args],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the action under @github/local-action', () => {
  it('runs run() from src with .env.example against the sample service', async () => {
    const example = parseEnv(await readFile(join(ROOT, '.env.example'), 'utf8'));
    expect(example.INPUT_BASELINE).toBe('none');
    const results = join(dir, 'results');
    await mkdir(results);
    const summaryFile = join(results, 'summary.md');
    // The runner creates the step summary file; @actions/core appends to it and refuses a
    // missing one.
    await writeFile(summaryFile, '');
    const envFile = join(dir, '.env');
    const env = {
      ...example,
      'INPUT_TARGET-URL': service.url,
      'INPUT_RESULTS-DIR': results,
      GITHUB_STEP_SUMMARY: summaryFile,
      LOCAL_ACTION_ARTIFACT_PATH: dir,
    };
    // Everything .env.example sets, and only the paths and the address changed.
    expect(Object.keys(env).sort()).toEqual(Object.keys(example).sort());
    await writeFile(
      envFile,
      Object.entries(env)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'),
    );

    // npm scripts put node_modules/.bin (Node 24 among it) first on PATH; so does this.
    const path = [dirname(process.execPath), join(ROOT, 'node_modules', '.bin'), process.env.PATH]
      .filter(Boolean)
      .join(delimiter);
    const { code, out } = await run(await localActionArgs(envFile), {
      PATH: path,
      HOME: process.env.HOME ?? dir,
    });

    expect(out).not.toContain('does not export a run() function');
    expect(out).toContain(join(ROOT, 'src', 'action', 'main.ts'));
    const outputs = Object.fromEntries(
      [...out.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    const result = JSON.parse(await readFile(join(results, 'results.json'), 'utf8'));
    // fail-on: fail. A busy machine may fail a budget of the example config (the stress
    // recovery, say); then, and only then, the action fails the job.
    expect(code, out).toBe(result.verdict === 'fail' ? 1 : 0);
    expect(outputs).toEqual({
      verdict: result.verdict,
      'results-path': join(results, 'results.json'),
      'report-path': join(results, 'report.md'),
      regressions: '0',
      'baseline-saved': 'false',
    });
    expect(['pass', 'warn', 'fail']).toContain(result.verdict);
    // Our pipeline ran every suite of the config, on this Node, through the sample service.
    expect(result.tool).toEqual({ name: 'perf-action', version: TOOL_VERSION });
    expect(result.config.file).toBe(example.INPUT_CONFIG);
    const suites = new Set(result.metrics.map((m: { suite: string }) => m.suite));
    expect([...suites].sort()).toEqual(['load', 'stress', 'video', 'volume']);
    expect(result.target.url).toBe(service.url);
    for (const scenario of result.scenarios) {
      const t = scenario.totals;
      expect(t.sent).toBeGreaterThan(0);
      const statuses = Object.values(t.statusCodes as Record<string, number>);
      const answered = statuses.reduce((a, b) => a + b, 0);
      expect(answered + t.socketErrors + t.timeouts + t.dropped).toBe(t.sent);
    }
    // The job summary is the report, whole, with the run's headline as its line 1.
    const report = await readFile(join(results, 'report.md'), 'utf8');
    const summary = await readFile(summaryFile, 'utf8');
    expect(summary).toBe(report);
    expect(summary.split('\n')[0]).toBe(markdownHeadline(headline(result)));
    // The headline also closes the log, whatever verdict this run got (on a busy machine a check
    // may fail): as the failure when the verdict fails the job under fail-on, else as info. It is
    // made from results.json by the function run() uses; the log holds it as one line, once, and
    // no headline made for another verdict.
    const failOn = example['INPUT_FAIL-ON'] as FailOn;
    expect(['fail', 'warn', 'never']).toContain(failOn);
    const verdictLog = (verdict: Status) => {
      const line = headline({ ...result, verdict });
      return failsJob(failOn, verdict) ? `::error::${line}` : `::info::${inertCommands(line)}`;
    };
    const logLines = stripVTControlCharacters(out).split(/\r?\n/);
    const closing = verdictLog(result.verdict);
    expect(closing).not.toMatch(/[\r\n]/);
    expect(
      logLines.filter((l) => l === closing),
      out,
    ).toHaveLength(1);
    for (const other of (['pass', 'warn', 'fail'] as const).filter((v) => v !== result.verdict)) {
      expect(logLines).not.toContain(verdictLog(other));
    }
    // The artifact: one zip holding results.json and the reports.
    const zip = await readFile(join(dir, 'perf-results.zip'));
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    for (const name of ['results.json', 'report.md', 'report.html']) {
      expect(zip.includes(Buffer.from(name))).toBe(true);
    }
  }, 180_000);
});
