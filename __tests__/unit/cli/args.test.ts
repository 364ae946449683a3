import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/cli/args.ts';
import { UsageError } from '../../../src/errors.ts';

describe('parseCommand', () => {
  it.each([
    [['run'], { command: 'run', outDir: 'perf-results', updateBaseline: false, debug: false }],
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
        debug: false,
      },
    ],
    [
      ['demo', '--debug'],
      { command: 'demo', outDir: 'perf-results', updateBaseline: false, debug: true },
    ],
    [
      ['compare', 'a.json', 'b.json', '-c', 'p.yml'],
      { command: 'compare', base: 'a.json', head: 'b.json', config: 'p.yml', debug: false },
    ],
    [['schema'], { command: 'schema', debug: false }],
    [['--help'], { command: 'help' }],
    [['run', '-h'], { command: 'help' }],
    [['--version'], { command: 'version' }],
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
  ])('%o is a usage error', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
