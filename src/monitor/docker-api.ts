// A tiny Docker Engine API client over its unix socket (node:http with socketPath), enough for
// inspecting a container and reading one stats sample.
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import type { ContainerEngine } from './docker-stats.ts';

/** The socket a Docker client uses by default. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** Where the Docker socket is, and a note when DOCKER_HOST named something that cannot be used. */
export interface DockerSocketChoice {
  socketPath: string;
  note?: string;
}

/**
 * The socket to talk to: `option` (`/path` or `unix:///path`), else DOCKER_HOST when it is
 * `unix://…`, else /var/run/docker.sock.
 */
export function resolveDockerSocket(
  option: string | undefined,
  dockerHost: string | undefined,
): DockerSocketChoice {
  const fromUnix = (value: string) => value.replace(/^unix:\/\//, '');
  if (option?.trim()) return { socketPath: fromUnix(option.trim()) };
  const host = dockerHost?.trim();
  if (!host) return { socketPath: DEFAULT_DOCKER_SOCKET };
  if (host.startsWith('unix://')) return { socketPath: fromUnix(host) };
  return {
    socketPath: DEFAULT_DOCKER_SOCKET,
    note: `DOCKER_HOST ${host} is not a unix socket and is not used`,
  };
}

/** A status and parsed JSON body (the raw text when it is not JSON). */
export interface DockerAnswer {
  status: number;
  body: unknown;
  /** The response headers (names in lower case). */
  headers?: IncomingHttpHeaders;
}

/**
 * Which engine gave an answer: podman's API service marks every answer with a `Libpod-Api-Version`
 * header and a `Server: Libpod/…` one; anything else is taken for Docker.
 */
export function answeringEngine(answer: DockerAnswer): ContainerEngine {
  const headers = answer.headers ?? {};
  const server = headers.server;
  return headers['libpod-api-version'] !== undefined ||
    (typeof server === 'string' && /^libpod\//i.test(server))
    ? 'podman'
    : 'docker';
}

/** A failure to talk to Docker at all (not an HTTP error status). */
export interface DockerClient {
  readonly socketPath: string;
  /** GET a path such as `/containers/db/json`. Rejects when the socket cannot be used. */
  get(path: string): Promise<DockerAnswer>;
  /** Closes kept-alive connections. */
  close(): void;
}

/** A client of the Docker Engine at `socketPath`; each request gives up after `timeoutMs`. */
export function createDockerClient(socketPath: string, timeoutMs = 10_000): DockerClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  return {
    socketPath,
    get(path) {
      return new Promise<DockerAnswer>((resolve, reject) => {
        const req = request(
          { socketPath, path, method: 'GET', agent, headers: { accept: 'application/json' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let body: unknown = text;
              try {
                body = JSON.parse(text);
              } catch {
                // Not JSON (a proxy's error page): keep the text for the message.
              }
              resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
            });
          },
        );
        req.setTimeout(timeoutMs, () => {
          req.destroy(
            Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** One line fragment for a failure to reach Docker, e.g. `no Docker socket at /var/run/docker.sock`. */
export function describeDockerFailure(error: unknown, socketPath: string): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `no Docker socket at ${socketPath}`;
    case 'ECONNREFUSED':
      return `Docker at ${socketPath} refused the connection`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to use the Docker socket at ${socketPath}`;
    default:
      return `Docker at ${socketPath} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The `message` of a Docker error body, e.g. `No such container: x`. */
export function dockerMessage(answer: DockerAnswer): string {
  const { body } = answer;
  if (
    body &&
    typeof body === 'object' &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return typeof body === 'string' && body.trim()
    ? body.trim().slice(0, 200)
    : `HTTP ${answer.status}`;
}
