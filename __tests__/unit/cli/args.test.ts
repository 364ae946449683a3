import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, COMMANDS, parseCommand, USAGE } from '../../../src/cli/args.ts';
import { ConfigError, UsageError } from '../../../src/errors.ts';

describe('parseCommand', () => {
  it.each([
    [
      ['run'],
      {
        command: 'run',
        outDir: 'perf-results',
        updateBaseline: false,
        format: 'auto',
        debug: false,
      },
    ],
    [
      [
        'run',
        '-c',
        'a.yml',
        '--target',
        'http://127.0.0.1:1',
        '--suite',
        'load, stress',
        '--out',
        'o',
      ],
      {
        command: 'run',
        config: 'a.yml',
        target: 'http://127.0.0.1:1',
        suites: ['load', 'stress'],
        outDir: 'o',
        updateBaseline: false,
        format: 'auto',
        debug: false,
      },
    ],
    [
      ['run', '--target', 'http://127.0.0.1:1', '--base-url', 'http://127.0.0.1:2'],
      {
        command: 'run',
        target: 'http://127.0.0.1:1',
        baseUrl: 'http://127.0.0.1:2',
        outDir: 'perf-results',
        updateBaseline: false,
        format: 'auto',
        debug: false,
      },
    ],
    [
      ['run', '--base-start', 'git -C base npm start', '--base-url', 'https://base.test:8443'],
      {
        command: 'run',
        baseUrl: 'https://base.test:8443',
        baseStart: 'git -C base npm start',
        outDir: 'perf-results',
        updateBaseline: false,
        format: 'auto',
        debug: false,
      },
    ],
    [
      ['demo', '--ab', '--suite', 'load'],
      {
        command: 'demo',
        ab: true,
        suites: ['load'],
        outDir: 'perf-results',
        updateBaseline: false,
        format: 'auto',
        debug: false,
      },
    ],
    [
      ['run', '--baseline-dir', 'b', '--update-baseline'],
      {
        command: 'run',
        outDir: 'perf-results',
        baselineDir: 'b',
        updateBaseline: true,
        format: 'auto',
        debug: false,
      },
    ],
    [
      ['demo', '--debug', '--format', 'text'],
      {
        command: 'demo',
        outDir: 'perf-results',
        updateBaseline: false,
        format: 'text',
        debug: true,
      },
    ],
    [
      ['compare', 'a.json', 'b.json', '-c', 'p.yml'],
      {
        command: 'compare',
        base: 'a.json',
        head: 'b.json',
        config: 'p.yml',
        format: 'auto',
        debug: false,
      },
    ],
    [
      ['compare', 'a.json', 'b.json', '--format', 'markdown'],
      { command: 'compare', base: 'a.json', head: 'b.json', format: 'markdown', debug: false },
    ],
    [['schema'], { command: 'schema', results: false, debug: false }],
    [['schema', '--results'], { command: 'schema', results: true, debug: false }],
    [['--help'], { command: 'help' }],
    [['help'], { command: 'help' }],
    [['run', '-h'], { command: 'help', topic: 'run' }],
    [['validate', '--help'], { command: 'help', topic: 'validate' }],
    [['compare', '--help'], { command: 'help', topic: 'compare' }],
    [['help', 'demo'], { command: 'help', topic: 'demo' }],
    [['schema', '-h'], { command: 'help', topic: 'schema' }],
    [['--version'], { command: 'version' }],
    [['validate'], { command: 'validate', config: 'perf.yml', debug: false }],
    [
      ['validate', '-c', 'p.yml', '--target', 'https://x.test', '--suite', 'load'],
      {
        command: 'validate',
        config: 'p.yml',
        target: 'https://x.test',
        suites: ['load'],
        debug: false,
      },
    ],
  ])('%o', (argv, expected) => {
    expect(parseCommand(argv)).toEqual(expected);
  });

  it.each([
    [[], /missing command/],
    [['fly'], /unknown command 'fly'/],
    [['run', '--bogus'], /Unknown option '--bogus'/],
    [['run', 'extra'], /unexpected argument 'extra'/],
    [['run', '--suite', ' , '], /--suite needs at least one suite name/],
    [['run', '--config'], /--config/],
    [['run', '--update-baseline'], /--update-baseline needs --baseline-dir/],
    [['compare', 'a.json'], /compare needs two results files/],
    [['compare', 'a.json', 'b.json', 'c.json'], /unexpected argument 'c.json'/],
    [['compare', 'a.json', 'b.json', '--out', 'o'], /--out does not apply to compare/],
    [['schema', '--config', 'p.yml'], /--config does not apply to schema/],
    [['validate', '--baseline-dir', 'b'], /--baseline-dir does not apply to validate/],
    [['demo', '--update-baseline'], /--update-baseline does not apply to demo/],
    [['run', '--out', ''], /--out needs a value/],
    [['run', '-c', ' '], /--config needs a value/],
    [['run', '-c', 'a.yml', '-c', 'b.yml'], /--config is given more than once/],
    [['help', 'fly'], /no help for 'fly'/],
    [['validate', 'perf.yml'], /unexpected argument 'perf.yml'/],
    [['run', '--format', 'html'], /--format must be one of auto, text, markdown, got 'html'/],
    [['compare', 'a.json', 'b.json', '--format', ''], /--format needs a value/],
    [['validate', '--format', 'text'], /--format does not apply to validate/],
    [['schema', '--format', 'text'], /--format does not apply to schema/],
    [['demo', '--base-url', 'http://127.0.0.1:2'], /--base-url does not apply to demo/],
    [['validate', '--base-start', 'npm start'], /--base-start does not apply to validate/],
    [['compare', 'a.json', 'b.json', '--ab'], /--ab does not apply to compare/],
    [['run', '--ab'], /--ab does not apply to run/],
    [['run', '--base-url', ' '], /--base-url needs a value/],
    [['run', '--base-start', ''], /--base-start needs a value/],
    [['demo', '--ab', '--target', 'http://127.0.0.1:1'], /--target does not apply to demo --ab/],
    [['demo', '--ab', '--baseline-dir', 'b'], /--baseline-dir does not apply to demo --ab/],
  ])('%o is a usage error', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it.each([
    ['http://admin:pw@127.0.0.1:8000', /credentials/],
    ['https://token@example.test', /credentials/],
    ['ftp://127.0.0.1', /expected an http/],
  ])('refuses --target %s at once, without printing a password', (url, message) => {
    for (const command of ['run', 'demo', 'validate']) {
      const attempt = () => parseCommand([command, '--target', url]);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(message);
      expect(attempt).not.toThrow(/pw@|token@/);
    }
  });

  it.each([
    ['http://admin:pw@127.0.0.1:8001', /credentials/],
    ['ftp://127.0.0.1', /expected an http/],
  ])('refuses --base-url %s as it refuses --target, naming --base-url', (url, message) => {
    const attempt = () => parseCommand(['run', '--base-url', url]);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/--base-url/);
    expect(attempt).not.toThrow(/pw@/);
  });
});

describe('help', () => {
  it('has a help text of its own for every command, each naming only its own options', () => {
    for (const command of COMMANDS) {
      expect(COMMAND_HELP[command]).toMatch(new RegExp(`^Usage: perf-action ${command}`));
    }
    expect(COMMAND_HELP.compare).not.toContain('--target');
    expect(COMMAND_HELP.validate).not.toContain('--baseline-dir');
    for (const command of ['run', 'demo', 'compare'] as const) {
      expect(COMMAND_HELP[command]).toContain('--format FORMAT');
    }
    expect(COMMAND_HELP.validate).not.toContain('--format');
    expect(COMMAND_HELP.run).toContain('--base-url URL');
    expect(COMMAND_HELP.run).toContain('--base-start CMD');
    expect(COMMAND_HELP.demo).toContain('--ab');
    expect(COMMAND_HELP.demo).not.toContain('--base-url');
    expect(USAGE).toContain('perf-action <command> --help');
  });
});
