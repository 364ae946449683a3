// Command-line parsing: the only place that reads argv. Returns a typed command or throws UsageError
// (or ConfigError for a bad --target), before anything is read or contacted.
import { parseArgs } from 'node:util';
import { parseTargetUrl } from '../config/load-config.ts';
import { UsageError } from '../errors.ts';

/** The commands, in the order the help lists them. */
export const COMMANDS = ['run', 'demo', 'validate', 'compare', 'schema'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** How the report is printed: `auto` is `text` on a terminal and `markdown` elsewhere (CI, a pipe). */
export const FORMATS = ['auto', 'text', 'markdown'] as const;
export type OutputFormat = (typeof FORMATS)[number];

const FORMAT_HELP = `      --format FORMAT       how the report is printed: text (a summary table), markdown (the
                            whole report), or auto (default: text on a terminal, else markdown)`;

const EXIT_CODES =
  'Exit codes: 0 pass or warn, 1 fail, 2 bad usage or config, 3 target unreachable.';

export const USAGE = `Usage: perf-action <command> [options]

Commands:
  run                       run the suites in perf.yml against the target
  demo                      start the bundled sample service and run examples/perf.yml against it
                            (its baseline history is kept in DIR/baseline: run it twice to compare;
                            --ab: a slowed copy against the base copy, compared in the same run)
  validate                  check perf.yml without contacting the target
  compare BASE.json HEAD.json   compare two results files and print the report
  schema                    print the JSON Schema of perf.yml (--results: of results.json)

Run perf-action <command> --help for a command's options.
  -h, --help          this help
  -v, --version       the version

${EXIT_CODES}`;

/** Each command's own help (`perf-action run --help`). */
export const COMMAND_HELP: Readonly<Record<CommandName, string>> = {
  run: `Usage: perf-action run [options]

Runs the suites configured in perf.yml against the target, writes results.json, report.md and
report.html, and prints the report and the verdict.

Options:
  -c, --config FILE         config file (default perf.yml)
      --target URL          target URL, replaces target.url
      --base-url URL        the base service's URL, replaces base.url: measured beside the target
                            in the same run, pair by pair, and compared with it
      --base-start CMD      shell command that starts the base service, replaces base.start
      --suite LIST          suites to run, comma-separated (load, stress, volume, video)
      --out DIR             where the results and reports go (default perf-results)
      --baseline-dir DIR    compare with the baseline history kept in DIR
      --update-baseline     append this run to that history (needs --baseline-dir)
${FORMAT_HELP}
      --debug               print stack traces
  -h, --help                this help

${EXIT_CODES}`,
  demo: `Usage: perf-action demo [options]

Starts the bundled sample service on a free loopback port and runs examples/perf.yml against it.
Its baseline history is kept in DIR/baseline: run it twice to see a comparison.

With --ab it starts two copies instead, the head 25 % slower (--slowdown 25%) and the base as it
is, and runs examples/perf-ab.yml (load only, 5 interleaved pairs): the same-job comparison,
without a history, catches the slowdown.

Options:
  -c, --config FILE         config file (default examples/perf.yml; examples/perf-ab.yml with --ab)
      --ab                  compare a slowed copy of the service with the base copy in one run
      --target URL          use a service already running there instead of starting one
      --suite LIST          suites to run, comma-separated (load, stress, volume, video)
      --out DIR             where the results and reports go (default perf-results)
      --baseline-dir DIR    the baseline history (default DIR/baseline)
${FORMAT_HELP}
      --debug               print stack traces
  -h, --help                this help

${EXIT_CODES}`,
  validate: `Usage: perf-action validate [options]

Checks perf.yml as a run would (\${env:…} references resolved from this environment), without
contacting the target or starting anything, and says what it configures.

Options:
  -c, --config FILE         config file (default perf.yml)
      --target URL          check this target URL as well, as run would use it
      --suite LIST          check that these suites are configured
      --debug               print stack traces
  -h, --help                this help

Exit codes: 0 the config is valid, 2 it is not (every problem is listed).`,
  compare: `Usage: perf-action compare BASE.json HEAD.json [options]

Compares two results files as a run compares with its baseline, and prints the report.

Options:
  -c, --config FILE         take regression thresholds and accept: rules from this config
${FORMAT_HELP}
      --debug               print stack traces
  -h, --help                this help

Exit codes: 0 pass or warn, 1 fail, 2 bad usage or unreadable files.`,
  schema: `Usage: perf-action schema [--results]

Prints the JSON Schema of perf.yml (for editors: # yaml-language-server: $schema=...).

Options:
      --results             the JSON Schema of results.json instead (every run's results fit it)
  -h, --help                this help`,
};

export interface RunCommand {
  command: 'run' | 'demo';
  config?: string;
  target?: string;
  /** `--base-url`: the base service, measured beside the target (run). */
  baseUrl?: string;
  /** `--base-start`: the command that starts the base service (run). */
  baseStart?: string;
  /** `demo --ab`: two copies of the sample service, the head slowed, compared in the same job. */
  ab?: boolean;
  suites?: string[];
  outDir: string;
  baselineDir?: string;
  updateBaseline: boolean;
  format: OutputFormat;
  debug: boolean;
}

export interface CompareCommand {
  command: 'compare';
  base: string;
  head: string;
  config?: string;
  format: OutputFormat;
  debug: boolean;
}

export interface ValidateCommand {
  command: 'validate';
  /** The config file (default perf.yml). */
  config: string;
  target?: string;
  suites?: string[];
  debug: boolean;
}

export type Command =
  | RunCommand
  | CompareCommand
  | ValidateCommand
  | { command: 'schema'; results: boolean; debug: boolean }
  | { command: 'help'; topic?: CommandName }
  | { command: 'version' };

type OptionName =
  | 'config'
  | 'target'
  | 'base-url'
  | 'base-start'
  | 'ab'
  | 'suite'
  | 'out'
  | 'baseline-dir'
  | 'update-baseline'
  | 'format'
  | 'results'
  | 'debug';

/** The options each command takes (besides --help); any other is a usage error. */
const OPTIONS_OF: Readonly<Record<CommandName, readonly OptionName[]>> = {
  run: [
    'config',
    'target',
    'base-url',
    'base-start',
    'suite',
    'out',
    'baseline-dir',
    'update-baseline',
    'format',
    'debug',
  ],
  demo: ['config', 'target', 'ab', 'suite', 'out', 'baseline-dir', 'format', 'debug'],
  validate: ['config', 'target', 'suite', 'debug'],
  compare: ['config', 'format', 'debug'],
  schema: ['results', 'debug'],
};

const isCommand = (name: string | undefined): name is CommandName =>
  (COMMANDS as readonly (string | undefined)[]).includes(name);

/** Parses argv (without node and script). */
export function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs' own messages are clear ("Unknown option '--x'"); keep them, drop the stack.
    throw new UsageError(`${(error as Error).message}. See perf-action --help.`);
  }
  const { values, positionals, tokens } = parsed;
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) {
      throw new UsageError(`--${token.name} is given more than once. See perf-action --help.`);
    }
    seen.add(token.name);
  }
  const [name, ...rest] = positionals;
  if (name === 'help') {
    const [topic, extra] = rest;
    if (topic === undefined) return { command: 'help' };
    if (!isCommand(topic) || extra !== undefined) {
      throw new UsageError(`no help for '${rest.join(' ')}' (commands: ${COMMANDS.join(', ')})`);
    }
    return { command: 'help', topic };
  }
  if (values.help) return isCommand(name) ? { command: 'help', topic: name } : { command: 'help' };
  if (values.version) return { command: 'version' };
  if (name === undefined) {
    throw new UsageError(`missing command (${COMMANDS.join(', ')}). See perf-action --help.`);
  }
  if (!isCommand(name)) {
    throw new UsageError(`unknown command '${name}' (expected ${COMMANDS.join(', ')})`);
  }
  checkOptions(name, values);
  const debug = values.debug ?? false;
  const format = parseFormat(values.format, name);
  if (name === 'compare') {
    const [base, head, extra] = rest;
    if (base === undefined || head === undefined) {
      throw new UsageError(
        'compare needs two results files: perf-action compare BASE.json HEAD.json',
      );
    }
    if (extra !== undefined) {
      throw new UsageError(`unexpected argument '${extra}'. See perf-action compare --help.`);
    }
    return {
      command: 'compare',
      base,
      head,
      ...(values.config !== undefined ? { config: values.config } : {}),
      format,
      debug,
    };
  }
  if (rest.length > 0) {
    throw new UsageError(`unexpected argument '${rest[0]}'. See perf-action ${name} --help.`);
  }
  if (name === 'schema') return { command: 'schema', results: values.results ?? false, debug };
  // Checked here too, so that a bad --target is refused before the config is even read.
  if (values.target !== undefined) parseTargetUrl(values.target, { key: '--target' });
  if (values['base-url'] !== undefined) parseTargetUrl(values['base-url'], { key: '--base-url' });
  const suites = values.suite
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (values.suite !== undefined && suites?.length === 0) {
    throw new UsageError('--suite needs at least one suite name');
  }
  if (name === 'validate') {
    return {
      command: 'validate',
      config: values.config ?? 'perf.yml',
      ...(values.target !== undefined ? { target: values.target } : {}),
      ...(suites ? { suites } : {}),
      debug,
    };
  }
  if (values['update-baseline'] && values['baseline-dir'] === undefined) {
    throw new UsageError('--update-baseline needs --baseline-dir DIR');
  }
  if (values.ab) {
    // --ab starts both services itself and needs no history: the base is its reference.
    for (const option of ['target', 'baseline-dir'] as const) {
      if (values[option] !== undefined) {
        throw new UsageError(
          `--${option} does not apply to demo --ab (it starts both services and keeps no history). See perf-action demo --help.`,
        );
      }
    }
  }
  return {
    command: name,
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.target !== undefined ? { target: values.target } : {}),
    ...(values['base-url'] !== undefined ? { baseUrl: values['base-url'] } : {}),
    ...(values['base-start'] !== undefined ? { baseStart: values['base-start'] } : {}),
    ...(values.ab ? { ab: true } : {}),
    ...(suites ? { suites } : {}),
    outDir: values.out ?? 'perf-results',
    ...(values['baseline-dir'] !== undefined ? { baselineDir: values['baseline-dir'] } : {}),
    updateBaseline: values['update-baseline'] ?? false,
    format,
    debug,
  };
}

