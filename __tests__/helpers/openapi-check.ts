// Checks REST traffic of a stand-in against GitHub's published OpenAPI description
// (@octokit/openapi): the request must be a real path + method, and the JSON answer must have the
// required fields of the documented response, with the documented primitive types.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Schema = {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let cached: OpenApi | undefined;

/** api.github.com's description, from @octokit/openapi (13 MB; read once). */
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

/** The documented path template (`/repos/{owner}/{repo}/…`) a concrete path matches, if any. */
export function findOperation(
  spec: OpenApi,
  method: string,
  path: string,
): { template: string; operation: Operation } | undefined {
  for (const [template, operations] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = operations[method.toLowerCase()];
    if (operation && pattern.test(path)) return { template, operation };
  }
  return undefined;
}

/** Problems of `value` against the documented response of that status (empty when it fits). */
export function checkResponse(
  spec: OpenApi,
  operation: Operation,
  status: number,
  value: unknown,
): string[] {
  const response = operation.responses?.[String(status)];
  if (!response) return [`status ${status} is not documented`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return value === undefined ? [] : [`status ${status} documents no JSON body`];
  const problems: string[] = [];
  checkValue(spec, schema, value, '$', problems);
  return problems;
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
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (key in record) checkValue(spec, property, record[key], `${at}.${key}`, problems);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) {
        problems.push(`${at} should be an array`);
        return;
      }
      value.forEach((item, index) => {
        if (schema.items) checkValue(spec, schema.items, item, `${at}[${index}]`, problems);
      });
      return;
    case 'integer':
      if (!Number.isInteger(value)) problems.push(`${at} should be an integer`);
      return;
    case 'number':
      if (typeof value !== 'number') problems.push(`${at} should be a number`);
      return;
    case 'string':
      if (typeof value !== 'string') problems.push(`${at} should be a string`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at} should be a boolean`);
      return;
    default:
      return;
  }
}
