// Building blocks of the perf.yml schema, shared by its sections (schema.ts and the suites'
// own section files): strict objects whose unknown keys suggest the closest valid one, values with
// units, requests, budgets. Every block parses the YAML shape into the output shape.
import { z } from 'zod';
import { BUDGET_METRICS, type BudgetMetric } from '../core/metrics-catalogue.ts';
import type { Bound } from './bounds.ts';
import { suggestClosest } from './suggest.ts';
import {
  checkDuration,
  checkPercent,
  checkSize,
  showDurationRange,
  showNumber,
  type UnitCheck,
} from './units.ts';

/** The HTTP methods a request may use (written in any case in perf.yml, upper-case here). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One HTTP request to send (a scenario's request, or the login). */
export interface RequestConfig {
  method: HttpMethod;
  /** Path and query, starting with `/` (never `//`), relative to `target.url`. */
  path: string;
  /** Extra request headers, names as written. */
  headers: Record<string, string>;
  /** A JSON body (serialized by the sender, with `content-type: application/json`). */
  json?: unknown;
  /** A raw body. Never set together with `json`. */
  body?: string;
}

/** The limits of one budget, in the metric's unit (`ms`, `ratio`, `rps`, … see BUDGET_METRICS). */
export interface BudgetLimit {
  /** Beyond this the check warns. */
  warn?: number;
  /** Beyond this the check fails. At least one of warn and fail is set. */
  fail?: number;
}

/** Budgets by metric name (a key of BUDGET_METRICS, e.g. `latency.p95`). */
export type BudgetMap = Record<string, BudgetLimit>;

// --- messages ---------------------------------------------------------------------------------

/** The message for unknown keys, suggesting the closest known one. */
export function describeUnknownKeys(
  keys: readonly string[],
  known: readonly string[],
  noun = 'key',
): string {
  const [first = '', ...rest] = keys;
  const suggestion = suggestClosest(first, known);
  const hint = suggestion
    ? `did you mean '${suggestion}'?`
    : `expected one of: ${known.map((key) => `'${key}'`).join(', ')}`;
  const more = rest.length > 0 ? `; also unknown: ${rest.map((key) => `'${key}'`).join(', ')}` : '';
  return `unknown ${noun} '${first}' (${hint})${more}`;
}

/**
 * Marks issues of cross-field rules. The loader reports them after problems of single keys: with
 * a misspelt `conections`, the unknown key is the news, not the missing `connections`.
 */
export const RULE = { params: { rule: true } } as const;

// --- building blocks --------------------------------------------------------------------------

/** The keys a mapping may hold, and what they are called (`key`, `metric`). */
export interface KnownKeys {
  known: readonly string[];
  noun: string;
}

/**
 * The known keys of each mapping that had unknown keys, by the mapping's parsed value: zod's
 * unknown-key issue holds the unknown keys and the value only, and the loader reports each unknown
 * key on a line of its own with its own suggestion. Filled while a value is validated.
 */
export const KNOWN_KEYS_OF = new WeakMap<object, KnownKeys>();

/** A strict object whose unknown-key errors suggest the closest valid key. */
export function strictObject<Shape extends z.ZodRawShape>(
  shape: Shape,
  names: { key?: string; object?: string } = {},
) {
  const known = Object.keys(shape);
  const noun = names.key ?? 'key';
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        if (issue.input !== null && typeof issue.input === 'object') {
          KNOWN_KEYS_OF.set(issue.input, { known, noun });
        }
        return describeUnknownKeys(issue.keys, known, noun);
      }
      if (issue.code === 'invalid_type') return `expected ${names.object ?? 'a mapping'}`;
      return undefined;
    },
  });
}

/** Turns a unit check into the parsed value or a zod issue (the value itself goes in `input`). */
function fromCheck(check: UnitCheck, value: unknown, ctx: z.RefinementCtx): number {
  if (check.ok) return check.value;
  // A unit value may be a plain number: an environment value reading as one is coerced to it.
  ctx.issues.push({
    code: 'custom',
    message: `expected ${check.expected}`,
    input: value,
    params: { acceptsNumber: true },
  });
  return z.NEVER;
}

/** What a unit check expects, as shown when the value has the wrong type altogether. */
function formOf(check: (value: unknown) => UnitCheck): string {
  const result = check(undefined);
  return result.ok ? 'a value' : result.expected;
}

/** A value written with a unit (a string) or as a plain number, parsed by `check`. */
export function unitSchema(check: (value: unknown) => UnitCheck, description: string) {
  return z
    .union([z.string(), z.number()], { error: `expected ${formOf(check)}` })
    .transform((value, ctx) => fromCheck(check(value), value, ctx))
    .describe(description);
}

/**
 * A duration within `bound` (milliseconds; a `min` of 0 accepts `0s`), written with units or as a
 * number of milliseconds. The JSON Schema states the range for the number form.
 */
