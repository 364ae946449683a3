// Command-line parsing: the only place that reads argv. Returns a typed command or throws UsageError.
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export const USAGE = `Usage: perf-action <command> [options]

Commands:
  run      run the suites in perf.yml against the target
  demo     start the bundled sample service and run examples/perf.yml against it
  schema   print the JSON Schema of perf.yml

Options (run, demo):
  -c, --config FILE   config file (default perf.yml; demo: examples/perf.yml)
      --target URL    target URL, replaces target.url
      --suite LIST    suites to run, comma-separated (load, stress, volume, video)
      --out DIR       where results.json, report.md and report.html go (default perf-results)
      --debug         print stack traces
  -h, --help          this help
  -v, --version       the version

Exit codes: 0 pass or warn, 1 fail, 2 bad usage or config, 3 target unreachable.`;

export interface RunCommand {
  command: 'run' | 'demo';
  config?: string;
  target?: string;
  suites?: string[];
  outDir: string;
  debug: boolean;
}

export type Command =
  | RunCommand
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
  if (name === undefined)
    throw new UsageError('missing command (run, demo or schema). See perf-action --help.');
  if (rest.length > 0)
    throw new UsageError(`unexpected argument '${rest[0]}'. See perf-action --help.`);
  const debug = values.debug ?? false;
  if (name === 'schema') return { command: 'schema', debug };
  if (name !== 'run' && name !== 'demo') {
    throw new UsageError(`unknown command '${name}' (expected run, demo or schema)`);
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
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
