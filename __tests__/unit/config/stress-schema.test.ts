// The `stress:` section of perf.yml through the real YAML loader: defaults applied, and one clear
// line per mistake at the right file:line and key.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { parsePerfConfig } from '../../../src/suites/registry.ts';
import type { StressScenario } from '../../../src/suites/stress/config.ts';

/** Lines joined into a YAML text, so that line numbers in expectations are easy to count. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const TARGET = ['target:', '  url: http://127.0.0.1:8000'];

/**
 * A config with one stress scenario whose body is `lines` (indented under `- `). The scenario's
 * first line is line 5 of the file.
 */
function stress(...lines: string[]): string {
  const [first = '', ...rest] = lines;
  return yaml(
    ...TARGET,
    'stress:',
    '  scenarios:',
    `    - ${first}`,
    ...rest.map((l) => `      ${l}`),
  );
}

function scenariosOf(text: string): StressScenario[] {
  const { config } = parsePerfConfig(text, { file: 'perf.yml', env: {} });
  if (!config.stress) throw new Error('expected a stress section');
  return config.stress.scenarios;
}

/** The message of the ConfigError parsing `text` throws. */
function errorOf(text: string): string {
  try {
    parsePerfConfig(text, { file: 'perf.yml', env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

const MIX = [
  'mix:',
  '  - { name: list, weight: 3, request: { path: /api/projects } }',
  '  - { name: create, weight: 1, request: { method: POST, path: /api/projects, json: { a: 1 } } }',
];

describe('stress: valid sections', () => {
  it('applies every default to a minimal open-model scenario', () => {
    const [scenario] = scenariosOf(
      stress(
        'name: ramp',
        ...MIX,
        'stages:',
        '  - { rate: 50, duration: 10s }',
        '  - { rate: 100, duration: 10s }',
      ),
    );
    expect(scenario).toStrictEqual({
      name: 'ramp',
      model: 'open',
      mix: [
        {
          name: 'list',
          weight: 3,
          request: { method: 'GET', path: '/api/projects', headers: {} },
        },
        {
          name: 'create',
          weight: 1,
          request: expect.objectContaining({ method: 'POST', path: '/api/projects' }),
        },
      ],
      stages: [
        { level: 50, durationMs: 10_000 },
        { level: 100, durationMs: 10_000 },
      ],
      warmupMs: 2000,
      cooldownMs: 10_000,
      limits: { errorRate: 0.05, p95Ms: 2000 },
      timeoutMs: 10_000,
      maxInFlight: 1000,
      seed: 1,
      budgets: {},
    });
    expect(scenario?.untilBreak).toBeUndefined();
  });

  it('reads every key of a full closed-model scenario', () => {
    const [scenario] = scenariosOf(
      yaml(
        ...TARGET,
        'stress:',
        '  budgets:',
        '    errors.rate: 1%',
        '  scenarios:',
        '    - name: users',
        '      mix:',
        '        - { name: one, weight: 1, request: { path: /a } }',
        '      stages:',
        '        - { connections: 5, duration: 2s }',
        '        - { connections: 20, duration: 3s }',
        '      warmup: 0s',
        '      cooldown: 4s',
        '      limits: { errors.rate: 1%, latency.p95: 500ms }',
        '      until-break: true',
        '      step: 10',
        '      max-level: 60',
        '      timeout: 1s',
        '      seed: 42',
        '      budgets:',
        '        latency.p95: 300ms',
      ),
    );
    expect(scenario).toMatchObject({
      model: 'closed',
      stages: [
        { level: 5, durationMs: 2000 },
        { level: 20, durationMs: 3000 },
      ],
      warmupMs: 0,
      cooldownMs: 4000,
      limits: { errorRate: 0.01, p95Ms: 500 },
      untilBreak: { stepLevel: 10, maxLevel: 60 },
      timeoutMs: 1000,
      seed: 42,
      budgets: { 'latency.p95': { fail: 300 } },
    });
  });

  it('takes timeout and warm-up from the global defaults: section when the scenario has none', () => {
    const text = yaml(
      ...TARGET,
      'defaults:',
      '  timeout: 3s',
      '  warmup: 500ms',
      'stress:',
      '  scenarios:',
      '    - name: a',
      '      mix: [{ name: x, weight: 1, request: { path: /x } }]',
      '      stages: [{ rate: 10, duration: 1s }]',
      '    - name: b',
      '      mix: [{ name: x, weight: 1, request: { path: /x } }]',
      '      stages: [{ rate: 10, duration: 1s }]',
      '      timeout: 250ms',
      '      warmup: 0s',
    );
    const [a, b] = scenariosOf(text);
    expect(a).toMatchObject({ timeoutMs: 3000, warmupMs: 500 });
    expect(b).toMatchObject({ timeoutMs: 250, warmupMs: 0 });
  });

  it.each([
    ['two stages: the last step and 10x the last level', ['10', '30'], 20, 300],
    ['one stage: its own level', ['50'], 50, 500],
    ['three stages: the last step only', ['10', '20', '50'], 30, 500],
  ])('until-break defaults, %s', (_, rates, step, maxLevel) => {
    const [scenario] = scenariosOf(
      stress(
        'name: ramp',
        'mix: [{ name: x, weight: 1, request: { path: /x } }]',
        'stages:',
        ...rates.map((r) => `  - { rate: ${r}, duration: 1s }`),
        'until-break: true',
      ),
    );
    expect(scenario?.untilBreak).toStrictEqual({ stepLevel: step, maxLevel });
  });

  it('accepts max-in-flight with the open model', () => {
    const [scenario] = scenariosOf(
      stress(
        'name: ramp',
        'mix: [{ name: x, weight: 1, request: { path: /x } }]',
        'stages: [{ rate: 10, duration: 1s }]',
        'max-in-flight: 16',
      ),
    );
    expect(scenario?.maxInFlight).toBe(16);
  });
});

describe('stress: mistakes point at the key', () => {
  const ONE_KIND = 'mix: [{ name: x, weight: 1, request: { path: /x } }]';
  it.each([
    [
      'rate in one stage, connections in the next',
      stress(
        'name: ramp',
        ONE_KIND,
        'stages:',
        '  - { rate: 10, duration: 1s }',
        '  - { connections: 20, duration: 1s }',
      ),
      "perf.yml:9:11 'stress.scenarios[0].stages[1]': every stage must set rate, like the first one",
    ],
    [
      'a stage with both rate and connections',
      stress('name: ramp', ONE_KIND, 'stages:', '  - { rate: 10, connections: 5, duration: 1s }'),
      "perf.yml:8:11 'stress.scenarios[0].stages[0]': set either rate (open model: arrivals per second) or connections (closed model), not both",
    ],
    [
      'a stage with neither',
      stress('name: ramp', ONE_KIND, 'stages:', '  - { duration: 1s }'),
      "perf.yml:8:11 'stress.scenarios[0].stages[0]': set either rate (open model: arrivals per second) or connections (closed model), not both",
    ],
    [
      'stages that do not ramp up',
      stress(
        'name: ramp',
        ONE_KIND,
        'stages:',
        '  - { rate: 20, duration: 1s }',
        '  - { rate: 20, duration: 1s }',
      ),
      "perf.yml:9:11 'stress.scenarios[0].stages[1]': stages must ramp up: level 20 after 20",
    ],
    [
      'duplicate mix names',
      stress(
        'name: ramp',
        'mix:',
        '  - { name: x, weight: 1, request: { path: /x } }',
        '  - { name: x, weight: 2, request: { path: /y } }',
        'stages: [{ rate: 10, duration: 1s }]',
      ),
      "perf.yml:8:13 'stress.scenarios[0].mix[1].name': duplicate mix request name 'x' (also used by mix[0])",
    ],
    [
      'an unknown key',
      stress('name: ramp', ONE_KIND, 'stages: [{ rate: 10, duration: 1s }]', 'cooldwon: 5s'),
      "perf.yml:8:7 'stress.scenarios[0].cooldwon': unknown key 'cooldwon' (did you mean 'cooldown'?)",
    ],
    [
      'step without until-break',
      stress('name: ramp', ONE_KIND, 'stages: [{ rate: 10, duration: 1s }]', 'step: 5'),
      "perf.yml:8:7 'stress.scenarios[0].step': step applies with until-break: true only",
    ],
    [
      'max-level not above the last level',
      stress(
        'name: ramp',
        ONE_KIND,
        'stages: [{ rate: 10, duration: 1s }, { rate: 40, duration: 1s }]',
        'until-break: true',
        'max-level: 40',
      ),
      "perf.yml:9:7 'stress.scenarios[0].max-level': max-level must be above the last stage's level (40)",
    ],
    [
      'max-in-flight with connections',
      stress(
        'name: ramp',
        ONE_KIND,
        'stages: [{ connections: 2, duration: 1s }]',
        'max-in-flight: 8',
      ),
      "perf.yml:8:7 'stress.scenarios[0].max-in-flight': max-in-flight applies to the open model (rate) only",
    ],
    [
      'a weight of 0',
      stress(
        'name: ramp',
        'mix: [{ name: x, weight: 0, request: { path: /x } }]',
        'stages: [{ rate: 10, duration: 1s }]',
      ),
      "perf.yml:6:24 'stress.scenarios[0].mix[0].weight': expected a number from 0.001 to 1,000,000, got 0",
    ],
    [
      'an empty mix',
      stress('name: ramp', 'mix: []', 'stages: [{ rate: 10, duration: 1s }]'),
      "perf.yml:6:7 'stress.scenarios[0].mix': expected at least one request in the mix",
    ],
    [
      'fractional connections',
      stress('name: ramp', ONE_KIND, 'stages: [{ connections: 2.5, duration: 1s }]'),
      "perf.yml:7:18 'stress.scenarios[0].stages[0].connections': expected an integer from 1 to 10,000, got 2.5",
    ],
    [
      'a fractional until-break step in the closed model',
      stress(
        'name: ramp',
        ONE_KIND,
        'stages: [{ connections: 2, duration: 1s }]',
        'until-break: true',
        'step: 2.5',
      ),
      "perf.yml:9:7 'stress.scenarios[0].step': expected an integer from 1 to 10,000 (connections, as the stages set), got 2.5",
    ],
  ])('rejects %s', (_, text, expected) => {
    expect(errorOf(text)).toBe(expected);
  });
});
