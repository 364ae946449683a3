// HTTP layer of the sample service: a small route table, JSON in and out, bearer-token auth, and
// the optional fixed response delay and slowdown used to prove that perf-action catches regressions.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type NewDetectionEvent,
  type NewProject,
  type NewTestSession,
  type Repository,
  VALIDATION_RESULTS,
  type ValidationResult,
  verifyPassword,
} from './db.ts';

/** Default cap on request bodies, in bytes (1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default and maximum page sizes of list endpoints (items). */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
/** Most items one bulk request may insert (each bulk request is one transaction). */
export const MAX_BULK_ITEMS = 1000;
/** Longest search term, in characters. */
export const MAX_SEARCH_CHARS = 100;

/** Past this many bytes an oversized body is no longer drained but the connection dropped. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const MAX_TEXT_FIELD_CHARS = 500;
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;
const INTEGER_PATTERN = /^\d{1,15}$/;
/** A well-formed hash no password matches (its key is all zeros). */
const UNKNOWN_USER_HASH = `scrypt$${'0'.repeat(32)}$${'0'.repeat(128)}`;

/** Options of {@link createRequestHandler}. */
export interface AppOptions {
  repository: Repository;
  /** Fixed delay added to every `/api/*` and `/auth/*` response, in milliseconds (default 0). */
  delayMs?: number;
  /**
   * CPU time burnt on every `/api/*` and `/auth/*` request, in milliseconds (default 0): a
   * CPU-heavy service, which saturates its one core and breaks under stress at a lower load.
   */
  cpuMs?: number;
  /**
   * Makes every request slower by this share of its own handling time (default 0; 0.25 = 25 %
   * slower): after a request is handled, the event loop is kept busy for `slowdown` × the time the
   * handling took (routing, auth, the handler and `cpuMs`; not the time spent waiting for the
   * request body, nor `delayMs`). Extra CPU work that grows with the real work, as slower code
   * would, also when the machine is busy: not a fixed sleep.
   */
  slowdown?: number;
  /** Largest accepted request body, in bytes (default {@link DEFAULT_MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
  /** Receives unexpected errors (answered with 500); defaults to one line on stderr. */
  onError?: (error: unknown) => void;
  /** More routes, after the built-in ones (the video endpoints of videos.ts). */
  routes?: Route[];
}

/** An HTTP error answered as `{"detail": message}`. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Context {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The authenticated user (routes with `auth: true` only; 0 otherwise). */
  userId: number;
  /** The parsed JSON body (routes with `body: true` only). */
  body: unknown;
  /** The request itself, whose body routes with `body: false` may stream (uploads). */
  request: IncomingMessage;
}

export interface Route {
  method: string;
  /** Path with `:name` segments for parameters, e.g. `/api/projects/:id`. */
  path: string;
  /** Requires `Authorization: Bearer <token>`. */
  auth: boolean;
  /** Reads the request body as JSON into `context.body`. */
  body: boolean;
  handle(context: Context): Reply | Promise<Reply>;
}

interface CompiledRoute extends Route {
  segments: string[];
}

function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => ({ ...route, segments: route.path.split('/') }));
}

/** The `:name` parameters if `segments` fit the route's path, else `undefined`. */
function matchPath(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.segments[i] as string;
    const actual = segments[i] as string;
    if (pattern.startsWith(':')) {
      if (actual === '') return undefined;
      params[pattern.slice(1)] = decodeURIComponent(actual);
    } else if (pattern !== actual) {
      return undefined;
    }
  }
  return params;
}

function parseIntegerParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = INTEGER_PATTERN.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new HttpError(
      400,
      `query parameter ${name} must be an integer between ${min} and ${max}, got '${raw}'`,
    );
  }
  return value;
}

function parsePagination(query: URLSearchParams): { limit: number; offset: number } {
  return {
    limit: parseIntegerParam(query, 'limit', DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT),
    offset: parseIntegerParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function requireText(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) {
    throw new HttpError(400, `field ${field} is required`);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new HttpError(400, `field ${field} must be a non-empty string`);
  }
  if (value.length > MAX_TEXT_FIELD_CHARS) {
    throw new HttpError(400, `field ${field} must be at most ${MAX_TEXT_FIELD_CHARS} characters`);
  }
  return value;
}

function parseNewProject(body: unknown): NewProject {
  const object = requireObject(body);
  const description = object.description;
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw new HttpError(400, 'field description must be a string or null');
  }
  if (typeof description === 'string' && description.length > MAX_TEXT_FIELD_CHARS) {
    throw new HttpError(
      400,
      `field description must be at most ${MAX_TEXT_FIELD_CHARS} characters`,
    );
  }
  return {
    name: requireText(object, 'name'),
    description: description ?? null,
    camera_model: requireText(object, 'camera_model'),
    camera_view: requireText(object, 'camera_view'),
    signal_type: requireText(object, 'signal_type'),
  };
}