export function durationSchema(bound: Bound) {
  const description = `a duration ${showDurationRange(bound)}, like 500ms, 20s, 2m, or a number of milliseconds`;
  return unitSchema((value) => checkDuration(value, { bound }), description).meta({
    description,
    minimum: bound.min,
    maximum: bound.max,
  });
}

/** An integer within `bound`. */
export function countSchema(bound: Bound = { min: 1, max: Number.MAX_SAFE_INTEGER }) {
  const message =
    bound.max === Number.MAX_SAFE_INTEGER
      ? `expected an integer >= ${showNumber(bound.min)}`
      : `expected an integer from ${showNumber(bound.min)} to ${showNumber(bound.max)}`;
  return z
    .int({ error: message })
    .min(bound.min, { error: message })
    .max(bound.max, { error: message });
}

/** A number within `bound`, in `unit` (said in the message: `requests per second`). */
export function boundedNumberSchema(bound: Bound, unit?: string) {
  const message = `expected a number from ${showNumber(bound.min)} to ${showNumber(bound.max)}${unit ? ` (${unit})` : ''}`;
  return z
    .number({ error: message })
    .min(bound.min, { error: message })
    .max(bound.max, { error: message });
}

/** A number > 0 (budget values in their metric's unit). */
export function positiveNumberSchema() {
  return z.number({ error: 'expected a number > 0' }).positive({ error: 'expected a number > 0' });
}

export function textSchema(what = 'a string') {
  return z.string({ error: `expected ${what}` }).min(1, { error: 'must not be empty' });
}

// A path and query on the target. `//host` would make URL resolution leave the target's origin.
const PATH = /^\/(?!\/)[^\s\p{Cc}]*$/u;
export const pathSchema = z
  .string({ error: 'expected a path starting with / (like /api/projects)' })
  .refine((path) => PATH.test(path), {
    error: 'expected a path starting with / (like /api/projects), without spaces',
  });

/** True for an absolute http:// or https:// URL with a host. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^/?#]/i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * True when a URL-like text carries credentials (`http://user:pw@host`, `http://token@host`):
 * checked on the text, so that it holds for texts that are not valid URLs too.
 */
export function hasUrlCredentials(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value.trim());
}

/** The problem of a target URL with credentials; it never shows the URL (the password is in it). */
export const URL_CREDENTIALS_PROBLEM =
  'a URL with credentials (user:password@) is refused, and not shown here: log in with auth:, ' +
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal syntax, shown to users.
  'or send a header with the secret from ${env:NAME}';

/** What `target.url` (and the CLI's `--target`) must look like. */
export const TARGET_URL_FORM = 'an http:// or https:// URL like http://127.0.0.1:8000';

const METHOD_FORM = `one of ${HTTP_METHODS.join(', ')}`;
export const methodSchema = z
  .string({ error: `expected ${METHOD_FORM}` })
  .transform((value, ctx): HttpMethod => {
    const method = HTTP_METHODS.find((known) => known === value.toUpperCase());
    if (method) return method;
    ctx.issues.push({ code: 'custom', message: `expected ${METHOD_FORM}`, input: value });
    return z.NEVER;
  })
  .describe(`${HTTP_METHODS.join(' | ')} (any case)`);

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const headerNameSchema = z
  .string({ error: 'expected a header name' })
  .refine((name) => HEADER_NAME.test(name), { error: 'expected a header name like Authorization' });

export const headersSchema = z
  .record(z.string(), z.string({ error: 'expected a string (put numbers in quotes)' }), {
    error: 'expected a mapping of header names to values',
  })
  .superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `'${name}' is not a header name` });
      } else if (/[\r\n\0]/.test(value)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'a header value must be one line' });
      }
    }
  });

// A seed template's path: placeholders (`{{int 1 5}}`) may hold spaces; the rest is a path.
export const templatedPathSchema = z
  .string({ error: 'expected a path starting with / (like /api/projects)' })
  .refine((path) => PATH.test(path.replace(/\{\{[^}]*\}\}/g, '0')), {
    error: 'expected a path starting with / (like /api/projects), without spaces',
  });

/** A request; `templated`: the volume seed's, whose path may hold `{{…}}` placeholders. */
export function requestSchema(defaultMethod: HttpMethod, options: { templated?: boolean } = {}) {
  return strictObject({
    method: methodSchema.optional(),
    path: options.templated ? templatedPathSchema : pathSchema,
    headers: headersSchema.optional(),
    json: z.unknown().describe('a JSON body (any YAML value)').optional(),
    body: z.string({ error: 'expected a string (use json for structured bodies)' }).optional(),
  })
    .superRefine((request, ctx) => {
      if (request.json !== undefined && request.body !== undefined) {
        ctx.addIssue({
          ...RULE,
          code: 'custom',
          path: ['body'],
          message: 'set json or body, not both',
        });
      }
    })
    .transform((request): RequestConfig => {
      const result: RequestConfig = {
        method: request.method ?? defaultMethod,
        path: request.path,
        headers: request.headers ?? {},
      };
      if (request.json !== undefined) result.json = request.json;
      if (request.body !== undefined) result.body = request.body;
      return result;
    });
}

