// Templates of the volume suite's seed request: `{{i}}`, `{{uuid}}`, `{{pick a b "c d"}}`,
// `{{int 1 100}}`, `{{float 0.5 1}}` in the path, header values, a raw body or any string of a JSON
// body. Record i's values depend only on the random seed and i, never on concurrency or on which
// step seeds it, so runs are reproducible. Pure: no I/O.
import type { RequestConfig } from '../../config/schema.ts';
import { createRandom, fnv1a, type Random } from '../../core/random.ts';

/** The placeholders a template may use, as documented. */
export const PLACEHOLDER_FORMS = [
  '{{i}}',
  '{{uuid}}',
  '{{pick a b "c d"}}',
  '{{int MIN MAX}}',
  '{{float MIN MAX [DECIMALS]}}',
] as const;

/** A template that cannot be compiled; the message says which placeholder and why. */
export class TemplateError extends Error {}

type Token =
  | { kind: 'i' }
  | { kind: 'uuid' }
  | { kind: 'pick'; options: string[] }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'float'; min: number; max: number; decimals: number };

/** A compiled string: literal text and placeholders, in order. */
export interface CompiledText {
  parts: (string | Token)[];
}

/** What a record's placeholders draw from. */
export interface RecordContext {
  /** The record's number: 0 for the first record the suite seeds, counting across steps. */
  i: number;
  random: Random;
}

/** The random stream of record `i` under `seed`: the same for the same pair, whatever else runs. */
export function recordRandom(seed: number, i: number): Random {
  return createRandom(fnv1a(`${seed}/${i}`));
}

const FLOAT_DECIMALS = 3;
const MAX_DECIMALS = 12;

/** Splits placeholder arguments on spaces; `"a b"` or `'a b'` keeps spaces within one argument. */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) args.push(match[1] ?? match[2] ?? match[3] ?? '');
  return args;
}

function parseNumberArg(raw: string | undefined, what: string, form: string): number {
  const value = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new TemplateError(`${form}: ${what} must be a number`);
  return value;
}

function parseToken(inner: string): Token {
  const [name = '', ...args] = splitArgs(inner.trim());
  const form = `{{${inner.trim()}}}`;
  const noArgs = (token: Token): Token => {
    if (args.length > 0) throw new TemplateError(`${form}: ${name} takes no arguments`);
    return token;
  };
  switch (name) {
    case 'i':
      return noArgs({ kind: 'i' });
    case 'uuid':
      return noArgs({ kind: 'uuid' });
    case 'pick':
      if (args.length === 0) throw new TemplateError(`${form}: pick needs at least one option`);
      return { kind: 'pick', options: args };
    case 'int': {
      if (args.length !== 2) throw new TemplateError(`${form}: expected {{int MIN MAX}}`);
      const min = parseNumberArg(args[0], 'MIN', form);
      const max = parseNumberArg(args[1], 'MAX', form);
      if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
        throw new TemplateError(`${form}: expected integers MIN <= MAX`);
      }
      return { kind: 'int', min, max };
    }
    case 'float': {
      if (args.length !== 2 && args.length !== 3) {
        throw new TemplateError(
          `${form}: expected {{float MIN MAX}} or {{float MIN MAX DECIMALS}}`,
        );
      }
      const min = parseNumberArg(args[0], 'MIN', form);
      const max = parseNumberArg(args[1], 'MAX', form);
      const decimals =
        args[2] === undefined ? FLOAT_DECIMALS : parseNumberArg(args[2], 'DECIMALS', form);
      if (min > max) throw new TemplateError(`${form}: expected MIN <= MAX`);
      if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
        throw new TemplateError(`${form}: DECIMALS must be an integer from 0 to ${MAX_DECIMALS}`);
      }
      return { kind: 'float', min, max, decimals };
    }
    default:
      throw new TemplateError(
        `unknown placeholder ${form} (expected one of ${PLACEHOLDER_FORMS.join(', ')})`,
      );
  }
}

/** Compiles one string. Throws TemplateError for an unknown or malformed placeholder. */
export function compileText(text: string): CompiledText {
  const parts: (string | Token)[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open === -1) break;
    const close = rest.indexOf('}}', open + 2);
    if (close === -1)
      throw new TemplateError(`unclosed placeholder in '${text}' ('{{' without '}}')`);
    if (open > 0) parts.push(rest.slice(0, open));
    parts.push(parseToken(rest.slice(open + 2, close)));
    rest = rest.slice(close + 2);
  }
  if (rest !== '') parts.push(rest);
  return { parts };
}

/** Whether a compiled string has any placeholder (else it renders to itself). */
export function hasPlaceholders(compiled: CompiledText): boolean {
  return compiled.parts.some((part) => typeof part !== 'string');
}

