// Command-line parsing: the only place that reads argv. Returns a typed command or throws UsageError.
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export const USAGE = `Usage: perf-action <command> [options]

Commands:
  run                       run the suites in perf.yml against the target
  demo                      start the bundled sample service and run examples/perf.yml against it
                            (its baseline history is kept in DIR/baseline: run it twice to compare)
  compare BASE.json HEAD.json   compare two results files and print the report
  schema                    print the JSON Schema of perf.yml

Options (run, demo):
  -c, --config FILE   config file (default perf.yml; demo: examples/perf.yml)
      --target URL    target URL, replaces target.url
      --suite LIST    suites to run, comma-separated (load, stress, volume, video)
      --out DIR       where results.json, report.md and report.html go (default perf-results)
      --baseline-dir DIR      compare with the baseline history kept in DIR
      --update-baseline       append this run to that history
      --debug         print stack traces
  -h, --help          this help
  -v, --version       the version

Options (compare):
  -c, --config FILE   take regression thresholds and accept: rules from this config

Exit codes: 0 pass or warn, 1 fail, 2 bad usage or config, 3 target unreachable.`;

export interface RunCommand {
  command: 'run' | 'demo';
  config?: string;
  target?: string;
  suites?: string[];
  outDir: string;
  baselineDir?: string;
  updateBaseline: boolean;
  debug: boolean;
}

export interface CompareCommand {
  command: 'compare';
  base: string;
  head: string;
  config?: string;
  debug: boolean;
}

export type Command =
  | RunCommand
  | CompareCommand
  | { command: 'schema'; debug: boolean }
  | { command: 'help' }
  | { command: 'version' };

/** Parses argv (without node and script). */
export function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs' own messages are clear ("Unknown option '--x'"); keep them, drop the stack.
    throw new UsageError(`${(error as Error).message}. See perf-action --help.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [name, ...rest] = positionals;
  if (name === undefined) {
    throw new UsageError('missing command (run, demo, compare or schema). See perf-action --help.');
  }
  const debug = values.debug ?? false;
  if (name === 'compare') {
    const [base, head, extra] = rest;
    if (base === undefined || head === undefined) {
      throw new UsageError(
        'compare needs two results files: perf-action compare BASE.json HEAD.json',
      );
    }
    if (extra !== undefined) {
      throw new UsageError(`unexpected argument '${extra}'. See perf-action --help.`);
    }
    return {
      command: 'compare',
      base,
      head,
      ...(values.config !== undefined ? { config: values.config } : {}),
      debug,
    };
  }
  if (rest.length > 0) {
    throw new UsageError(`unexpected argument '${rest[0]}'. See perf-action --help.`);
  }
  if (name === 'schema') return { command: 'schema', debug };
  if (name !== 'run' && name !== 'demo') {
    throw new UsageError(`unknown command '${name}' (expected run, demo, compare or schema)`);
  }
  if (values['update-baseline'] && values['baseline-dir'] === undefined && name === 'run') {
    throw new UsageError('--update-baseline needs --baseline-dir DIR');
  }
  const suites = values.suite
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (values.suite !== undefined && suites?.length === 0) {
    throw new UsageError('--suite needs at least one suite name');
  }
  return {
    command: name,
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.target !== undefined ? { target: values.target } : {}),
    ...(suites ? { suites } : {}),
    outDir: values.out ?? 'perf-results',
    ...(values['baseline-dir'] !== undefined ? { baselineDir: values['baseline-dir'] } : {}),
    updateBaseline: values['update-baseline'] ?? false,
    debug,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      target: { type: 'string' },
      suite: { type: 'string' },
      out: { type: 'string' },
      'baseline-dir': { type: 'string' },
      'update-baseline': { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
