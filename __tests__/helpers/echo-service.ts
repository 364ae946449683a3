// A service that gives back what it was sent, for the redaction tests: the worst a real service
// does with credentials. It answers a seed request and a video upload with an error (a status text
// and a body) quoting the Authorization and API-key headers, the URL and the body, with a mention
// and links in it; it logs every request to stdout (the service log) with its headers and body,
// the login's body (also form-encoded), Basic credentials decoded, and the token it issues, also
// base64-encoded alone and inside a longer value.
//
// Run as `node echo-service.ts --port N` with ECHO_TOKEN (the token its login issues) in its
// environment; it listens on 127.0.0.1 only and ends when its parent stops it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Text a service might put in an error: it must reach the comment as text, not as a ping or link. */
export const HOSTILE_TEXT =
  'ask @octocat or see https://evil.example/help [x](javascript:alert(1))';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** The echo service on 127.0.0.1:`port`; every log line goes to `log`. */
export function createEchoServer(options: { token: string; log: (line: string) => void }): Server {
  const { token, log } = options;
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(request, response, Buffer.concat(chunks), token, log));
  });
}

function answer(
  request: IncomingMessage,
  response: ServerResponse,
  raw: Buffer,
  token: string,
  log: (line: string) => void,
): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const authorization = request.headers.authorization ?? '-';
  const apiKey = String(request.headers['x-api-key'] ?? '-');
  const isMultipart = /multipart/.test(request.headers['content-type'] ?? '');
  const body = isMultipart ? `(${raw.length} bytes of multipart)` : raw.toString('utf8');
  log(
    `${request.method} ${request.url} authorization=${authorization} x-api-key=${apiKey} body=${body}`,
  );
  if (authorization.startsWith('Basic ')) {
    log(`basic credentials: ${Buffer.from(authorization.slice(6), 'base64').toString('utf8')}`);
  }
  const echo = { authorization, apiKey, url: request.url, body, note: HOSTILE_TEXT };
  const send = (status: number, value: unknown, statusText?: string) => {
    const text = JSON.stringify(value);
    if (statusText) response.statusMessage = statusText;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(text);
  };
  const path = url.pathname;
  if (path.endsWith('/health')) {
    send(200, { ok: true });
  } else if (path.endsWith('/login')) {
    try {
      const fields = JSON.parse(body) as Record<string, string>;
      log(`login form: ${new URLSearchParams(fields).toString()}`);
    } catch {
      log('login: body is not JSON');
    }
    if (url.searchParams.has('client_secret')) {
      send(401, { error: 'bad client', ...echo });
    } else {
      log(`issued token ${token} (b64 ${b64(token)}, trace ${b64(`session=${token};`)})`);
      send(200, { access_token: token });
    }
  } else if (path.endsWith('/bulk')) {
    send(500, { error: 'refused', ...echo }, `Refused ${authorization}`);
  } else if (path.endsWith('/videos')) {
    send(401, { detail: `unauthorized: ${authorization}`, ...echo });
  } else if (path.includes('/items/')) {
    send(200, { ok: true });
  } else {
    send(404, { error: 'no such route', ...echo });
  }
}

if (import.meta.main) {
  const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
  const token = process.env.ECHO_TOKEN ?? 'echo-token-unset';
  const server = createEchoServer({ token, log: (line) => process.stdout.write(`${line}\n`) });
  server.listen(port, '127.0.0.1', () => process.stdout.write(`echo service on ${port}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
