import { describe, expect, it } from 'vitest';
import type { CoreConfig } from '../../../src/config/schema.ts';
import { ConfigError, UsageError } from '../../../src/errors.ts';
import { pairsOf, resolveBase } from '../../../src/pipeline/base-target.ts';

const target: CoreConfig['target'] = {
  url: 'http://127.0.0.1:3000',
  health: '/health',
  waitMs: 30_000,
  start: 'node head.js',
  container: 'head',
  dockerSocket: '/run/docker.sock',
};

describe('resolveBase', () => {
  it('measures no base without an address', () => {
    expect(resolveBase({ target }, {})).toBeUndefined();
    expect(
      resolveBase({ target, base: { target: {}, mode: 'concurrent', pairs: {} } }, {}),
    ).toBeUndefined();
  });

  it("takes the target's health, wait and socket, never its start, pid or container", () => {
    const base = resolveBase({ target }, { baseUrl: 'http://127.0.0.1:3001' });
    expect(base).toEqual({
      target: {
        url: 'http://127.0.0.1:3001',
        health: '/health',
        waitMs: 30_000,
        dockerSocket: '/run/docker.sock',
      },
      mode: 'interleaved',
      pairs: {},
    });
  });

  it('lets the flags replace base.url and base.start, and keeps the rest of base:', () => {
    const base = resolveBase(
      {
        target,
        base: {
          target: { url: 'http://127.0.0.1:4000', start: 'node old.js', waitMs: 5000 },
          mode: 'concurrent',
          pairs: { load: 8 },
          seed: 7,
        },
      },
      { baseUrl: 'http://127.0.0.1:3001', baseStart: 'node base.js' },
    );
    expect(base?.target).toMatchObject({
      url: 'http://127.0.0.1:3001',
      start: 'node base.js',
      waitMs: 5000,
    });
    expect(base).toMatchObject({ mode: 'concurrent', pairs: { load: 8 }, seed: 7 });
  });

  it("refuses a base at the target's address and --base-start without an address", () => {
    expect(() => resolveBase({ target }, { baseUrl: 'http://127.0.0.1:3000/' })).toThrow(
      ConfigError,
    );
    expect(() => resolveBase({ target }, { baseStart: 'node base.js' })).toThrow(UsageError);
    expect(() => resolveBase({ target }, { baseUrl: 'ftp://x' })).toThrow(/--base-url/);
  });
});

describe('pairsOf', () => {
  const load = { name: 'load', defaultPairs: 5 };
  const video = { name: 'video' };
  it("takes the suite's count, then all, then the suite's default, then 1", () => {
    expect(pairsOf({ pairs: {} }, load)).toBe(5);
    expect(pairsOf({ pairs: {} }, video)).toBe(1);
    expect(pairsOf({ pairs: { all: 3 } }, load)).toBe(3);
    expect(pairsOf({ pairs: { all: 3, load: 9 } }, load)).toBe(9);
  });
});
