// Small helpers both load models share.
import { EngineError } from '../errors.ts';

/**
 * `baseUrl` (which may carry a path prefix, e.g. `http://127.0.0.1:8080/api`) joined with a request
 * path (`/items?page=2`).
 * @throws EngineError when baseUrl is not an absolute URL.
 */
export function joinUrl(baseUrl: string, path: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch (error) {
    throw new EngineError(`invalid base URL '${baseUrl}'`, { cause: error });
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  const suffix = path.startsWith('/') ? path : `/${path}`;
  return new URL(`${base.origin}${prefix}${suffix}`);
}

/** CPU time (user + system) this process used since `start`, as a percent of one core over `wallMs`. */
export function cpuPercentSince(start: NodeJS.CpuUsage, wallMs: number): number {
  if (!(wallMs > 0)) return 0;
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1000 / wallMs) * 100;
}

/** Whether an HTTP status counts as a success (2xx or 3xx). */
export function isOkStatus(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 400;
}

/** Adds the counts of `from` into `into` (status code -> requests). */
export function addStatusCodes(
  into: Record<string, number>,
  from: Readonly<Record<string, number>>,
): void {
  for (const [code, n] of Object.entries(from)) into[code] = (into[code] ?? 0) + n;
}
