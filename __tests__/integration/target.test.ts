// The target edge against real things: node:http servers on 127.0.0.1 port 0, real child
// processes started through the shell, and the real process-group signalling.

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, TargetError } from '../../src/errors.ts';
import { login } from '../../src/target/login.ts';
import {
  describeEarlyExit,
  type StartedProcess,
  startCommand,
} from '../../src/target/start-command.ts';
import { waitForHealth } from '../../src/target/wait-for-health.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
const started: StartedProcess[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-target-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((service) => service.stop(500)));
  await Promise.all(servers.splice(0).map(closeServer));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listen(handler: Handler, port = 0): Promise<{ url: string; port: number }> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${actual}`, port: actual };
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A loopback port that was free a moment ago (nothing listens on it now). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** A shell command running a CommonJS script with this very node binary. */
function nodeCommand(script: string): string {
  return `${shellQuote(process.execPath)} -e ${shellQuote(script)}`;
}

/** Gone: no such process, or a zombie (dead, waiting for an init that reaps slowly). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return line.slice(line.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string) {
  const until = performance.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Wait until the log file has a line matching `pattern`; returns the match. */
function waitForLog(logFile: string, pattern: RegExp): Promise<RegExpMatchArray> {
  return waitFor(async () => {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    return text.match(pattern) ?? undefined;
  }, `${pattern} in ${logFile}`);
}

async function start(command: string, name: string, env?: Record<string, string>) {
  const logFile = join(dir, name, 'logs', `${name}.log`);
  const service = await startCommand({ command, logFile, ...(env ? { env } : {}) });
  started.push(service);
  return service;
}

describe('waitForHealth', () => {
  it('keeps polling through 503 answers until a 2xx', async () => {
    const paths: string[] = [];
    const { url } = await listen((request, response) => {
      paths.push(request.url ?? '');
      response.statusCode = paths.length <= 2 ? 503 : 200;
      response.end('{}');
    });
    const result = await waitForHealth({
      url,
      health: '/health',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    expect(result.attempts).toBeGreaterThanOrEqual(3);
    expect(result.attempts).toBe(paths.length);
    expect(result.elapsedMs).toBeGreaterThan(0);
    expect(new Set(paths)).toEqual(new Set(['/health']));
  });

  it('waits for a server that starts listening late', async () => {
    const port = await freePort();
    const late = setTimeout(() => {
      void listen((_request, response) => response.end('ok'), port);
    }, 500);
    try {
      const result = await waitForHealth({
        url: `http://127.0.0.1:${port}`,
        health: '/health',
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      expect(result.attempts).toBeGreaterThanOrEqual(2);
      expect(result.elapsedMs).toBeGreaterThanOrEqual(400);
    } finally {
      clearTimeout(late);
    }
  });

  it('fails within the timeout naming the URL and ECONNREFUSED when nothing listens', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const began = performance.now();
    const error = await rejection(
      waitForHealth({ url, health: '/health', timeoutMs: 400, intervalMs: 50 }),
    );
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).exitCode).toBe(3);
    expect(error.message).toBe(
      `target ${url}/health not healthy after 400 ms: last error: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    // Loose upper bound: the deadline is honoured, not overshot by seconds.
    expect(performance.now() - began).toBeLessThan(5000);
  });

  it('reports the last status when the health path never answers 2xx', async () => {
    const { url } = await listen((_request, response) => {
      response.statusCode = 503;
      response.end('starting');
    });
    const error = await rejection(
      waitForHealth({ url, health: '/health', timeoutMs: 300, intervalMs: 20 }),
    );
    expect(error.message).toBe(`target ${url}/health not healthy after 300 ms: last answer: 503`);
  });

  it('counts any answer as up without a health path, but only 2xx with one', async () => {
    const { url } = await listen((_request, response) => {
      response.statusCode = 404;
      response.end('not found');
    });
    expect(await waitForHealth({ url, timeoutMs: 5000 })).toMatchObject({ attempts: 1 });
    const error = await rejection(
      waitForHealth({ url, health: '/health', timeoutMs: 200, intervalMs: 20 }),
    );
    expect(error.message).toContain('last answer: 404');
  });

  it('joins the health path to a base URL with a path prefix', async () => {
    const paths: string[] = [];
    const { url } = await listen((request, response) => {
      paths.push(request.url ?? '');
      response.end('ok');
    });
    await waitForHealth({ url: `${url}/api/`, health: '/health', timeoutMs: 5000 });
    expect(paths).toEqual(['/api/health']);
  });

  it('gives up on an attempt that gets no answer and says so', async () => {
    const { url } = await listen(() => {
      // never answers
    });
    const error = await rejection(
      waitForHealth({
        url,
        health: '/health',
        timeoutMs: 500,
        intervalMs: 20,
        attemptTimeoutMs: 150,
      }),
    );
    expect(error.message).toMatch(/not healthy after 500 ms: last error: no answer within \d+ ms$/);
  });

  it('stops promptly when isAlive gives a reason', async () => {
    let requests = 0;
    const { url } = await listen((_request, response) => {
      requests += 1;
      response.statusCode = 503;
      response.end();
    });
    let calls = 0;
    const began = performance.now();
    const error = await rejection(
      waitForHealth({
        url,
        health: '/health',
        timeoutMs: 60_000,
        intervalMs: 2000,
        isAlive: () => {
          calls += 1;
          return calls >= 3 ? 'the service died' : undefined;
        },
      }),
    );
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toBe(`the service died (${url}/health: last answer: 503)`);
    expect(requests).toBe(1);
    // Far below the 2 s pause and the 60 s timeout: the pause is cut short.
    expect(performance.now() - began).toBeLessThan(1900);

    const before = requests;
    const immediate = await rejection(
      waitForHealth({ url, health: '/health', timeoutMs: 60_000, isAlive: () => 'dead already' }),
    );
    expect(immediate.message).toBe('dead already');
    expect(requests).toBe(before);
  });

  it('rejects with the abort reason when the signal fires', async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the test')), 100);
    const error = await rejection(
      waitForHealth({
        url: `http://127.0.0.1:${port}`,
        timeoutMs: 60_000,
        intervalMs: 1000,
        signal: controller.signal,
      }),
    );
    expect(error.message).toBe('cancelled by the test');
  });

  it('rejects an invalid URL', async () => {
    const error = await rejection(waitForHealth({ url: 'not a url', timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toBe("target URL 'not a url' is not a valid URL");
  });
});

describe('startCommand', () => {
  it('runs a server, sends its output to the log file, and stops it', async () => {
    const port = await freePort();
    const exitListeners = process.listenerCount('exit');
    const service = await start(
      nodeCommand(`
        const http = require('node:http');
        console.log('hello on stdout');
        console.error('hello on stderr');
        http.createServer((q, s) => s.end('ok'))
          .listen(Number(process.env.PERF_PORT), '127.0.0.1', () => console.log('listening ' + process.env.PERF_PORT));
      `),
      'server',
      { PERF_PORT: String(port) },
    );
    expect(service.pid).toBeGreaterThan(0);
    expect(service.logFile).toBe(join(dir, 'server', 'logs', 'server.log'));
    expect(process.listenerCount('exit')).toBe(exitListeners + 1);

    await waitForHealth({
      url: `http://127.0.0.1:${port}`,
      health: '/',
      timeoutMs: 15_000,
      intervalMs: 50,
      isAlive: () => describeEarlyExit(service),
    });
    await waitForLog(service.logFile, new RegExp(`listening ${port}`));
    const log = await readFile(service.logFile, 'utf8');
    expect(log).toContain('hello on stdout');
    expect(log).toContain('hello on stderr');
    expect(service.exited()).toBeUndefined();

    await service.stop();
    expect(service.exited()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isGone(service.pid)).toBe(true);
    expect(process.listenerCount('exit')).toBe(exitListeners);
    const error = await rejection(
      waitForHealth({ url: `http://127.0.0.1:${port}`, timeoutMs: 200, intervalMs: 20 }),
    );
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('stops the whole process group, grandchildren included', async () => {
    const service = await start(
      nodeCommand(`
        const { spawn } = require('node:child_process');
        const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        console.log('pids ' + process.pid + ' ' + grandchild.pid);
        setInterval(() => {}, 1000);
      `),
      'tree',
    );
    const match = await waitForLog(service.logFile, /pids (\d+) (\d+)/);
    const pids = [Number(match[1]), Number(match[2])];
    for (const pid of pids) expect(isGone(pid)).toBe(false);

    await service.stop(2000);
    for (const pid of pids) expect(isGone(pid)).toBe(true);
  });

  it('reports an immediate exit, and waitForHealth stops naming the log file', async () => {
    const service = await start(
      nodeCommand('console.error("boom: no database"); process.exit(1)'),
      'crash',
    );
    const port = await freePort();
    const error = await rejection(
      waitForHealth({
        url: `http://127.0.0.1:${port}`,
        health: '/health',
        timeoutMs: 20_000,
        intervalMs: 50,
        isAlive: () => describeEarlyExit(service),
      }),
    );
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toMatch(
      /^target\.start exited with code 1 before becoming healthy; see .*crash\.log/,
    );
    expect(error.message).toContain(service.logFile);
    expect(service.exited()).toEqual({ code: 1, signal: null });
    expect(await readFile(service.logFile, 'utf8')).toContain('boom: no database');
    // stop() after the exit is harmless, and idempotent.
    const first = service.stop();
    expect(service.stop()).toBe(first);
    await first;
  });

  it('does not treat a clean exit (a daemonizing command) as a failure', async () => {
    const service = await start('exit 0', 'daemon');
    await waitFor(() => service.exited(), 'the exit');
    expect(service.exited()).toEqual({ code: 0, signal: null });
    expect(describeEarlyExit(service)).toBeUndefined();
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    const service = await start(
      nodeCommand(`
        process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
        console.log('ready ' + process.pid);
        setInterval(() => {}, 1000);
      `),
      'stubborn',
    );
    const match = await waitForLog(service.logFile, /ready (\d+)/);
    const pid = Number(match[1]);
    const began = performance.now();
    await service.stop(400);
    expect(performance.now() - began).toBeGreaterThanOrEqual(350);
    expect(isGone(pid)).toBe(true);
    expect(service.exited()).toBeDefined();
    // SIGTERM came first and was ignored.
    expect(await readFile(service.logFile, 'utf8')).toContain('ignoring SIGTERM');
  });

  it('throws TargetError for a missing working directory, an empty command or a bad log file', async () => {
    const missing = join(dir, 'no-such-dir');
    const logFile = join(dir, 'bad', 'x.log');
    const error = await rejection(startCommand({ command: 'true', cwd: missing, logFile }));
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toBe(`target.start: working directory '${missing}' does not exist`);

    expect((await rejection(startCommand({ command: '  ', logFile }))).message).toBe(
      'target.start is an empty command',
    );

    const aFile = join(dir, 'plain-file');
    await writeFile(aFile, 'x');
    const logError = await rejection(
      startCommand({ command: 'true', logFile: join(aFile, 'x.log') }),
    );
    expect(logError).toBeInstanceOf(TargetError);
    expect(logError.message).toContain(`cannot open log file '${join(aFile, 'x.log')}'`);
  });

  describe('when our process ends without stop()', () => {
    const moduleUrl = pathToFileURL(join(import.meta.dirname, '../../src/target/start-command.ts'));

    /** Run a harness node process that starts a long-lived service, then ends as `ending` says. */
    async function runHarness(name: string, ending: string) {
      const logFile = join(dir, name, 'service.log');
      const script = `
        import { startCommand } from ${JSON.stringify(moduleUrl.href)};
        const service = await startCommand({
          command: ${JSON.stringify(nodeCommand("console.log('service ' + process.pid); setInterval(() => {}, 1000)"))},
          logFile: ${JSON.stringify(logFile)},
        });
        const { readFileSync } = await import('node:fs');
        const timer = setInterval(() => {
          if (!/service \\d+/.test(readFileSync(${JSON.stringify(logFile)}, 'utf8'))) return;
          clearInterval(timer);
          ${ending}
        }, 20);
      `;
      const harness = execFile(process.execPath, ['--input-type=module', '-e', script], {
        timeout: 15_000,
        killSignal: 'SIGKILL',
      });
      let stderr = '';
      harness.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const [code, signal] = (await once(harness, 'exit')) as [number | null, string | null];
      const match = (await readFile(logFile, 'utf8').catch(() => '')).match(/service (\d+)/);
      expect(match, `harness failed: ${stderr}`).not.toBeNull();
      const servicePid = Number(match?.[1]);
      await waitFor(() => (isGone(servicePid) ? true : undefined), `pid ${servicePid} to go`);
      return { code, signal };
    }

    it('kills the group on process exit', async () => {
      expect(await runHarness('on-exit', 'process.exit(0);')).toEqual({ code: 0, signal: null });
    });

    it('kills the group on SIGTERM and still dies of the signal', async () => {
      expect(
        await runHarness(
          'on-sigterm',
          "setInterval(() => {}, 1000); process.kill(process.pid, 'SIGTERM');",
        ),
      ).toEqual({
        code: null,
        signal: 'SIGTERM',
      });
    });
  });
});

describe('login', () => {
  const password = 'hunter2-secret';
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let baseUrl: string;
  let loginServer: Server;

  beforeAll(async () => {
    loginServer = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        const json = (status: number, value: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(value));
        };
        switch (request.url) {
          case '/auth/login': {
            const credentials = JSON.parse(body || '{}');
            if (credentials.email === 'test@example.com' && credentials.password === password) {
              return json(200, { access_token: 'tok-123', token_type: 'bearer' });
            }
            // A careless service that echoes what it was sent.
            return json(401, {
              detail: `invalid credentials: ${credentials.email}/${credentials.password}`,
              password: credentials.password,
            });
          }
          case '/form-login':
            response.writeHead(403, { 'content-type': 'text/plain' });
            return response.end(`rejected ${decodeURIComponent(body)}\nbye`);
          case '/nested':
            return json(200, { data: { session: { token: 'n-1', expires: 3600 } } });
          case '/numeric':
            return json(200, { id: 42 });
          case '/dollar':
            return json(200, { access_token: 'a$&b' });
          case '/empty-token':
            return json(200, { access_token: '' });
          case '/object-token':
            return json(200, { access_token: { value: 'hidden-value' } });
          case '/html':
            response.writeHead(200, { 'content-type': 'text/html' });
            return response.end('<html>welcome tok-html</html>');
          case '/html-500':
            response.writeHead(500, { 'content-type': 'text/html' });
            return response.end(`<html>${body}</html>`);
          case '/hang':
            return; // never answers
          default:
            return json(404, { detail: 'no route' });
        }
      });
    });
    servers.push(loginServer);
    loginServer.listen(0, '127.0.0.1');
    await once(loginServer, 'listening');
    baseUrl = `http://127.0.0.1:${(loginServer.address() as AddressInfo).port}`;
    // afterEach must not close the shared login server.
    servers.splice(servers.indexOf(loginServer), 1);
  });

  afterAll(async () => {
    await closeServer(loginServer);
  });

  const bearer = { token: 'access_token', header: 'Authorization', format: 'Bearer {token}' };
  const credentials = { email: 'test@example.com', password };

  it('returns the auth header and the secrets on the right credentials', async () => {
    received.length = 0;
    const result = await login({
      baseUrl,
      request: {
        method: 'post',
        path: '/auth/login',
        headers: { 'x-client': 'perf' },
        json: credentials,
      },
      ...bearer,
    });
    expect(result).toEqual({
      headers: { Authorization: 'Bearer tok-123' },
      secrets: ['tok-123', 'Bearer tok-123'],
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(received[0]?.headers['x-client']).toBe('perf');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual(credentials);
  });

  it('fails on 401 with the method, URL and status, never the password', async () => {
    const error = await rejection(
      login({
        baseUrl: `${baseUrl}/`,
        request: {
          method: 'POST',
          path: '/auth/login',
          headers: {},
          json: { ...credentials, password: 'wrong-pass' },
        },
        ...bearer,
      }),
    );
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).exitCode).toBe(3);
    expect(error.message).toMatch(
      new RegExp(
        `^login POST ${baseUrl}/auth/login answered 401 Unauthorized: \\{"detail":"invalid credentials: \\*\\*\\*/\\*\\*\\*","password":"\\*\\*\\*"\\}$`,
      ),
    );
    expect(error.message).not.toContain('wrong-pass');
  });

  it('masks a form body echoed in a plain-text error, on one line', async () => {
    const error = await rejection(
      login({
        baseUrl,
        request: {
          method: 'POST',
          path: '/form-login',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `user=alice&password=${password}`,
        },
        ...bearer,
      }),
    );
    expect(error.message).toContain('answered 403 Forbidden: rejected ***');
    expect(error.message).not.toContain(password);
    expect(error.message).not.toContain('\n');
  });

  it('never quotes an HTML error page', async () => {
    const error = await rejection(
      login({
        baseUrl,
        request: { method: 'POST', path: '/html-500', json: credentials },
        ...bearer,
      }),
    );
    expect(error.message).toBe(`login POST ${baseUrl}/html-500 answered 500 Internal Server Error`);
  });

  it('fails clearly on a 2xx body that is not JSON, without quoting it', async () => {
    const error = await rejection(
      login({ baseUrl, request: { method: 'GET', path: '/html' }, ...bearer }),
    );
    expect(error).toBeInstanceOf(TargetError);
    expect(error.message).toBe(
      `login GET ${baseUrl}/html answered 200 with a body that is not JSON (content-type: text/html, 29 characters)`,
    );
  });

  it('lists the keys, never the values, when the token path is missing', async () => {
    const error = await rejection(
      login({
        baseUrl,
        request: { method: 'POST', path: '/auth/login', json: credentials },
        ...bearer,
        token: 'jwt',
      }),
    );
    expect(error.message).toBe(
      `login POST ${baseUrl}/auth/login: response has no 'jwt' (keys: access_token, token_type)`,
    );
    const nested = await rejection(
      login({
        baseUrl,
        request: { method: 'GET', path: '/nested' },
        ...bearer,
        token: 'data.session.jwt',
      }),
    );
    expect(nested.message).toBe(
      `login GET ${baseUrl}/nested: response has no 'data.session.jwt' (keys of 'data.session': token, expires)`,
    );
    expect(nested.message).not.toContain('n-1');
  });

  it('reads a nested token with either path form', async () => {
    for (const token of ['data.session.token', '$.data.session.token']) {
      const result = await login({
        baseUrl,
        request: { method: 'GET', path: '/nested' },
        ...bearer,
        token,
      });
      expect(result.headers).toEqual({ Authorization: 'Bearer n-1' });
    }
  });

  it('accepts a numeric token, any header and format, and a token with $ patterns', async () => {
    const numeric = await login({
      baseUrl,
      request: { method: 'GET', path: '/numeric' },
      token: 'id',
      header: 'X-Api-Token',
      format: '{token}',
    });
    expect(numeric).toEqual({ headers: { 'X-Api-Token': '42' }, secrets: ['42'] });
    const dollar = await login({ baseUrl, request: { method: 'GET', path: '/dollar' }, ...bearer });
    expect(dollar.headers).toEqual({ Authorization: 'Bearer a$&b' });
  });

  it('rejects an empty or non-scalar token without showing it', async () => {
    const empty = await rejection(
      login({ baseUrl, request: { method: 'GET', path: '/empty-token' }, ...bearer }),
    );
    expect(empty.message).toBe(
      `login GET ${baseUrl}/empty-token: response 'access_token' is an empty string, expected a non-empty string`,
    );
    const object = await rejection(
      login({ baseUrl, request: { method: 'GET', path: '/object-token' }, ...bearer }),
    );
    expect(object.message).toContain("'access_token' is an object");
    expect(object.message).not.toContain('hidden-value');
  });

  it('fails clearly on a network error and on a timeout', async () => {
    const port = await freePort();
    const refused = await rejection(
      login({
        baseUrl: `http://127.0.0.1:${port}`,
        request: { method: 'POST', path: '/auth/login', json: credentials },
        ...bearer,
      }),
    );
    expect(refused).toBeInstanceOf(TargetError);
    expect(refused.message).toBe(
      `login POST http://127.0.0.1:${port}/auth/login failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    const hung = await rejection(
      login({ baseUrl, request: { method: 'GET', path: '/hang' }, ...bearer, timeoutMs: 200 }),
    );
    expect(hung.message).toBe(`login GET ${baseUrl}/hang failed: no answer within 200 ms`);
  });

  it('rejects a bad token path or format as config errors before sending anything', async () => {
    received.length = 0;
    const path = await rejection(
      login({
        baseUrl,
        request: { method: 'GET', path: '/nested' },
        ...bearer,
        token: 'data..token',
      }),
    );
    expect(path).toBeInstanceOf(ConfigError);
    expect(path.message).toContain("invalid JSON path 'data..token'");
    const format = await rejection(
      login({ baseUrl, request: { method: 'GET', path: '/nested' }, ...bearer, format: 'Bearer' }),
    );
    expect(format).toBeInstanceOf(ConfigError);
    expect(format.message).toBe("login format 'Bearer' has no {token} placeholder");
    const header = await rejection(
      login({
        baseUrl,
        request: { method: 'GET', path: '/nested', headers: { 'x-key': 'secret\nvalue' } },
        ...bearer,
      }),
    );
    expect(header).toBeInstanceOf(ConfigError);
    expect(header.message).not.toContain('secret');
    expect(received).toHaveLength(0);
  });
});