function uuidFrom(random: Random): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function renderToken(token: Token, context: RecordContext): string | number {
  switch (token.kind) {
    case 'i':
      return context.i;
    case 'uuid':
      return uuidFrom(context.random);
    case 'pick':
      return token.options[Math.floor(context.random() * token.options.length)] ?? '';
    case 'int':
      return token.min + Math.floor(context.random() * (token.max - token.min + 1));
    case 'float': {
      const value = token.min + context.random() * (token.max - token.min);
      return Number(value.toFixed(token.decimals));
    }
  }
}

/**
 * Renders a compiled string. A string that is exactly one `{{i}}`, `{{int}}` or `{{float}}`
 * renders to a number (so JSON bodies get numbers, not digits in quotes); anything else to text.
 */
export function renderValue(compiled: CompiledText, context: RecordContext): string | number {
  const [only] = compiled.parts;
  if (compiled.parts.length === 1 && only !== undefined && typeof only !== 'string') {
    return renderToken(only, context);
  }
  return renderText(compiled, context);
}

/** Renders a compiled string as text. */
export function renderText(compiled: CompiledText, context: RecordContext): string {
  let out = '';
  for (const part of compiled.parts) {
    out += typeof part === 'string' ? part : String(renderToken(part, context));
  }
  return out;
}

/** A compiled JSON template: strings anywhere in the value are templates; keys are literal. */
export type CompiledJson = (context: RecordContext) => unknown;

/** Compiles a JSON value (as parsed from YAML). Throws TemplateError naming the first bad string. */
export function compileJson(value: unknown): CompiledJson {
  if (typeof value === 'string') {
    const compiled = compileText(value);
    if (!hasPlaceholders(compiled)) return () => value;
    return (context) => renderValue(compiled, context);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileJson);
    return (context) => items.map((item) => item(context));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, v]) => [key, compileJson(v)] as const);
    return (context) => Object.fromEntries(entries.map(([key, render]) => [key, render(context)]));
  }
  return () => value;
}

/**
 * Every template problem in a request, with the key path (relative to the request) where it is:
 * for the config schema, which reports them at their YAML line. Empty when all compile.
 */
export function findTemplateProblems(request: {
  path?: unknown;
  headers?: unknown;
  json?: unknown;
  body?: unknown;
}): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      try {
        compileText(value);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        problems.push({ path, message: error.message });
      }
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, [...path, index]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(request.path, ['path']);
  visit(request.headers, ['headers']);
  visit(request.json, ['json']);
  visit(request.body, ['body']);
  return problems;
}

/** One rendered seed request; `body` serialized. */
export interface RenderedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A seed request, compiled once and rendered per request. */
export interface SeedRequestTemplate {
  /**
   * The request carrying records `from` .. `from + count - 1`. Without `batch` (count 1) the body
   * is the rendered `json` (or `body`); with `batch`, a JSON array of `count` rendered items. The
   * path and headers are rendered for the first record, with a stream of their own.
   */
  render(from: number, count: number): RenderedRequest;
}

/** Compiles a seed request. Throws TemplateError (the schema has already reported these). */
export function compileSeedRequest(
  request: RequestConfig,
  options: { randomSeed: number; isBatch: boolean },
): SeedRequestTemplate {
  const path = compileText(request.path);
  const headers = Object.entries(request.headers).map(
    ([name, v]) => [name, compileText(v)] as const,
  );
  const json = request.json === undefined ? undefined : compileJson(request.json);
  const body = request.body === undefined ? undefined : compileText(request.body);
  const { randomSeed, isBatch } = options;
  const itemOf = (i: number): unknown => json?.({ i, random: recordRandom(randomSeed, i) }) ?? null;
  return {
    render(from, count) {
      // The request's own stream: a negative record number no record ever has.
      const own: RecordContext = { i: from, random: recordRandom(randomSeed, -1 - from) };
      const rendered: RenderedRequest = {
        method: request.method,
        path: renderText(path, own),
        headers: Object.fromEntries(headers.map(([name, v]) => [name, renderText(v, own)])),
      };
      if (isBatch) {
        rendered.body = JSON.stringify(Array.from({ length: count }, (_, k) => itemOf(from + k)));
      } else if (json !== undefined) {
        rendered.body = JSON.stringify(itemOf(from));
      } else if (body !== undefined) {
        rendered.body = renderText(body, { i: from, random: recordRandom(randomSeed, from) });
      }
      if (rendered.body !== undefined && json !== undefined && !hasHeader(rendered.headers)) {
        rendered.headers['content-type'] = 'application/json';
      }
      return rendered;
    },
  };
}

function hasHeader(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
}
