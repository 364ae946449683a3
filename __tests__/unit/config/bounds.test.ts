// Every bounded key of perf.yml, on both sides of both ends of its range (the probes are the
// bad-input suite's, __tests__/fixtures/bad-input-cases.ts); the rules on values combined; the
// bounds in the JSON Schema and in the README.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { boundsTable, FILE_LIMITS } from '../../../src/config/bounds.ts';
import { BUILT_IN_DEFAULTS } from '../../../src/config/schema.ts';
import { ConfigError } from '../../../src/errors.ts';
import { parsePerfConfig, perfConfigJsonSchema } from '../../../src/suites/registry.ts';
import {
  BOUND_CASES,
  base,
  type Data,
  formatPath,
  L0,
  L1,
  type Path,
  probe,
  S0,
  SYN,
  setAt,
  V,
} from '../../fixtures/bad-input-cases.ts';

function parse(data: Data) {
  return parsePerfConfig(stringify(data), { file: 'perf.yml', env: {} });
}

/** The first line of the ConfigError, which names the key. */
function problemOf(data: Data): string {
  try {
    parse(data);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n')[0] ?? '';
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('bounds: every bounded key, both ends', () => {
  it.each(BOUND_CASES.map((c) => [formatPath(c.path), c] as const))(
    '%s accepts its lowest and highest values',
    (_, testCase) => {
      expect(() => parse(probe(testCase, testCase.low))).not.toThrow();
      expect(() => parse(probe(testCase, testCase.high))).not.toThrow();
    },
  );

  it.each(BOUND_CASES.map((c) => [formatPath(c.path), c] as const))(
    '%s refuses values just outside, naming the key and the range',
    (_, testCase) => {
      const outside = [testCase.below, testCase.above].filter((v) => v !== undefined);
      expect(outside.length).toBeGreaterThan(0);
      for (const value of outside) {
        const line = problemOf(probe(testCase, value));
        const key = formatPath(Array.isArray(value) ? [...testCase.path, 0] : testCase.path);
        expect(line).toMatch(new RegExp(`^perf\\.yml:\\d+:\\d+ '${escapeRegExp(key)}': `));
        expect(line).toContain(testCase.range);
      }
    },
  );

  it('keeps every built-in default within its bound', () => {
    const config = parse(base()).config;
    expect(config.target.waitMs).toBe(BUILT_IN_DEFAULTS.waitMs);
    const data = base();
    setAt(data, ['defaults'], {
      duration: BUILT_IN_DEFAULTS.durationMs,
      warmup: BUILT_IN_DEFAULTS.warmupMs,
      rounds: BUILT_IN_DEFAULTS.rounds,
      timeout: BUILT_IN_DEFAULTS.timeoutMs,
    });
    setAt(data, ['target', 'wait'], BUILT_IN_DEFAULTS.waitMs);
    setAt(data, ['monitor'], { interval: BUILT_IN_DEFAULTS.monitorIntervalMs });
    expect(() => parse(data)).not.toThrow();
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('bounds: values that are each fine but cannot run together', () => {
  it.each<[string, [Path, unknown][], RegExp]>([
    [
      'rate x duration beyond what a round may queue',
      [
        [[...L1, 'rate'], 100_000],
        [[...L1, 'duration'], '101s'],
      ],
      /^perf\.yml:\d+:\d+ 'load\.scenarios\[1\]\.rate': rate 100,000\/s for 1m41s schedules 10,100,000 requests per round; expected 1 to 10,000,000/,
    ],
    [
      'rate x duration below one request',
      [
        [[...L1, 'rate'], 0.1],
        [[...L1, 'duration'], '9s'],
      ],
      /'load\.scenarios\[1\]\.rate': rate 0\.1\/s for 9s schedules 0\.9 requests per round/,
    ],
    [
      'a rate inherited duration from defaults that makes too many sends',
      [
        [[...L1, 'duration'], undefined],
        [['defaults'], { duration: '24h' }],
        [[...L1, 'rate'], 200],
      ],
      /'load\.scenarios\[1\]\.rate': rate 200\/s for 24h schedules 17,280,000/,
    ],
    [
      'rounds x (warmup + duration) beyond a day',
      [
        [[...L0, 'rounds'], 2],
        [[...L0, 'duration'], '12h'],
        [[...L0, 'warmup'], '1s'],
      ],
      /'load\.scenarios\[0\]\.rounds': 2 rounds of 1s warm-up and 12h run 24h2s; at most 24h per scenario/,
    ],
    [
      'requests below connections',
      [
        [[...L0, 'duration'], undefined],
        [[...L0, 'connections'], 10],
        [[...L0, 'requests'], 5],
      ],
      /'load\.scenarios\[0\]\.requests': requests \(5\) is below connections \(10\)/,
    ],
    [
      'a stress scenario longer than an hour',
      [
        [
          [...S0, 'stages'],
          [
            { rate: 10, duration: '30m' },
            { rate: 20, duration: '30m' },
          ],
        ],
      ],
      /'stress\.scenarios\[0\]\.stages': the scenario would run 1h2s \(warm-up, stages and cool-down\); at most 1h/,
    ],
    [
      'a stress scenario made longer than an hour by defaults.warmup',
      [
        [[...S0, 'warmup'], undefined],
        [['defaults'], { warmup: '1h' }],
      ],
      /'stress\.scenarios\[0\]\.stages': the scenario would run 1h12s/,
    ],
    [
      'until-break in too many steps',
      [
        [[...S0, 'until-break'], true],
        [[...S0, 'step'], 0.1],
        [[...S0, 'max-level'], 20],
      ],
      /'stress\.scenarios\[0\]\.step': until-break from 10 by 0\.1 up to 20 makes 101 phases/,
    ],
    [
      'until-break by default in too many steps',
      [
        [
          [...S0, 'stages'],
          [
            { rate: 99, duration: '1s' },
            { rate: 100, duration: '1s' },
          ],
        ],
        [[...S0, 'until-break'], true],
      ],
      /'stress\.scenarios\[0\]\.until-break': until-break from 100 by 1 up to 1,000 makes 902 phases/,
    ],
    [
      'an open stress backlog beyond what may wait',
      [
        [[...S0, 'stages'], [{ rate: 100_000, duration: '1s' }]],
        [[...S0, 'timeout'], '2m'],
      ],
      /'stress\.scenarios\[0\]\.timeout': rate 100,000\/s with timeout 2m lets 12,000,000 arrivals wait/,
    ],
    [
      'an open stress stage that schedules nothing',
      [[[...S0, 'stages'], [{ rate: 0.1, duration: '5s' }]]],
      /'stress\.scenarios\[0\]\.stages\[0\]': rate 0\.1\/s for 5s schedules no request/,
    ],
    [
      'more videos than a suite processes',
      [
        [
          [...V, 'levels'],
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        ],
        [[...V, 'videos-per-level'], 1000],
      ],
      /'video\.videos-per-level': the levels process 11,000 videos in all; at most 10,000/,
    ],
    [
      'a synthetic video too large to generate',
      [[SYN, { duration: '10m', width: 3840, height: 2160, fps: 120 }]],
      /'video\.videos\[0\]\.synthetic': 3840x2160 at 120 fps for 10m is 597,197 megapixels to generate; at most 20,000/,
    ],
    [
      'min-history above what the history keeps',
      [[['regression'], { 'min-history': 30 }]],
      /'regression\.min-history': min-history \(30\) is more than the 20 runs baseline\.history keeps/,
    ],
  ])('refuses %s', (_, values, expected) => {
    const data = base();
    for (const [path, value] of values) setAt(data, path, value);
    expect(problemOf(data)).toMatch(expected);
  });

  it('caps the default until-break max-level at the most the engine runs', () => {
    const data = base();
    setAt(data, [...S0, 'stages'], [{ rate: 20_000, duration: '1s' }]);
    setAt(data, [...S0, 'until-break'], true);
    const scenario = parse(data).config.stress?.scenarios[0];
    expect(scenario?.untilBreak).toStrictEqual({ stepLevel: 20_000, maxLevel: 100_000 });
  });
});

describe('bounds: where they are written down', () => {
  it('are in the JSON Schema as minimum and maximum', () => {
    const schema = JSON.stringify(perfConfigJsonSchema());
    const target = (perfConfigJsonSchema() as { properties: Record<string, { properties: Data }> })
      .properties.target?.properties;
    expect(target?.wait).toMatchObject({ minimum: 100, maximum: 3_600_000 });
    expect(target?.pid).toMatchObject({ minimum: 1, maximum: 4_194_304 });
    expect(schema).toContain('"maximum":100000');
    expect(schema).toContain('"maximum":10000000');
  });

  it('are in the README, as the table boundsTable() renders', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(boundsTable());
    expect(boundsTable()).toContain(`${FILE_LIMITS.configBytes / 1024 / 1024} MB`);
  });
});
