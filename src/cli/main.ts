#!/usr/bin/env node
// The perf-action CLI: parse argv, run the pipeline, print the report and the verdict, exit per the
// contract (0 pass/warn, 1 fail, 2 usage/config, 3 target).
import { join } from 'node:path';
import { LocalDirStore } from '../baseline/local-store.ts';
import { configJsonSchema } from '../config/schema.ts';
import { describeError, ExitCode, exitCodeOf } from '../errors.ts';
import { type RunSettings, runPerf } from '../pipeline/run-perf.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { verdictLine } from '../report/report-model.ts';
import { TOOL_VERSION } from '../version.ts';
import { COMMAND_HELP, parseCommand, type RunCommand, USAGE } from './args.ts';
import { compareResults } from './compare.ts';
import { demoSettings } from './demo.ts';
import { validateConfig } from './validate.ts';

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const command = parseCommand(argv);
    switch (command.command) {
      case 'help':
        process.stdout.write(`${command.topic ? COMMAND_HELP[command.topic] : USAGE}\n`);
        return ExitCode.ok;
      case 'validate':
        debug = command.debug;
        process.stdout.write(`perf-action: ${await validateConfig(command, process.env)}\n`);
        return ExitCode.ok;
      case 'version':
        process.stdout.write(`${TOOL_VERSION}\n`);
        return ExitCode.ok;
      case 'schema':
        process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
        return ExitCode.ok;
      case 'compare': {
        debug = command.debug;
        const result = await compareResults(command.base, command.head, command.config);
        process.stdout.write(`${renderMarkdown(result)}\n`);
        process.stdout.write(`perf-action: ${verdictLine(result)}\n`);
        return result.verdict === 'fail' ? ExitCode.failed : ExitCode.ok;
      }
      default:
        debug = command.debug;
        return await run(command);
    }
  } catch (error) {
    process.stderr.write(`perf-action: ${describeError(error)}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  }
}

const warn = (line: string) => process.stderr.write(`warning: ${line}\n`);

async function run(command: RunCommand): Promise<number> {
  const settings: RunSettings = {
    configPath: command.config ?? 'perf.yml',
    outDir: command.outDir,
    env: process.env,
    log: (line) => process.stderr.write(`${line}\n`),
    ...(command.suites ? { suites: command.suites } : {}),
    ...(command.target !== undefined ? { targetUrl: command.target } : {}),
    updateBaseline: command.updateBaseline,
    ...(command.baselineDir !== undefined
      ? { baselineStore: new LocalDirStore(command.baselineDir, { onWarning: warn }) }
      : {}),
    warn,
  };
  if (command.command === 'demo') {
    const demo = await demoSettings(process.cwd());
    if (command.config === undefined) settings.configPath = demo.configPath;
    settings.targetUrl = command.target ?? demo.targetUrl;
    if (command.target === undefined) settings.targetStart = demo.targetStart;
    // The demo keeps its own history, so a second run compares with the first.
    const dir = command.baselineDir ?? join(command.outDir, 'baseline');
    settings.baselineStore = new LocalDirStore(dir, { onWarning: warn });
    settings.updateBaseline = true;
  }
  const output = await runPerf(settings);
  process.stdout.write(`\n${output.markdown}\n`);
  process.stdout.write(`perf-action: ${verdictLine(output.result)}\n`);
  process.stdout.write(
    `perf-action: wrote ${output.paths.results}, ${output.paths.markdown}, ${output.paths.html}\n`,
  );
  return output.result.verdict === 'fail' ? ExitCode.failed : ExitCode.ok;
}

// Run as a program (also as the bundled dist/cli.js); imported, it only exports main.
if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
