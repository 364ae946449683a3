// Reads a text file the user pointed at (perf.yml, a results.json, a baseline history) without
// trusting it: a FIFO, a device or a directory would block or never end, and a huge file would
// take the process's memory, so only regular files up to a size are read, checked before reading.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a file was not read; `message` is one line, without the path (callers add where). */
export type BoundedReadFailure =
  | 'not-found'
  | 'not-regular'
  | 'too-large'
  | 'not-text'
  | 'unreadable';

/** A file that was not read: `message` says why in one line, `reason` for callers that branch. */
export class BoundedReadError extends Error {
  readonly reason: BoundedReadFailure;
  constructor(reason: BoundedReadFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BoundedReadError';
    this.reason = reason;
  }
}

const READ_CHUNK_BYTES = 1024 * 1024;

/** `1 MB`, `64 MB`, `512 KB`: sizes as the messages show them (1 MB = 1024 * 1024 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

function describeKind(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** What to read: at most `maxBytes`; `noun` names the file in messages (`config file`). */
export interface BoundedReadOptions {
  maxBytes: number;
  noun: string;
}

/**
 * The UTF-8 text of the regular file `path`, at most `maxBytes` long. Throws BoundedReadError
 * (never blocks) when the file is missing, is not a regular file (a directory, FIFO, socket or
 * device), is larger than `maxBytes`, is not valid UTF-8, or cannot be read. Messages are one line
 * without the path, like `expected a config file, got a FIFO (named pipe)`.
 *
 * The file is opened non-blocking (so opening a FIFO with no writer returns at once) and checked
 * through its own handle, so a file swapped between the check and the read is still bounded.
 */
export async function readBoundedFile(path: string, options: BoundedReadOptions): Promise<string> {
  const { maxBytes, noun } = options;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new BoundedReadError('not-found', `${noun} not found`, { cause: error });
    }
    if (code === 'EISDIR') {
      throw new BoundedReadError('not-regular', `expected a ${noun}, got a directory`, {
        cause: error,
      });
    }
    throw new BoundedReadError('unreadable', `cannot open the ${noun} (${code ?? 'error'})`, {
      cause: error,
    });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new BoundedReadError('not-regular', `expected a ${noun}, got ${describeKind(stats)}`);
    }
    if (stats.size > maxBytes) {
      throw new BoundedReadError(
        'too-large',
        `the ${noun} is ${formatBytes(stats.size)}, more than the ${formatBytes(maxBytes)} allowed`,
      );
    }
    // Read to the end, not to the size seen: a file that grows meanwhile is still bounded.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) {
        throw new BoundedReadError(
          'too-large',
          `the ${noun} grew past the ${formatBytes(maxBytes)} allowed while it was read`,
        );
      }
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, length));
    } catch (error) {
      throw new BoundedReadError('not-text', `the ${noun} is not UTF-8 text`, { cause: error });
    }
  } catch (error) {
    if (error instanceof BoundedReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new BoundedReadError('unreadable', `cannot read the ${noun} (${code ?? 'error'})`, {
      cause: error,
    });
  } finally {
    await handle.close().catch(() => undefined);
  }
}
