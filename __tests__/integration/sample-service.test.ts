// The bundled sample service, driven over real HTTP on a loopback port, with a real SQLite
// database; one test runs the command-line entry as a child process.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseCli,
  type RunningServer,
  startServer,
} from '../../examples/validation-platform/server.ts';

const SERVER_SCRIPT = fileURLToPath(
  new URL('../../examples/validation-platform/server.ts', import.meta.url),
);
const DEMO = { email: 'test@example.com', password: 'password' };
const OTHER = { email: 'other@example.com', password: 'other-password' };
const NEW_PROJECT = {
  name: 'Load Test Project',
  camera_model: 'FLIR Blackfly S',
  camera_view: 'Front-facing VRU',
  signal_type: 'GPIO',
};

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

async function login(base: string, user: { email: string; password: string }): Promise<string> {
  const answer = await call(base, 'POST', '/auth/login', { json: user });
  expect(answer.status).toBe(200);
  return (answer.body as { access_token: string }).access_token;
}

interface ListBody<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
type ProjectBody = typeof NEW_PROJECT & {
  id: number;
  description: string | null;
  status: string;
  created_at: string;
};
interface SessionBody {
  id: number;
  name: string;
  project_id: number;
  video_id: number | null;
  tolerance_ms: number;
  status: string;
  created_at: string;
}

