// Reads MJPEG AVI files (ours and other tools'): the headers, then the frames of the first video
// stream in file order, reading chunk by chunk (never the whole file). Unknown chunks, JUNK,
// LIST 'INFO', OpenDML 'odml'/'indx' headers, audio and index chunks are skipped; the frames of
// an OpenDML file's extension RIFFs ('AVIX', past 1 GB) are not read.
import { type FileHandle, open } from 'node:fs/promises';

/** What readAviInfo reports about the video stream. */
export interface AviInfo {
  /** frame size, pixels */
  width: number;
  height: number;
  /** frames per second (dwRate / dwScale) */
  fps: number;
  /** frames of the video stream (its header's dwLength) */
  frameCount: number;
  /** frameCount / fps, seconds */
  durationS: number;
  /** compression fourcc of the stream, upper case without padding, e.g. 'MJPG' */
  codec: string;
}

/** One frame: its position in the stream (0-based) and its JPEG bytes. */
export interface AviFrame {
  index: number;
  jpeg: Uint8Array;
}

/** A file that is not a readable MJPEG AVI; the message says which file and why, on one line. */
export class AviFormatError extends Error {
  override readonly name = 'AviFormatError';
}

/** Compression fourccs of Motion-JPEG streams (upper case). */
const MJPEG_FOURCCS = new Set(['MJPG', 'JPEG', 'AVRN', 'DMB1', 'MJPA', 'LJPG']);
/** Bounds what is read into memory for the header list (real ones are a few KB). */
const MAX_HEADER_LIST_BYTES = 16 * 1024 * 1024;

interface MainHeader {
  microSecPerFrame: number;
  totalFrames: number;
  width: number;
  height: number;
}

const NO_MAIN_HEADER: MainHeader = { microSecPerFrame: 0, totalFrames: 0, width: 0, height: 0 };

interface StreamHeader {
  type: string;
  handler: string;
  scale: number;
  rate: number;
  length: number;
  compression: string | undefined;
  width: number | undefined;
  height: number | undefined;
}

interface AviLayout {
  info: AviInfo;
  /** two-digit number of the video stream in chunk ids ('00dc') */
  streamNumber: string;
  /** first byte after the 'movi' fourcc, and the end of the list (both file positions) */
  moviStart: number;
  moviEnd: number;
  fileBytes: number;
}

const fourccAt = (bytes: Uint8Array, offset: number): string =>
  String.fromCharCode(...bytes.subarray(offset, offset + 4));

const trimFourcc = (fourcc: string): string => fourcc.replace(/[\s\0]+$/, '').toUpperCase();

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}

/** Reads the headers of an MJPEG AVI; throws AviFormatError on anything else. */
export async function readAviInfo(path: string): Promise<AviInfo> {
  const file = await open(path, 'r');
  try {
    return (await readLayout(file, path)).info;
  } finally {
    await file.close();
  }
}

/**
 * Yields the JPEG bytes of every frame of the video stream, in file order, reading the file
 * chunk by chunk. Zero-length chunks (a writer's "repeat the previous frame") are skipped.
 * Throws AviFormatError when a chunk runs past the end of the file (a truncated file).
 */
export async function* readAviFrames(path: string): AsyncGenerator<AviFrame> {
  const file = await open(path, 'r');
  try {
    const layout = await readLayout(file, path);
    const dataId = `${layout.streamNumber}dc`;
    const compressedId = `${layout.streamNumber}db`;
    let index = 0;
    let position = layout.moviStart;
    while (position + 8 <= layout.moviEnd) {
      const header = await readAt(file, position, 12);
      if (header.length < 8) throw truncated(path, position, layout.fileBytes);
      const id = fourccAt(header, 0);
      const size = header.readUInt32LE(4);
      if (id === 'LIST') {
        // 'rec ' groups (and any other list) in 'movi': step inside, their chunks follow.
        position += 12;
        continue;
      }
      const end = position + 8 + size;
      if (end > layout.fileBytes) throw truncated(path, position, layout.fileBytes, id, size);
      if ((id === dataId || id === compressedId) && size > 0)
        yield { index: index++, jpeg: await readAt(file, position + 8, size) };
      position = end + (size & 1);
    }
  } finally {
    await file.close();
  }
}

function truncated(
  path: string,
  position: number,
  fileBytes: number,
  id?: string,
  size?: number,
): AviFormatError {
  const what = id === undefined ? 'a chunk header' : `chunk '${id}' of ${size} bytes`;
  return new AviFormatError(
    `truncated AVI '${path}': ${what} at byte ${position} runs past the end of the file (${fileBytes} bytes)`,
  );
}

