// A small service stand-in for the same-job comparison tests, in this process (so that its arrival
// times share the test's clock): every request is answered after at least `delayMs`, each arrival
// is recorded with its time and the auth header it carried, POST /bulk stores the records it is
// sent (a JSON array, or one object; above `refuseAbove` records it answers 500) and GET /count
// says how many it holds.
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type LoopbackServer, sendJson, serveOnLoopback } from './json-server.ts';

export interface Arrival {
  /** performance.now() when the request arrived. */
  atMs: number;
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface RecordsService extends LoopbackServer {
  /** Every request, in arrival order. */
  arrivals: Arrival[];
  /** The records POST /bulk stored, in the order they came. */
  records: unknown[];
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves no earlier than `untilMs` on performance.now() (a timer may fire a little early). */
async function holdUntil(untilMs: number): Promise<void> {
  for (let left = untilMs - performance.now(); left > 0; left = untilMs - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}

/** `refuseAbove`: POST /bulk answers 500 when it would take the records above this many. */
export async function startRecordsService(
  delayMs: number,
  options: { refuseAbove?: number } = {},
): Promise<RecordsService> {
  const arrivals: Arrival[] = [];
  const records: unknown[] = [];
  const server = await serveOnLoopback(
    async (request, response) => {
      const atMs = performance.now();
      const path = request.url ?? '/';
      arrivals.push({
        atMs,
        method: request.method ?? 'GET',
        path,
        authorization: request.headers.authorization,
      });
      const body = await readBody(request);
      if (request.method === 'POST' && path === '/bulk') {
        const sent = JSON.parse(body) as unknown;
        const adding = Array.isArray(sent) ? sent.length : 1;
        if (records.length + adding > (options.refuseAbove ?? Number.POSITIVE_INFINITY)) {
          return sendJson(response, 500, { detail: 'disk full' });
        }
        records.push(...(Array.isArray(sent) ? sent : [sent]));
        return sendJson(response, 201, { created: adding });
      }
      if (path === '/count') return sendJson(response, 200, { total: records.length });
      await holdUntil(atMs + delayMs);
      sendJson(response, 200, { records: records.length });
    },
    (_request, error) => ({ detail: String(error) }),
  );
  return { ...server, arrivals, records };
}
