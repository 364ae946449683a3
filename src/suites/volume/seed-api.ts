// Seeding through the service's own API: the volume suite's templated request, sent with at most
// `concurrency` in flight (and at most `rate` per second) until the step's record count is reached.
// The first answer outside 2xx/3xx, timeout or socket error stops it with a SeedError naming the
// request and the answer: data the service refused would make every later measurement a lie.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isOkStatus, joinUrl } from '../../engine/common.ts';
import { describeHttpError, oneLine } from '../../target/http.ts';
import { sendRequest } from '../../target/http-client.ts';
import type { RequestSeed } from './config.ts';
import type { SeedRequestTemplate } from './seed-template.ts';

/** Seeding failed; the message names the request (method, path, records) and the answer. */
export class SeedError extends Error {}

/** What one step's seeding did. */
export interface SeedOutcome {
  /** Records added. */
  records: number;
  /** Requests sent (0 for a command). */
  requests: number;
  /** Wall time, in milliseconds. */
  elapsedMs: number;
}

export interface ApiSeedOptions {
  baseUrl: string;
  seed: RequestSeed;
  template: SeedRequestTemplate;
  /** Headers added to every request (the login's auth header); the template's win. */
  authHeaders: Record<string, string>;
  /** The number of the first record this call sends (`{{i}}`): records the suite seeded before. */
  first: number;
  /** Records to add. */
  count: number;
  /** Progress lines for people (never bodies or headers). */
  log: (line: string) => void;
  /** How often progress is logged while seeding, in milliseconds (default 2000). */
  progressEveryMs?: number;
}

/** Longest part of a refusing answer's body quoted in the error, in characters. */
const MAX_QUOTED_BODY = 300;

/**
 * Sends the seed requests for records `first` .. `first + count - 1`. Resolves when all were
 * accepted.
 * @throws SeedError at the first refused or failed request (after the ones in flight settle).
 */
export async function seedThroughApi(options: ApiSeedOptions): Promise<SeedOutcome> {
  const { seed, template, first: from } = options;
  const to = from + options.count;
  const perRequest = seed.batch ?? 1;
  const startedAt = performance.now();
  let next = from;
  let accepted = 0;
  let requests = 0;
  let failure: SeedError | undefined;

  const progress = setInterval(() => {
    const seconds = (performance.now() - startedAt) / 1000;
    options.log(
      `seeding: ${accepted} of ${options.count} records (${Math.round(accepted / seconds)} records/s)`,
    );
  }, options.progressEveryMs ?? 2000);
  progress.unref();

  const send = async (first: number, count: number): Promise<void> => {
    const request = template.render(first, count);
    const what = `${request.method} ${request.path} (records ${first}..${first + count - 1})`;
    let status: number;
    let statusText: string;
    let text: string;
    try {
      const answer = await sendRequest(joinUrl(options.baseUrl, request.path), {
        method: request.method,
        headers: { ...options.authHeaders, ...request.headers },
        ...(request.body !== undefined ? { body: request.body } : {}),
        timeoutMs: seed.timeoutMs,
      });
      status = answer.status;
      statusText = answer.statusText;
      text = answer.text;
    } catch (error) {
      throw new SeedError(`${what} failed: ${describeHttpError(error, seed.timeoutMs)}`);
    }
    if (!isOkStatus(status)) {
      const quoted = oneLine(text).slice(0, MAX_QUOTED_BODY);
      throw new SeedError(
        `${what} answered ${status}${statusText ? ` ${statusText}` : ''}${quoted ? `: ${quoted}` : ''}`,
      );
    }
    accepted += count;
  };

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < to) {
      const first = next;
      const count = Math.min(perRequest, to - first);
      next += count;
      const index = requests++;
      if (seed.rate !== undefined) {
        const wait = startedAt + (index * 1000) / seed.rate - performance.now();
        if (wait > 0) await sleep(wait);
        if (failure !== undefined) return;
      }
      try {
        await send(first, count);
      } catch (error) {
        failure ??= error instanceof SeedError ? error : new SeedError(String(error));
      }
    }
  };

  try {
    const workers = Math.max(1, Math.min(seed.concurrency, Math.ceil((to - from) / perRequest)));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    clearInterval(progress);
  }
  if (failure) throw failure;
  return { records: accepted, requests, elapsedMs: performance.now() - startedAt };
}