function parseFormat(value: string | undefined, command: CommandName): OutputFormat {
  if (value === undefined) return 'auto';
  const format = FORMATS.find((f) => f === value.trim());
  if (format === undefined) {
    throw new UsageError(
      `--format must be one of ${FORMATS.join(', ')}, got '${value}'. See perf-action ${command} --help.`,
    );
  }
  return format;
}

/** Options that do not apply to the command, and string options given empty, are usage errors. */
function checkOptions(name: CommandName, values: ReturnType<typeof parse>['values']): void {
  const allowed = OPTIONS_OF[name];
  for (const [option, value] of Object.entries(values)) {
    if (value === undefined || option === 'help' || option === 'version') continue;
    if (!(allowed as readonly string[]).includes(option)) {
      throw new UsageError(
        `--${option} does not apply to ${name}. See perf-action ${name} --help.`,
      );
    }
    if (typeof value === 'string' && value.trim() === '') {
      throw new UsageError(`--${option} needs a value. See perf-action ${name} --help.`);
    }
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    tokens: true,
    options: {
      config: { type: 'string', short: 'c' },
      target: { type: 'string' },
      'base-url': { type: 'string' },
      'base-start': { type: 'string' },
      ab: { type: 'boolean' },
      suite: { type: 'string' },
      out: { type: 'string' },
      'baseline-dir': { type: 'string' },
      'update-baseline': { type: 'boolean' },
      format: { type: 'string' },
      results: { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
