// Small helpers the load models share.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { EngineError } from '../errors.ts';
import type { HttpRequestSpec } from './types.ts';

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

/** An HTTP token (RFC 9110): what a method and a header name are made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Refuses a request that could never be sent, before any is: each one would otherwise fail alike
 * and be counted as the service's socket error. Messages never quote a header's value.
 * @throws EngineError naming the method or the header.
 */
export function validateRequest(what: string, request: HttpRequestSpec): void {
  if (!TOKEN.test(request.method)) {
    throw new EngineError(`${what}: request method '${request.method}' is not an HTTP token`);
  }
  for (const [name, value] of Object.entries(request.headers)) {
    try {
      validateHeaderName(name);
    } catch {
      throw new EngineError(`${what}: request header name '${name}' is not an HTTP token`);
    }
    try {
      validateHeaderValue(name, value);
    } catch {
      throw new EngineError(`${what}: request header '${name}' has a value that cannot be sent`);
    }
  }
}
