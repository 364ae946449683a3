// Joining the target's base URL with a configured path. Pure string work: no network.

const absoluteUrl = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * Join a base URL (which may carry a path prefix, e.g. `http://127.0.0.1:8000/api/`) with a
 * request path (`/health`, `health`, `/items?page=2`), with exactly one slash between them.
 * A path that is already an absolute URL (`https://auth.example.test/login`) is returned as is;
 * an empty path returns the base; a path starting with `?` or `#` is appended to the base.
 */
export function joinUrl(base: string, path: string): string {
  if (absoluteUrl.test(path)) return path;
  if (path === '') return base;
  const trimmedBase = base.replace(/\/+$/, '');
  if (path.startsWith('?') || path.startsWith('#')) return `${trimmedBase}${path}`;
  return `${trimmedBase}/${path.replace(/^\/+/, '')}`;
}
