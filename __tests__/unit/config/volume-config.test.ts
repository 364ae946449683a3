// The `volume:` section of perf.yml: defaults, the seed's two forms, and one clear line per mistake.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { parsePerfConfig } from '../../../src/suites/registry.ts';

/** Lines joined into a YAML text, so that line numbers in expectations are easy to count. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const SEED = [
  '  seed:',
  '    request:',
  '      path: /api/projects/bulk',
  '      json: { name: "P {{i}}", score: "{{float 0 1}}" }',
  '    batch: 100',
];
const QUERY = [
  '  queries:',
  '    - name: page',
  '      request: { path: /api/projects }',
  '      connections: 2',
  '      requests: 50',
];

/** A valid config, lines of the volume section replaceable. */
function volume(over: { steps?: string[]; seed?: string[]; queries?: string[]; extra?: string[] }) {
  return yaml(
    'target:',
    '  url: http://127.0.0.1:8000',
    'volume:',
    ...(over.steps ?? ['  steps: [1000, 10000]']),
    ...(over.seed ?? SEED),
    ...(over.queries ?? QUERY),
    ...(over.extra ?? []),
  );
}

function parse(text: string) {
  return parsePerfConfig(text, { file: 'perf.yml', env: {} }).config;
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('volume: valid configs', () => {
  it('applies the defaults: request seed, query like a load scenario', () => {
    expect(parse(volume({})).volume).toStrictEqual({
      steps: [1000, 10000],
      seed: {
        kind: 'request',
        request: {
          method: 'POST',
          path: '/api/projects/bulk',
          headers: {},
          json: { name: 'P {{i}}', score: '{{float 0 1}}' },
        },
        batch: 100,
        concurrency: 4,
        randomSeed: 1,
        timeoutMs: 30_000,
      },
      budgets: {},
      queries: [
        {
          name: 'page',
          request: { method: 'GET', path: '/api/projects', headers: {} },
          model: 'closed',
          connections: 2,
          requests: 50,
          warmupMs: 2000,
          rounds: 3,
          timeoutMs: 10_000,
          budgets: {},
        },
      ],
    });
  });

  it('takes a record count: a GET request and the JSON path of the number', () => {
    const config = parse(
      volume({
        extra: ['  count: { request: { path: "/api/projects?limit=1" }, value: data.total }'],
      }),
    );
    expect(config.volume?.count).toEqual({
      request: { method: 'GET', path: '/api/projects?limit=1', headers: {} },
      value: 'data.total',
    });
  });

  it('takes a command seed with its timeout', () => {
    const config = parse(
      volume({ seed: ['  seed:', '    command: ./seed.sh', '    timeout: 2m'] }),
    );
    expect(config.volume?.seed).toEqual({
      kind: 'command',
      command: './seed.sh',
      timeoutMs: 120_000,
    });
  });

  it('volume.defaults win over the global defaults for the queries only', () => {
    const text = yaml(
      'target: { url: "http://127.0.0.1:8000" }',
      'defaults: { warmup: 1s, rounds: 5, timeout: 3s }',
      'volume:',
      '  steps: [1000, 10000]',
      '  defaults: { warmup: 200ms, rounds: 2 }',
      '  seed: { command: ./seed.sh }',
      '  queries:',
      '    - { name: q, request: { path: /q }, rate: 50, duration: 1s, expect: flat }',
    );
    expect(parse(text).volume?.queries[0]).toMatchObject({
      warmupMs: 200,
      rounds: 2,
      timeoutMs: 3000,
      model: 'open',
      rate: 50,
      maxInFlight: 1000,
      durationMs: 1000,
      expect: 'flat',
    });
  });

  it('keeps seed options and per-query budgets', () => {
    const config = parse(
      volume({
        seed: [
          ...SEED,
          '    concurrency: 8',
          '    rate: 20',
          '    random-seed: 7',
          '    timeout: 5s',
        ],
        queries: [...QUERY, '      budgets: { growth.exponent: { warn: 0.2, fail: 0.8 } }'],
        extra: ['  budgets: { latency.p95: 50ms }'],
      }),
    );
    expect(config.volume?.seed).toMatchObject({
      concurrency: 8,
      rate: 20,
      randomSeed: 7,
      timeoutMs: 5000,
    });
    expect(config.volume?.budgets).toEqual({ 'latency.p95': { fail: 50 } });
    expect(config.volume?.queries[0]?.budgets).toEqual({
      'growth.exponent': { warn: 0.2, fail: 0.8 },
    });
  });
});

describe('volume: rejected configs, one line with the position', () => {
  it.each([
    ['one step', { steps: ['  steps: [1000]'] }, /perf\.yml:4:\d+ 'volume\.steps'.*at least two/],
    [
      'steps not increasing',
      { steps: ['  steps: [1000, 1000]'] },
      /'volume\.steps\[1\]': steps must increase, got 1000 after 1000/,
    ],
    [
      'steps too close',
      { steps: ['  steps: [1000, 1500]'] },
      /'volume\.steps'.*span at least a factor of 2/,
    ],
    ['a zero step', { steps: ['  steps: [0, 10]'] }, /'volume\.steps\[0\]'.*integer from 1 to/],
    ['a fractional step', { steps: ['  steps: [10, 10.5]'] }, /'volume\.steps\[1\]'.*integer/],
    [
      'neither request nor command',
      { seed: ['  seed: { batch: 10 }'] },
      /'volume\.seed': set either request .* or command/,
    ],
    [
      'both request and command',
      { seed: [...SEED, '    command: ./seed.sh'] },
      /'volume\.seed': set either request/,
    ],
    [
      'a request option with a command',
      { seed: ['  seed:', '    command: ./seed.sh', '    concurrency: 3'] },
      /'volume\.seed\.concurrency': concurrency applies to request seeding only/,
    ],
    [
      'batch with a raw body',
      {
        seed: ['  seed:', '    request: { path: /bulk, body: "x={{i}}" }', '    batch: 10'],
      },
      /'volume\.seed\.batch': batch needs request\.json/,
    ],
    [
      'an unknown placeholder',
      { seed: ['  seed:', '    request: { path: /bulk, json: { a: "{{idx}}" } }'] },
      /perf\.yml:6:\d+ 'volume\.seed\.request\.json\.a': unknown placeholder \{\{idx\}\}/,
    ],
    [
      'a placeholder in the path with bad bounds',
      { seed: ['  seed:', '    request: { path: "/s/{{int 9 1}}/e", json: {} }'] },
      /'volume\.seed\.request\.path': \{\{int 9 1\}\}: expected integers MIN <= MAX/,
    ],
    [
      'a misspelt seed key',
      { seed: [...SEED, '    concurency: 3'] },
      /'volume\.seed\.concurency': unknown key 'concurency' \(did you mean 'concurrency'\?\)/,
    ],
    [
      'a zero rate',
      { seed: [...SEED, '    rate: 0'] },
      /'volume\.seed\.rate': expected a number from 0\.1 to 100,000/,
    ],
    [
      'a query named seed',
      { queries: ['  queries:', '    - { name: seed, request: { path: /x }, connections: 1 }'] },
      /'volume\.queries\[0\]\.name': 'seed' is reserved/,
    ],
    [
      'an unknown expectation',
      { queries: [...QUERY, '      expect: quadratic'] },
      /'volume\.queries\[0\]\.expect': expected one of flat, logarithmic, linear/,
    ],
    [
      'duplicate query names',
      {
        queries: [
          '  queries:',
          '    - { name: q, request: { path: /x }, connections: 1 }',
          '    - { name: q, request: { path: /y }, connections: 1 }',
        ],
      },
      /'volume\.queries\[1\]\.name': duplicate query name 'q' \(also used by queries\[0\]\)/,
    ],
    [
      'a query without a load model',
      { queries: ['  queries:', '    - { name: q, request: { path: /x } }'] },
      /'volume\.queries\[0\]': set connections .* or rate/,
    ],
    ['no queries', { queries: ['  queries: []'] }, /'volume\.queries'.*at least one query/],
    [
      'a growth budget that is not a number',
      { queries: [...QUERY, '      budgets: { growth.exponent: flat }'] },
      /'volume\.queries\[0\]\.budgets\.growth\.exponent'/,
    ],
  ])('%s', (_, over, message) => {
    expect(errorOf(volume(over))).toMatch(message);
  });

  it('a record count needs a JSON path', () => {
    expect(
      errorOf(volume({ extra: ['  count: { request: { path: /n }, value: "a..b" }'] })),
    ).toMatch(/'volume\.count\.value': expected a JSON path/);
  });

  it('an unknown key in volume suggests the closest', () => {
    expect(errorOf(volume({ extra: ['  querys: []'] }))).toMatch(
      /'volume\.querys': unknown key 'querys' \(did you mean 'queries'\?\)/,
    );
  });
});
