// Parses perf.yml text: YAML -> `${env:…}` interpolation -> zod validation -> PerfConfig. Every
// problem becomes one line with `file:line:col` and the key path (a ConfigError holds up to
// MAX_SHOWN_PROBLEMS of them); values that came from the environment are never printed. Pure: no
// file system, the environment is a parameter.
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  visit,
} from 'yaml';
import type { z } from 'zod';
import { ConfigError, describeError } from '../errors.ts';
import { FILE_LIMITS } from './bounds.ts';
import { redact } from './redact.ts';
import {
  type ComposedConfigSchema,
  hasUrlCredentials,
  isHttpUrl,
  type ParsedConfig,
  TARGET_URL_FORM,
  URL_CREDENTIALS_PROBLEM,
} from './schema.ts';
import { describeUnknownKeys, KNOWN_KEYS_OF } from './schema-parts.ts';
import { suggestClosest } from './suggest.ts';
import { showValue } from './units.ts';

/** A loaded config and the secrets it contains. */
export interface LoadedConfig<Config = ParsedConfig> {
  config: Config;
  /**
   * Every value substituted from `${env:NAME}` (not `:-` defaults, which are in the file), so that
   * callers can `redact` them from logs, reports and results; except values that became numbers
   * or booleans (`connections: ${env:N}`): settings, shown in the report, and hiding every `4` in
   * it would garble it.
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
  if (hasUrlCredentials(url)) throw new ConfigError(URL_CREDENTIALS_PROBLEM, where);
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
  /**
   * Scalars whose value came (partly) from the environment, with the variables' names: their
   * values are never shown in messages, the names are.
   */
  tainted: Map<Node, string[]>;
  /** Scalars that held a `${env:…}` reference (their text may stand for a number or a boolean). */
  interpolated: Set<Node>;
  /** The environment values in each tainted scalar. */
  secretsOf: Map<Node, string[]>;
  /** Scalars whose text was read as a number or a boolean. */
  coerced: Set<Node>;
  /** Every environment value substituted: hidden from every message. */
  secrets: string[];
  /** The document as plain data, once converted (what the schema validates). */
  data?: unknown;
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

/** One problem of a config, as one line: where, which key, what. */
interface Problem {
  path: Path;
  message: string;
  offset: number;
  /** A cross-field rule: reported after the problems of single keys. */
  isRule: boolean;
  /** An unknown key: reported first, since its suggestion explains the problems it causes. */
  isUnknownKey?: boolean;
  /** For an unknown key: the known key it was probably meant to be. */
  suggestion?: string;
  /** For a missing key: its name (dropped when an unknown key beside it suggests it). */
  missingKey?: string;
}

/** Problems shown in full; beyond them a last line says how many more there are. */
export const MAX_SHOWN_PROBLEMS = 5;

function problemLine(
  source: Source,
  problem: Problem,
): { location: string; key?: string; message: string } {
  const key = formatPath(problem.path);
  return {
    location: locationOf(source, problem.offset),
    ...(key ? { key } : {}),
    message: redact(problem.message, source.secrets),
  };
}

/**
 * One ConfigError for all `problems`: the first names its location and key, each further one is
 * a line of its own (`  file:line:col 'key': message`), up to MAX_SHOWN_PROBLEMS, then "and N more".
 */
function problemsError(source: Source, problems: readonly Problem[]): ConfigError {
  const [first, ...rest] = problems;
  if (!first) return new ConfigError('invalid config', { location: source.file });
  const shown = rest.slice(0, MAX_SHOWN_PROBLEMS - 1).map((problem) => {
    const line = problemLine(source, problem);
    return `\n  ${line.location}${line.key ? ` '${line.key}'` : ''}: ${line.message}`;
  });
  const hidden = rest.length - shown.length;
  const more = hidden > 0 ? `\n  and ${hidden} more problem${hidden === 1 ? '' : 's'}` : '';
  const line = problemLine(source, first);
  return new ConfigError(line.message + shown.join('') + more, {
    location: line.location,
    ...(line.key ? { key: line.key } : {}),
  });
}

// --- YAML -------------------------------------------------------------------------------------

type CstToken = CST.Token;

/** The collections directly inside a CST token (keys and values of their items). */
function childrenOf(token: CstToken): CstToken[] {
  if (token.type === 'document') return token.value ? [token.value] : [];
  if (
    token.type === 'block-map' ||
    token.type === 'block-seq' ||
    token.type === 'flow-collection'
  ) {
    const children: CstToken[] = [];
    for (const item of token.items) {
      const { key, value } = item as { key?: CstToken | null; value?: CstToken };
      if (key) children.push(key);
      if (value) children.push(value);
    }
    return children;
  }
  return [];
}

/**
 * The offset of the first collection in `tokens` nested deeper than `maxDepth`, or undefined.
 * Walks the parser's syntax tree with an explicit stack: the yaml library composes documents
 * recursively and runs out of stack (`Maximum call stack size exceeded`) a few hundred levels down.
 */
function findTooDeep(tokens: readonly CstToken[], maxDepth: number): number | undefined {
  const stack: [CstToken, number][] = tokens.map((token) => [token, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [CstToken, number];
    const isCollection =
      token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
    const level = isCollection ? depth + 1 : depth;
    if (level > maxDepth) return token.offset;
    for (const child of childrenOf(token)) stack.push([child, level]);
  }
  return undefined;
}

/**
 * A hint for the commonest cause of a YAML error on a line: `{ connections: ${env:N} }` opens a
 * flow mapping at `${`, since a plain value inside { } or [ ] cannot hold a brace.
 */
function hintAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  const line = text.slice(start, end < 0 ? undefined : end);
  return /[{[].*[^"'$]\$\{env:/.test(line)
    ? // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal syntax, shown to users.
      ' (inside { } or [ ], put a value with ${env:…} in quotes: "${env:NAME}")'
    : '';
}

/** The yaml library's messages that name its own API are replaced by what they mean here. */
const YAML_MESSAGES: Readonly<Record<string, string>> = {
  MULTIPLE_DOCS: 'expected one YAML document, found several (--- starts another document)',
};

function parseYaml(text: string, file: string): Source {
  const lines = new LineCounter();
  // Parsed once into the syntax tree, checked for depth, then composed (what parseDocument does).
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const tooDeep = findTooDeep(tokens, FILE_LIMITS.yamlDepth);
  if (tooDeep !== undefined) {
    throw new ConfigError(
      `invalid YAML: mappings and lists nested more than ${FILE_LIMITS.yamlDepth} levels deep`,
      { location: locationOf({ file, lines }, tooDeep) },
    );
  }
  // logLevel 'error': the library's warnings (unresolved tags) are ours to report, as one line.
  const composer = new Composer({ merge: true, logLevel: 'error' });
  const [doc, another] = composer.compose(tokens, true, text.length);
  if (!doc) throw new ConfigError('config is empty', { location: file });
  if (another) {
    throw new ConfigError(`invalid YAML: ${YAML_MESSAGES.MULTIPLE_DOCS}`, {
      location: locationOf({ file, lines }, another.range[0]),
    });
  }
  const source: Source = {
    file,
    doc,
    lines,
    tainted: new Map(),
    interpolated: new Set(),
    secretsOf: new Map(),
    coerced: new Set(),
    secrets: [],
  };
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
    const message = YAML_MESSAGES[error.code] ?? error.message.split('\n')[0] ?? error.message;
    return throwAt(source, error.pos[0], `invalid YAML: ${message}${hintAt(text, error.pos[0])}`);
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
  rejectCollectionKeys(source);
  rejectTags(source);
  return source;
}

/** A mapping key that is itself a list or a mapping (`? [a, b]`) names no setting. */
function rejectCollectionKeys(source: Source): void {
  visit(source.doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (key === null || isScalar(key)) return undefined;
      const what = isSeq(key) ? 'a list' : isMap(key) ? 'a mapping' : 'an alias';
      throwAt(source, key.range?.[0], `expected a plain key, got ${what} as a key`);
    },
  });
}

/**
 * Explicit tags (`!!binary`, `!!timestamp`, `!custom`) are refused: perf.yml holds plain strings,
 * numbers, booleans, lists and mappings, and a tag would hand the schema a value of another kind.
 */
function rejectTags(source: Source): void {
  let found: Node | undefined;
  visit(source.doc, {
    Node(_, node) {
      if (node.tag === undefined) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  if (!found) return;
  const tag = found.tag?.replace(/^tag:yaml\.org,2002:/, '!!') ?? '';
  const path = findValuePath(source, found);
  throwAt(
    source,
    path ? locate(source, path).offset : found.range?.[0],
    `YAML tags like ${tag} are not supported: write a plain value (quote it to make it a string)`,
    path,
  );
}

function throwAt(source: Source, offset: number | undefined, message: string, path?: Path): never {
  const key = path ? formatPath(path) : '';
  throw new ConfigError(message, {
    location: locationOf(source, offset),
    ...(key ? { key } : {}),
  });
}

/** Walks every mapping entry and list item of the document with its key path. */
function walkPaths(
  source: Source,
  onNode: (node: unknown, path: Path, keyNode?: unknown) => boolean | undefined,
): void {
  const search = (node: unknown, path: Path): boolean => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyOf(pair.key);
        if (key === undefined) continue;
        const keyPath = [...path, key];
        if (onNode(pair.value, keyPath, pair.key) || search(pair.value, keyPath)) return true;
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        const itemPath = [...path, index];
        if (onNode(item, itemPath) || search(item, itemPath)) return true;
      }
    }
    return false;
  };
  search(source.doc.contents, []);
}

/** The key path of the mapping key that starts at `offset` (for duplicate-key errors). */
function findKeyPath(source: Source, offset: number): Path | undefined {
  let found: Path | undefined;
  walkPaths(source, (_, path, keyNode) => {
    if ((keyNode as Node | undefined)?.range?.[0] !== offset) return false;
    found = path;
    return true;
  });
  return found;
}

/** The key path of `target`, a value somewhere in the document. */
function findValuePath(source: Source, target: Node): Path | undefined {
  let found: Path | undefined;
  walkPaths(source, (node, path) => {
    if (node !== target) return false;
    found = path;
    return true;
  });
  return found;
}

// --- ${env:…} ---------------------------------------------------------------------------------

const REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal syntax, shown to users.
const REFERENCE_HINT = 'write ${env:NAME} or ${env:NAME:-default}, or $${ for a literal ${';

type Interpolation =
  | { ok: true; value: string; secrets: string[]; names: string[]; references: number }
  | { ok: false; message: string };

/**
 * Substitutes `${env:NAME}` and `${env:NAME:-default}` (the default applies when NAME is unset
 * or empty, as in the shell) and turns `$${` into a literal `${`. Substituted text is not scanned
 * again, so an environment value can never inject a reference. `names` are the variables whose
 * values were used, `secrets` those values (the non-empty ones), `references` how many
 * `${env:…}` there were.
 */
export function interpolateEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): Interpolation {
  let value = '';
  const secrets: string[] = [];
  const names: string[] = [];
  let references = 0;
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
    references += 1;
    const found = env[name];
    if (found !== undefined && !(found === '' && fallback !== undefined)) {
      value += found;
      if (!names.includes(name)) names.push(name);
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
  return { ok: true, value: value + text.slice(index), secrets, names, references };
}

/**
 * Interpolates every string scalar value (not keys) of the document, in place. Every reference
 * that cannot be resolved is a problem (all of them are reported together).
 */
function interpolateDocument(source: Source, env: Readonly<Record<string, string | undefined>>) {
  const problems: Problem[] = [];
  walkPaths(source, (node, path) => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('$')) {
      return false;
    }
    const result = interpolateEnv(node.value, env);
    if (!result.ok) {
      const offset = locate(source, path).offset ?? 0;
      problems.push({ path, message: result.message, offset, isRule: false });
      return false;
    }
    if (result.references > 0) source.interpolated.add(node);
    node.value = result.value;
    if (result.names.length > 0) source.tainted.set(node, result.names);
    if (result.secrets.length > 0) source.secretsOf.set(node, result.secrets);
    for (const secret of result.secrets) {
      if (!source.secrets.includes(secret)) source.secrets.push(secret);
    }
    return false;
  });
  if (problems.length > 0) throw problemsError(source, problems);
}

