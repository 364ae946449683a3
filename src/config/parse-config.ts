// Parses perf.yml text: YAML -> `${env:…}` interpolation -> zod validation -> PerfConfig. Every
// problem becomes one ConfigError line with `file:line:col` and the key path; values that came
// from the environment are never printed. Pure: no file system, the environment is a parameter.
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { z } from 'zod';
import { ConfigError, describeError } from '../errors.ts';
import { redact } from './redact.ts';
import { isHttpUrl, type PerfConfig, perfConfigSchema, TARGET_URL_FORM } from './schema.ts';
import { showValue } from './units.ts';

/** A loaded config and the secrets it contains. */
export interface LoadedConfig {
  config: PerfConfig;
  /**
   * Every value substituted from `${env:NAME}` (not `:-` defaults, which are in the file), so that
   * callers can `redact` them from logs, reports and results.
   */
  secrets: string[];
}

/** Where a config value came from, for the CLI's `--target` and similar overrides. */
export interface ConfigWhere {
  location?: string;
  key?: string;
}

/**
 * Validates a target URL (http or https only) and returns it as written. Throws a ConfigError
 * at `where` otherwise. Used for `target.url` semantics outside perf.yml, e.g. `--target`.
 */
export function parseTargetUrl(url: string, where: ConfigWhere = {}): string {
  if (!isHttpUrl(url)) {
    throw new ConfigError(`expected ${TARGET_URL_FORM}, got ${showValue(url)}`, where);
  }
  return url;
}

type Path = readonly (string | number)[];

/** Renders a key path the way a reader finds it: `load.scenarios[0].rate`. */
function formatPath(path: Path): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result === '' ? segment : `.${segment}`;
  }
  return result;
}

/** The parsed document with what the error messages need to point at lines. */
interface Source {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Scalars whose value came (partly) from the environment: never shown in messages. */
  tainted: Set<Node>;
  secrets: string[];
}

function locationOf(source: Pick<Source, 'file' | 'lines'>, offset: number | undefined): string {
  if (offset === undefined) return source.file;
  const { line, col } = source.lines.linePos(offset);
  return `${source.file}:${line}:${col}`;
}

function keyOf(node: unknown): string | undefined {
  if (isScalar(node)) return String(node.value);
  return undefined;
}

/**
 * Finds where `path` is written: the key of a mapping entry, the start of a list item. When part
 * of the path is not in the document (a missing key, a value from a `<<` merge), the deepest part
 * that is. `node` is the value at the full path, when it is there.
 */
function locate(
  source: Source,
  path: Path,
): { offset: number | undefined; node: Node | undefined } {
  let node: unknown = source.doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyOf(item.key) === String(segment));
      if (!pair) return { offset, node: undefined };
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      offset = (node as Node | undefined)?.range?.[0] ?? offset;
    } else {
      return { offset, node: undefined };
    }
  }
  if (isAlias(node)) node = node.resolve(source.doc);
  return { offset, node: (node ?? undefined) as Node | undefined };
}

function configError(source: Source, path: Path, message: string): ConfigError {
  const { offset } = locate(source, path);
  const key = formatPath(path);
  return new ConfigError(redact(message, source.secrets), {
    location: locationOf(source, offset),
    ...(key ? { key } : {}),
  });
}

// --- YAML -------------------------------------------------------------------------------------

function parseYaml(text: string, file: string): Source {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: true });
  const source: Source = { file, doc, lines, tainted: new Set(), secrets: [] };
  const [error] = doc.errors;
  if (error) {
    if (error.code === 'DUPLICATE_KEY') {
      const path = findKeyPath(source, error.pos[0]);
      const name = path?.at(-1);
      return throwAt(
        source,
        error.pos[0],
        name === undefined ? 'duplicate key' : `duplicate key '${name}' (keys must be unique)`,
        path,
      );
    }
    // The yaml library appends " at line L, column C:" and a code excerpt on further lines.
    const firstLine = error.message.split('\n')[0] ?? error.message;
    const message = firstLine.replace(/ at line \d+, column \d+:?$/, '');
    return throwAt(source, error.pos[0], `invalid YAML: ${message}`);
  }
  const contents = doc.contents;
  if (
    contents === null ||
    (isScalar(contents) && contents.value === null && contents.range[0] === contents.range[1])
  ) {
    throw new ConfigError('config is empty', { location: file });
  }
  if (!isMap(contents)) {
    const what = isSeq(contents) ? 'a list' : 'a single value';
    return throwAt(source, contents.range?.[0], `expected a mapping at the top level, got ${what}`);
  }
  return source;
}