describe('sample service (validation platform)', () => {
  let server: RunningServer;
  let demoToken: string;
  let otherToken: string;

  beforeAll(async () => {
    server = await startServer({ port: 0, users: [OTHER] });
    demoToken = await login(server.url, DEMO);
    otherToken = await login(server.url, OTHER);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('listens on a loopback port and answers /health', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const answer = await call(server.url, 'GET', '/health');
    expect(answer).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('keep-alive')).toBe('timeout=65');
  });

  describe('POST /auth/login', () => {
    it('returns a bearer token for the seeded demo user', async () => {
      const answer = await call(server.url, 'POST', '/auth/login', { json: DEMO });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'bearer' });
      const token = (answer.body as { access_token: string }).access_token;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(token).not.toBe(demoToken);
    });

    it.each([
      ['a wrong password', { email: DEMO.email, password: 'wrong' }],
      ['an unknown email', { email: 'nobody@example.com', password: DEMO.password }],
    ])('answers 401 to %s', async (_label, credentials) => {
      const answer = await call(server.url, 'POST', '/auth/login', { json: credentials });
      expect(answer).toMatchObject({ status: 401, body: { detail: 'invalid email or password' } });
    });

    it.each([
      ['malformed JSON', '{"email": '],
      ['an empty body', ''],
      ['a missing password', JSON.stringify({ email: DEMO.email })],
      ['a non-string email', JSON.stringify({ email: 1, password: 'x' })],
      ['a JSON array', '[]'],
    ])('answers 400 to %s', async (_label, raw) => {
      const answer = await call(server.url, 'POST', '/auth/login', { raw });
      expect(answer.status).toBe(400);
      expect((answer.body as { detail: string }).detail).toEqual(expect.any(String));
    });
  });

  describe('authentication of /api routes', () => {
    it.each([
      ['no Authorization header', {}],
      ['a token that was never issued', { authorization: `Bearer ${'ab'.repeat(32)}` }],
      ['a malformed token', { authorization: 'Bearer not-a-token' }],
      ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
    ])('answers 401 with %s', async (_label, headers: Record<string, string>) => {
      const response = await fetch(`${server.url}/api/projects`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({ detail: expect.any(String) });
    });
  });

  describe('projects', () => {
    it('creates a project (201) that can be read back', async () => {
      const created = await call(server.url, 'POST', '/api/projects', {
        token: demoToken,
        json: { ...NEW_PROJECT, description: 'made by a test' },
      });
      expect(created.status).toBe(201);
      const project = created.body as ProjectBody;
      expect(project).toEqual({
        ...NEW_PROJECT,
        id: expect.any(Number),
        description: 'made by a test',
        status: 'active',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      const read = await call(server.url, 'GET', `/api/projects/${project.id}`, {
        token: demoToken,
      });
      expect(read).toMatchObject({ status: 200, body: project });
    });

    it.each([
      ['a missing name', { ...NEW_PROJECT, name: undefined }, /name is required/],
      ['an empty camera_model', { ...NEW_PROJECT, camera_model: '  ' }, /camera_model/],
      ['a numeric signal_type', { ...NEW_PROJECT, signal_type: 3 }, /signal_type/],
      ['a numeric description', { ...NEW_PROJECT, description: 3 }, /description/],
      ['a JSON array', [NEW_PROJECT], /JSON object/],
    ])('rejects %s with 400 and a clear detail', async (_label, json, detail) => {
      const answer = await call(server.url, 'POST', '/api/projects', { token: demoToken, json });
      expect(answer.status).toBe(400);
      expect((answer.body as { detail: string }).detail).toMatch(detail);
    });

    it('rejects a body over 1 MiB with 413 and keeps serving', async () => {
      const json = { ...NEW_PROJECT, description: 'x'.repeat(1024 * 1024) };
      const answer = await call(server.url, 'POST', '/api/projects', { token: demoToken, json });
      expect(answer.status).toBe(413);
      expect((answer.body as { detail: string }).detail).toMatch(/exceeds 1048576 bytes/);
      const after = await call(server.url, 'GET', '/health');
      expect(after.status).toBe(200);
    });

    it('paginates with limit and offset, ordered by id, counting only the caller', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const created = await call(server.url, 'POST', '/api/projects', {
          token: otherToken,
          json: { ...NEW_PROJECT, name: `other ${i}` },
        });
        expect(created.status).toBe(201);
        ids.push((created.body as ProjectBody).id);
      }
      const first = await call(server.url, 'GET', '/api/projects?limit=2', { token: otherToken });
      expect(first.status).toBe(200);
      const firstPage = first.body as ListBody<ProjectBody>;
      expect(firstPage).toMatchObject({ total: 3, limit: 2, offset: 0 });
      expect(firstPage.items.map((p) => p.id)).toEqual(ids.slice(0, 2));
      const second = await call(server.url, 'GET', '/api/projects?limit=2&offset=2', {
        token: otherToken,
      });
      const secondPage = second.body as ListBody<ProjectBody>;
      expect(secondPage).toMatchObject({ total: 3, limit: 2, offset: 2 });
      expect(secondPage.items.map((p) => p.name)).toEqual(['other 2']);
    });

    it("never shows one owner's projects to another", async () => {
      const mine = await call(server.url, 'POST', '/api/projects', {
        token: otherToken,
        json: { ...NEW_PROJECT, name: 'private' },
      });
      const id = (mine.body as ProjectBody).id;
      const demoList = await call(server.url, 'GET', '/api/projects?limit=200', {
        token: demoToken,
      });
      const demoPage = demoList.body as ListBody<ProjectBody>;
      // The five seeded projects plus those the demo user created in the tests above.
      expect(demoPage.total).toBeGreaterThanOrEqual(5);
      expect(demoPage.items).toHaveLength(demoPage.total);
      expect(demoPage.items.map((p) => p.id)).not.toContain(id);
      expect(demoPage.items.map((p) => p.name)).not.toContain('private');
      const peek = await call(server.url, 'GET', `/api/projects/${id}`, { token: demoToken });
      expect(peek.status).toBe(404);
      const own = await call(server.url, 'GET', `/api/projects/${id}`, { token: otherToken });
      expect(own.status).toBe(200);
    });

    it('uses the default page size of 50', async () => {
      const answer = await call(server.url, 'GET', '/api/projects', { token: demoToken });
      expect(answer.body).toMatchObject({ limit: 50, offset: 0 });
    });

    it.each(['limit=0', 'limit=201', 'limit=abc', 'limit=', 'limit=1.5', 'offset=-1', 'offset=x'])(
      'answers 400 to ?%s',
      async (query) => {
        const answer = await call(server.url, 'GET', `/api/projects?${query}`, {
          token: demoToken,
        });
        expect(answer.status).toBe(400);
        expect((answer.body as { detail: string }).detail).toMatch(/limit|offset/);
      },
    );
  });

  describe('test sessions', () => {
    it("lists the caller's seeded sessions, paginated and filterable by project", async () => {
      const all = await call(server.url, 'GET', '/api/test-sessions', { token: demoToken });
      expect(all.status).toBe(200);
      const page = all.body as ListBody<SessionBody>;
      expect(page.total).toBe(20);
      expect(page.items).toHaveLength(20);
      expect(page.items[0]).toEqual({
        id: expect.any(Number),
        name: expect.any(String),
        project_id: expect.any(Number),
        video_id: null,
        tolerance_ms: 100,
        status: expect.any(String),
        created_at: expect.any(String),
      });
      const ids = page.items.map((s) => s.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));

      const projectId = page.items[0]?.project_id as number;
      const filtered = await call(
        server.url,
        'GET',
        `/api/test-sessions?project_id=${projectId}&limit=3&offset=1`,
        { token: demoToken },
      );
      const filteredPage = filtered.body as ListBody<SessionBody>;
      expect(filteredPage).toMatchObject({ total: 4, limit: 3, offset: 1 });
      expect(filteredPage.items).toHaveLength(3);
      expect(filteredPage.items.every((s) => s.project_id === projectId)).toBe(true);
    });

    it("hides other owners' sessions, even when asked by project_id", async () => {
      const demo = await call(server.url, 'GET', '/api/test-sessions?limit=1', {
        token: demoToken,
      });
      const projectId = (demo.body as ListBody<SessionBody>).items[0]?.project_id;
      const all = await call(server.url, 'GET', '/api/test-sessions', { token: otherToken });
      expect(all.body).toMatchObject({ items: [], total: 0 });
      const byProject = await call(
        server.url,
        'GET',
        `/api/test-sessions?project_id=${projectId}`,
        {
          token: otherToken,
        },
      );
      expect(byProject.body).toMatchObject({ items: [], total: 0 });
    });

    it('answers 400 to a malformed project_id', async () => {
      const answer = await call(server.url, 'GET', '/api/test-sessions?project_id=abc', {
        token: demoToken,
      });
      expect(answer.status).toBe(400);
    });
  });

  describe('routing', () => {
    it.each(['/nope', '/api/projects/999999', '/api/projects/abc', '/api/projects/1/extra'])(
      'answers 404 to GET %s',
      async (path) => {
        const answer = await call(server.url, 'GET', path, { token: demoToken });
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ detail: expect.any(String) });
      },
    );

    it('answers 405 with an Allow header to a wrong method', async () => {
      const answer = await call(server.url, 'DELETE', '/api/projects', { token: demoToken });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, POST');
      const health = await call(server.url, 'POST', '/health');
      expect(health.status).toBe(405);
    });
  });
});

