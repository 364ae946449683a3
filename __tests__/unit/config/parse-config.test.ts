// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:…} is the config syntax under test.

import { describe, expect, it } from 'vitest';
import { parseTargetUrl } from '../../../src/config/load-config.ts';
import { DEFAULT_REGRESSION_POLICY } from '../../../src/config/regression-policy.ts';
import { ConfigError } from '../../../src/errors.ts';
import type { PerfConfig } from '../../../src/suites/registry.ts';
import { parsePerfConfig } from '../../../src/suites/registry.ts';

type Env = Record<string, string | undefined>;

/** Lines joined into a YAML text, so that line numbers in expectations are easy to count. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function parse(text: string, env: Env = {}) {
  return parsePerfConfig(text, { file: 'perf.yml', env });
}

/** The message of the ConfigError parsing `text` throws. */
function errorOf(text: string, env: Env = {}): string {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

/** The lines of the ConfigError parsing `text` throws: one per problem (and "and N more"). */
function problemsOf(text: string, env: Env = {}): string[] {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

const TARGET = ['target:', '  url: http://127.0.0.1:8000'];
/** The default KPIs (docs/architecture.md), stated here independently of the schema's constant. */
const DEFAULT_BUDGETS = {
  'latency.p95': { fail: 200 },
  'errors.rate': { fail: 0.001 },
  'memory.max': { fail: 2048 },
  seconds_per_minute: { fail: 60 },
  'success.rate': { fail: 1 },
};

/** A config with one scenario whose body is `lines` (indented under `- `). */
function scenario(...lines: string[]): string {
  const [first = '', ...rest] = lines;
  return yaml(
    ...TARGET,
    'load:',
    '  scenarios:',
    `    - ${first}`,
    ...rest.map((l) => `      ${l}`),
  );
}

describe('parseConfig: valid configs', () => {
  it('accepts a minimal config and applies every default', () => {
    expect(parse(yaml(...TARGET))).toStrictEqual({
      config: {
        target: { url: 'http://127.0.0.1:8000', waitMs: 60_000 },
        monitor: { intervalMs: 500, isEnabled: true },
        budgets: DEFAULT_BUDGETS,
        baseline: { name: 'default', history: 20 },
        regression: {
          ...DEFAULT_REGRESSION_POLICY,
          metrics: [...DEFAULT_REGRESSION_POLICY.metrics],
        },
        accept: [],
      },
      secrets: [],
    });
  });

  it('turns a full config into the output shape', () => {
    const text = yaml(
      'target:',
      '  url: https://127.0.0.1:8443/base',
      '  health: /health',
      '  wait: 30s',
      '  start: node server.js --port 8000',
      'auth:',
      '  login:',
      '    path: /auth/login',
      '    json: { email: test@example.com, password: "${env:PERF_PASSWORD}" }',
      '  token: $.data.token',
      '  header: X-Token',
      '  format: "Token {token}"',
      'defaults:',
      '  duration: 5s',
      '  warmup: 0s',
      '  rounds: 2',
      '  timeout: 3s',
      'budgets:',
      '  latency.p95: 150ms',
      '  throughput.rps: { warn: 200, fail: 100 }',
      'load:',
      '  budgets:',
      '    latency.p99: { warn: 400ms, fail: 1s }',
      '  scenarios:',
      '    - name: projects-list',
      '      request:',
      '        method: get',
      '        path: /api/projects?limit=20',
      '        headers: { X-A: b }',
      '      connections: 50',
      '      requests: 1000',
      '      budgets:',
      '        errors.rate: 1%',
      '    - name: create',
      '      request:',
      '        method: POST',
      '        path: /api/projects',
      '        body: "{}"',
      '      rate: 12.5',
      '      duration: 20s',
      '      warmup: 1s',
      '      rounds: 5',
      '      timeout: 500ms',
      '      max-in-flight: 64',
      'baseline: { name: api, history: 30 }',
      'regression:',
      '  warn: 5%',
      '  fail: 0.1',
      '  confidence: 90%',
      '  min-history: 4',
      '  metrics: [default, latency.p50, "load/**/latency.p90", "!load/health/**"]',
      'accept:',
      '  - { metric: "load/*/latency.p99", reason: "new index build, see #12" }',
    );
    const expected: PerfConfig = {
      target: {
        url: 'https://127.0.0.1:8443/base',
        health: '/health',
        waitMs: 30_000,
        start: 'node server.js --port 8000',
      },
      monitor: { intervalMs: 500, isEnabled: true },
      auth: {
        login: {
          method: 'POST',
          path: '/auth/login',
          headers: {},
          json: { email: 'test@example.com', password: 'hunter2' },
        },
        token: 'data.token',
        header: 'X-Token',
        format: 'Token {token}',
      },
      budgets: {
        ...DEFAULT_BUDGETS,
        'latency.p95': { fail: 150 },
        'throughput.rps': { warn: 200, fail: 100 },
      },
      load: {
        budgets: { 'latency.p99': { warn: 400, fail: 1000 } },
        scenarios: [
          {
            name: 'projects-list',
            request: { method: 'GET', path: '/api/projects?limit=20', headers: { 'X-A': 'b' } },
            model: 'closed',
            connections: 50,
            requests: 1000,
            warmupMs: 0,
            rounds: 2,
            timeoutMs: 3000,
            budgets: { 'errors.rate': { fail: 0.01 } },
          },
          {
            name: 'create',
            request: { method: 'POST', path: '/api/projects', headers: {}, body: '{}' },
            model: 'open',
            rate: 12.5,
            durationMs: 20_000,
            warmupMs: 1000,
            rounds: 5,
            timeoutMs: 500,
            maxInFlight: 64,
            budgets: {},
          },
        ],
      },
      baseline: { name: 'api', history: 30 },
      regression: {
        warn: 0.05,
        fail: 0.1,
        confidence: 0.9,
        minHistory: 4,
        metrics: ['default', 'latency.p50', 'load/**/latency.p90', '!load/health/**'],
      },
      accept: [{ metric: 'load/*/latency.p99', reason: 'new index build, see #12' }],
    };
    expect(parse(text, { PERF_PASSWORD: 'hunter2' })).toStrictEqual({
      config: expected,
      secrets: ['hunter2'],
    });
  });

  it('gives scenarios the built-in defaults when neither they nor defaults: set them', () => {
    const { config } = parse(
      yaml(
        ...TARGET,
        'load:',
        '  scenarios:',
        '    - { name: closed, request: { path: / }, connections: 1 }',
        '    - { name: open, request: { path: / }, rate: 1 }',
      ),
    );
    expect(config.load?.scenarios).toStrictEqual([
      {
        name: 'closed',
        request: { method: 'GET', path: '/', headers: {} },
        model: 'closed',
        connections: 1,
        durationMs: 10_000,
        warmupMs: 2000,
        rounds: 3,
        timeoutMs: 10_000,
        budgets: {},
      },
      {
        name: 'open',
        request: { method: 'GET', path: '/', headers: {} },
        model: 'open',
        rate: 1,
        durationMs: 10_000,
        warmupMs: 2000,
        rounds: 3,
        timeoutMs: 10_000,
        maxInFlight: 1000,
        budgets: {},
      },
    ]);
    expect(config.load?.budgets).toStrictEqual({});
  });

  it('lets a scenario override defaults:, and requests beat an inherited duration', () => {
    const { config } = parse(
      yaml(
        ...TARGET,
        'defaults: { duration: 7s, warmup: 3s, rounds: 4, timeout: 2s }',
        'load:',
        '  scenarios:',
        '    - { name: a, request: { path: / }, connections: 2, requests: 10, rounds: 1 }',
        '    - { name: b, request: { path: / }, connections: 2, timeout: 1s }',
      ),
    );
    const [a, b] = config.load?.scenarios ?? [];
    expect(a).toMatchObject({ requests: 10, warmupMs: 3000, rounds: 1, timeoutMs: 2000 });
    expect(a).not.toHaveProperty('durationMs');
    expect(b).toMatchObject({ durationMs: 7000, warmupMs: 3000, rounds: 4, timeoutMs: 1000 });
    expect(b).not.toHaveProperty('requests');
  });

  it.each([
    ['access_token', 'access_token'],
    ['data.token', 'data.token'],
    ['$.data.token', 'data.token'],
    ['items.0.t', 'items.0.t'],
    ['items[0].t', 'items.0.t'],
  ])('normalizes the token path %s to %s', (written, normalized) => {
    const { config } = parse(
      yaml(...TARGET, 'auth:', '  login: { path: /login }', `  token: ${JSON.stringify(written)}`),
    );
    expect(config.auth).toStrictEqual({
      login: { method: 'POST', path: '/login', headers: {} },
      token: normalized,
      header: 'Authorization',
      format: 'Bearer {token}',
    });
  });

  it('supports YAML anchors and merge keys', () => {
    const { config } = parse(
      yaml(
        ...TARGET,
        'load:',
        '  scenarios:',
        '    - &base { name: a, request: { path: /a }, connections: 3 }',
        '    - <<: *base',
        '      name: b',
      ),
    );
    expect(config.load?.scenarios.map((s) => [s.name, s.request.path, s.connections])).toEqual([
      ['a', '/a', 3],
      ['b', '/a', 3],
    ]);
  });
});

describe('parseConfig: YAML-level errors', () => {
  it.each([
    ['an empty file', '', 'perf.yml: config is empty'],
    ['only comments', yaml('# nothing', '  # here'), 'perf.yml: config is empty'],
    ['a list', yaml('- a', '- b'), 'perf.yml:1:1: expected a mapping at the top level, got a list'],
    [
      'a scalar',
      yaml('hello'),
      'perf.yml:1:1: expected a mapping at the top level, got a single value',
    ],
    [
      'a duplicate key',
      yaml(...TARGET, '  wait: 1s', '  wait: 2s'),
      "perf.yml:4:3 'target.wait': duplicate key 'wait' (keys must be unique)",
    ],
    [
      'a duplicate top-level key',
      yaml(...TARGET, ...TARGET),
      "perf.yml:3:1 'target': duplicate key 'target' (keys must be unique)",
    ],
    ['an unclosed flow sequence', yaml('target: [', 'x: 1'), /^perf\.yml:\d+:\d+: invalid YAML: /],
    [
      'bad indentation',
      yaml('target:', '  url: http://x', ' wait: 1s'),
      /^perf\.yml:3:1: invalid YAML: /,
    ],
  ])('rejects %s', (_, text, expected) => {
    const message = errorOf(text);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });
});

describe('parseConfig: validation errors point at the key', () => {
  it.each([
    [
      'regression warn not below fail',
      yaml(...TARGET, 'regression: { warn: 30%, fail: 25% }'),
      "perf.yml:3:15 'regression.warn': warn must be smaller than fail",
    ],
    [
      'an unknown regression metric',
      yaml(...TARGET, 'regression: { metrics: [latency.p59] }'),
      "perf.yml:3:25 'regression.metrics[0]': unknown metric 'latency.p59' (did you mean 'latency.p50'?)",
    ],
    [
      'a misspelt default in regression metrics, after a !',
      yaml(...TARGET, 'regression: { metrics: [latency.p95, "!defualt"] }'),
      "perf.yml:3:38 'regression.metrics[1]': unknown metric 'defualt' (did you mean 'default'?)",
    ],
    [
      'a key pattern with a space',
      yaml(...TARGET, 'regression: { metrics: ["load/** /x"] }'),
      "perf.yml:3:25 'regression.metrics[0]': 'load/** /x' is not a metric key pattern",
    ],
    [
      'a confidence of 100 %',
      yaml(...TARGET, 'regression: { confidence: 100% }'),
      "perf.yml:3:15 'regression.confidence': expected a confidence from 50% up to (not including) 100%, got 1",
    ],
    [
      'an accept entry without a reason',
      yaml(...TARGET, 'accept: [{ metric: "load/**" }]'),
      "perf.yml:3:10 'accept[0]': missing required key 'reason'",
    ],
    [
      'a zero history size',
      yaml(...TARGET, 'baseline: { history: 0 }'),
      "perf.yml:3:13 'baseline.history': expected an integer from 1 to 100, got 0",
    ],
    [
      'a missing target',
      yaml('defaults: { rounds: 1 }'),
      "perf.yml:1:1: missing required key 'target'",
    ],
    [
      'a misspelt target key',
      yaml(...TARGET, '  helth: /health'),
      "perf.yml:3:3 'target.helth': unknown key 'helth' (did you mean 'health'?)",
    ],
    [
      'an unknown key with nothing close',
      yaml(...TARGET, '  colour: blue'),
      "perf.yml:3:3 'target.colour': unknown key 'colour' (expected one of: 'url', 'health', 'wait', 'start', 'pid', 'container', 'docker-socket')",
    ],
    [
      'a misspelt top-level key',
      yaml(...TARGET, 'budget: {}'),
      "perf.yml:3:1 'budget': unknown key 'budget' (did you mean 'budgets'?)",
    ],
    [
      'a camelCase key written for a kebab-case one',
      scenario('name: a', 'request: { path: / }', 'rate: 5', 'maxInFlight: 10'),
      "perf.yml:8:7 'load.scenarios[0].maxInFlight': unknown key 'maxInFlight' (did you mean 'max-in-flight'?)",
    ],
    [
      'a misspelt request key',
      scenario('name: a', 'request:', '  path: /', '  hedaers: {}', 'connections: 1'),
      "perf.yml:8:9 'load.scenarios[0].request.hedaers': unknown key 'hedaers' (did you mean 'headers'?)",
    ],
    [
      'a target url that is not http(s)',
      yaml('target:', '  url: ftp://127.0.0.1'),
      `perf.yml:2:3 'target.url': expected an http:// or https:// URL like http://127.0.0.1:8000, got "ftp://127.0.0.1"`,
    ],
    [
      'a target url that is a number',
      yaml('target:', '  url: 8000'),
      "perf.yml:2:3 'target.url': expected an http:// or https:// URL like http://127.0.0.1:8000, got 8000",
    ],
    [
      'a health path without a slash',
      yaml(...TARGET, '  health: health'),
      `perf.yml:3:3 'target.health': expected a path starting with / (like /api/projects), without spaces, got "health"`,
    ],
    [
      'a zero wait',
      yaml(...TARGET, '  wait: 0s'),
      `perf.yml:3:3 'target.wait': expected a duration from 100ms to 1h, got "0s"`,
    ],
    [
      'a wait without unit as a string',
      yaml(...TARGET, '  wait: "60"'),
      `perf.yml:3:3 'target.wait': expected a duration from 100ms to 1h, like 500ms, 20s or 2m, got "60"`,
    ],
    [
      'an infinite wait',
      yaml(...TARGET, '  wait: .inf'),
      "perf.yml:3:3 'target.wait': expected a duration from 100ms to 1h, like 500ms, 20s or 2m, got Infinity",
    ],
    [
      'a wait of the wrong type',
      yaml(...TARGET, '  wait: [1s]'),
      "perf.yml:3:3 'target.wait': expected a duration from 100ms to 1h, like 500ms, 20s or 2m, got a list",
    ],
    [
      'a section that is not a mapping',
      yaml(...TARGET, 'defaults: 5'),
      "perf.yml:3:1 'defaults': expected a mapping, got 5",
    ],
    [
      'an empty section',
      yaml(...TARGET, 'defaults:'),
      "perf.yml:3:1 'defaults': expected a mapping, got null",
    ],
    [
      'NaN rounds',
      yaml(...TARGET, 'defaults:', '  rounds: .nan'),
      "perf.yml:4:3 'defaults.rounds': expected an integer from 1 to 100, got NaN",
    ],
    [
      'zero rounds',
      yaml(...TARGET, 'defaults:', '  rounds: 0'),
      "perf.yml:4:3 'defaults.rounds': expected an integer from 1 to 100, got 0",
    ],
    [
      'a negative warm-up',
      yaml(...TARGET, 'defaults:', '  warmup: -1s'),
      `perf.yml:4:3 'defaults.warmup': expected a duration from 0s to 1h, got "-1s"`,
    ],
    [
      'load without scenarios',
      yaml(...TARGET, 'load: {}'),
      "perf.yml:3:1 'load': missing required key 'scenarios'",
    ],
    [
      'an empty scenario list',
      yaml(...TARGET, 'load:', '  scenarios: []'),
      "perf.yml:4:3 'load.scenarios': expected at least one scenario",
    ],
    [
      'scenarios that are not a list',
      yaml(...TARGET, 'load:', '  scenarios: { name: a }'),
      "perf.yml:4:3 'load.scenarios': expected a list of scenarios, got a mapping",
    ],
    [
      'a scenario without request',
      scenario('name: a', 'connections: 5'),
      "perf.yml:5:7 'load.scenarios[0]': missing required key 'request'",
    ],
    [
      'a scenario without name',
      scenario('request: { path: / }', 'connections: 5'),
      "perf.yml:5:7 'load.scenarios[0]': missing required key 'name'",
    ],
    [
      'a name that is not a slug',
      scenario('name: Projects List', 'request: { path: / }', 'connections: 5'),
      `perf.yml:5:7 'load.scenarios[0].name': expected a name of lower-case letters, digits, ".", "_" and "-" (like projects-list), got "Projects List"`,
    ],
    [
      'both rate and connections',
      scenario('name: a', 'request: { path: / }', 'connections: 5', 'rate: 10'),
      "perf.yml:5:7 'load.scenarios[0]': set either connections (closed model: concurrent connections) or rate (open model: requests per second), not both",
    ],
    [
      'neither rate nor connections',
      scenario('name: a', 'request: { path: / }'),
      "perf.yml:5:7 'load.scenarios[0]': set connections (closed model: concurrent connections) or rate (open model: requests per second)",
    ],
    [
      'a negative rate',
      scenario('name: a', 'request: { path: / }', 'rate: -5'),
      "perf.yml:7:7 'load.scenarios[0].rate': expected a number from 0.1 to 100,000 (requests per second), got -5",
    ],
    [
      'a zero rate',
      scenario('name: a', 'request: { path: / }', 'rate: 0'),
      "perf.yml:7:7 'load.scenarios[0].rate': expected a number from 0.1 to 100,000 (requests per second), got 0",
    ],
    [
      'a rate written as a string',
      scenario('name: a', 'request: { path: / }', 'rate: 10/s'),
      `perf.yml:7:7 'load.scenarios[0].rate': expected a number from 0.1 to 100,000 (requests per second), got "10/s"`,
    ],
    [
      'zero connections',
      scenario('name: a', 'request: { path: / }', 'connections: 0'),
      "perf.yml:7:7 'load.scenarios[0].connections': expected an integer from 1 to 10,000, got 0",
    ],
    [
      'fractional connections',
      scenario('name: a', 'request: { path: / }', 'connections: 1.5'),
      "perf.yml:7:7 'load.scenarios[0].connections': expected an integer from 1 to 10,000, got 1.5",
    ],
    [
      'a zero duration',
      scenario('name: a', 'request: { path: / }', 'connections: 1', 'duration: 0s'),
      `perf.yml:8:7 'load.scenarios[0].duration': expected a duration from 100ms to 24h, got "0s"`,
    ],
    [
      'both duration and requests',
      scenario('name: a', 'request: { path: / }', 'connections: 1', 'duration: 5s', 'requests: 9'),
      "perf.yml:9:7 'load.scenarios[0].requests': set either duration or requests, not both",
    ],
    [
      'requests with rate',
      scenario('name: a', 'request: { path: / }', 'rate: 1', 'requests: 9'),
      "perf.yml:8:7 'load.scenarios[0].requests': requests applies to the closed model (connections) only; with rate, set duration",
    ],
    [
      'max-in-flight with connections',
      scenario('name: a', 'request: { path: / }', 'connections: 1', 'max-in-flight: 9'),
      "perf.yml:8:7 'load.scenarios[0].max-in-flight': max-in-flight applies to the open model (rate) only",
    ],
    [
      'a duplicate scenario name',
      yaml(
        ...TARGET,
        'load:',
        '  scenarios:',
        '    - { name: a, request: { path: / }, connections: 1 }',
        '    - { name: b, request: { path: / }, connections: 1 }',
        '    - { name: a, request: { path: / }, connections: 1 }',
      ),
      "perf.yml:7:9 'load.scenarios[2].name': duplicate scenario name 'a' (also used by scenarios[0])",
    ],
    [
      'an unknown method',
      scenario('name: a', 'request: { method: FETCH, path: / }', 'connections: 1'),
      `perf.yml:6:18 'load.scenarios[0].request.method': expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"`,
    ],
    [
      'a protocol-relative path',
      scenario('name: a', 'request: { path: //evil.example/x }', 'connections: 1'),
      `perf.yml:6:18 'load.scenarios[0].request.path': expected a path starting with / (like /api/projects), without spaces, got "//evil.example/x"`,
    ],
    [
      'both json and body',
      scenario('name: a', 'request: { path: /, json: {}, body: x }', 'connections: 1'),
      "perf.yml:6:37 'load.scenarios[0].request.body': set json or body, not both",
    ],
    [
      'a header value that is a number',
      scenario('name: a', 'request: { path: /, headers: { X-N: 5 } }', 'connections: 1'),
      "perf.yml:6:38 'load.scenarios[0].request.headers.X-N': expected a string (put numbers in quotes), got 5",
    ],
    [
      'a bad header name',
      scenario('name: a', 'request: { path: /, headers: { "a b": c } }', 'connections: 1'),
      "perf.yml:6:38 'load.scenarios[0].request.headers.a b': 'a b' is not a header name",
    ],
    [
      'a login without path',
      yaml(...TARGET, 'auth:', '  login: { method: POST }', '  token: t'),
      "perf.yml:4:3 'auth.login': missing required key 'path'",
    ],
    [
      'a format without {token}',
      yaml(...TARGET, 'auth:', '  login: { path: /l }', '  token: t', '  format: Bearer'),
      `perf.yml:6:3 'auth.format': expected a string containing {token}, like "Bearer {token}", got "Bearer"`,
    ],
    [
      'a bad token path',
      yaml(...TARGET, 'auth:', '  login: { path: /l }', '  token: data..token'),
      `perf.yml:5:3 'auth.token': expected a JSON path like access_token or data.token, got "data..token"`,
    ],
  ])('rejects %s', (_, text, expected) => {
    expect(errorOf(text)).toBe(expected);
  });

  it('reports a misspelt scenario key, not the rule the typo breaks', () => {
    expect(problemsOf(scenario('name: a', 'request: { path: / }', 'conections: 5'))).toStrictEqual([
      "perf.yml:7:7 'load.scenarios[0].conections': unknown key 'conections' (did you mean 'connections'?)",
    ]);
  });

  it('still reports the rules of a mapping whose unknown key suggests nothing', () => {
    expect(problemsOf(scenario('name: a', 'request: { path: / }', 'colour: 5'))).toStrictEqual([
      expect.stringMatching(
        /^perf\.yml:7:7 'load\.scenarios\[0\]\.colour': unknown key 'colour' \(expected one of/,
      ),
      "  perf.yml:5:7 'load.scenarios[0]': set connections (closed model: concurrent connections) or rate (open model: requests per second)",
    ]);
  });

  it('reports each unknown key on its own line with its own suggestion', () => {
    expect(problemsOf(yaml(...TARGET, '  helth: /h', '  colour: x'))).toStrictEqual([
      "perf.yml:3:3 'target.helth': unknown key 'helth' (did you mean 'health'?)",
      "  perf.yml:4:3 'target.colour': unknown key 'colour' (expected one of: 'url', 'health', 'wait', 'start', 'pid', 'container', 'docker-socket')",
    ]);
  });

  it('reports every problem in document order', () => {
    expect(
      problemsOf(yaml(...TARGET, 'defaults:', '  rounds: 0', '  timeout: 0s', '  warmup: soon')),
    ).toStrictEqual([
      "perf.yml:4:3 'defaults.rounds': expected an integer from 1 to 100, got 0",
      `  perf.yml:5:3 'defaults.timeout': expected a duration from 10ms to 10m, got "0s"`,
      `  perf.yml:6:3 'defaults.warmup': expected a duration from 0s to 1h, like 0s, 500ms, 20s or 2m, got "soon"`,
    ]);
  });

  it('uses the file name it is given', () => {
    const error = (() => {
      try {
        parsePerfConfig(yaml(...TARGET, '  wait: 0s'), { file: 'ci/perf.yml', env: {} });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.location).toBe('ci/perf.yml:3:3');
    expect(error.key).toBe('target.wait');
  });
});

describe('parseConfig: ${env:…} interpolation', () => {
  const env = { TOKEN: 'tok-123', HOST: '127.0.0.1', EMPTY: '' };

  it.each([
    ['a whole value', '${env:HOST}', '127.0.0.1', ['127.0.0.1']],
    ['part of a value', 'Bearer ${env:TOKEN}', 'Bearer tok-123', ['tok-123']],
    ['two references', '${env:HOST}/${env:TOKEN}', '127.0.0.1/tok-123', ['127.0.0.1', 'tok-123']],
    ['a default for an unset variable', '${env:NOPE:-fallback}', 'fallback', []],
    ['a default for an empty variable', '${env:EMPTY:-fallback}', 'fallback', []],
    ['a default containing colons', '${env:NOPE:-http://x:1}', 'http://x:1', []],
    ['a set variable over its default', '${env:TOKEN:-other}', 'tok-123', ['tok-123']],
    ['an empty variable without default', 'a${env:EMPTY}b', 'ab', []],
    ['an escaped reference', '$${env:TOKEN}', '${env:TOKEN}', []],
    ['a lone dollar', 'cost $5 and $$ ', 'cost $5 and $$ ', []],
  ])('substitutes %s', (_, written, value, secrets) => {
    const result = parse(
      yaml(
        ...TARGET,
        'auth:',
        '  login: { path: /l }',
        '  token: t',
        `  format: "${written}{token}"`,
      ),
      env,
    );
    expect(result.config.auth?.format).toBe(`${value}{token}`);
    expect(result.secrets).toStrictEqual(secrets);
  });

  it('does not interpolate keys or non-string values, nor scan substituted text again', () => {
    const result = parse(
      yaml(
        ...TARGET,
        'load:',
        '  scenarios:',
        '    - name: a',
        '      request:',
        '        path: /',
        '        json: { "${env:TOKEN}": "${env:NESTED}", n: 5 }',
        '      connections: 1',
      ),
      { TOKEN: 'x', NESTED: '${env:TOKEN}' },
    );
    expect(result.config.load?.scenarios[0]?.request.json).toStrictEqual({
      '${env:TOKEN}': '${env:TOKEN}',
      n: 5,
    });
    expect(result.secrets).toStrictEqual(['${env:TOKEN}']);
  });

  it('lists each secret once, in order of appearance', () => {
    const result = parse(
      yaml('target:', '  url: http://${env:HOST}:8000', '  health: /${env:TOKEN}/${env:HOST}'),
      env,
    );
    expect(result.config.target).toMatchObject({
      url: 'http://127.0.0.1:8000',
      health: '/tok-123/127.0.0.1',
    });
    expect(result.secrets).toStrictEqual(['127.0.0.1', 'tok-123']);
  });

  it.each([
    [
      'an unset variable',
      '${env:PERF_PASSWORD}',
      "perf.yml:6:3 'auth.format': environment variable PERF_PASSWORD is not set (write ${env:PERF_PASSWORD:-default} to give a default)",
    ],
    [
      'an unterminated reference',
      '${env:TOKEN',
      "perf.yml:6:3 'auth.format': unterminated '${' (write ${env:NAME} or ${env:NAME:-default}, or $${ for a literal ${)",
    ],
    [
      'another kind of reference',
      '${TOKEN}',
      "perf.yml:6:3 'auth.format': unsupported reference '${TOKEN}' (write ${env:NAME} or ${env:NAME:-default}, or $${ for a literal ${)",
    ],
    [
      'a bad variable name',
      '${env:1X}',
      "perf.yml:6:3 'auth.format': unsupported reference '${env:1X}' (write ${env:NAME} or ${env:NAME:-default}, or $${ for a literal ${)",
    ],
  ])('rejects %s', (_, written, expected) => {
    expect(
      errorOf(
        yaml(...TARGET, 'auth:', '  login: { path: /l }', '  token: t', `  format: "${written}"`),
        env,
      ),
    ).toBe(expected);
  });

  it('reports an unset variable deep in a list at its key', () => {
    expect(
      errorOf(
        scenario(
          'name: a',
          'request:',
          '  path: /',
          '  headers:',
          '    X-Key: ${env:API_KEY}',
          'connections: 1',
        ),
      ),
    ).toBe(
      "perf.yml:9:11 'load.scenarios[0].request.headers.X-Key': environment variable API_KEY is not set (write ${env:API_KEY:-default} to give a default)",
    );
  });

  it.each([
    ['a bad url', yaml('target:', '  url: ${env:SECRET}'), "'target.url'"],
    ['a bad duration', yaml(...TARGET, '  wait: ${env:SECRET}'), "'target.wait'"],
    [
      'a bad method',
      scenario('name: a', 'request: { method: "${env:SECRET}", path: / }', 'connections: 1'),
      "'load.scenarios[0].request.method'",
    ],
    [
      'a bad header value',
      scenario(
        'name: a',
        'request: { path: /, headers: { A: "x${env:MULTILINE}" } }',
        'connections: 1',
      ),
      "'load.scenarios[0].request.headers.A'",
    ],
    [
      'a wrong type elsewhere mentioning the value',
      scenario(
        'name: a',
        'request: { path: /, body: "${env:SECRET}" }',
        'connections: "${env:SECRET}"',
      ),
      "'load.scenarios[0].connections'",
    ],
  ])('never prints a value from the environment: %s', (_, text, key) => {
    const secrets = { SECRET: 'ftp://s3cr3t-value', MULTILINE: 'line1\nline2' };
    const message = errorOf(text, secrets);
    expect(message).toContain(key);
    expect(message).not.toContain('s3cr3t');
    expect(message).not.toContain('line1');
  });

  it('says where an environment value was rejected without showing it', () => {
    expect(errorOf(yaml(...TARGET, '  wait: ${env:WAIT}'), { WAIT: 'soon' })).toBe(
      "perf.yml:3:3 'target.wait': expected a duration from 100ms to 1h, like 500ms, 20s or 2m, got the value of environment variable WAIT (not shown)",
    );
  });
});

describe('parseTargetUrl', () => {
  it.each([
    'http://127.0.0.1:8000',
    'https://localhost/base/',
    'HTTP://127.0.0.1',
    'http://[::1]:3000',
  ])('accepts %s as written', (url) => {
    expect(parseTargetUrl(url)).toBe(url);
  });

  it.each(['ftp://127.0.0.1', '127.0.0.1:8000', 'http://', 'http:127.0.0.1', '', 'http:// x'])(
    'rejects %j',
    (url) => {
      expect(() => parseTargetUrl(url, { key: '--target' })).toThrow(
        new ConfigError(
          `expected an http:// or https:// URL like http://127.0.0.1:8000, got ${JSON.stringify(url)}`,
          { key: '--target' },
        ),
      );
    },
  );

  it('throws a ConfigError at the given place', () => {
    expect(() => parseTargetUrl('file:///etc', { location: 'cli' })).toThrow(ConfigError);
  });
});

describe('parseConfig: values from the environment take the type the key wants', () => {
  it('coerces numbers and booleans where the schema wants them, and only there', () => {
    const text = yaml(
      'target:',
      '  url: http://127.0.0.1:${env:PORT}',
      '  pid: ${env:PID}',
      '  wait: ${env:WAIT}',
      'monitor:',
      '  enabled: ${env:MONITOR}',
      'auth:',
      '  login: { path: /login, json: { password: "${env:PASSWORD}" } }',
      '  token: token',
      'budgets:',
      '  latency.p95: ${env:P95}',
      '  errors.rate: ${env:ERRORS}',
      'load:',
      '  scenarios:',
      '    - name: a',
      '      request: { path: /, headers: { X-Count: "${env:PID}" } }',
      '      rate: ${env:RATE}',
      '      duration: ${env:SECONDS:-20}s',
      '      rounds: ${env:ROUNDS:-2}',
    );
    const env = {
      PORT: '8000',
      PID: '4242',
      WAIT: '1500',
      MONITOR: 'false',
      PASSWORD: '12345',
      P95: '250',
      ERRORS: '0.01',
      RATE: ' 12.5 ',
    };
    const { config, secrets } = parse(text, env);
    // Numbers and booleans are settings the report shows; the texts stay secret (PID is both).
    expect(secrets).toStrictEqual(['8000', '4242', '12345']);
    expect(config.target).toMatchObject({ pid: 4242, waitMs: 1500 });
    expect(config.monitor.isEnabled).toBe(false);
    expect(config.auth?.login.json).toStrictEqual({ password: '12345' });
    expect(config.budgets['latency.p95']).toStrictEqual({ fail: 250 });
    expect(config.budgets['errors.rate']).toStrictEqual({ fail: 0.01 });
    expect(config.load?.scenarios[0]).toMatchObject({
      rate: 12.5,
      durationMs: 20_000,
      rounds: 2,
      request: { headers: { 'X-Count': '4242' } },
    });
  });

  it('leaves a quoted number written in the file a string, as YAML says', () => {
    expect(errorOf(yaml(...TARGET, '  pid: "4242"'))).toBe(
      `perf.yml:3:3 'target.pid': expected an integer from 1 to 4,194,304, got "4242"`,
    );
  });

  it.each([
    [
      'a word for a number',
      '  pid: ${env:PID}',
      { PID: 'secret-pid' },
      'target.pid',
      'PID is not a number',
    ],
    ['hex for a number', '  pid: ${env:PID}', { PID: '0x10' }, 'target.pid', 'PID is not a number'],
    ['an empty value', '  pid: ${env:PID}', { PID: '' }, 'target.pid', 'PID is not a number'],
    ['infinity', '  pid: ${env:PID}', { PID: '1e400' }, 'target.pid', 'PID is not a number'],
  ])('names the variable of %s without its value', (_, line, env, key, reason) => {
    const message = errorOf(yaml(...TARGET, line), env);
    expect(message).toBe(
      `perf.yml:3:3 '${key}': expected an integer from 1 to 4,194,304, but the value of environment variable ${reason} (the value is not shown)`,
    );
    for (const value of Object.values(env).filter((v) => v.length > 2)) {
      expect(message).not.toContain(value);
    }
  });

  it('names the variable of a boolean that is neither true nor false', () => {
    expect(errorOf(yaml(...TARGET, 'monitor:', '  enabled: ${env:ON}'), { ON: 'maybe' })).toBe(
      "perf.yml:4:3 'monitor.enabled': expected true or false, but the value of environment variable ON is not true or false (the value is not shown)",
    );
  });

  it('names the variable of a number out of range without its value', () => {
    const message = errorOf(yaml(...TARGET, '  pid: ${env:PID}'), { PID: '987654321' });
    expect(message).toBe(
      "perf.yml:3:3 'target.pid': expected an integer from 1 to 4,194,304, got the value of environment variable PID (not shown)",
    );
  });

  it('shows a default from the file, which is no secret', () => {
    expect(errorOf(yaml(...TARGET, '  pid: ${env:PID:-none}'))).toBe(
      `perf.yml:3:3 'target.pid': expected an integer from 1 to 4,194,304, got "none"`,
    );
  });

  it('lists every unset variable at once', () => {
    expect(
      problemsOf(yaml(...TARGET, '  pid: ${env:PID}', '  container: ${env:CONTAINER}')),
    ).toStrictEqual([
      "perf.yml:3:3 'target.pid': environment variable PID is not set (write ${env:PID:-default} to give a default)",
      "  perf.yml:4:3 'target.container': environment variable CONTAINER is not set (write ${env:CONTAINER:-default} to give a default)",
    ]);
  });
});

describe('parseConfig: every problem, unknown keys first', () => {
  it.each([
    [
      'volume.sed',
      ['volume:', '  steps: [10, 100]', '  sed: { command: x }', '  queries: []'],
      'seed',
    ],
    [
      'volume.queries[0].duraton',
      [
        'volume:',
        '  steps: [10, 100]',
        '  seed: { command: x }',
        '  queries:',
        '    - { name: q, request: { path: / }, connections: 1, duraton: 1s }',
      ],
      'duration',
    ],
    [
      'video.uplod',
      [
        'video:',
        '  uplod: { request: { path: /v } }',
        '  status: { request: { path: "/v/{{id}}" } }',
      ],
      'upload',
    ],
    [
      'stress.scenarios[0].mixx',
      [
        'stress:',
        '  scenarios:',
        '    - name: s',
        '      mixx: []',
        '      stages: [{ rate: 1, duration: 10s }]',
      ],
      'mix',
    ],
    [
      'stress.scenarios[0].mix[0].wieght',
      [
        'stress:',
        '  scenarios:',
        '    - name: s',
        '      mix: [{ name: a, wieght: 1, request: { path: / } }]',
        '      stages: [{ rate: 1, duration: 10s }]',
      ],
      'weight',
    ],
    ['targt', ['targt:', '  url: http://127.0.0.1'], 'target'],
  ])('a typo of a required key, %s, says what it means and hides nothing', (key, lines, meant) => {
    const text = key === 'targt' ? yaml(...lines) : yaml(...TARGET, ...lines);
    const [first, ...rest] = problemsOf(text);
    expect(first).toMatch(
      new RegExp(
        `^perf\\.yml:\\d+:\\d+ '${key.replace(/[.[\]]/g, '\\$&')}': unknown key '\\w+' \\(did you mean '${meant}'\\?\\)$`,
      ),
    );
    // The missing key the typo causes is the same problem: not repeated.
    expect(rest.join('\n')).not.toContain(`missing required key '${meant}'`);
  });

  it('shows up to five problems, then how many more', () => {
    const lines = problemsOf(
      yaml(
        ...TARGET,
        'defaults:',
        '  rounds: 0',
        '  timeout: 0s',
        '  warmup: soon',
        '  duration: 1us',
        'baseline:',
        '  history: 0',
        '  name: ""',
        'monitor: { interval: 1ms }',
      ),
    );
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('  and 2 more problems');
    expect(lines.slice(1, 5).every((line) => /^ {2}perf\.yml:\d+:\d+ '[\w.-]+': /.test(line))).toBe(
      true,
    );
  });
});

describe('parseConfig: YAML the parser would choke on', () => {
  it.each([
    [
      '!!binary',
      'baseline: { name: !!binary aGVsbG8= }',
      "perf.yml:3:13 'baseline.name': YAML tags like !!binary are not supported",
    ],
    [
      '!!timestamp',
      'baseline: { name: !!timestamp 2001-12-14 }',
      "perf.yml:3:13 'baseline.name': YAML tags like !!timestamp are not supported",
    ],
    [
      'a custom tag',
      'baseline: { name: !secret x }',
      "perf.yml:3:13 'baseline.name': YAML tags like !secret are not supported",
    ],
    [
      '!!str',
      'baseline: { name: !!str 12 }',
      "perf.yml:3:13 'baseline.name': YAML tags like !!str are not supported",
    ],
  ])('refuses %s with one line at the key', (_, line, start) => {
    expect(errorOf(yaml(...TARGET, line))).toMatch(
      new RegExp(`^${start.replace(/[.[\]!()]/g, '\\$&')}`),
    );
  });

  it('refuses nesting deeper than 64 levels at once, and accepts a deep-ish JSON body', () => {
    const body = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const text = (depth: number) =>
      yaml(
        ...TARGET,
        'load:',
        '  scenarios:',
        `    - { name: a, connections: 1, request: { path: /, json: ${body(depth)} } }`,
      );
    expect(parse(text(55)).config.load?.scenarios[0]?.request.json).toBeDefined();
    const started = performance.now();
    expect(errorOf(text(5000))).toMatch(
      /^perf\.yml:5:\d+: invalid YAML: mappings and lists nested more than 64 levels deep$/,
    );
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('refuses aliases that expand too far (billion laughs)', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, of] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
    ]) {
      lines.push(`${name}: &${name} [${Array(10).fill(`*${of}`).join(', ')}]`);
    }
    expect(errorOf(yaml(...TARGET, ...lines))).toMatch(
      /^perf\.yml:4:\d+: invalid YAML: aliases expand to too many values \(more than 100 per alias\)/,
    );
  });

  it.each([
    ['a list as a key', '? [a, b]\n: c', 'perf.yml:3:3: expected a plain key, got a list as a key'],
    [
      'several documents',
      '---\na: 1',
      'perf.yml:3:1: invalid YAML: expected one YAML document, found several (--- starts another document)',
    ],
  ])('refuses %s', (_, extra, expected) => {
    expect(errorOf(`${yaml(...TARGET)}${extra}\n`)).toBe(expected);
  });
});

describe('parseConfig: target URLs with credentials', () => {
  it.each([
    'http://admin:pw-hidden@127.0.0.1:8000',
    'https://token-hidden@example.test/base',
    'ftp://user:pw-hidden@host',
    'http://:pw-hidden@host',
  ])('refuses %s without showing it', (url) => {
    const message = errorOf(yaml('target:', `  url: ${url}`));
    expect(message).toMatch(
      /^perf\.yml:2:3 'target\.url': a URL with credentials \(user:password@\) is refused/,
    );
    expect(message).not.toContain('hidden');
    const error = (() => {
      try {
        parseTargetUrl(url, { key: '--target' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.message).toMatch(/^'--target': a URL with credentials/);
    expect(error.message).not.toContain('hidden');
  });

  it('accepts an @ in the path or query', () => {
    expect(
      parse(yaml('target:', '  url: http://127.0.0.1:8000/users/@me?x=a@b')).config.target.url,
    ).toBe('http://127.0.0.1:8000/users/@me?x=a@b');
  });
});