// --- values from the environment where a number or a boolean is expected ---------------------

type Issue = z.core.$ZodIssue;

/** An issue with its full path (union branches' issues have paths relative to the union). */
interface LocatedIssue {
  issue: Issue;
  path: Path;
}

function toPath(base: Path, issue: Issue): Path {
  return [
    ...base,
    ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
  ];
}

/** Every issue, union branches included, with full paths. */
function leafIssues(issues: readonly Issue[], base: Path = []): LocatedIssue[] {
  const leaves: LocatedIssue[] = [];
  for (const issue of issues) {
    const path = toPath(base, issue);
    if (issue.code === 'invalid_union') {
      for (const branch of issue.errors) leaves.push(...leafIssues(branch, path));
    } else {
      leaves.push({ issue, path });
    }
  }
  return leaves;
}

/** Whether the schema wanted a number (or a value with a unit, which may be a number) or a boolean. */
function wantedKind(issue: Issue): 'number' | 'boolean' | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.expected === 'number' || issue.expected === 'int') return 'number';
    if (issue.expected === 'boolean') return 'boolean';
  }
  if (issue.code === 'custom' && issue.params?.acceptsNumber === true) return 'number';
  return undefined;
}

// YAML 1.2's decimal numbers (no hex, octal, infinities or NaN: not plausible settings).
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const BOOLEAN: Readonly<Record<string, boolean>> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};