function throwAt(source: Source, offset: number | undefined, message: string, path?: Path): never {
  const key = path ? formatPath(path) : '';
  throw new ConfigError(message, {
    location: locationOf(source, offset),
    ...(key ? { key } : {}),
  });
}

/** The key path of the mapping key that starts at `offset` (for duplicate-key errors). */
function findKeyPath(source: Source, offset: number): Path | undefined {
  const search = (node: unknown, path: Path): Path | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyOf(pair.key);
        if (key === undefined) continue;
        if ((pair.key as Node).range?.[0] === offset) return [...path, key];
        const found = search(pair.value, [...path, key]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        const found = search(item, [...path, index]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(source.doc.contents, []);
}

// --- ${env:…} ---------------------------------------------------------------------------------

const REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal syntax, shown to users.
const REFERENCE_HINT = 'write ${env:NAME} or ${env:NAME:-default}, or $${ for a literal ${';

type Interpolation =
  | { ok: true; value: string; secrets: string[] }
  | { ok: false; message: string };

/**
 * Substitutes `${env:NAME}` and `${env:NAME:-default}` (the default applies when NAME is unset
 * or empty, as in the shell) and turns `$${` into a literal `${`. Substituted text is not scanned
 * again, so an environment value can never inject a reference.
 */
export function interpolateEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): Interpolation {
  let value = '';
  const secrets: string[] = [];
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf('$', index);
    if (dollar < 0) break;
    value += text.slice(index, dollar);
    if (text.startsWith('$${', dollar)) {
      value += '${';
      index = dollar + 3;
      continue;
    }
    if (!text.startsWith('${', dollar)) {
      value += '$';
      index = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close < 0) return { ok: false, message: `unterminated '\${' (${REFERENCE_HINT})` };
    const reference = text.slice(dollar + 2, close);
    const match = REFERENCE.exec(reference);
    if (!match) {
      return { ok: false, message: `unsupported reference '\${${reference}}' (${REFERENCE_HINT})` };
    }
    const [, name = '', fallback] = match;
    const found = env[name];
    if (found !== undefined && !(found === '' && fallback !== undefined)) {
      value += found;
      if (found !== '') secrets.push(found);
    } else if (fallback !== undefined) {
      value += fallback;
    } else {
      return {
        ok: false,
        message: `environment variable ${name} is not set (write \${env:${name}:-default} to give a default)`,
      };
    }
    index = close + 1;
  }
  return { ok: true, value: value + text.slice(index), secrets };
}

/** Interpolates every string scalar value (not keys) of the document, in place. */
function interpolateDocument(source: Source, env: Readonly<Record<string, string | undefined>>) {
  const visit = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      for (const pair of node.items) visit(pair.value, [...path, keyOf(pair.key) ?? '?']);
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) visit(item, [...path, index]);
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const result = interpolateEnv(node.value, env);
      if (!result.ok) throw configError(source, path, result.message);
      node.value = result.value;
      if (result.secrets.length > 0) {
        source.tainted.add(node);
        for (const secret of result.secrets) {
          if (!source.secrets.includes(secret)) source.secrets.push(secret);
        }
      }
    }
  };
  visit(source.doc.contents, []);
}

// --- validation errors ------------------------------------------------------------------------

interface Problem {
  path: Path;
  message: string;
  offset: number;
  /** A cross-field rule: reported after the problems of single keys. */
  isRule: boolean;
}

type Issue = z.core.$ZodIssue;

