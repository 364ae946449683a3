// Invalid options are refused before any connection is made (no server needed).
import { describe, expect, it } from 'vitest';
import { runClosed } from '../../../src/engine/closed.ts';
import { runOpen } from '../../../src/engine/open.ts';
import type { ClosedRunOptions, OpenRunOptions } from '../../../src/engine/types.ts';
import { EngineError } from '../../../src/errors.ts';

const common = {
  baseUrl: 'http://127.0.0.1:9',
  request: { method: 'GET', path: '/', headers: {} },
  timeoutMs: 1000,
};

describe('runClosed options', () => {
  it.each<[string, Partial<ClosedRunOptions>, string]>([
    ['no connections', { connections: 0, durationMs: 1000 }, 'connections must be an integer >= 1'],
    ['fractional connections', { connections: 1.5, durationMs: 1000 }, 'connections'],
    ['neither duration nor requests', { connections: 1 }, 'exactly one of durationMs and requests'],
    [
      'both duration and requests',
      { connections: 1, durationMs: 1000, requests: 10 },
      'exactly one',
    ],
    ['zero duration', { connections: 1, durationMs: 0 }, 'durationMs must be > 0'],
    ['zero requests', { connections: 1, requests: 0 }, 'requests must be an integer >= 1'],
    ['no timeout', { connections: 1, durationMs: 1000, timeoutMs: 0 }, 'timeoutMs must be > 0'],
  ])('refuses %s', async (_name, overrides, message) => {
    const options = { ...common, connections: 1, ...overrides } as ClosedRunOptions;
    await expect(runClosed(options)).rejects.toThrow(EngineError);
    await expect(runClosed(options)).rejects.toThrow(message);
  });
});

describe('runOpen options', () => {
  const valid: OpenRunOptions = { ...common, rate: 10, durationMs: 1000, maxInFlight: 10 };
  it.each<[string, Partial<OpenRunOptions>, string]>([
    ['a zero rate', { rate: 0 }, 'rate must be > 0'],
    ['an infinite rate', { rate: Number.POSITIVE_INFINITY }, 'rate must be > 0'],
    ['a negative duration', { durationMs: -1 }, 'durationMs must be > 0'],
    ['no in-flight slots', { maxInFlight: 0 }, 'maxInFlight must be an integer >= 1'],
    ['a NaN timeout', { timeoutMs: Number.NaN }, 'timeoutMs must be > 0'],
    ['a relative base URL', { baseUrl: '/api' }, "invalid base URL '/api'"],
  ])('refuses %s', async (_name, overrides, message) => {
    const options = { ...valid, ...overrides };
    await expect(runOpen(options)).rejects.toThrow(EngineError);
    await expect(runOpen(options)).rejects.toThrow(message);
  });
});