async function readLayout(file: FileHandle, path: string): Promise<AviLayout> {
  const fileBytes = (await file.stat()).size;
  const head = await readAt(file, 0, 12);
  if (head.length < 12 || fourccAt(head, 0) !== 'RIFF')
    throw new AviFormatError(`not an AVI file: '${path}' does not start with a RIFF header`);
  const form = fourccAt(head, 8);
  if (form !== 'AVI ')
    throw new AviFormatError(`not an AVI file: '${path}' is a RIFF '${form.trim()}' file`);
  const riffSize = head.readUInt32LE(4);
  // A writer that died before patching leaves 0: then the file's end is the RIFF's end.
  const riffEnd = riffSize === 0 ? fileBytes : Math.min(fileBytes, 8 + riffSize);
  let streams: StreamHeader[] | undefined;
  let main = NO_MAIN_HEADER;
  let movi: { start: number; end: number } | undefined;
  let position = 12;
  while (position + 8 <= riffEnd && !(streams && movi)) {
    const header = await readAt(file, position, 12);
    const id = fourccAt(header, 0);
    const size = header.readUInt32LE(4);
    const end = position + 8 + size;
    const listType = id === 'LIST' && header.length >= 12 ? fourccAt(header, 8) : undefined;
    if (listType === 'hdrl') {
      if (end > fileBytes) throw truncated(path, position, fileBytes, 'LIST hdrl', size);
      if (size > MAX_HEADER_LIST_BYTES)
        throw new AviFormatError(`bad AVI '${path}': its 'hdrl' list claims ${size} bytes`);
      const list = await readAt(file, position + 12, size - 4);
      const parsed = parseHeaderList(list);
      streams = parsed.streams;
      main = parsed.main;
    } else if (listType === 'movi') {
      if (end > fileBytes) throw truncated(path, position, fileBytes, 'LIST movi', size);
      movi = { start: position + 12, end: size === 0 ? fileBytes : end };
    }
    position = end + (size & 1);
  }
  if (!streams)
    throw new AviFormatError(
      `bad AVI '${path}': no 'hdrl' header list (truncated at ${fileBytes} bytes?)`,
    );
  const streamIndex = streams.findIndex((stream) => stream.type === 'vids');
  const video = streams[streamIndex];
  if (!video) throw new AviFormatError(`not a video AVI: '${path}' has no video stream`);
  // biCompression says what the frames are; the handler only names a preferred codec.
  const codec = trimFourcc(video.compression ?? video.handler);
  if (!MJPEG_FOURCCS.has(codec))
    throw new AviFormatError(`not an MJPEG AVI: '${path}' has a '${codec}' video stream`);
  if (!movi) throw new AviFormatError(`bad AVI '${path}': no 'movi' list (truncated?)`);
  const fps =
    video.rate > 0 && video.scale > 0
      ? video.rate / video.scale
      : main.microSecPerFrame > 0
        ? 1_000_000 / main.microSecPerFrame
        : 0;
  if (!(fps > 0)) throw new AviFormatError(`bad AVI '${path}': no frame rate in its headers`);
  const width = video.width ?? main.width;
  const height = video.height ?? main.height;
  const frameCount = video.length > 0 ? video.length : main.totalFrames;
  return {
    info: { width, height, fps, frameCount, durationS: frameCount / fps, codec },
    streamNumber: String(streamIndex).padStart(2, '0'),
    moviStart: movi.start,
    moviEnd: movi.end,
    fileBytes,
  };
}

/** Parses the body of LIST 'hdrl' (after its type): avih and the strl lists. */
function parseHeaderList(list: Buffer): { main: MainHeader; streams: StreamHeader[] } {
  let main = NO_MAIN_HEADER;
  const streams: StreamHeader[] = [];
  forEachChunk(list, (id, body) => {
    if (id === 'avih' && body.length >= 40) {
      main = {
        microSecPerFrame: body.readUInt32LE(0),
        totalFrames: body.readUInt32LE(16),
        width: body.readUInt32LE(32),
        height: body.readUInt32LE(36),
      };
    } else if (id === 'LIST' && body.length >= 4 && fourccAt(body, 0) === 'strl') {
      streams.push(parseStreamList(body.subarray(4)));
    }
    // LIST 'odml' (dmlh), JUNK and anything else: not needed.
  });
  return { main, streams };
}

function parseStreamList(list: Buffer): StreamHeader {
  const stream: StreamHeader = {
    type: '',
    handler: '',
    scale: 0,
    rate: 0,
    length: 0,
    compression: undefined,
    width: undefined,
    height: undefined,
  };
  forEachChunk(list, (id, body) => {
    if (id === 'strh' && body.length >= 36) {
      stream.type = fourccAt(body, 0);
      stream.handler = fourccAt(body, 4);
      stream.scale = body.readUInt32LE(20);
      stream.rate = body.readUInt32LE(24);
      stream.length = body.readUInt32LE(32);
    } else if (id === 'strf' && body.length >= 20 && stream.type === 'vids') {
      stream.width = body.readInt32LE(4);
      // Negative: a top-down bitmap; the size is the same.
      stream.height = Math.abs(body.readInt32LE(8));
      stream.compression = fourccAt(body, 16);
    }
  });
  return stream;
}

/** Calls `visit` for each chunk of a RIFF list body held in memory (sizes clipped to the body). */
function forEachChunk(list: Buffer, visit: (id: string, body: Buffer) => void): void {
  let offset = 0;
  while (offset + 8 <= list.length) {
    const id = fourccAt(list, offset);
    const size = list.readUInt32LE(offset + 4);
    visit(id, list.subarray(offset + 8, Math.min(list.length, offset + 8 + size)));
    offset += 8 + size + (size & 1);
  }
}