/** An environment value read as the kind the schema wanted, or undefined when it is not one. */
function coerce(text: string, kind: 'number' | 'boolean'): number | boolean | undefined {
  const trimmed = text.trim();
  if (kind === 'boolean') return BOOLEAN[trimmed];
  if (!DECIMAL.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

function getAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function setAt(data: unknown, path: Path, value: unknown): void {
  const parent = getAt(data, path.slice(0, -1));
  const last = path.at(-1);
  if (parent !== null && typeof parent === 'object' && last !== undefined) {
    (parent as Record<string | number, unknown>)[last] = value;
  }
}

/**
 * Environment values are text; where the schema wanted a number or a boolean and the text reads
 * as one (`4242`, `0.5`, `true`), it takes the place of the text in `data`. Returns whether any
 * value changed. Only interpolated values are coerced (`${env:N:-4}` too): in the file, `"12"`
 * written in quotes stays a string, as YAML says.
 */
function coerceEnvValues(source: Source, data: unknown, issues: readonly Issue[]): boolean {
  let changed = false;
  for (const { issue, path } of leafIssues(issues)) {
    const kind = wantedKind(issue);
    if (!kind) continue;
    const { node } = locate(source, path);
    if (!node || !source.interpolated.has(node)) continue;
    const text = getAt(data, path);
    if (typeof text !== 'string') continue;
    const value = coerce(text, kind);
    if (value === undefined) continue;
    setAt(data, path, value);
    source.coerced.add(node);
    changed = true;
  }
  return changed;
}

// --- validation errors ------------------------------------------------------------------------

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

function describeVariables(names: readonly string[]): string {
  return names.length === 1
    ? `environment variable ${names[0]}`
    : `environment variables ${names.join(', ')}`;
}

/**
 * What to say about the value of `node` after "expected …": the value itself, or, when it came
 * from the environment, only the variables' names (the value may be a secret).
 */
function describeInput(
  source: Source,
  issue: Issue,
  node: Node | undefined,
  input: unknown,
): string {
  const names = node === undefined ? undefined : source.tainted.get(node);
  if (!names) return `, got ${showValue(input)}`;
  const kind = issue.code === 'invalid_type' ? wantedKind(issue) : undefined;
  if (kind && typeof input === 'string') {
    const what = kind === 'number' ? 'a number' : 'true or false';
    return `, but the value of ${describeVariables(names)} is not ${what} (the value is not shown)`;
  }
  return `, got the value of ${describeVariables(names)} (not shown)`;
}

function toProblems(source: Source, issues: readonly Issue[], base: Path = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = toPath(base, issue);
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
    if (input === undefined && typeof last === 'string' && isMissing(source, path)) {
      const parent = path.slice(0, -1);
      problems.push({
        path: parent,
        message: `missing required key '${last}'`,
        offset: locate(source, parent).offset ?? 0,
        isRule,
        missingKey: last,
      });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, each at its own line, with its own suggestion.
      const value = (issue as { input?: unknown }).input;
      const { known, noun } = (value !== null && typeof value === 'object'
        ? KNOWN_KEYS_OF.get(value)
        : undefined) ?? { known: [], noun: 'key' };
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const suggestion = suggestClosest(key, known);
        problems.push({
          path: keyPath,
          message: describeUnknownKeys([key], known, noun),
          offset: locate(source, keyPath).offset ?? 0,
          isRule,
          isUnknownKey: true,
          ...(suggestion ? { suggestion } : {}),
        });
      }
      continue;
    }
    const { offset, node } = locate(source, path);
    let message = issue.message;
    if (shouldShowInput(issue)) message += describeInput(source, issue, node, input);
    problems.push({ path, message, offset: offset ?? 0, isRule });
  }
  return problems;
}

