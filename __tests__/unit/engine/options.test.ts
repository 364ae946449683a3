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
    // Values past what a run can hold: refused, never a RangeError, a hang or a 1 ms timer.
    [
      'a billion connections',
      { connections: 1e9, durationMs: 1000 },
      'and <= 10000, got 1000000000',
    ],
    ['a trillion requests', { connections: 1, requests: 1e12 }, 'requests must be an integer >= 1'],
    [
      'a duration past a timer',
      { connections: 1, durationMs: 99_999_999_999 * 3_600_000 },
      'durationMs must be > 0 and <= 2147483647 ms',
    ],
    [
      'a timeout past a timer',
      { connections: 1, durationMs: 1000, timeoutMs: 1e15 },
      'timeoutMs must be > 0 and <= 2147483647 ms',
    ],
    ['a NaN cap', { connections: 1, requests: 10, capMs: Number.NaN }, 'capMs must be > 0'],
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
    ['a rate of 10^12/s', { rate: 1e12 }, 'rate must be > 0 and <= 1000000 requests/s'],
    [
      'a billion in flight',
      { maxInFlight: 1e9 },
      'maxInFlight must be an integer >= 1 and <= 10000',
    ],
    ['a duration past a timer', { durationMs: 1e13 }, 'durationMs must be > 0 and <= 2147483647'],
  ])('refuses %s', async (_name, overrides, message) => {
    const options = { ...valid, ...overrides };
    await expect(runOpen(options)).rejects.toThrow(EngineError);
    await expect(runOpen(options)).rejects.toThrow(message);
  });
});

describe('requests that could never be sent', () => {
  const GET = { method: 'GET', path: '/', headers: {} };
  it.each([
    [
      'a method with a space',
      { ...GET, method: 'GE T' },
      "request method 'GE T' is not an HTTP token",
    ],
    [
      'a header name with a colon',
      { ...GET, headers: { 'x:y': '1' } },
      "request header name 'x:y' is not an HTTP token",
    ],
    [
      'a header value with a line break',
      { ...GET, headers: { 'x-token': 'secret\r\nInjected: 1' } },
      "request header 'x-token' has a value that cannot be sent",
    ],
  ])('refuses %s in both models, without quoting a value', async (_name, request, message) => {
    const closed = runClosed({ ...common, request, connections: 1, requests: 1 });
    await expect(closed).rejects.toThrow(EngineError);
    await expect(closed).rejects.toThrow(message);
    const open = runOpen({ ...common, request, rate: 1, durationMs: 1000, maxInFlight: 1 });
    await expect(open).rejects.toThrow(message);
    await expect(open).rejects.not.toThrow('secret');
  });
});
