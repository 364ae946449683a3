import { describe, expect, it } from 'vitest';
import { readSettings } from '../../../src/action/settings.ts';
import { UsageError } from '../../../src/errors.ts';

const read = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

describe('readSettings', () => {
  it('applies the defaults of action.yml', () => {
    expect(readSettings(read({}))).toEqual({
      config: 'perf.yml',
      githubToken: '',
      baseline: 'cache',
      updateBaseline: 'auto',
      comment: 'always',
      failOn: 'fail',
      resultsDir: 'perf-results',
      artifactName: '',
    });
  });

  it('reads every input', () => {
    expect(
      readSettings(
        read({
          config: ' ci/perf.yml ',
          'target-url': 'http://localhost:8000',
          'target-start': ' npm start ',
          'base-url': 'http://localhost:8001',
          'base-start': 'npm --prefix base start',
          services: '{"app": {"id": "3f2a", "ports": {"8000": "8000"}}}',
          suites: 'load, stress',
          'github-token': 't',
          baseline: 'artifact',
          'baseline-path': '.perf',
          'update-baseline': 'false',
          comment: 'on-change',
          'fail-on': 'warn',
          'results-dir': 'out',
          'artifact-name': 'perf',
        }),
      ),
    ).toEqual({
      config: 'ci/perf.yml',
      targetUrl: 'http://localhost:8000',
      targetStart: 'npm start',
      baseUrl: 'http://localhost:8001',
      baseStart: 'npm --prefix base start',
      services: '{"app": {"id": "3f2a", "ports": {"8000": "8000"}}}',
      suites: ['load', 'stress'],
      githubToken: 't',
      baseline: 'artifact',
      baselinePath: '.perf',
      updateBaseline: 'false',
      comment: 'on-change',
      failOn: 'warn',
      resultsDir: 'out',
      artifactName: 'perf',
    });
  });

  it('leaves target-start, base-url and base-start out when empty (perf.yml then decides)', () => {
    const settings = readSettings(
      read({ 'target-start': ' ', 'base-url': '', 'base-start': '  ' }),
    );
    expect(settings).not.toHaveProperty('targetStart');
    expect(settings).not.toHaveProperty('baseUrl');
    expect(settings).not.toHaveProperty('baseStart');
  });

  it('treats a job without services (toJSON gives null) as none', () => {
    expect(readSettings(read({ services: 'null' })).services).toBeUndefined();
  });

  it.each([
    ['baseline', 's3', "input 'baseline' is 's3'; expected one of: cache, artifact, none"],
    ['fail-on', 'sometimes', "input 'fail-on' is 'sometimes'; expected one of: fail, warn, never"],
    ['comment', 'yes', "input 'comment' is 'yes'; expected one of: always, on-change, never"],
    [
      'update-baseline',
      'maybe',
      "input 'update-baseline' is 'maybe'; expected one of: auto, true, false",
    ],
  ])('rejects %s: %s', (name, value, message) => {
    expect(() => readSettings(read({ [name]: value }))).toThrow(UsageError);
    expect(() => readSettings(read({ [name]: value }))).toThrow(message);
  });
});
