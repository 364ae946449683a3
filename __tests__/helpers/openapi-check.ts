// Checks REST traffic of a stand-in against GitHub's published OpenAPI description
// (@octokit/openapi): the request must be a real path + method whose parameters and JSON body fit
// the documented schemas, and the JSON answer must fit the documented response of its status.
// A small validator for the subset of JSON Schema (OpenAPI 3.0) the description uses: type,
// nullable, required, properties, additionalProperties, items, enum, oneOf/anyOf/allOf, the
// numeric and length bounds, and the date-time format.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A schema of the description (OpenAPI 3.0 flavour of JSON Schema). */
export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

/** A documented parameter (path, query or header). */
export interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface MediaTypes {
  content?: Record<string, { schema?: Schema }>;
}

/** One method of one documented path. */
export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: MediaTypes & { $ref?: string; required?: boolean };
  responses?: Record<string, MediaTypes & { $ref?: string }>;
}

/** The parts of the description these checks read. */
export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    parameters?: Record<string, Parameter>;
    responses?: Record<string, MediaTypes>;
  };
}

let cached: OpenApi | undefined;

/** api.github.com's description, from @octokit/openapi (13 MB; read once per process). */
export function loadGitHubOpenApi(): OpenApi {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('@octokit/openapi/package.json'));
    cached = JSON.parse(
      readFileSync(join(root, 'generated', 'api.github.com.json'), 'utf8'),
    ) as OpenApi;
  }
  return cached;
}

interface Matcher {
  template: string;
  pattern: RegExp;
  names: string[];
  /** Characters outside `{…}`: a literal segment beats a parameter (`/issues/comments/{id}`). */
  literalLength: number;
  operations: Record<string, Operation>;
}

const indexes = new WeakMap<OpenApi, Map<number, Matcher[]>>();

// Matchers grouped by segment count, so a lookup tries a few dozen templates instead of 800.
function indexOf(spec: OpenApi): Map<number, Matcher[]> {
  let index = indexes.get(spec);
  if (index) return index;
  index = new Map();
  for (const [template, operations] of Object.entries(spec.paths)) {
    const names: string[] = [];
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => {
        if (part.startsWith('{') && part.endsWith('}')) {
          names.push(part.slice(1, -1));
          return '([^/]+?)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    const matcher: Matcher = {
      template,
      pattern: new RegExp(`^${source}$`),
      names,
      literalLength: template.replace(/\{[^}]+\}/g, '').length,
      operations,
    };
    const segments = template.split('/').length;
    const group = index.get(segments) ?? [];
    group.push(matcher);
    index.set(segments, group);
  }
  for (const group of index.values()) group.sort((a, b) => b.literalLength - a.literalLength);
  indexes.set(spec, index);
  return index;
}

/** The documented operation a concrete method + path (no query string) hits, with its path parameters. */
export function matchOperation(
  spec: OpenApi,
  method: string,
  path: string,
): { template: string; operation: Operation; pathParams: Record<string, string> } | undefined {
  const candidates = indexOf(spec).get(path.split('/').length) ?? [];
  for (const matcher of candidates) {
    const operation = matcher.operations[method.toLowerCase()];
    if (!operation) continue;
    const found = matcher.pattern.exec(path);
    if (!found) continue;
    const pathParams: Record<string, string> = {};
    matcher.names.forEach((name, position) => {
      pathParams[name] = decodeURIComponent(found[position + 1] ?? '');
    });
    return { template: matcher.template, operation, pathParams };
  }
  return undefined;
}

/** The documented path template (`/repos/{owner}/{repo}/…`) a concrete path matches, if any. */
export function findOperation(
  spec: OpenApi,
  method: string,
  path: string,
): { template: string; operation: Operation } | undefined {
  const found = matchOperation(spec, method, path);
  return found && { template: found.template, operation: found.operation };
}

