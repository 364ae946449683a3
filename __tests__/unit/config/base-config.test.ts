// perf.yml `base:`: the base service measured beside the target in the same job.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { parsePerfConfig } from '../../../src/suites/registry.ts';

function parse(...lines: string[]) {
  return parsePerfConfig(`${['target:', '  url: http://127.0.0.1:8000', ...lines].join('\n')}\n`, {
    file: 'perf.yml',
    env: {},
  });
}

function errorOf(...lines: string[]): string {
  try {
    parse(...lines);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('perf.yml base:', () => {
  it("keeps the keys as written, with the mode's and the pairs' defaults", () => {
    const { config } = parse(
      'base:',
      '  url: http://127.0.0.1:8001',
      '  start: node base.js',
      '  wait: 10s',
    );
    expect(config.base).toEqual({
      target: { url: 'http://127.0.0.1:8001', start: 'node base.js', waitMs: 10_000 },
      mode: 'interleaved',
      pairs: {},
    });
  });

  it('takes pairs as one count for every suite or counts by suite, and a seed', () => {
    expect(parse('base:', '  pairs: 8').config.base?.pairs).toEqual({ all: 8 });
    const { config } = parse(
      'base:',
      '  mode: concurrent',
      '  pairs: { load: 10, all: 2 }',
      '  seed: 42',
    );
    expect(config.base).toMatchObject({
      mode: 'concurrent',
      pairs: { load: 10, all: 2 },
      seed: 42,
    });
  });

  it('is absent when not written', () => {
    expect(parse().config.base).toBeUndefined();
  });

  it.each([
    [
      ['base:', '  pairs: { lod: 5 }'],
      /perf\.yml:4.*base\.pairs\.lod.*unknown suite 'lod' \(did you mean 'load'\?\)/,
    ],
    [['base:', '  pairs: 0'], /base\.pairs/],
    [['base:', '  pairs: 101'], /base\.pairs/],
    [['base:', '  mode: duet'], /base\.mode.*expected interleaved or concurrent/],
    [['base:', '  url: ftp://x'], /base\.url/],
    [['base:', '  start: node b.js', '  pid: 12'], /base\.pid.*set start or pid, not both/],
    [['base:', '  sed: 1'], /unknown key 'sed'.*did you mean 'seed'/],
  ])('refuses %j in one line naming the key', (lines, message) => {
    const error = errorOf(...lines);
    expect(error).toMatch(message);
    expect(error).not.toContain('\n');
  });
});
