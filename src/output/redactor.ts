// The set of secrets of one run and the one function that hides them. Pure: every writer that lets
// text out of the process (see outlet.ts) is bound to one Redactor, so no sink can skip it.
//
// A secret leaves in other shapes than the one it was given in: quoted in JSON, percent-encoded in
// a URL or a form body, HTML-escaped, base64-encoded (a Basic credential), or, when the secret is
// itself a base64 credential, decoded. Each secret is expanded into those forms once, when it is
// added, and all forms of all secrets are matched by one regular expression, longest first.

/** What a hidden secret is replaced with. */
export const REDACTED = '***';

/**
 * Secrets at least this long (UTF-16 code units) are hidden wherever they occur, even inside a
 * longer word.
 */
export const SHORTEST_HIDDEN_ANYWHERE = 8;

/**
 * Secrets at least this long, but shorter than {@link SHORTEST_HIDDEN_ANYWHERE}, are hidden only
 * where they stand alone: not preceded or followed by an ASCII letter or digit. Hiding `1234`
 * inside every longer number would blank half a report. Shorter secrets are not hidden at all.
 */
export const SHORTEST_HIDDEN = 4;

/** How a secret is hidden, by its length. */
export type Protection = 'anywhere' | 'standalone' | 'none';

/** The protection a secret of this value gets (see {@link SHORTEST_HIDDEN}). */
export function protectionOf(secret: string): Protection {
  if (secret.length >= SHORTEST_HIDDEN_ANYWHERE) return 'anywhere';
  if (secret.length >= SHORTEST_HIDDEN) return 'standalone';
  return 'none';
}

/**
 * Every form in which `secret` may appear in text: as given; JSON-escaped (also twice, with `\/`
 * and with `\uXXXX` for non-ASCII); percent-encoded as a URI component, a form value (`+` for spaces), a
 * URL path and a URL query (the WHATWG URL serializer's own sets), with upper- and lower-case hex;
 * HTML-escaped (numeric and named entities); base64 and base64url, also at the three byte offsets
 * at which it can sit inside a longer encoded value (the characters its neighbours share are left
 * out); and when the secret is itself base64 of text (`user:password`), that text and the part
 * after its first colon. Forms shorter than {@link SHORTEST_HIDDEN} are dropped.
 */
