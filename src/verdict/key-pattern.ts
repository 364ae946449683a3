// The glob of `accept:` and `regression.metrics` entries over metric keys. Pure.

/**
 * Whether a metric key matches a glob: `*` matches any characters but `/` (within one segment),
 * `**` matches anything including `/` (between two slashes also nothing, so `a/**` + `/b` matches
 * `a/b`). Everything else is literal. The whole key must match.
 */
export function matchesKeyPattern(key: string, pattern: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    if (pattern.startsWith('/**/', i)) {
      source += '/(?:.*/)?';
      i += 4;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 2;
    } else if (pattern[i] === '*') {
      source += '[^/]*';
      i += 1;
    } else {
      source += (pattern[i] ?? '').replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
      i += 1;
    }
  }
  return new RegExp(`^${source}$`).test(key);
}
