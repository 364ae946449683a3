// Motion-JPEG in an AVI 1.0 (RIFF) file, written as a stream: headers with placeholder sizes,
// then each '00dc' chunk as soon as its frame is encoded, then the 'idx1' index, then the sizes
// and counts patched in place. Only the index (16 bytes a frame) stays in memory.
//
// RIFF 'AVI '
//   LIST 'hdrl'  avih (MainAVIHeader)  LIST 'strl' (strh 'vids'/'MJPG', strf BITMAPINFOHEADER)
//   LIST 'movi'  '00dc' chunks, each padded to an even size
//   idx1         one entry per frame: '00dc', AVIIF_KEYFRAME, offset from the 'movi' fourcc, size
import { type FileHandle, open, rm } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import {
  createTiledFrameEncoder,
  createWholeFrameEncoder,
  DEFAULT_QUALITY,
  type FrameEncoder,
} from './mjpeg-encoder.ts';
import { objectBoxes, planScene, redrawFrame, renderFrame, type SceneSpec } from './scene.ts';

/**
 * Largest file written, bytes (1 GiB). A RIFF size field holds 4 GB, but readers treat the first
 * RIFF of an AVI as limited to 1 GB (larger files need OpenDML 'AVIX' extensions, not written).
 */
export const MAX_AVI_BYTES = 1024 ** 3;

/** Format of the one video stream. */
export interface AviVideoFormat {
  /** frame size, pixels */
  width: number;
  height: number;
  /** frames per second */
  fps: number;
}

const AVIF_HASINDEX = 0x10;
const AVIIF_KEYFRAME = 0x10;
/** Where the fields patched at close() live (see writeHeaders for the layout). */
const AT = {
  riffSize: 4,
  maxBytesPerSec: 36,
  totalFrames: 48,
  mainSuggestedBuffer: 60,
  streamLength: 140,
  streamSuggestedBuffer: 144,
  moviSize: 216,
  /** position of the 'movi' fourcc: index offsets count from here */
  moviFourcc: 220,
  firstChunk: 224,
} as const;
const WRITE_BUFFER_BYTES = 1 << 20;

/** rate / scale for a frame rate: integers as n/1, others to a thousandth. */
export function frameRateFraction(fps: number): { rate: number; scale: number } {
  if (Number.isInteger(fps)) return { rate: fps, scale: 1 };
  let rate = Math.round(fps * 1000);
  let scale = 1000;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const divisor = gcd(rate, scale);
  rate /= divisor;
  scale /= divisor;
  return { rate, scale };
}

function writeFourcc(view: DataView, offset: number, fourcc: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(offset + i, fourcc.charCodeAt(i));
}

/** The 224 header bytes, with the sizes and counts known only at the end left at 0. */
function buildHeaders(format: AviVideoFormat): Uint8Array {
  const bytes = new Uint8Array(AT.firstChunk);
  const view = new DataView(bytes.buffer);
  const u32 = (offset: number, value: number) => view.setUint32(offset, value, true);
  const { rate, scale } = frameRateFraction(format.fps);
  writeFourcc(view, 0, 'RIFF');
  writeFourcc(view, 8, 'AVI ');
  writeFourcc(view, 12, 'LIST');
  u32(16, 212 - 20);
  writeFourcc(view, 20, 'hdrl');
  // MainAVIHeader
  writeFourcc(view, 24, 'avih');
  u32(28, 56);
  u32(32, Math.round(1_000_000 / format.fps)); // dwMicroSecPerFrame
  u32(44, AVIF_HASINDEX); // dwFlags
  u32(56, 1); // dwStreams
  u32(64, format.width);
  u32(68, format.height);
  writeFourcc(view, 88, 'LIST');
  u32(92, 212 - 96);
  writeFourcc(view, 96, 'strl');
  // AVISTREAMHEADER
  writeFourcc(view, 100, 'strh');
  u32(104, 56);
  writeFourcc(view, 108, 'vids');
  writeFourcc(view, 112, 'MJPG');
  u32(128, scale);
  u32(132, rate);
  u32(148, 0xffffffff); // dwQuality: driver default
  view.setInt16(156 + 4, format.width, true); // rcFrame right (left, top stay 0)
  view.setInt16(156 + 6, format.height, true); // rcFrame bottom
  // BITMAPINFOHEADER
  writeFourcc(view, 164, 'strf');
  u32(168, 40);
  u32(172, 40);
  u32(176, format.width);
  u32(180, format.height);
  view.setUint16(184, 1, true); // biPlanes
  view.setUint16(186, 24, true); // biBitCount
  writeFourcc(view, 188, 'MJPG');
  u32(192, format.width * format.height * 3); // biSizeImage
  writeFourcc(view, 212, 'LIST');
  writeFourcc(view, 220, 'movi');
  return bytes;
}

