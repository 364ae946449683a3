// The plumbing the JSON stand-ins share (the GitHub REST API, the Actions results service, the
// video service): the answer written as JSON, and a server on a free loopback port that answers a
// failing handler with a 500 rather than leaving the client waiting.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Answers `status` with `body` as JSON (no body and no content-type when it is undefined), with
 * `headers` besides.
 */
export function sendJson(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  response.writeHead(
    status,
    body === undefined ? headers : { ...headers, 'content-type': contentType },
  );
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops listening and drops the open connections. */
  close(): Promise<void>;
}

/**
 * Serves `handle` on a free port of 127.0.0.1 (port 0: tests running side by side never collide).
 * When `handle` rejects, the request gets a 500 with the JSON body `onError` returns (unless the
 * answer had begun).
 */
export async function serveOnLoopback(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  onError: (request: IncomingMessage, error: unknown) => unknown,
): Promise<LoopbackServer> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const body = onError(request, error);
      if (!response.headersSent) sendJson(response, 500, body);
      else response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
