// A small JSON path: enough to find a token in a login response. Pure: no I/O.
//
// Grammar: an optional `$`, then keys separated by dots, array indexes either as a dotted number
// (`items.0.token`) or in brackets (`$.items[0].token`). Quoted brackets (`$['a']`), wildcards and
// filters are deliberately not supported: a login token sits at one fixed place.

/** Where a lookup ended: the value at the path, or the deepest value reached before it broke. */
export interface JsonPathLookup {
  /** true when every segment of the path was present */
  found: boolean;
  /** the value at the path when found, otherwise the deepest value reached */
  value: unknown;
  /** the segments that matched, in order (all of them when found) */
  reached: string[];
}

const arrayIndex = /^(0|[1-9]\d*)$/;

/**
 * Split a JSON path (`data.token`, `items.0.token`, `$.a.b`, `$.items[0].t`, `$`) into its
 * segments. Throws an `Error` naming the path and the problem when the path is malformed, so that
 * config validation can report it before any request is sent.
 */
export function parseJsonPath(path: string): string[] {
  const fail = (why: string): never => {
    throw new Error(`invalid JSON path '${path}': ${why}`);
  };
  let rest: string;
  if (path.startsWith('$')) {
    rest = path.slice(1);
    if (rest !== '' && !rest.startsWith('.') && !rest.startsWith('[')) {
      fail("expected '.' or '[' after '$'");
    }
  } else {
    if (path === '') fail('empty path');
    if (path.startsWith('.')) fail("a path cannot start with '.'");
    rest = path.startsWith('[') ? path : `.${path}`;
  }
  const segments: string[] = [];
  let at = 0;
  while (at < rest.length) {
    if (rest[at] === '.') {
      let end = at + 1;
      while (end < rest.length && rest[end] !== '.' && rest[end] !== '[') end += 1;
      const key = rest.slice(at + 1, end);
      if (key === '') fail('empty key');
      if (key.includes(']')) fail(`unexpected ']' in '${key}'`);
      segments.push(key);
      at = end;
    } else if (rest[at] === '[') {
      const close = rest.indexOf(']', at);
      if (close === -1) fail("missing ']'");
      const index = rest.slice(at + 1, close);
      if (!arrayIndex.test(index))
        fail(`'[${index}]' is not an array index (only [0], [1], … are supported)`);
      segments.push(index);
      at = close + 1;
    } else {
      fail(`unexpected '${rest[at]}'`);
    }
  }
  return segments;
}

/**
 * Follow `path` (see {@link parseJsonPath}) into `value` and say how far it got. Only own
 * properties count, so `constructor` or `__proto__` never reach the prototype. Throws on a
 * malformed path.
 */
export function lookupJsonPath(value: unknown, path: string): JsonPathLookup {
  const segments = parseJsonPath(path);
  let current: unknown = value;
  const reached: string[] = [];
  for (const segment of segments) {
    let next: { value: unknown } | undefined;
    if (Array.isArray(current)) {
      if (arrayIndex.test(segment) && Number(segment) < current.length) {
        next = { value: current[Number(segment)] };
      }
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      next = { value: (current as Record<string, unknown>)[segment] };
    }
    if (next === undefined) return { found: false, value: current, reached };
    current = next.value;
    reached.push(segment);
  }
  return { found: true, value: current, reached };
}

/**
 * The value at `path` inside `value` (a parsed JSON document), or `undefined` when any segment
 * is absent. A present `null` is returned as `null`. Throws on a malformed path.
 */
export function readJsonPath(value: unknown, path: string): unknown {
  const lookup = lookupJsonPath(value, path);
  return lookup.found ? lookup.value : undefined;
}