/** Writes one MJPEG video stream to an AVI file, frame by frame. */
export class AviWriter {
  readonly path: string;
  readonly #format: AviVideoFormat;
  readonly #file: FileHandle;
  readonly #limitBytes: number;
  #buffer = Buffer.alloc(WRITE_BUFFER_BYTES);
  #buffered = 0;
  /** file position of the first buffered byte */
  #bufferStart: number = AT.firstChunk;
  #index = Buffer.alloc(16 * 1024);
  #frames = 0;
  #largestFrame = 0;
  #closed = false;

  private constructor(path: string, format: AviVideoFormat, file: FileHandle, limit: number) {
    this.path = path;
    this.#format = format;
    this.#file = file;
    this.#limitBytes = limit;
  }

  /**
   * Creates (or truncates) `path` and writes the headers. `limitBytes` (default MAX_AVI_BYTES)
   * is the largest file addFrame lets it grow to.
   */
  static async open(
    path: string,
    format: AviVideoFormat,
    options: { limitBytes?: number } = {},
  ): Promise<AviWriter> {
    const { width, height, fps } = format;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
      throw new RangeError(`AVI writer: bad frame size ${width}x${height}`);
    if (!(Number.isFinite(fps) && fps > 0)) throw new RangeError(`AVI writer: bad fps ${fps}`);
    const file = await open(path, 'w');
    try {
      await file.write(buildHeaders(format), 0, AT.firstChunk, 0);
    } catch (error) {
      await file.close();
      throw error;
    }
    return new AviWriter(path, format, file, options.limitBytes ?? MAX_AVI_BYTES);
  }

  /** Frames added so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Bytes of the file as it will be once closed with the frames added so far. */
  get bytes(): number {
    return this.#bufferStart + this.#buffered + 8 + 16 * this.#frames;
  }

