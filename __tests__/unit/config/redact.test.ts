import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/config/redact.ts';

describe('redact', () => {
  it.each([
    ['token abc here', ['abc'], 'token *** here'],
    ['abc abc', ['abc'], '*** ***'],
    ['nothing to hide', ['abc'], 'nothing to hide'],
    ['keeps text when there are no secrets', [], 'keeps text when there are no secrets'],
    ['ignores empty secrets', [''], 'ignores empty secrets'],
    ['longer first: abcdef', ['abc', 'abcdef'], 'longer first: ***'],
    ['{"password":"a\\"b"}', ['a"b'], '{"password":"***"}'],
    ['https://x/?p=a%20b%26c', ['a b&c'], 'https://x/?p=***'],
    ['regex chars .* stay literal', ['.*'], 'regex chars *** stay literal'],
  ])('%j with %j -> %j', (text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });
});
