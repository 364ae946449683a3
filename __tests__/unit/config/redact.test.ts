import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/config/redact.ts';

// The config's own messages follow the run's rules (src/output/redactor.ts): secrets of 8
// characters or more are hidden anywhere, of 4 to 7 where they stand alone, shorter ones not.
describe('redact', () => {
  it.each([
    ['token abcdefgh here', ['abcdefgh'], 'token *** here'],
    ['abcdefgh abcdefgh', ['abcdefgh'], '*** ***'],
    ['nothing to hide', ['abcdefgh'], 'nothing to hide'],
    ['keeps text when there are no secrets', [], 'keeps text when there are no secrets'],
    ['ignores empty secrets', [''], 'ignores empty secrets'],
    ['longer first: abcdefghijkl', ['abcdefgh', 'abcdefghijkl'], 'longer first: ***'],
    ['{"password":"a\\"bcdefgh"}', ['a"bcdefgh'], '{"password":"***"}'],
    ['https://x/?p=a%20b%26cdefg', ['a b&cdefg'], 'https://x/?p=***'],
    ['regex chars .*.*.*.* stay literal', ['.*.*.*.*'], 'regex chars *** stay literal'],
    ['a short pin 4321 alone', ['4321'], 'a short pin *** alone'],
    ['not inside 143210', ['4321'], 'not inside 143210'],
    ['too short: abc', ['abc'], 'too short: abc'],
  ])('%j with %j -> %j', (text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });
});