/** Default messages for zod's own issues (schema-level messages take precedence). */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const names: Record<string, string> = {
        object: 'a mapping',
        record: 'a mapping',
        array: 'a list',
        string: 'a string',
        number: 'a number',
        int: 'an integer',
        boolean: 'true or false',
      };
      return `expected ${names[issue.expected] ?? issue.expected}`;
    }
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `expected at most ${issue.maximum} item(s)`;
      if (issue.origin === 'string') return `expected at most ${issue.maximum} characters`;
      return `expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => showValue(value)).join(', ')}`;
    default:
      return undefined;
  }
}

/**
 * Of a union's branches, the one the value was meant for: the only branch that did not fail on
 * the value's type at its root. Undefined when there is no such single branch.
 */
function intendedBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const plausible = branches.filter(
    (issues) =>
      !(
        issues.length === 1 &&
        issues[0]?.path.length === 0 &&
        (issues[0].code === 'invalid_type' || issues[0].code === 'invalid_union')
      ),
  );
  return plausible.length === 1 ? plausible[0] : undefined;
}

function shouldShowInput(issue: Issue): boolean {
  if (!issue.message.startsWith('expected ')) return false;
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_value':
    case 'invalid_union':
    case 'invalid_format':
    case 'custom':
      return true;
    case 'too_small':
    case 'too_big':
      return issue.origin === 'number' || issue.origin === 'int';
    default:
      return false;
  }
}

function toProblems(source: Source, issues: readonly Issue[], base: Path = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path: (string | number)[] = [
      ...base,
      ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    ];
    if (issue.code === 'invalid_union') {
      const branch = intendedBranch(issue.errors);
      if (branch) {
        problems.push(...toProblems(source, branch, path));
        continue;
      }
    }
    const input = (issue as { input?: unknown }).input;
    const isRule = issue.code === 'custom' && issue.params?.rule === true;
    const last = path.at(-1);
    if (issue.code === 'invalid_type' && input === undefined && typeof last === 'string') {
      const parent = path.slice(0, -1);
      problems.push({
        path: parent,
        message: `missing required key '${last}'`,
        offset: locate(source, parent).offset ?? 0,
        isRule,
      });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      const keyPath = [...path, issue.keys[0] ?? ''];
      problems.push({
        path: keyPath,
        message: issue.message,
        offset: locate(source, keyPath).offset ?? 0,
        isRule,
      });
      continue;
    }
    const { offset, node } = locate(source, path);
    let message = issue.message;
    if (shouldShowInput(issue)) {
      const isSecret = node !== undefined && source.tainted.has(node);
      message += isSecret ? ', got a value from the environment' : `, got ${showValue(input)}`;
    }
    problems.push({ path, message, offset: offset ?? 0, isRule });
  }
  return problems;
}

function validationError(source: Source, issues: readonly Issue[]): ConfigError {
  const problems = toProblems(source, issues).sort(
    (a, b) => Number(a.isRule) - Number(b.isRule) || a.offset - b.offset,
  );
  const [first] = problems;
  if (!first) return new ConfigError('invalid config', { location: source.file });
  const more = problems.length - 1;
  const suffix = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
  return configError(source, first.path, first.message + suffix);
}

// --- entry points -----------------------------------------------------------------------------

/**
 * Parses and validates the text of a perf.yml. Pure: the environment is a parameter and nothing
 * is read from disk. `file` is only used in error locations. Throws ConfigError.
 */
export function parseConfig(
  text: string,
  options: { file: string; env: Readonly<Record<string, string | undefined>> },
): LoadedConfig {
  const source = parseYaml(text, options.file);
  interpolateDocument(source, options.env);
  let data: unknown;
  try {
    // toJS throws when aliases expand too much (the yaml library's "billion laughs" guard).
    data = source.doc.toJS();
  } catch (error) {
    throw new ConfigError(`invalid YAML: ${describeError(error)}`, { location: options.file });
  }
  const result = perfConfigSchema.safeParse(data, { reportInput: true, error: describeIssue });
  if (!result.success) throw validationError(source, result.error.issues);
  return { config: result.data, secrets: [...source.secrets] };
}