/** Whether the key at `path` is absent from its mapping in the parsed data. */
function isMissing(source: Source, path: Path): boolean {
  const parent = getAt(source.data, path.slice(0, -1));
  const key = path.at(-1);
  return (
    parent !== null &&
    typeof parent === 'object' &&
    !Array.isArray(parent) &&
    key !== undefined &&
    !Object.hasOwn(parent, key)
  );
}

const samePath = (a: Path, b: Path) =>
  a.length === b.length && a.every((segment, index) => segment === b[index]);

/**
 * The problems in the order a reader fixes them: unknown keys first, then single keys, then
 * cross-field rules, each in the order they are written. What a likely typo explains is left out:
 * a misspelt `sed` is the news, not the missing `seed`, nor a rule of that mapping it breaks.
 */
function orderProblems(problems: readonly Problem[]): Problem[] {
  const suggested = problems.filter((p) => p.isUnknownKey && p.suggestion !== undefined);
  const isExplainedByTypo = (problem: Problem) =>
    suggested.some((unknown) => {
      const mapping = unknown.path.slice(0, -1);
      // The missing key it was meant to be; a rule on that mapping, broken by the typo.
      if (problem.missingKey !== undefined) {
        return unknown.suggestion === problem.missingKey && samePath(mapping, problem.path);
      }
      return problem.isRule && samePath(problem.path.slice(0, mapping.length), mapping);
    });
  const kept = problems.filter((problem) => !isExplainedByTypo(problem));
  const rank = (p: Problem) => (p.isUnknownKey ? 0 : p.isRule ? 2 : 1);
  const unique = kept.filter(
    (problem, index) =>
      kept.findIndex((o) => o.message === problem.message && samePath(o.path, problem.path)) ===
      index,
  );
  return unique.sort((a, b) => rank(a) - rank(b) || a.offset - b.offset);
}

