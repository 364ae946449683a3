import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/cli/args.ts';
import { UsageError } from '../../../src/errors.ts';

describe('parseCommand', () => {
  it.each([
    [['run'], { command: 'run', outDir: 'perf-results', debug: false }],
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
        debug: false,
      },
    ],
    [['demo', '--debug'], { command: 'demo', outDir: 'perf-results', debug: true }],
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
  ])('%o is a usage error', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