/** What arrived: path parameters as matched, the query string, and the body text. */
export interface RequestParts {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  /** `Content-Type` header, if any. */
  contentType?: string;
  /** Raw body text; empty when none was sent. */
  body: string;
}

/** Where a request problem lies: GitHub answers path problems 404, JSON syntax 400, the rest 422. */
export type RequestProblemKind = 'path' | 'query' | 'json' | 'body';

/** One way a request does not fit its documented operation. */
export interface RequestProblem {
  kind: RequestProblemKind;
  message: string;
}

/** Problems of a request against its operation's parameters and request body (empty when it fits). */
export function checkRequest(
  spec: OpenApi,
  operation: Operation,
  request: RequestParts,
): { problems: RequestProblem[]; json?: unknown } {
  const problems: RequestProblem[] = [];
  const parameters = (operation.parameters ?? []).map((parameter) =>
    resolveParameter(spec, parameter),
  );
  for (const parameter of parameters.filter((p) => p.in === 'path')) {
    const value = request.pathParams[parameter.name];
    if (value === undefined || value === '') {
      problems.push({ kind: 'path', message: `path parameter ${parameter.name} is missing` });
    } else if (parameter.schema) {
      for (const problem of checkParameterText(spec, parameter.schema, value)) {
        problems.push({ kind: 'path', message: `path parameter ${parameter.name} ${problem}` });
      }
    }
  }
  const documented = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of new Set(request.query.keys())) {
    if (!documented.has(name)) {
      problems.push({ kind: 'query', message: `query parameter ${name} is not documented` });
    }
  }
  for (const parameter of parameters.filter((p) => p.in === 'query')) {
    const values = request.query.getAll(parameter.name);
    if (values.length === 0) {
      if (parameter.required) {
        problems.push({ kind: 'query', message: `query parameter ${parameter.name} is required` });
      }
      continue;
    }
    const schema = parameter.schema && resolve(spec, parameter.schema);
    if (!schema || schema.type === 'array') continue;
    if (values.length > 1) {
      problems.push({ kind: 'query', message: `query parameter ${parameter.name} is repeated` });
    }
    for (const problem of checkParameterText(spec, schema, values[0] as string)) {
      problems.push({ kind: 'query', message: `query parameter ${parameter.name} ${problem}` });
    }
  }
  const body = operation.requestBody;
  const jsonSchema = body?.content?.['application/json']?.schema;
  if (request.body === '') {
    if (body?.required) problems.push({ kind: 'body', message: 'the request body is required' });
    return { problems };
  }
  if (!jsonSchema) {
    if (!body) problems.push({ kind: 'body', message: 'this operation takes no request body' });
    return { problems };
  }
  const mediaType = (request.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    problems.push({
      kind: 'body',
      message: `Content-Type should be application/json, not ${mediaType || 'missing'}`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    problems.push({ kind: 'json', message: 'the request body is not JSON' });
    return { problems };
  }
  const found: string[] = [];
  checkValue(spec, jsonSchema, json, '$', found);
  for (const message of found) problems.push({ kind: 'body', message });
  return { problems, json };
}

/** Problems of `value` against the documented response of that status (empty when it fits). */
export function checkResponse(
  spec: OpenApi,
  operation: Operation,
  status: number,
  value: unknown,
): string[] {
  const documented = operation.responses?.[String(status)];
  if (!documented) return [`status ${status} is not documented`];
  const response = documented.$ref
    ? spec.components.responses?.[documented.$ref.replace('#/components/responses/', '')]
    : documented;
  if (!response) throw new Error(`unresolved $ref ${documented.$ref}`);
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return value === undefined ? [] : [`status ${status} documents no JSON body`];
  const problems: string[] = [];
  checkValue(spec, schema, value, '$', problems);
  return problems;
}

function resolveParameter(spec: OpenApi, parameter: Parameter): Parameter {
  if (!parameter.$ref) return parameter;
  const found =
    spec.components.parameters?.[parameter.$ref.replace('#/components/parameters/', '')];
  if (!found) throw new Error(`unresolved $ref ${parameter.$ref}`);
  return found;
}

// Parameters arrive as text: convert by the documented type, then check like a JSON value.
function checkParameterText(spec: OpenApi, raw: Schema, text: string): string[] {
  const schema = resolve(spec, raw);
  let value: unknown = text;
  if (schema.type === 'integer' || schema.type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(text))
      return [`should be ${schema.type === 'integer' ? 'an integer' : 'a number'}, not '${text}'`];
    value = Number(text);
  } else if (schema.type === 'boolean') {
    if (text !== 'true' && text !== 'false') return [`should be true or false, not '${text}'`];
    value = text === 'true';
  }
  const problems: string[] = [];
  checkValue(spec, schema, value, 'value', problems);
  return problems.map((problem) => problem.replace(/^value ?/, ''));
}