function validationError(source: Source, issues: readonly Issue[]): ConfigError {
  return problemsError(source, orderProblems(toProblems(source, issues)));
}

// --- entry points -----------------------------------------------------------------------------

/** Rounds of coercion: each can let rules run that were skipped, which may want more. */
const MAX_COERCION_ROUNDS = 5;

/**
 * Parses and validates the text of a perf.yml. Pure: the environment is a parameter and nothing
 * is read from disk. `file` is only used in error locations. Throws ConfigError.
 */
export function parseConfig(
  text: string,
  options: {
    file: string;
    env: Readonly<Record<string, string | undefined>>;
    /** The perf.yml schema composed for the registered suites (see `composeConfigSchema`). */
    schema: ComposedConfigSchema;
  },
): LoadedConfig {
  const source = parseYaml(text, options.file);
  interpolateDocument(source, options.env);
  let data: unknown;
  try {
    // toJS throws when aliases expand too much (the yaml library's "billion laughs" guard).
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (error) {
    throw aliasError(source, error);
  }
  source.data = data;
  const parse = () => options.schema.safeParse(data, { reportInput: true, error: describeIssue });
  let result = parse();
  for (let round = 0; !result.success && round < MAX_COERCION_ROUNDS; round++) {
    if (!coerceEnvValues(source, data, result.error.issues)) break;
    result = parse();
  }
  if (!result.success) throw validationError(source, result.error.issues);
  const secrets = new Set<string>();
  for (const [node, values] of source.secretsOf) {
    if (!source.coerced.has(node)) for (const value of values) secrets.add(value);
  }
  return { config: result.data, secrets: source.secrets.filter((secret) => secrets.has(secret)) };
}

/** How many nodes one alias may expand to (the yaml library's guard against "billion laughs"). */
const MAX_ALIAS_EXPANSION = 100;

function aliasError(source: Source, error: unknown): ConfigError {
  const aliases: Node[] = [];
  visit(source.doc, {
    Alias(_, node) {
      aliases.push(node);
    },
  });
  // An alias whose anchor is not written before it, or one that expands too far.
  const unresolved = aliases.find((alias) => isAlias(alias) && !alias.resolve(source.doc));
  if (unresolved && isAlias(unresolved)) {
    const name = unresolved.source;
    return new ConfigError(`invalid YAML: the alias *${name} has no anchor &${name} before it`, {
      location: locationOf(source, unresolved.range?.[0]),
    });
  }
  const isExpansion = /excessive alias count/i.test(describeError(error));
  const message = isExpansion
    ? `invalid YAML: aliases expand to too many values (more than ${MAX_ALIAS_EXPANSION} per alias): write the values out`
    : `invalid YAML: ${describeError(error)}`;
  return new ConfigError(message, { location: locationOf(source, aliases[0]?.range?.[0]) });
}