  /** Appends one JPEG frame as a '00dc' chunk; throws ConfigError before the file would pass
   * its limit (1 GB), leaving the file as it was (abort() removes it). */
  async addFrame(jpeg: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error(`AVI writer: '${this.path}' is already closed`);
    const padded = jpeg.length + (jpeg.length & 1);
    if (this.bytes + 8 + padded + 16 > this.#limitBytes) {
      const limit = this.#limitBytes === MAX_AVI_BYTES ? '1 GB' : `${this.#limitBytes}-byte`;
      throw new ConfigError(
        `synthetic video '${this.path}' would pass the ${limit} limit of an AVI 1.0 file at frame ${this.#frames + 1}: use a shorter duration or a smaller resolution`,
      );
    }
    const position = this.#bufferStart + this.#buffered;
    this.#addIndexEntry(position - AT.moviFourcc, jpeg.length);
    if (this.#buffered + 8 + padded > this.#buffer.length) await this.#flush();
    if (8 + padded > this.#buffer.length) {
      // A frame larger than the buffer: write it straight through.
      const chunk = Buffer.alloc(8 + padded);
      this.#putChunk(chunk, 0, jpeg);
      await this.#file.write(chunk, 0, chunk.length, this.#bufferStart);
      this.#bufferStart += chunk.length;
    } else {
      this.#putChunk(this.#buffer, this.#buffered, jpeg);
      this.#buffered += 8 + padded;
    }
    this.#frames++;
    this.#largestFrame = Math.max(this.#largestFrame, jpeg.length);
  }

  /** Writes the index, patches sizes and counts, closes the file. */
  async close(): Promise<{ bytes: number; frames: number }> {
    if (this.#closed) throw new Error(`AVI writer: '${this.path}' is already closed`);
    try {
      await this.#flush();
      const indexPosition = this.#bufferStart;
      const indexBytes = 16 * this.#frames;
      const indexHeader = Buffer.alloc(8);
      indexHeader.write('idx1', 0, 'latin1');
      indexHeader.writeUInt32LE(indexBytes, 4);
      await this.#file.write(indexHeader, 0, 8, indexPosition);
      await this.#file.write(this.#index, 0, indexBytes, indexPosition + 8);
      const end = indexPosition + 8 + indexBytes;
      const suggested = this.#largestFrame + 8;
      const patch = async (offset: number, value: number) => {
        const field = Buffer.alloc(4);
        field.writeUInt32LE(value, 0);
        await this.#file.write(field, 0, 4, offset);
      };
      await patch(AT.riffSize, end - 8);
      await patch(AT.maxBytesPerSec, Math.min(0xffffffff, Math.ceil(suggested * this.#format.fps)));
      await patch(AT.totalFrames, this.#frames);
      await patch(AT.mainSuggestedBuffer, suggested);
      await patch(AT.streamLength, this.#frames);
      await patch(AT.streamSuggestedBuffer, suggested);
      await patch(AT.moviSize, indexPosition - AT.moviFourcc);
      return { bytes: end, frames: this.#frames };
    } finally {
      this.#closed = true;
      await this.#file.close();
    }
  }

  /** Closes and deletes the unfinished file (after an error). */
  async abort(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      await this.#file.close().catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }

  #putChunk(target: Buffer, offset: number, jpeg: Uint8Array): void {
    target.write('00dc', offset, 'latin1');
    target.writeUInt32LE(jpeg.length, offset + 4);
    target.set(jpeg, offset + 8);
    if (jpeg.length & 1) target[offset + 8 + jpeg.length] = 0;
  }

  #addIndexEntry(offset: number, size: number): void {
    const at = 16 * this.#frames;
    if (at + 16 > this.#index.length) {
      const grown = Buffer.alloc(this.#index.length * 2);
      this.#index.copy(grown);
      this.#index = grown;
    }
    this.#index.write('00dc', at, 'latin1');
    this.#index.writeUInt32LE(AVIIF_KEYFRAME, at + 4);
    this.#index.writeUInt32LE(offset, at + 8);
    this.#index.writeUInt32LE(size, at + 12);
  }

  async #flush(): Promise<void> {
    if (this.#buffered === 0) return;
    await this.#file.write(this.#buffer, 0, this.#buffered, this.#bufferStart);
    this.#bufferStart += this.#buffered;
    this.#buffered = 0;
  }
}

/** Options of writeSyntheticVideo. */
export interface SyntheticVideoOptions {
  /** JPEG quality 1..100, default 75 */
  quality?: number;
  /** 'tiled' (default, fast) or 'whole' (one plain jpeg-js encode per frame: slow, a reference) */
  encoder?: 'tiled' | 'whole';
}

/** What was written. */
export interface SyntheticVideo {
  path: string;
  /** file size, bytes */
  bytes: number;
  frames: number;
  /** frames / fps, seconds */
  durationS: number;
}

/**
 * Renders the scene of `spec` and writes it to `path` as an MJPEG AVI, streaming (one frame
 * buffer, a few dozen encoded frames at most in memory). Same spec and options, same bytes.
 * On failure (including the 1 GB limit) the partial file is removed.
 */
export async function writeSyntheticVideo(
  path: string,
  spec: SceneSpec,
  options: SyntheticVideoOptions = {},
): Promise<SyntheticVideo> {
  const scene = planScene(spec);
  const { width, height, fps } = spec;
  const encoderOptions = { width, height, quality: options.quality ?? DEFAULT_QUALITY };
  const encoder: FrameEncoder =
    options.encoder === 'whole'
      ? createWholeFrameEncoder(encoderOptions)
      : createTiledFrameEncoder(encoderOptions);
  const writer = await AviWriter.open(path, { width, height, fps });
  try {
    const rgba = new Uint8Array(width * height * 4);
    renderFrame(scene, 0, rgba);
    let boxes = objectBoxes(scene, 0);
    for (let index = 0; index < scene.frameCount; index++) {
      // Only the objects move: repaint where they were and where they are, not the whole frame.
      if (index > 0) boxes = redrawFrame(scene, index, rgba, boxes);
      for (const frame of encoder.push(rgba)) await writer.addFrame(frame);
    }
    for (const frame of encoder.finish()) await writer.addFrame(frame);
    const { bytes, frames } = await writer.close();
    return { path, bytes, frames, durationS: frames / fps };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
