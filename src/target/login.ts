// Log in once before the load, and turn the token of the answer into an auth header that every
// load request carries. Messages never show the token, the password or the raw credentials.

import { ConfigError, describeError, TargetError } from '../errors.ts';
import { joinUrl } from './base-url.ts';
import { describeHttpError, oneLine } from './http.ts';
import { sendRequest } from './http-client.ts';
import { lookupJsonPath, parseJsonPath } from './json-path.ts';

/** The login request, relative to the target's base URL. */
export interface LoginRequest {
  /** HTTP method, e.g. `POST` */
  method: string;
  /** path joined to the base URL (`/auth/login`), or an absolute URL */
  path: string;
  /** request headers; `content-type` defaults to `application/json` when `json` is given */
  headers?: Record<string, string>;
  /** body sent as JSON; wins over `body` */
  json?: unknown;
  /** raw body, sent as is */
  body?: string;
}

/** How to log in and what to do with the token. */
export interface LoginOptions {
  /** the target's base URL, e.g. `http://127.0.0.1:8000` */
  baseUrl: string;
  request: LoginRequest;
  /** JSON path of the token in the response (`access_token`, `data.token`, `$.items[0].t`) */
  token: string;
  /** name of the header to send, e.g. `Authorization` */
  header: string;
  /** header value with a `{token}` placeholder, e.g. `Bearer {token}` */
  format: string;
  /** timeout of the login request, in milliseconds (default 10000) */
  timeoutMs?: number;
}

/** What the login yields. */
export interface LoginResult {
  /** the header to add to every load request */
  headers: Record<string, string>;
  /** values to mask in logs and reports: the token and the formatted header value */
  secrets: string[];
}

/** Longest response excerpt quoted in an error, in characters. */
const excerptLength = 200;
/** Keys whose values are masked in a quoted JSON response. */
const sensitiveKey = /pass|secret|token|auth|key|cookie|session|credential|jwt|otp/i;
/** Secrets shorter than this could not be masked without mangling the excerpt: none is quoted. */
const shortestMaskable = 4;

/**
 * Send the login request once, require a 2xx JSON answer and read the token at `options.token`
 * (a non-empty string, or a number). Throws a `ConfigError` for a malformed token path or a
 * format without `{token}`, and a one-line `TargetError` naming the method and URL for a network
 * error, a non-2xx status (with a short, redacted excerpt of the body), a body that is not JSON,
 * or a missing token (listing the keys that were there, never their values).
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const { request } = options;
  try {
    parseJsonPath(options.token);
  } catch (error) {
    throw new ConfigError(`login token: ${describeError(error)}`);
  }
  if (!options.format.includes('{token}')) {
    throw new ConfigError(`login format '${options.format}' has no {token} placeholder`);
  }
  const url = joinUrl(options.baseUrl, request.path);
  if (!URL.canParse(url)) throw new ConfigError(`login URL '${url}' is not a valid URL`);
  const method = request.method.toUpperCase();
  const what = `login ${method} ${url}`;
  const timeoutMs = options.timeoutMs ?? 10_000;

  let headers: Headers;
  try {
    headers = new Headers(request.headers);
  } catch {
    // The platform's message quotes the value, which may be a credential.
    throw new ConfigError('login request has an invalid header name or value');
  }
  let body: string | undefined = request.body;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  if (!headers.has('accept')) headers.set('accept', 'application/json');

  let status: number;
  let statusText: string;
  let contentType: string;
  let text: string;
  try {
    const answer = await sendRequest(url, {
      method,
      headers: Object.fromEntries(headers),
      ...(body !== undefined ? { body } : {}),
      timeoutMs,
    });
    status = answer.status;
    statusText = answer.statusText;
    contentType = answer.headers['content-type'] ?? '';
    text = answer.text;
  } catch (error) {
    throw new TargetError(`${what} failed: ${describeHttpError(error, timeoutMs)}`, {
      cause: error,
    });
  }

  if (status < 200 || status > 299) {
    const excerpt = excerptOf(text, contentType, requestSecrets(request));
    const answer = statusText ? `${status} ${statusText}` : String(status);
    throw new TargetError(`${what} answered ${answer}${excerpt ? `: ${excerpt}` : ''}`);
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new TargetError(
      `${what} answered ${status} with a body that is not JSON (content-type: ${contentType || 'none'}, ${text.length} characters)`,
    );
  }

  const token = tokenIn(document, options.token, what);
  const formatted = options.format.replaceAll('{token}', () => token);
  return {
    headers: { [options.header]: formatted },
    secrets: [...new Set([token, formatted])],
  };
}

/** The token at `path`, as a string; a TargetError that shows keys but no values otherwise. */
function tokenIn(document: unknown, path: string, what: string): string {
  const lookup = lookupJsonPath(document, path);
  if (!lookup.found) {
    const where = lookup.reached.length > 0 ? ` of '${lookup.reached.join('.')}'` : '';
    throw new TargetError(
      `${what}: response has no '${path}' (${describeShape(lookup.value, where)})`,
    );
  }
  const token = lookup.value;
  if (typeof token === 'string' && token !== '') return token;
  if (typeof token === 'number' && Number.isFinite(token)) return String(token);
  const found = token === '' ? 'an empty string' : kindOf(token);
  throw new TargetError(`${what}: response '${path}' is ${found}, expected a non-empty string`);
}

function describeShape(value: unknown, where: string): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return `no keys${where}`;
    const shown = keys.slice(0, 12).join(', ');
    return `keys${where}: ${shown}${keys.length > 12 ? `, … ${keys.length - 12} more` : ''}`;
  }
  if (Array.isArray(value))
    return `found an array of ${value.length}${where.replace(' of', ' at')}`;
  return `found ${kindOf(value)}${where.replace(' of', ' at')}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** Every value of the request that could be a credential: body values and header values. */
function requestSecrets(request: LoginRequest): string[] {
  const secrets: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') secrets.push(value);
    else if (typeof value === 'number') secrets.push(String(value));
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  collect(request.json);
  if (request.body !== undefined) {
    secrets.push(request.body);
    if (request.body.includes('=')) collect([...new URLSearchParams(request.body).values()]);
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!/^(content-type|accept)$/i.test(name)) secrets.push(value);
  }
  return secrets.filter((secret) => secret !== '');
}

/**
 * A short, one-line excerpt of an error body, or `undefined` when quoting it is not safe:
 * JSON has sensitive keys masked, HTML is never quoted, and every request value is masked.
 */
function excerptOf(text: string, contentType: string, secrets: string[]): string | undefined {
  if (text.trim() === '') return undefined;
  if (secrets.some((secret) => secret.length < shortestMaskable)) return undefined;
  let shown: string;
  try {
    shown = JSON.stringify(maskSensitive(JSON.parse(text)));
  } catch {
    if (/html|xml/i.test(contentType) || text.trimStart().startsWith('<')) return undefined;
    shown = text;
  }
  shown = oneLine(shown);
  // Longest first, so that a secret containing another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    shown = shown.replaceAll(secret, '***').replaceAll(JSON.stringify(secret).slice(1, -1), '***');
  }
  return shown.length > excerptLength ? `${shown.slice(0, excerptLength)}…` : shown;
}

function maskSensitive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSensitive);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      sensitiveKey.test(key) ? '***' : maskSensitive(inner),
    ]),
  );
}
