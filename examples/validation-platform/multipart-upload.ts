// Streams one uploaded file to disk, never holding it in memory: a multipart/form-data body
// (parsed by busboy) or a raw body. Enforces a size cap and drains what is over it, so the 413
// reaches clients that send the whole body before reading the answer.

import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

/** Options of {@link receiveUpload}. */
export interface UploadOptions {
  /** Folder the file is written to, under a random name. */
  dir: string;
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Form field that carries the file (multipart bodies). */
  fileField: string;
  /** Content types accepted as a raw body holding the file itself. */
  rawTypes: readonly string[];
  /** File name extension, with its dot (e.g. `.avi`). */
  extension: string;
}

/** A file received in full. */
export interface Upload {
  path: string;
  /** Size of the file, in bytes. */
  bytes: number;
  /** The other form fields (first value of each; none for a raw body). */
  fields: Record<string, string>;
  /** The file name the client gave, if any. */
  filename?: string;
}

/** Why an upload was refused; `status` is the HTTP status to answer. */
export class UploadError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'UploadError';
    this.status = status;
    this.headers = headers;
  }
}

/** Room for boundaries, part headers and small fields around the file in a multipart body. */
const MULTIPART_SLACK_BYTES = 64 * 1024;
/** Past the cap, this much more is read and discarded before the connection is dropped. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 1024;

function tooLarge(maxBytes: number, headers: Record<string, string> = {}): UploadError {
  return new UploadError(413, `upload exceeds ${maxBytes} bytes`, headers);
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Receives the file of `request` into `options.dir`. Rejects with an {@link UploadError}: 415 for
 * another content type, 400 for a malformed or incomplete body or a form without the file field,
 * 413 over the cap (the partial file removed in every case).
 */
export async function receiveUpload(
  request: IncomingMessage,
  options: UploadOptions,
): Promise<Upload> {
  const type = mediaType(request.headers['content-type']);
  const isMultipart = type === 'multipart/form-data';
  if (!isMultipart && !options.rawTypes.includes(type)) {
    throw new UploadError(
      415,
      `content-type must be multipart/form-data or one of ${options.rawTypes.join(', ')}, got '${type}'`,
    );
  }
  // A body declared far too large is refused unread: closing a connection the client is still
  // writing to may cost it the answer, which is why smaller excesses are drained instead.
  const declared = Number(request.headers['content-length']);
  const slack = isMultipart ? MULTIPART_SLACK_BYTES : 0;
  if (declared > options.maxBytes + slack + MAX_DRAIN_BYTES) {
    throw tooLarge(options.maxBytes, { connection: 'close' });
  }
  const path = join(options.dir, `${randomUUID()}${options.extension}`);
  try {
    return isMultipart
      ? await receiveMultipart(request, path, options)
      : await receiveRaw(request, path, options.maxBytes);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/** Fails the returned promise when the client goes away or sends far more than the cap. */
function watchRequest(request: IncomingMessage, limitBytes: number, maxBytes: number) {
  let received = 0;
  return new Promise<never>((_resolve, reject) => {
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes + MAX_DRAIN_BYTES) {
        request.destroy();
        reject(tooLarge(maxBytes));
      }
    });
    request.on('close', () => {
      if (!request.complete) reject(new UploadError(400, 'upload was not received in full'));
    });
  });
}

async function receiveRaw(
  request: IncomingMessage,
  path: string,
  maxBytes: number,
): Promise<Upload> {
  let bytes = 0;
  // Past the cap, chunks are dropped rather than the stream failed, so the body is drained.
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, bytes > maxBytes ? undefined : chunk);
    },
  });
  const watched = watchRequest(request, maxBytes, maxBytes);
  await Promise.race([pipeline(request, limiter, createWriteStream(path)), watched]);
  if (bytes > maxBytes) throw tooLarge(maxBytes);
  return { path, bytes, fields: {} };
}

function receiveMultipart(
  request: IncomingMessage,
  path: string,
  options: UploadOptions,
): Promise<Upload> {
  const { maxBytes, fileField } = options;
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: {
        fileSize: maxBytes,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
      },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return Promise.reject(new UploadError(400, `malformed multipart body: ${reason}`));
  }
  const fields: Record<string, string> = {};
  let written: Promise<void> | undefined;
  let filename: string | undefined;
  let bytes = 0;
  let isTruncated = false;
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('file', (field, stream, info) => {
      if (field !== fileField || written !== undefined) {
        stream.resume();
        return;
      }
      filename = info.filename;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on('limit', () => {
        isTruncated = true;
      });
      written = pipeline(stream, createWriteStream(path));
      // Settled below; a failure here must not surface as an unhandled rejection first.
      written.catch(() => {});
    });
    parser.on('field', (name, value) => {
      fields[name] ??= value;
    });
    parser.on('error', (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      reject(new UploadError(400, `malformed multipart body: ${reason}`));
    });
    parser.on('close', () => resolve());
  });
  request.pipe(parser);
  const watched = watchRequest(request, maxBytes + MULTIPART_SLACK_BYTES, maxBytes);
  return Promise.race([parsed, watched]).then(async () => {
    if (written === undefined) {
      throw new UploadError(400, `multipart body has no file field '${fileField}'`);
    }
    await written;
    if (isTruncated) throw tooLarge(maxBytes);
    return { path, bytes, fields, ...(filename === undefined ? {} : { filename }) };
  });
}
