import { describe, expect, it } from 'vitest';
import { describeHttpError, formatDuration, oneLine } from '../../../src/target/http.ts';

function errno(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [250, '250 ms'],
    [999.6, '1000 ms'],
    [1000, '1 s'],
    [1500, '1.5 s'],
    [60_000, '60 s'],
    [61_234, '61.2 s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('describeHttpError', () => {
  it('digs the socket error out of fetch failed', () => {
    const error = new TypeError('fetch failed', {
      cause: errno('connect ECONNREFUSED 127.0.0.1:8000', 'ECONNREFUSED'),
    });
    expect(describeHttpError(error, 5000)).toBe('connect ECONNREFUSED 127.0.0.1:8000');
  });

  it('lists the distinct errors of an AggregateError', () => {
    const cause = new AggregateError([
      errno('connect ECONNREFUSED ::1:8000', 'ECONNREFUSED'),
      errno('connect ECONNREFUSED 127.0.0.1:8000', 'ECONNREFUSED'),
      errno('connect ECONNREFUSED 127.0.0.1:8000', 'ECONNREFUSED'),
    ]);
    expect(describeHttpError(new TypeError('fetch failed', { cause }), 5000)).toBe(
      'connect ECONNREFUSED ::1:8000; connect ECONNREFUSED 127.0.0.1:8000',
    );
  });

  it('names the timeout', () => {
    const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(describeHttpError(error, 2000)).toBe('no answer within 2 s');
  });

  it('falls back to the code, then the name, and handles non-Error throws', () => {
    expect(describeHttpError(errno('', 'ECONNRESET'), 1)).toBe('ECONNRESET');
    expect(describeHttpError(new RangeError(''), 1)).toBe('RangeError');
    expect(describeHttpError('plain\nstring', 1)).toBe('plain string');
  });
});

describe('oneLine', () => {
  it('collapses whitespace', () => {
    expect(oneLine('  a\n\tb  c \r\n')).toBe('a b c');
  });
});
