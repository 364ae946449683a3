// An HTTP/1.1 server on node:net that misbehaves on purpose, by path, and counts every request
// that reached it (by path, without the query), so a test can tell a request the client never
// sent from one it sent twice:
//   /ok          200 with a 2-byte body, keep-alive
//   /500         500 with a 2-byte body, keep-alive
//   /close       closes the connection (FIN) as soon as the request arrived, no answer
//   /reset       resets the connection (RST) as soon as the request arrived
//   /hang        never answers
//   /half        odd arrivals at this path are closed like /close, even ones answered 200
//   /partial     headers promising 100 bytes, 10 of them, then a close
//   /idle-close  200 with keep-alive, then the server closes the idle connection at once
//   /slow?ms=N   200 after N ms
//   /big?mb=N    200 with an N MiB body, streamed in 64 KiB chunks (backpressure honoured)
// Anything else is a 404. Request bodies are skipped by content-length.
import { createServer, type Server, type Socket } from 'node:net';

export interface MisbehavingServer {
  url: string;
  port: number;
  /** Requests that reached the server at `path` (no query), or at all paths without one. */
  arrivals(path?: string): number;
  close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNK = Buffer.alloc(64 * 1024, 120);

function response(status: number, body: string, extra = ''): Buffer {
  const reason = status === 200 ? 'OK' : status === 404 ? 'Not Found' : 'Internal Server Error';
  return Buffer.from(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n` +
      `connection: keep-alive\r\nkeep-alive: timeout=30\r\n${extra}\r\n${body}`,
    'latin1',
  );
}

const OK = response(200, 'ok');
const ERROR = response(500, 'no');
const NOT_FOUND = response(404, 'no');

/** Streams `bytes` of body after the head, waiting for 'drain' when the socket's buffer is full. */
function streamBody(socket: Socket, bytes: number, done: () => void): void {
  let left = bytes;
  const pump = (): void => {
    while (left > 0 && !socket.destroyed) {
      const part = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= part.length;
      if (!socket.write(part)) {
        socket.once('drain', pump);
        return;
      }
    }
    if (left === 0) done();
  };
  pump();
}

/** Starts the server on 127.0.0.1 at `port` (0: any free port). */
export async function startMisbehavingServer(port = 0): Promise<MisbehavingServer> {
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    let bodyToSkip = 0;
    // One request at a time per connection: the client under test never pipelines.
    let isBusy = false;
    const next = (): void => {
      isBusy = false;
      handle();
    };
    const handle = (): void => {
      while (!isBusy && !socket.destroyed) {
        if (bodyToSkip > 0) {
          const skipped = Math.min(bodyToSkip, buffered.length);
          buffered = buffered.subarray(skipped);
          bodyToSkip -= skipped;
          if (bodyToSkip > 0) return;
        }
        const end = buffered.indexOf(HEAD_END);
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + HEAD_END.length);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        bodyToSkip = length ? Number(length[1]) : 0;
        const target = head.split(' ')[1] ?? '/';
        const url = new URL(target, 'http://x');
        const count = (counts.get(url.pathname) ?? 0) + 1;
        counts.set(url.pathname, count);
        isBusy = true;
        answer(socket, url, count, next);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      handle();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    arrivals: (path) =>
      path === undefined
        ? [...counts.values()].reduce((a, b) => a + b, 0)
        : (counts.get(path) ?? 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(socket: Socket, url: URL, count: number, next: () => void): void {
  switch (url.pathname) {
    case '/ok':
      socket.write(OK);
      next();
      return;
    case '/500':
      socket.write(ERROR);
      next();
      return;
    case '/close':
      socket.end();
      return;
    case '/reset':
      socket.resetAndDestroy();
      return;
    case '/hang':
      return;
    case '/half':
      if (count % 2 === 1) {
        socket.end();
        return;
      }
      socket.write(OK);
      next();
      return;
    case '/partial':
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\n0123456789',
      );
      socket.end();
      return;
    case '/idle-close':
      socket.end(OK);
      return;
    case '/slow': {
      const timer = setTimeout(
        () => {
          if (socket.destroyed) return;
          socket.write(OK);
          next();
        },
        Number(url.searchParams.get('ms') ?? 0),
      );
      socket.once('close', () => clearTimeout(timer));
      return;
    }
    case '/big': {
      const bytes = Math.round(Number(url.searchParams.get('mb') ?? 1) * 2 ** 20);
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${bytes}\r\n` +
          'connection: keep-alive\r\n\r\n',
      );
      streamBody(socket, bytes, next);
      return;
    }
    default:
      socket.write(NOT_FOUND);
      next();
  }
}
