import { describe, expect, it } from 'vitest';
import { lookupJsonPath, parseJsonPath, readJsonPath } from '../../../src/target/json-path.ts';

const document = {
  access_token: 'abc',
  data: { token: 'nested', count: 0, empty: null, 'dashed-key': 'd' },
  items: [{ token: 'first' }, { token: 'second' }],
  matrix: [[1, 2], [3]],
  '0': 'zero-key',
};

describe('parseJsonPath', () => {
  it.each([
    ['access_token', ['access_token']],
    ['data.token', ['data', 'token']],
    ['items.0.token', ['items', '0', 'token']],
    ['$.data.token', ['data', 'token']],
    ['$.items[0].token', ['items', '0', 'token']],
    ['items[1].token', ['items', '1', 'token']],
    ['matrix[0][1]', ['matrix', '0', '1']],
    ['[0]', ['0']],
    ['$[2]', ['2']],
    ['$', []],
    ['data.dashed-key', ['data', 'dashed-key']],
  ])('%s -> %j', (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });

  it.each([
    ['', 'empty path'],
    ['.token', "cannot start with '.'"],
    ['data..token', 'empty key'],
    ['data.', 'empty key'],
    ['$data', "expected '.' or '['"],
    ['items[0', "missing ']'"],
    ['items[-1]', 'not an array index'],
    ['items[01]', 'not an array index'],
    ["$['data']", 'not an array index'],
    ['items[*]', 'not an array index'],
    ['items]0', "unexpected ']'"],
    ['items[0]x', "unexpected 'x'"],
  ])('rejects %j (%s)', (path, why) => {
    expect(() => parseJsonPath(path)).toThrow(why);
    expect(() => parseJsonPath(path)).toThrow(`invalid JSON path '${path}'`);
  });
});

describe('readJsonPath', () => {
  it.each([
    ['access_token', 'abc'],
    ['data.token', 'nested'],
    ['$.data.token', 'nested'],
    ['items.0.token', 'first'],
    ['$.items[1].token', 'second'],
    ['matrix[0][1]', 2],
    ['matrix.1.0', 3],
    ['data.count', 0],
    ['data.empty', null],
    ['0', 'zero-key'],
    ['$', document],
  ])('%s -> %j', (path, expected) => {
    expect(readJsonPath(document, path)).toEqual(expected);
  });

  it.each([
    'missing',
    'data.missing',
    'data.token.deeper',
    'items.2.token',
    'items[5]',
    'items.length',
    'items.first',
    'matrix[0][2]',
    'data.empty.x',
    'constructor',
    '__proto__',
    'data.toString',
  ])('%s -> undefined', (path) => {
    expect(readJsonPath(document, path)).toBeUndefined();
  });

  it('reads from non-object roots', () => {
    expect(readJsonPath('text', '$')).toBe('text');
    expect(readJsonPath('text', 'length')).toBeUndefined();
    expect(readJsonPath(null, 'a')).toBeUndefined();
    expect(readJsonPath([['x']], '[0][0]')).toBe('x');
  });

  it('throws on a malformed path rather than answering undefined', () => {
    expect(() => readJsonPath(document, 'data..token')).toThrow('empty key');
  });
});

describe('lookupJsonPath', () => {
  it('reports how far it got and the value reached', () => {
    expect(lookupJsonPath(document, 'data.jwt')).toEqual({
      found: false,
      value: document.data,
      reached: ['data'],
    });
    expect(lookupJsonPath(document, 'nothing.here')).toEqual({
      found: false,
      value: document,
      reached: [],
    });
    expect(lookupJsonPath(document, 'items[1].token')).toEqual({
      found: true,
      value: 'second',
      reached: ['items', '1', 'token'],
    });
  });
});