function resolve(spec: OpenApi, schema: Schema): Schema {
  let current = schema;
  while (current.$ref) {
    const name = current.$ref.replace('#/components/schemas/', '');
    const next = spec.components.schemas[name];
    if (!next) throw new Error(`unresolved $ref ${current.$ref}`);
    current = next;
  }
  return current;
}

// RFC 3339 date-time, as GitHub writes and reads it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function checkValue(
  spec: OpenApi,
  raw: Schema,
  value: unknown,
  at: string,
  problems: string[],
): void {
  const schema = resolve(spec, raw);
  if (value === null) {
    if (!schema.nullable) problems.push(`${at} is null but not nullable`);
    return;
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const fits = alternatives.some((option) => {
      const attempt: string[] = [];
      checkValue(spec, option, value, at, attempt);
      return attempt.length === 0;
    });
    if (!fits) problems.push(`${at} matches none of the documented alternatives`);
    return;
  }
  for (const part of schema.allOf ?? []) checkValue(spec, part, value, at, problems);
  if (schema.enum && !schema.enum.includes(value)) {
    problems.push(`${at} should be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`${at} should be an object`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) {
        if (!(key in record)) problems.push(`${at}.${key} is required`);
      }
      const extra = schema.additionalProperties;
      for (const [key, item] of Object.entries(record)) {
        const property = schema.properties?.[key];
        if (property) checkValue(spec, property, item, `${at}.${key}`, problems);
        else if (extra === false) problems.push(`${at}.${key} is not a documented property`);
        else if (typeof extra === 'object') checkValue(spec, extra, item, `${at}.${key}`, problems);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) {
        problems.push(`${at} should be an array`);
        return;
      }
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        problems.push(`${at} should have at least ${schema.minItems} items`);
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        problems.push(`${at} should have at most ${schema.maxItems} items`);
      }
      value.forEach((item, index) => {
        if (schema.items) checkValue(spec, schema.items, item, `${at}[${index}]`, problems);
      });
      return;
    case 'integer':
    case 'number':
      if (schema.type === 'integer' ? !Number.isInteger(value) : typeof value !== 'number') {
        problems.push(`${at} should be ${schema.type === 'integer' ? 'an integer' : 'a number'}`);
        return;
      }
      if (schema.minimum !== undefined && (value as number) < schema.minimum) {
        problems.push(`${at} should be at least ${schema.minimum}`);
      }
      if (schema.maximum !== undefined && (value as number) > schema.maximum) {
        problems.push(`${at} should be at most ${schema.maximum}`);
      }
      return;
    case 'string':
      if (typeof value !== 'string') {
        problems.push(`${at} should be a string`);
        return;
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        problems.push(`${at} should have at least ${schema.minLength} characters`);
      }
      if (schema.maxLength !== undefined && value.length > schema.maxLength) {
        problems.push(`${at} should have at most ${schema.maxLength} characters`);
      }
      if (schema.format === 'date-time' && !DATE_TIME.test(value)) {
        problems.push(`${at} should be a date-time`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at} should be a boolean`);
      return;
    default:
      return;
  }
}
