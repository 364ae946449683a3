// One video through the service: upload it (streamed from disk, never read into memory), read the
// job id, poll the status until it is done, failed, or the per-video timeout has passed. Every way
// it can go wrong ends as a row with its outcome and reason; nothing here throws but an abort.
import { openAsBlob } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { joinUrl } from '../../engine/common.ts';
import { describeHttpError, formatDuration, oneLine } from '../../target/http.ts';
import { FormData, sendRequest } from '../../target/http-client.ts';
import { readJsonPath } from '../../target/json-path.ts';
import type {
  JsonCondition,
  VideoRequestConfig,
  VideoStatusConfig,
  VideoUploadConfig,
} from './config.ts';
import type { VideoUploadRow } from './results.ts';
import type { PreparedVideo } from './sources.ts';
import { renderVideoTemplate, type VideoPlaceholder } from './template.ts';

/** Longest part of an answer quoted in a reason, in characters. */
const MAX_QUOTED = 200;

/** Most one status request may take, in milliseconds (less when the video's deadline is nearer). */
const POLL_REQUEST_TIMEOUT_MS = 30_000;

export interface VideoJobOptions {
  baseUrl: string;
  upload: VideoUploadConfig;
  status: VideoStatusConfig;
  /** Headers added to every request (the login's auth header); the configured ones win. */
  authHeaders: Record<string, string>;
  /** Aborts the upload and the polling; the job then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Where the upload stands in the suite: its `{{i}}` and `{{level}}`. */
export interface VideoJobPlace {
  /** Upload number across the suite, from 1. */
  upload: number;
  level: number;
}

/** What a status answer said. */
type Poll =
  | { kind: 'done' }
  | { kind: 'failed'; reason: string }
  | { kind: 'pending'; state: string }
  /** Worth asking again (5xx, 429, network, not JSON): why it did not answer this time. */
  | { kind: 'unanswered'; why: string }
  /** The service refused the status request (4xx): asking again will not help. */
  | { kind: 'refused'; why: string };

function quote(text: string): string {
  const line = oneLine(text);
  return line.length > MAX_QUOTED ? `${line.slice(0, MAX_QUOTED)}…` : line;
}

function renderRequest(
  request: VideoRequestConfig,
  values: Partial<Record<VideoPlaceholder, string | number>>,
): string {
  return renderVideoTemplate(request.path, values, encodeURIComponent);
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Whether the value at the condition's path is one of its values. */
export function meetsCondition(answer: unknown, condition: JsonCondition): boolean {
  const value = readJsonPath(answer, condition.path);
  return condition.values.some((expected) => expected === value);
}

/** The id at `idPath` as text, or undefined when there is none (objects are no ids). */
function readJobId(answer: unknown, idPath: string): string | undefined {
  const id = readJsonPath(answer, idPath);
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The body and headers of the upload: multipart with the file streamed from disk, or the file. */
async function uploadBody(
  video: PreparedVideo,
  config: VideoUploadConfig,
  values: Partial<Record<VideoPlaceholder, string | number>>,
  headers: Record<string, string>,
): Promise<{ body: Blob | FormData; headers: Record<string, string> }> {
  const blob = await openAsBlob(video.path, { type: video.contentType });
  if (config.mode === 'raw') {
    const withType = hasHeader(headers, 'content-type')
      ? headers
      : { ...headers, 'content-type': video.contentType };
    return { body: blob, headers: withType };
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(config.fields)) {
    form.append(name, renderVideoTemplate(value, values));
  }
  form.append(config.field, blob, video.name);
  // undici writes the multipart content type with its boundary; a configured one would break it.
  const without = Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'),
  );
  return { body: form, headers: without };
}

/** The time left until the deadline (at most `capMs`), in whole milliseconds, at least 1. */
function timeLeftMs(deadlineMs: number, capMs = Number.POSITIVE_INFINITY): number {
  return Math.max(1, Math.ceil(Math.min(capMs, deadlineMs - performance.now())));
}

/**
 * Sends one video and follows its processing. Processing time runs from the upload's start to the
 * sending of the first status request whose answer says done, so it is known to the polling
 * interval. Resolves with the row in every case.
 * @throws the signal's reason when `options.signal` aborts.
 */
export async function processVideo(
  video: PreparedVideo,
  place: VideoJobPlace,
  options: VideoJobOptions,
): Promise<VideoUploadRow> {
  const { upload, status, signal } = options;
  const values = { i: place.upload, level: place.level, video: video.name };
  const row: VideoUploadRow = {
    upload: place.upload,
    video: video.name,
    durationS: video.durationS,
    bytes: video.bytes,
    outcome: 'error',
  };
  const startedAt = performance.now();
  const deadline = startedAt + status.timeoutMs;
  const timeLimit = formatDuration(status.timeoutMs);

  // --- upload
  const url = joinUrl(options.baseUrl, renderRequest(upload.request, values));
  const prepared = await uploadBody(video, upload, values, {
    ...options.authHeaders,
    ...upload.request.headers,
  });
  let answer: { status: number; text: string };
  const uploadTimeoutMs = timeLeftMs(deadline);
  try {
    answer = await sendRequest(url, {
      method: upload.request.method,
      headers: prepared.headers,
      body: prepared.body,
      timeoutMs: uploadTimeoutMs,
      // Following redirects would keep the whole body in memory to send it again (as fetch does,
      // nodejs/undici#4058): not following, the file streams from disk at constant memory, and a
      // 3xx is an answer like any other.
      followRedirects: false,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    signal?.throwIfAborted();
    if (performance.now() >= deadline - 1) {
      return { ...row, outcome: 'timeout', reason: `upload not answered within ${timeLimit}` };
    }
    const why = describeHttpError(error, uploadTimeoutMs);
    return { ...row, outcome: 'error', reason: `upload failed: ${why}` };
  }
  row.uploadMs = Math.round((performance.now() - startedAt) * 10) / 10;
  if (answer.status < 200 || answer.status >= 300) {
    return {
      ...row,
      outcome: 'rejected',
      reason: `upload answered ${answer.status}: ${quote(answer.text) || '(empty body)'}`,
    };
  }
  const parsed = parseJson(answer.text);
  const id = parsed.ok ? readJobId(parsed.value, upload.idPath) : undefined;
  if (id === undefined) {
    return {
      ...row,
      outcome: 'rejected',
      reason: `no job id at '${upload.idPath}' in the upload's answer: ${quote(answer.text) || '(empty body)'}`,
    };
  }
  row.id = id;

  // --- status
  const statusUrl = joinUrl(options.baseUrl, renderRequest(status.request, { ...values, id }));
  const statusHeaders = { ...options.authHeaders, ...status.request.headers };
  let last = 'no answer yet';
  for (;;) {
    const polledAt = performance.now();
    if (polledAt >= deadline) break;
    const poll = await pollStatus(statusUrl, statusHeaders, status, {
      deadline,
      ...(signal ? { signal } : {}),
    });
    if (poll.kind === 'done') {
      return {
        ...row,
        outcome: 'done',
        processingS: Math.round(polledAt - startedAt) / 1000,
      };
    }
    if (poll.kind === 'failed') return { ...row, outcome: 'failed', reason: poll.reason };
    if (poll.kind === 'refused') return { ...row, outcome: 'failed', reason: poll.why };
    // A poll cut short by the deadline says nothing about the service: keep what came before.
    if (poll.kind === 'unanswered' && performance.now() >= deadline) break;
    last = poll.kind === 'pending' ? `last status: ${poll.state}` : `last poll: ${poll.why}`;
    const wait = Math.min(status.intervalMs, deadline - performance.now());
    if (wait <= 0) break;
    await sleep(wait, undefined, signal ? { signal } : {});
  }
  return { ...row, outcome: 'timeout', reason: `not done within ${timeLimit} (${last})` };
}

async function pollStatus(
  url: URL,
  headers: Record<string, string>,
  status: VideoStatusConfig,
  limits: { deadline: number; signal?: AbortSignal },
): Promise<Poll> {
  const method = status.request.method;
  let answer: { status: number; text: string };
  const timeoutMs = timeLeftMs(limits.deadline, POLL_REQUEST_TIMEOUT_MS);
  try {
    answer = await sendRequest(url, {
      method,
      headers,
      timeoutMs,
      ...(limits.signal ? { signal: limits.signal } : {}),
    });
  } catch (error) {
    limits.signal?.throwIfAborted();
    return { kind: 'unanswered', why: describeHttpError(error, timeoutMs) };
  }
  const quoted = quote(answer.text) || '(empty body)';
  if (answer.status === 429 || answer.status >= 500) {
    return { kind: 'unanswered', why: `status answered ${answer.status}: ${quoted}` };
  }
  if (answer.status < 200 || answer.status >= 300) {
    return { kind: 'refused', why: `status answered ${answer.status}: ${quoted}` };
  }
  const parsed = parseJson(answer.text);
  if (!parsed.ok) return { kind: 'unanswered', why: `status answer is not JSON: ${quoted}` };
  if (meetsCondition(parsed.value, status.done)) return { kind: 'done' };
  if (meetsCondition(parsed.value, status.failed)) {
    const error = readJsonPath(parsed.value, status.errorPath);
    const state = JSON.stringify(readJsonPath(parsed.value, status.failed.path));
    const why =
      typeof error === 'string' && error !== ''
        ? quote(error)
        : error !== undefined && error !== null
          ? quote(JSON.stringify(error))
          : quoted;
    return { kind: 'failed', reason: `processing ${state}: ${why}` };
  }
  const state = readJsonPath(parsed.value, status.done.path);
  return { kind: 'pending', state: state === undefined ? quoted : JSON.stringify(state) };
}
