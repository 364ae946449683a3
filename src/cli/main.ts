// The perf-action CLI: parse argv, run the pipeline, print the report and the verdict, exit per the
// contract (0 pass/warn, 1 fail, 2 usage/config, 3 target). Everything printed passes the run's
// redaction: the outlet's writers, and process.stdout/stderr themselves (see cli-outlet.ts).
import { join } from 'node:path';
import { LocalDirStore } from '../baseline/local-store.ts';
import { describeError, ExitCode, exitCodeOf } from '../errors.ts';
import type { Outlet } from '../output/outlet.ts';
import { type RunSettings, runPerf } from '../pipeline/run-perf.ts';
import { headline } from '../report/headline.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderTerminal } from '../report/terminal.ts';
import type { RunResult } from '../suites/registry.ts';
import { perfConfigJsonSchema, runResultJsonSchema } from '../suites/registry.ts';
import { TOOL_VERSION } from '../version.ts';
import { COMMAND_HELP, type OutputFormat, parseCommand, type RunCommand, USAGE } from './args.ts';
import { compareResults } from './compare.ts';
import { demoAbSettings, demoSettings } from './demo.ts';
import { resolveFormat, type Screen, stdoutScreen } from './screen.ts';
import { validateConfig } from './validate.ts';

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. Everything it
 * prints goes through `out` (the program's guarded outlet; tests that run main in-process pass
 * their own); `screen` says whether stdout is a terminal and how to colour for it.
 */
export async function main(
  argv: string[],
  out: Outlet,
  screen: Screen = stdoutScreen(),
): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const command = parseCommand(argv);
    switch (command.command) {
      case 'help':
        out.print(`${command.topic ? COMMAND_HELP[command.topic] : USAGE}\n`);
        return ExitCode.ok;
      case 'validate':
        debug = command.debug;
        out.print(`perf-action: ${await validateConfig(command, process.env)}\n`);
        return ExitCode.ok;
      case 'version':
        out.print(`${TOOL_VERSION}\n`);
        return ExitCode.ok;
      case 'schema':
        out.print(
          `${JSON.stringify(command.results ? runResultJsonSchema() : perfConfigJsonSchema(), null, 2)}\n`,
        );
        return ExitCode.ok;
      case 'compare': {
        debug = command.debug;
        const result = await compareResults(command.base, command.head, command.config);
        printReport(out, result, () => renderMarkdown(result), command.format, screen);
        return result.verdict === 'fail' ? ExitCode.failed : ExitCode.ok;
      }
      default:
        debug = command.debug;
        return await run(command, out, screen);
    }
  } catch (error) {
    // Redacted with every secret the run had learnt by then (the config's, the login token).
    out.fail(describeError(error));
    if (debug && error instanceof Error && error.stack) out.info(error.stack);
    return exitCodeOf(error);
  }
}

async function run(command: RunCommand, out: Outlet, screen: Screen): Promise<number> {
  const output = await runPerf(await runSettings(command, out));
  out.print(
    `perf-action: wrote ${output.paths.results}, ${output.paths.markdown}, ${output.paths.html}\n`,
  );
  printReport(out, output.result, () => output.markdown, command.format, screen);
  return output.result.verdict === 'fail' ? ExitCode.failed : ExitCode.ok;
}

/** The pipeline's settings for `run` and `demo` (the demo's service starts included). */
export async function runSettings(command: RunCommand, out: Outlet): Promise<RunSettings> {
  const warn = out.warn;
  const settings: RunSettings = {
    configPath: command.config ?? 'perf.yml',
    outDir: command.outDir,
    env: process.env,
    outlet: out,
    ...(command.suites ? { suites: command.suites } : {}),
    ...(command.target !== undefined ? { targetUrl: command.target } : {}),
    ...(command.baseUrl !== undefined ? { baseUrl: command.baseUrl } : {}),
    ...(command.baseStart !== undefined ? { baseStart: command.baseStart } : {}),
    updateBaseline: command.updateBaseline,
    ...(command.baselineDir !== undefined
      ? { baselineStore: new LocalDirStore(command.baselineDir, { onWarning: warn }) }
      : {}),
  };
  if (command.command === 'demo' && command.ab) {
    // Two copies side by side, compared pair by pair in this run: no history is read or kept.
    const demo = await demoAbSettings(process.cwd());
    if (command.config === undefined) settings.configPath = demo.configPath;
    settings.targetUrl = demo.targetUrl;
    settings.targetStart = demo.targetStart;
    settings.baseUrl = demo.baseUrl;
    settings.baseStart = demo.baseStart;
  } else if (command.command === 'demo') {
    const demo = await demoSettings(process.cwd());
    if (command.config === undefined) settings.configPath = demo.configPath;
    settings.targetUrl = command.target ?? demo.targetUrl;
    if (command.target === undefined) settings.targetStart = demo.targetStart;
    // The demo keeps its own history, so a second run compares with the first.
    const dir = command.baselineDir ?? join(command.outDir, 'baseline');
    settings.baselineStore = new LocalDirStore(dir, { onWarning: warn });
    settings.updateBaseline = true;
  }
  return settings;
}

/**
 * The report as the format asks, ending with the headline as the last line (the text summary ends
 * with it; the markdown, which begins with it, gets it again below).
 */
function printReport(
  out: Outlet,
  result: RunResult,
  markdown: () => string,
  format: OutputFormat,
  screen: Screen,
): void {
  if (resolveFormat(format, screen) === 'text') {
    out.print(`\n${renderTerminal(result, screen.style)}`);
    return;
  }
  out.print(`\n${markdown()}\n`);
  out.print(`${headline(result)}\n`);
}