const SESSION_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;

function optionalInteger(
  object: Record<string, unknown>,
  field: string,
  fallback: number | null,
  min: number,
  max: number,
): number | null {
  const value = object[field];
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new HttpError(400, `field ${field} must be an integer between ${min} and ${max}`);
  }
  return value as number;
}

function requireId(object: Record<string, unknown>, field: string): number {
  if (object[field] === undefined || object[field] === null) {
    throw new HttpError(400, `field ${field} is required`);
  }
  return optionalInteger(object, field, null, 1, Number.MAX_SAFE_INTEGER) as number;
}

function requireNumber(
  object: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): number {
  const value = object[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new HttpError(400, `field ${field} must be a number between ${min} and ${max}`);
  }
  return value;
}

function requireOneOf<T extends string>(
  object: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  const value = object[field];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new HttpError(400, `field ${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function parseNewTestSession(body: unknown): NewTestSession {
  const object = requireObject(body);
  return {
    project_id: requireId(object, 'project_id'),
    name: requireText(object, 'name'),
    video_id: optionalInteger(object, 'video_id', null, 1, Number.MAX_SAFE_INTEGER),
    tolerance_ms: optionalInteger(object, 'tolerance_ms', 100, 0, 60_000) ?? 100,
    status: requireOneOf(object, 'status', SESSION_STATUSES, 'pending'),
  };
}

function parseNewDetectionEvent(body: unknown): NewDetectionEvent {
  const object = requireObject(body);
  return {
    timestamp: requireNumber(object, 'timestamp', 0, Number.MAX_SAFE_INTEGER),
    confidence: requireNumber(object, 'confidence', 0, 1),
    class_label: requireText(object, 'class_label'),
    validation_result: requireOneOf<ValidationResult>(
      object,
      'validation_result',
      VALIDATION_RESULTS,
    ),
  };
}

/** A bulk body: a JSON array of 1 to MAX_BULK_ITEMS items, each parsed; errors name the item. */
function parseBulk<T>(body: unknown, parseItem: (item: unknown) => T): T[] {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_BULK_ITEMS) {
    throw new HttpError(400, `request body must be a JSON array of 1 to ${MAX_BULK_ITEMS} items`);
  }
  return body.map((item, index) => {
    try {
      return parseItem(item);
    } catch (error) {
      if (error instanceof HttpError) throw new HttpError(400, `items[${index}]: ${error.message}`);
      throw error;
    }
  });
}

function parseId(raw: string | undefined): number | undefined {
  return raw !== undefined && INTEGER_PATTERN.test(raw) ? Number(raw) : undefined;
}

function parseSearch(query: URLSearchParams): string | undefined {
  const term = query.get('search');
  if (term === null) return undefined;
  if (term.length === 0 || term.length > MAX_SEARCH_CHARS) {
    throw new HttpError(400, `query parameter search must be 1 to ${MAX_SEARCH_CHARS} characters`);
  }
  return term;
}

function notFound(what: string): HttpError {
  return new HttpError(404, `${what} not found`);
}

function buildRoutes(repository: Repository): CompiledRoute[] {
  return compileRoutes([
    {
      method: 'GET',
      path: '/health',
      auth: false,
      body: false,
      handle: () => {
        repository.ping();
        return { status: 200, body: { status: 'ok' } };
      },
    },
    {
      method: 'POST',
      path: '/auth/login',
      auth: false,
      body: true,
      handle: async ({ body }) => {
        const object = requireObject(body);
        const { email, password } = object;
        if (typeof email !== 'string' || typeof password !== 'string') {
          throw new HttpError(400, 'fields email and password are required strings');
        }
        const user = repository.findUserByEmail(email);
        // Unknown emails still pay for one scrypt and get the same message, so neither the answer
        // nor its timing reveals which accounts exist.
        const isValid = await verifyPassword(password, user?.password_hash ?? UNKNOWN_USER_HASH);
        if (user === undefined || !isValid) {
          throw new HttpError(401, 'invalid email or password');
        }
        return {
          status: 200,
          body: { access_token: repository.createSession(user.id), token_type: 'bearer' },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/projects',
      auth: true,
      body: false,
      handle: ({ query, userId }) => {
        const { limit, offset } = parsePagination(query);
        const search = parseSearch(query);
        const page =
          search === undefined
            ? repository.listProjects(userId, limit, offset)
            : repository.searchProjects(userId, search, limit, offset);
        return { status: 200, body: { items: page.items, total: page.total, limit, offset } };
      },
    },
    {
      method: 'POST',
      path: '/api/projects/bulk',
      auth: true,
      body: true,
      handle: ({ body, userId }) => {
        const ids = repository.createProjects(userId, parseBulk(body, parseNewProject));
        return { status: 201, body: { created: ids.length, ids } };
      },
    },
    {
      method: 'POST',
      path: '/api/projects',
      auth: true,
      body: true,
      handle: ({ body, userId }) => ({
        status: 201,
        body: repository.createProject(userId, parseNewProject(body)),
      }),
    },
    {
      method: 'GET',
      path: '/api/projects/:id',
      auth: true,
      body: false,
      handle: ({ params, query, userId }) => {
        const raw = params.id ?? '';
        const id = parseId(raw);
        const include = query.get('include');
        if (include !== null && include !== 'test_sessions') {
          throw new HttpError(
            400,
            `query parameter include must be test_sessions, got '${include}'`,
          );
        }
        const project =
          id === undefined
            ? undefined
            : include === null
              ? repository.getProject(userId, id)
              : repository.getProjectWithSessions(
                  userId,
                  id,
                  parseIntegerParam(query, 'limit', DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT),
                );
        if (project === undefined) throw notFound(`project ${raw}`);
        return { status: 200, body: project };
      },
    },
    {
      method: 'GET',
      path: '/api/test-sessions',
      auth: true,
      body: false,
      handle: ({ query, userId }) => {
        const { limit, offset } = parsePagination(query);
        const projectId = query.has('project_id')
          ? parseIntegerParam(query, 'project_id', 0, 1, Number.MAX_SAFE_INTEGER)
          : undefined;
        const page = repository.listTestSessions(userId, projectId, limit, offset);
        return { status: 200, body: { items: page.items, total: page.total, limit, offset } };
      },
    },
    {
      method: 'POST',
      path: '/api/test-sessions/bulk',
      auth: true,
      body: true,
      handle: ({ body, userId }) => {
        const result = repository.createTestSessions(userId, parseBulk(body, parseNewTestSession));
        if (!result.ok) throw new HttpError(404, `items[${result.index}]: ${result.reason}`);
        return { status: 201, body: { created: result.ids.length, ids: result.ids } };
      },
    },
    {
      method: 'POST',
      path: '/api/test-sessions/:id/events/bulk',
      auth: true,
      body: true,
      handle: ({ params, body, userId }) => {
        const id = parseId(params.id);
        const events = parseBulk(body, parseNewDetectionEvent);
        const ids =
          id === undefined ? undefined : repository.createDetectionEvents(userId, id, events);
        if (ids === undefined) throw notFound(`test session ${params.id}`);
        return { status: 201, body: { created: ids.length, ids } };
      },
    },
    {
      method: 'GET',
      path: '/api/test-sessions/:id/events/summary',
      auth: true,
      body: false,
      handle: ({ params, userId }) => {
        const id = parseId(params.id);
        const summary =
          id === undefined ? undefined : repository.summarizeDetectionEvents(userId, id);
        if (summary === undefined) throw notFound(`test session ${params.id}`);
        return { status: 200, body: summary };
      },
    },
  ]);
}

/**
 * Reads the request body up to `maxBytes`. An oversized body is drained (so the connection can be
 * reused) and answered 413; past {@link MAX_DRAIN_BYTES} the socket is dropped instead.
 */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > MAX_DRAIN_BYTES) {
    return Promise.reject(
      new HttpError(413, `request body exceeds ${maxBytes} bytes`, { connection: 'close' }),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_DRAIN_BYTES) {
        request.destroy();
      } else if (received <= maxBytes) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => {
      if (received > maxBytes) {
        reject(new HttpError(413, `request body exceeds ${maxBytes} bytes`));
      } else {
        resolve(Buffer.concat(chunks, received));
      }
    });
    request.on('error', reject);
    // A destroyed or aborted request never ends: settle anyway (the reply is then dropped).
    request.on('close', () => {
      if (!request.complete) reject(new HttpError(400, 'request body was not received in full'));
    });
  });
}

async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const raw = await readBody(request, maxBytes);
  if (raw.length === 0) throw new HttpError(400, 'request body must be JSON, got an empty body');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `request body is not valid JSON: ${reason}`);
  }
}

function authenticate(request: IncomingMessage, repository: Repository): number {
  const header = request.headers.authorization;
  const challenge = { 'www-authenticate': 'Bearer' };
  if (header === undefined) throw new HttpError(401, 'missing bearer token', challenge);
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || token === undefined) {
    throw new HttpError(401, 'authorization header must be "Bearer <token>"', challenge);
  }
  const userId = TOKEN_PATTERN.test(token) ? repository.findUserIdByToken(token) : undefined;
  if (userId === undefined) throw new HttpError(401, 'invalid or expired token', challenge);
  return userId;
}

function isDelayedPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname.startsWith('/auth/');
}

function send(response: ServerResponse, reply: Reply): void {
  const json = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...reply.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

/** Keeps the event loop busy for `ms` milliseconds: real CPU work, nothing else runs meanwhile. */
function burnCpu(ms: number): void {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x = (x * 31 + 7) % 1_000_003;
  if (x < 0) throw new Error('unreachable');
}

/** Awaits `work`, adding the time it took to `timing.waitedMs`. */
async function timed<T>(timing: { waitedMs: number }, work: Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work;
  } finally {
    timing.waitedMs += performance.now() - started;
  }
}

/**
 * Builds the `node:http` request listener of the service: routing (404 unknown path, 405 wrong
 * method), auth, JSON bodies, `{"detail": ...}` errors, the optional fixed delay and slowdown.
 */
export function createRequestHandler(
  options: AppOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { repository } = options;
  const delayMs = options.delayMs ?? 0;
  const cpuMs = options.cpuMs ?? 0;
  const slowdown = options.slowdown ?? 0;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onError =
    options.onError ??
    ((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`validation-platform: unexpected error: ${message}\n`);
    });
  const routes = [...buildRoutes(repository), ...compileRoutes(options.routes ?? [])];

  /** `waitedMs`: time spent waiting for the request body, which is not handling work. */
  async function route(
    request: IncomingMessage,
    pathname: string,
    search: string,
    timing: { waitedMs: number },
  ): Promise<Reply> {
    const segments = pathname.split('/');
    const allowed: string[] = [];
    for (const candidate of routes) {
      const params = matchPath(candidate, segments);
      if (params === undefined) continue;
      if (candidate.method !== request.method) {
        allowed.push(candidate.method);
        continue;
      }
      const context: Context = {
        params,
        request,
        query: new URLSearchParams(search),
        userId: candidate.auth ? authenticate(request, repository) : 0,
        body: candidate.body ? await timed(timing, readJson(request, maxBodyBytes)) : undefined,
      };
      return candidate.handle(context);
    }
    if (allowed.length > 0) {
      throw new HttpError(405, `method ${request.method} not allowed on ${pathname}`, {
        allow: allowed.join(', '),
      });
    }
    throw notFound(`route ${pathname}`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const begun = performance.now();
    const timing = { waitedMs: 0 };
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const search = queryStart === -1 ? '' : url.slice(queryStart + 1);
    let reply: Reply;
    try {
      reply = await route(request, pathname, search, timing);
    } catch (error) {
      if (error instanceof HttpError) {
        reply = { status: error.status, body: { detail: error.message }, headers: error.headers };
      } else if (error instanceof URIError) {
        reply = { status: 400, body: { detail: `malformed URL ${pathname}` } };
      } else {
        onError(error);
        reply = { status: 500, body: { detail: 'internal server error' } };
      }
    }
    if (cpuMs > 0 && isDelayedPath(pathname)) burnCpu(cpuMs);
    if (slowdown > 0) burnCpu(slowdown * (performance.now() - begun - timing.waitedMs));
    if (delayMs > 0 && isDelayedPath(pathname)) await sleep(delayMs);
    if (!response.destroyed) send(response, reply);
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      onError(error);
      if (!response.headersSent) response.destroy();
    });
  };
}