describe('sample service options', () => {
  it('delays /api and /auth responses by delayMs', async () => {
    const delayed = await startServer({ delayMs: 50 });
    try {
      // A 401 is enough: the delay applies to every /api response, answered or refused.
      const started = performance.now();
      const answer = await fetch(`${delayed.url}/api/projects`);
      await answer.arrayBuffer();
      const elapsedMs = performance.now() - started;
      expect(answer.status).toBe(401);
      expect(elapsedMs).toBeGreaterThanOrEqual(50);
      const health = await fetch(`${delayed.url}/health`);
      expect(health.status).toBe(200);
    } finally {
      await delayed.close();
    }
  });

  it('rejects a negative delay', async () => {
    await expect(startServer({ delayMs: -1 })).rejects.toThrow(/delayMs/);
  });

  it('keeps data in a database file across restarts without seeding twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'validation-platform-'));
    const dbPath = join(dir, 'platform.db');
    try {
      const first = await startServer({ dbPath });
      const token = await login(first.url, DEMO);
      const created = await call(first.url, 'POST', '/api/projects', { token, json: NEW_PROJECT });
      expect(created.status).toBe(201);
      await first.close();

      const second = await startServer({ dbPath });
      try {
        const again = await login(second.url, DEMO);
        const list = await call(second.url, 'GET', '/api/projects', { token: again });
        const page = list.body as ListBody<ProjectBody>;
        expect(page.total).toBe(6);
        expect(page.items.at(-1)).toEqual(created.body);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--port', '70000'], /--port/],
    [['--verbose'], /verbose/],
    [['--host'], /host/],
  ])('parseCli rejects %j', (argv, message) => {
    expect(() => parseCli(argv, {})).toThrow(message);
  });

  it('parseCli reads flags, DEMO_DELAY_MS and DEMO_CPU_MS', () => {
    expect(
      parseCli(['--port', '8080', '--host', '::1', '--db', 'x.db'], {
        DEMO_DELAY_MS: '25',
        DEMO_CPU_MS: '1.5',
      }),
    ).toEqual({ port: 8080, host: '::1', dbPath: 'x.db', delayMs: 25, cpuMs: 1.5, slowdown: 0 });
    expect(parseCli([], {})).toEqual({
      port: 0,
      host: '127.0.0.1',
      dbPath: ':memory:',
      delayMs: 0,
      cpuMs: 0,
      slowdown: 0,
    });
    expect(() => parseCli([], { DEMO_DELAY_MS: '-5' })).toThrow(/DEMO_DELAY_MS/);
    expect(() => parseCli([], { DEMO_CPU_MS: 'lots' })).toThrow(/DEMO_CPU_MS .*'lots'/);
  });
});

/** Resolves with the child's exit code and signal once its output streams are closed too. */
function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

/** Resolves with the first stdout line matching `pattern`; rejects on exit or after `timeoutMs`. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; got '${buffered}'`));
    }, timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const line = buffered.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before printing ${pattern}`));
    });
  });
}

describe('sample service command line', () => {
  it('prints its URL, honours DEMO_DELAY_MS and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [SERVER_SCRIPT, '--port', '0'], {
      env: { ...process.env, DEMO_DELAY_MS: '30' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    try {
      const line = await waitForLine(child, /^listening on /, 20_000);
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.slice('listening on '.length);

      expect((await call(url, 'GET', '/health')).status).toBe(200);
      const token = await login(url, DEMO);
      // Timed on a list, not on the login: scrypt alone may take longer than the delay.
      const started = performance.now();
      const list = await call(url, 'GET', '/api/projects', { token });
      expect(performance.now() - started).toBeGreaterThanOrEqual(30);
      expect(list.body).toMatchObject({ total: 5 });

      child.kill('SIGTERM');
      expect(await waitForExit(child)).toEqual({ code: 0, signal: null });
      expect(stderr).toBe('');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with one line on a bad flag', async () => {
    const child = spawn(process.execPath, [SERVER_SCRIPT, '--port', 'abc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const { code } = await waitForExit(child);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^validation-platform: --port must be an integer .*\n$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
