import { describe, expect, it } from 'vitest';
import {
  protectionOf,
  REDACTED,
  Redactor,
  SHORTEST_HIDDEN,
  SHORTEST_HIDDEN_ANYWHERE,
  secretForms,
} from '../../../src/output/redactor.ts';

const SECRET = 's3cr3t-Tok/en+x "q" é&b=c';
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('Redactor.redact: every form a secret takes in text', () => {
  const asciiJson = JSON.stringify(SECRET)
    .slice(1, -1)
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  it.each([
    ['as given', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['JSON-escaped twice', JSON.stringify(JSON.stringify(SECRET).slice(1, -1)).slice(1, -1)],
    ['JSON-escaped with \\/', JSON.stringify(SECRET).slice(1, -1).replaceAll('/', '\\/')],
    ['JSON-escaped as ASCII', asciiJson],
    ['percent-encoded (URI component)', encodeURIComponent(SECRET)],
    [
      'percent-encoded, lower-case hex',
      encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    ],
    ['form-encoded', new URLSearchParams({ v: SECRET }).toString().slice(2)],
    ['in a URL path, as fetch sends it', new URL(`http://h/${SECRET}`).pathname.slice(1)],
    ['in a URL query, as fetch sends it', new URL(`http://h/?${SECRET}`).search.slice(1)],
    ['HTML-escaped (numeric)', SECRET.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)],
    ['HTML-escaped (named)', SECRET.replaceAll('&', '&amp;').replaceAll('"', '&quot;')],
    ['base64', b64(SECRET)],
    ['base64 without padding', b64(SECRET).replace(/=+$/, '')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
  ])('%s', (_, form) => {
    const redactor = new Redactor([SECRET]);
    expect(redactor.redact(`before ${form} after`)).toBe(`before ${REDACTED} after`);
  });

  it.each([
    ['after 1 byte', `a${SECRET}`],
    ['after 2 bytes', `ab${SECRET}`],
    ['after 3 bytes', `abc${SECRET}`],
    ['after 5 bytes', `auth=${SECRET}`],
    ['between bytes', `auth=${SECRET};more`],
  ])('base64 of a longer value, the secret %s', (_, value) => {
    const text = `trace=${b64(value)} url=${Buffer.from(value).toString('base64url')}`;
    // The check can fail: without redaction the secret is found in this text.
    expect(base64Leaks(text, SECRET)).not.toEqual([]);
    expect(base64Leaks(new Redactor([SECRET]).redact(text), SECRET)).toEqual([]);
  });

  it('a Basic credential given encoded is hidden decoded too, and its password alone', () => {
    const credential = b64('perf-user:correct horse battery');
    const redactor = new Redactor([credential]);
    expect(redactor.redact(`Authorization: Basic ${credential}`)).toBe(
      `Authorization: Basic ${REDACTED}`,
    );
    expect(redactor.redact('login perf-user:correct horse battery')).toBe(`login ${REDACTED}`);
    expect(redactor.redact('password=correct horse battery;')).toBe(`password=${REDACTED};`);
  });

  it('the longest secret wins, so a secret containing another is hidden whole', () => {
    const redactor = new Redactor(['abcdefgh', 'abcdefgh-ijklmnop']);
    expect(redactor.redact('x abcdefgh-ijklmnop y abcdefgh')).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it('regular-expression characters are literal', () => {
    const redactor = new Redactor(['a.*b+c?(d)[e]{f}|g\\h$']);
    expect(redactor.redact('1 a.*b+c?(d)[e]{f}|g\\h$ 2 aXXbbc')).toBe(`1 ${REDACTED} 2 aXXbbc`);
  });

  it('is idempotent and keeps text without secrets as it is', () => {
    const redactor = new Redactor([SECRET]);
    const once = redactor.redact(`a ${SECRET} b`);
    expect(redactor.redact(once)).toBe(once);
    expect(redactor.redact('nothing here')).toBe('nothing here');
    expect(new Redactor().redact(SECRET)).toBe(SECRET);
  });

  it('grows: a secret added later is hidden from then on', () => {
    const redactor = new Redactor(['first-secret']);
    expect(redactor.redact('token-arrives-later')).toBe('token-arrives-later');
    redactor.add('token-arrives-later');
    expect(redactor.redact('first-secret token-arrives-later')).toBe(`${REDACTED} ${REDACTED}`);
  });
});

describe('short secrets', () => {
  it.each([
    ['', 'none'],
    ['a', 'none'],
    ['abc', 'none'],
    ['abcd', 'standalone'],
    ['abcdefg', 'standalone'],
    ['abcdefgh', 'anywhere'],
  ])('%j is protected %s', (secret, protection) => {
    expect(protectionOf(secret)).toBe(protection);
  });

  it('the thresholds are the documented ones', () => {
    expect([SHORTEST_HIDDEN, SHORTEST_HIDDEN_ANYWHERE]).toEqual([4, 8]);
  });

  it.each([
    ['1234', 'pin 1234.', `pin ${REDACTED}.`],
    ['1234', 'pin=1234&x', `pin=${REDACTED}&x`],
    ['1234', '"1234"', `"${REDACTED}"`],
    ['1234', 'took 11234 ms, 12345 requests', 'took 11234 ms, 12345 requests'],
    ['1234', 'id a1234b', 'id a1234b'],
    ['ab c', 'q=ab%20c&', `q=${REDACTED}&`],
    ['hunter2', 'password hunter2', `password ${REDACTED}`],
    ['hunter2', 'hunter22 hunter2x', 'hunter22 hunter2x'],
    ['abc', 'abc abc', 'abc abc'],
  ])('%j in %j -> %j', (secret, text, expected) => {
    expect(new Redactor([secret]).redact(text)).toBe(expected);
  });
});

describe('Redactor.redactDeep', () => {
  it('redacts every string at any depth, keys too, and keeps the rest', () => {
    const redactor = new Redactor(['top-secret']);
    const value = {
      a: 'x top-secret y',
      n: 12,
      ok: true,
      none: null,
      list: ['top-secret', 3, { deep: ['a top-secret'] }],
      byKey: { 'top-secret': 1 },
    };
    expect(redactor.redactDeep(value)).toEqual({
      a: `x ${REDACTED} y`,
      n: 12,
      ok: true,
      none: null,
      list: [REDACTED, 3, { deep: [`a ${REDACTED}`] }],
      byKey: { [REDACTED]: 1 },
    });
    // A copy: the input is not changed.
    expect(value.a).toBe('x top-secret y');
  });
});

describe('Redactor.streaming', () => {
  const text =
    'start s3cr3t-token-1 middle "pin":"4321" end s3cr3t-token-1\n' +
    `encoded ${encodeURIComponent('s3cr3t token/2')} tail 4321x 4321`;
  const redactor = new Redactor(['s3cr3t-token-1', 's3cr3t token/2', '4321']);

  it.each([1, 2, 3, 5, 7, 11, 64])(
    'gives what redact gives, in chunks of %i characters',
    (size) => {
      const stream = redactor.streaming();
      let out = '';
      for (let i = 0; i < text.length; i += size) out += stream.write(text.slice(i, i + size));
      out += stream.end();
      expect(out).toBe(redactor.redact(text));
    },
  );

  it('split at every position in two chunks', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const stream = redactor.streaming();
      const out = stream.write(text.slice(0, cut)) + stream.write(text.slice(cut)) + stream.end();
      expect(out).toBe(redactor.redact(text));
    }
  });
});

describe('secretForms', () => {
  it('drops forms shorter than the shortest hidden secret', () => {
    for (const form of secretForms('abcd')) expect(form.length).toBeGreaterThanOrEqual(4);
  });
  it('is empty for the empty string', () => {
    expect(secretForms('')).toEqual([]);
  });
});

/** Base64 runs of `text` that still decode to something holding `secret`, at any alignment. */
function base64Leaks(text: string, secret: string): string[] {
  const found: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []) {
    for (let drop = 0; drop < 4; drop++) {
      const decoded = Buffer.from(run.slice(drop), 'base64').toString('utf8');
      if (decoded.includes(secret)) found.push(run);
    }
  }
  return found;
}
