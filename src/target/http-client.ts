// The one way perf-action's own HTTP calls reach the service (the health wait, the login, seeding,
// the record count, video uploads and status polls): undici's request API on a dispatcher of our
// own, with one timeout, ours. Not fetch: fetch refuses every port the Fetch standard calls "bad"
// (6000, 6665-6669, 10080, ...), and a service may listen on any port its user names.
import { STATUS_CODES } from 'node:http';
import { Agent, type Dispatcher, FormData, interceptors, request } from 'undici';
import { MAX_TIMER_MS } from '../engine/limits.ts';

export { FormData };

/** Redirects followed when `followRedirects` is on, as many as fetch follows. */
const MAX_REDIRECTIONS = 20;

/** Most body bytes kept as text; the rest is read and discarded (an answer is quoted, not stored). */
export const MAX_KEPT_BODY_BYTES = 4 * 1024 * 1024;

// undici's own header and body timeouts (300 s each) would cut a long upload short: the caller's
// timeout is the only one.
const direct = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
const following = direct.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));

/** One call. */
export interface HttpCall {
  /** e.g. `GET`, `POST` */
  method: string;
  headers?: Record<string, string>;
  /**
   * A string (sent as `text/plain;charset=UTF-8` unless a content-type is given, as fetch does),
   * a Blob (streamed, e.g. a file from `openAsBlob`) or a FormData (multipart, its files streamed).
   */
  body?: string | Blob | FormData;
  /** Gives up after this long, in milliseconds: rejects with an error named `TimeoutError`. */
  timeoutMs: number;
  /** Aborting it rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Follow redirects (default true, up to 20, as fetch does). With false a 3xx is the answer,
   * and a streamed body is never held in memory to be sent again.
   */
  followRedirects?: boolean;
  /** Read the body as text (default true); false discards it. */
  readBody?: boolean;
}

/** What came back. */
export interface HttpAnswer {
  status: number;
  /** The standard reason phrase of the status (`Internal Server Error`), '' for an unknown one. */
  statusText: string;
  /** Response headers by lower-case name; repeated ones joined with `, `. */
  headers: Record<string, string>;
  /** The body as UTF-8 text, its first MAX_KEPT_BODY_BYTES; '' when not read. */
  text: string;
}

/**
 * Sends one request and reads its answer. Rejects with undici's error for a network failure
 * (refused, reset, closed: see describeHttpError in http.ts), a TimeoutError after `timeoutMs`,
 * or the signal's reason.
 */
export async function sendRequest(url: string | URL, call: HttpCall): Promise<HttpAnswer> {
  // A timer holds at most MAX_TIMER_MS (~24.8 days); a longer one would fire after 1 ms.
  const timeout = AbortSignal.timeout(
    Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(call.timeoutMs))),
  );
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const headers = { ...call.headers };
  if (typeof call.body === 'string' && !hasHeader(headers, 'content-type')) {
    headers['content-type'] = 'text/plain;charset=UTF-8';
  }
  const response = await request(url, {
    method: call.method.toUpperCase() as Dispatcher.HttpMethod,
    headers,
    // undici streams a Blob body with its exact content-length (client-h1 takes any blob-like
    // body), but its request typings leave Blob out.
    body: (call.body ?? null) as Dispatcher.RequestOptions['body'],
    signal,
    dispatcher: call.followRedirects === false ? direct : following,
  });
  let text = '';
  if (call.readBody === false) await response.body.dump();
  else text = await readKept(response.body);
  return {
    status: response.statusCode,
    statusText: STATUS_CODES[response.statusCode] ?? '',
    headers: flatHeaders(response.headers),
    text,
  };
}

/** The body's first MAX_KEPT_BODY_BYTES as text; the rest is read to the end and dropped. */
async function readKept(body: AsyncIterable<Buffer>): Promise<string> {
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size >= MAX_KEPT_BODY_BYTES) continue;
    const room = MAX_KEPT_BODY_BYTES - size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    kept.push(part);
    size += part.length;
  }
  return Buffer.concat(kept, size).toString('utf8');
}

function flatHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}