export function secretForms(secret: string): string[] {
  if (secret === '') return [];
  const forms = new Set<string>([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  // A JSON body quoted in a JSON error message: escaped twice.
  forms.add(JSON.stringify(json).slice(1, -1));
  forms.add(json.replaceAll('/', '\\/'));
  forms.add(
    json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  for (const encoded of percentForms(secret)) {
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  }
  forms.add(secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
  forms.add(secret.replace(/[&<>"']/g, (c) => NAMED_ENTITIES[c] ?? c));
  for (const encoded of base64Forms(secret)) forms.add(encoded);
  for (const decoded of decodedCredential(secret)) forms.add(decoded);
  return [...forms].filter((form) => form.length >= SHORTEST_HIDDEN);
}

const NAMED_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function percentForms(secret: string): string[] {
  const forms = [encodeURIComponent(secret), encodeURI(secret)];
  forms.push(new URLSearchParams({ v: secret }).toString().slice(2));
  // The platform's URL parser encodes fewer characters than encodeURIComponent, and differently
  // in a path and in a query: these are the forms fetch and undici put on the wire.
  const path = URL.parse(`http://h/${secret.replaceAll('?', '%3F').replaceAll('#', '%23')}`);
  const query = URL.parse(`http://h/?${secret.replaceAll('#', '%23')}`);
  if (path) forms.push(path.pathname.slice(1));
  if (query) forms.push(query.search.slice(1));
  return forms;
}

/** Base64 (and base64url) of the secret alone and at byte offsets 1 and 2 of a longer value. */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64');
    // Leading characters that mix in the unknown bytes before the secret, and trailing ones that
    // mix in the bytes after it (or are padding), depend on the neighbours: leave them out.
    const lead = [0, 2, 3][offset] ?? 0;
    const total = offset + bytes.length;
    const whole = Math.floor(total / 3) * 4;
    const tail = [0, 1, 2][total % 3] ?? 0;
    const stable = encoded.slice(lead, whole + tail);
    if (offset === 0) forms.push(encoded, encoded.replace(/=+$/, ''));
    forms.push(stable);
  }
  return [...forms, ...forms.map((f) => f.replaceAll('+', '-').replaceAll('/', '_'))];
}

/** When the secret is base64 of printable text (a Basic credential), that text and its password. */
function decodedCredential(secret: string): string[] {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || secret.length % 4 !== 0) return [];
  const text = Buffer.from(secret, 'base64').toString('utf8');
  if (!/^[\x20-\x7e]+$/.test(text)) return [];
  const colon = text.indexOf(':');
  return colon < 0 ? [text] : [text, text.slice(colon + 1)];
}

/** A matcher over all forms of all secrets; `undefined` when there is nothing to hide. */
interface Matcher {
  pattern: RegExp;
  /** Length of the longest form, in UTF-16 code units. */
  longest: number;
}

/**
 * The secrets of one run. The set only grows (the login token arrives after the config); every
 * text redacted after an `add` hides the new secret too. Redaction is idempotent.
 */
export class Redactor {
  readonly #secrets: string[] = [];
  #matcher: Matcher | undefined;

  constructor(secrets: readonly string[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  /**
   * Adds a secret (empty strings are ignored) and answers how it is protected: secrets shorter
   * than {@link SHORTEST_HIDDEN} are kept (see {@link has}) but not hidden.
   */
  add(secret: string): Protection {
    const protection = protectionOf(secret);
    if (secret === '' || this.#secrets.includes(secret)) return protection;
    this.#secrets.push(secret);
    this.#matcher = buildMatcher(this.#secrets);
    return protection;
  }

  /** Whether `secret` was added. */
  has(secret: string): boolean {
    return this.#secrets.includes(secret);
  }

  /** `text` with every form of every secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    const matcher = this.#matcher;
    if (!matcher || text.length === 0) return text;
    return text.replace(matcher.pattern, REDACTED);
  }

  /**
   * A copy of `value` with every string in it redacted, object keys included, at any depth; other
   * values are kept. For plain data (results, histories): class instances are copied as plain
   * objects.
   */
  redactDeep<T>(value: T): T {
    if (!this.#matcher) return value;
    // Keys repeat in every record of a series: redact each distinct one once.
    const keys = new Map<string, string>();
    const key = (name: string) => {
      let redacted = keys.get(name);
      if (redacted === undefined) {
        redacted = this.redact(name);
        keys.set(name, redacted);
      }
      return redacted;
    };
    const deep = (inner: unknown): unknown => {
      if (typeof inner === 'string') return this.redact(inner);
      if (Array.isArray(inner)) return inner.map(deep);
      if (typeof inner !== 'object' || inner === null) return inner;
      const copy: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(inner)) copy[key(name)] = deep(item);
      return copy;
    };
    return deep(value) as T;
  }

  /**
   * A redactor for text that arrives in chunks (a service's log): `write` answers the part of the
   * text so far that can be redacted already; the rest (up to the longest form, so that a secret
   * split across chunks is still found whole) waits for the next chunk or for `end`.
   */
  streaming(): { write(chunk: string): string; end(): string } {
    let pending = '';
    return {
      write: (chunk) => {
        pending += chunk;
        const matcher = this.#matcher;
        if (!matcher) {
          const out = pending;
          pending = '';
          return out;
        }
        // Hold back one character more than the longest form: a short secret's end is only
        // known once the character after it is.
        let cut = pending.length - matcher.longest - 1;
        if (cut <= 0) return '';
        let out = '';
        let last = 0;
        for (const match of pending.matchAll(matcher.pattern)) {
          const end = match.index + match[0].length;
          if (end > cut) {
            if (match.index < cut) cut = match.index;
            break;
          }
          out += pending.slice(last, match.index) + REDACTED;
          last = end;
        }
        out += pending.slice(last, cut);
        pending = pending.slice(cut);
        return out;
      },
      end: () => {
        const out = this.redact(pending);
        pending = '';
        return out;
      },
    };
  }
}

function buildMatcher(secrets: readonly string[]): Matcher | undefined {
  const alternatives = new Map<string, Protection>();
  for (const secret of secrets) {
    const protection = protectionOf(secret);
    if (protection === 'none') continue;
    for (const form of secretForms(secret)) {
      // A form longer than the short secret it came from (percent-encoded, base64) is as
      // distinctive as a long secret, but still only as long as it is: judge each form alone.
      const own = protectionOf(form);
      if (own === 'none') continue;
      if (alternatives.get(form) !== 'anywhere') alternatives.set(form, own);
    }
  }
  if (alternatives.size === 0) return undefined;
  const forms = [...alternatives.keys()].sort((a, b) => b.length - a.length);
  const source = forms
    .map((form) => {
      const literal = escapeRegExp(form);
      return alternatives.get(form) === 'anywhere'
        ? literal
        : `(?<![A-Za-z0-9])${literal}(?![A-Za-z0-9])`;
    })
    .join('|');
  return { pattern: new RegExp(source, 'g'), longest: forms[0]?.length ?? 0 };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