// `data.token`, `items.0.token`, `items[0].token`, `$.data.token`.
const TOKEN_PATH = /^(?:\$\.)?[\w-]+(?:\.[\w-]+|\[\d+\])*$/;
export const tokenPathSchema = z
  .string({ error: 'expected a JSON path like access_token or data.token' })
  .transform((path, ctx) => {
    if (TOKEN_PATH.test(path)) return path.replace(/^\$\./, '').replace(/\[(\d+)\]/g, '.$1');
    ctx.issues.push({
      code: 'custom',
      message: 'expected a JSON path like access_token or data.token',
      input: path,
    });
    return z.NEVER;
  });

// --- budgets ----------------------------------------------------------------------------------

export function checkRatio(value: unknown): UnitCheck {
  const check = checkPercent(value);
  return check.ok && check.value > 1 ? { ok: false, expected: 'a percent <= 100%' } : check;
}

function budgetValueSchema(metric: BudgetMetric) {
  switch (metric.kind) {
    case 'duration':
      return unitSchema(checkDuration, 'a duration like 200ms, or a number of milliseconds');
    case 'ratio':
      return unitSchema(checkRatio, 'a percent like 0.1%, or a ratio between 0 and 1');
    case 'size':
      return unitSchema(checkSize, 'a size like 512MB or 2GB, or a number of megabytes (MiB)');
    case 'number':
      return positiveNumberSchema().describe(`a number > 0, in ${metric.unit}`);
  }
}

function formatLimit(value: number, metric: BudgetMetric): string {
  if (metric.unit === 'ratio') return `${Number((value * 100).toPrecision(12))}%`;
  return `${value} ${metric.unit}`;
}

function budgetLimitSchema(name: string, metric: BudgetMetric) {
  const value = budgetValueSchema(metric);
  const limits = strictObject({ warn: value.optional(), fail: value.optional() })
    .superRefine((limit, ctx) => {
      if (limit.warn === undefined && limit.fail === undefined) {
        ctx.addIssue({ ...RULE, code: 'custom', message: 'set warn, fail or both' });
        return;
      }
      if (limit.warn === undefined || limit.fail === undefined) return;
      const isLower = metric.better === 'lower';
      if (isLower ? limit.warn < limit.fail : limit.warn > limit.fail) return;
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        message:
          `warn must be ${isLower ? 'below' : 'above'} fail (${metric.better} is better for ${name}), ` +
          `got warn ${formatLimit(limit.warn, metric)} and fail ${formatLimit(limit.fail, metric)}`,
      });
    })
    .transform((limit): BudgetLimit => {
      const result: BudgetLimit = {};
      if (limit.warn !== undefined) result.warn = limit.warn;
      if (limit.fail !== undefined) result.fail = limit.fail;
      return result;
    });
  const form = metric.kind === 'number' ? `a number > 0` : formOf(checkForKind(metric));
  return z
    .union([value.transform((fail): BudgetLimit => ({ fail })), limits], {
      error: `expected ${form}, or a mapping with warn and/or fail`,
    })
    .describe(`${metric.description} (${metric.unit}, ${metric.better} is better)`);
}

function checkForKind(metric: BudgetMetric): (value: unknown) => UnitCheck {
  if (metric.kind === 'duration') return checkDuration;
  if (metric.kind === 'size') return checkSize;
  return checkRatio;
}

function buildBudgetsSchema() {
  const shape = Object.fromEntries(
    Object.entries(BUDGET_METRICS).map(([name, metric]) => [
      name,
      budgetLimitSchema(name, metric).optional(),
    ]),
  );
  return strictObject(shape, {
    key: 'metric',
    object: 'a mapping of metric names to limits',
  }).transform((budgets): BudgetMap => {
    const result: BudgetMap = {};
    for (const [name, limit] of Object.entries(budgets)) if (limit) result[name] = limit;
    return result;
  });
}

export const budgetsSchema = buildBudgetsSchema();

export const SLUG = /^[a-z0-9][a-z0-9._-]*$/;

/** A name used in metric keys: lower-case letters, digits, `.`, `_` and `-`. */
export const slugSchema = z.string({ error: 'expected a name like projects-list' }).regex(SLUG, {
  error: 'expected a name of lower-case letters, digits, ".", "_" and "-" (like projects-list)',
});

/** Duplicate `name`s in a list at `key` are errors at the later one. */
export function checkUniqueNames(
  items: readonly { name: string }[],
  key: string,
  noun: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const first = seen.get(item.name);
    if (first === undefined) {
      seen.set(item.name, index);
      return;
    }
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: [key, index, 'name'],
      message: `duplicate ${noun} name '${item.name}' (also used by ${key}[${first}])`,
    });
  });
}

export function ratioSchema(description: string) {
  return unitSchema(checkRatio, 'a percent like 10%, or a ratio between 0 and 1').describe(
    description,
  );
}
