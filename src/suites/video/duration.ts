// The length of a user's video file, read from its headers: AVI (the main header, through
// readAviInfo) and MP4 / MOV (the movie header box `mvhd`). Only headers are read, never the
// frames, so a large file costs a few small reads.
import { type FileHandle, open } from 'node:fs/promises';
import { readAviInfo } from '../../video/avi-reader.ts';

/** Top-level box types an MP4 / QuickTime file starts with. */
const MP4_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pdin', 'uuid']);

/** Most boxes looked at in one container: a guard against a corrupt file looping. */
const MAX_BOXES = 10_000;

interface Box {
  type: string;
  /** Where the box's content starts (after its header), in bytes from the file start. */
  contentAt: number;
  /** Where the box ends, in bytes from the file start. */
  endAt: number;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The boxes between `from` and `to` (a file's top level, or a box's content). */
async function* readBoxes(file: FileHandle, from: number, to: number): AsyncGenerator<Box> {
  let at = from;
  for (let count = 0; count < MAX_BOXES && at + 8 <= to; count++) {
    const header = await readAt(file, at, 16);
    if (header.length < 8) return;
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1) {
      if (header.length < 16) return;
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < headerSize) return;
    const endAt = Math.min(at + size, to);
    yield { type, contentAt: at + headerSize, endAt };
    at += size;
  }
}

/** The length in seconds from an MP4 / MOV `moov/mvhd` box; undefined when there is none. */
async function readMp4DurationS(file: FileHandle, size: number): Promise<number | undefined> {
  for await (const box of readBoxes(file, 0, size)) {
    if (box.type !== 'moov') continue;
    for await (const child of readBoxes(file, box.contentAt, box.endAt)) {
      if (child.type !== 'mvhd') continue;
      const header = await readAt(file, child.contentAt, 32);
      const version = header[0];
      // version 0: created, modified (32 bits each), timescale, duration (32 bits);
      // version 1: created, modified (64 bits each), timescale (32), duration (64).
      if (version === 0 && header.length >= 20) {
        const timescale = header.readUInt32BE(12);
        return timescale > 0 ? header.readUInt32BE(16) / timescale : undefined;
      }
      if (version === 1 && header.length >= 32) {
        const timescale = header.readUInt32BE(20);
        return timescale > 0 ? Number(header.readBigUInt64BE(24)) / timescale : undefined;
      }
      return undefined;
    }
    return undefined;
  }
  return undefined;
}

/**
 * The length of a video file in seconds, from its headers: AVI and MP4 / MOV are read; undefined
 * for other formats or when the header holds no usable length. Throws when the file cannot be read.
 */
export async function readVideoDurationS(path: string): Promise<number | undefined> {
  const file = await open(path, 'r');
  let kind: 'avi' | 'mp4' | undefined;
  let duration: number | undefined;
  try {
    const head = await readAt(file, 0, 12);
    if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'AVI ') {
      kind = 'avi';
    } else if (MP4_FIRST_BOXES.has(head.toString('latin1', 4, 8))) {
      kind = 'mp4';
      duration = await readMp4DurationS(file, (await file.stat()).size);
    }
  } finally {
    await file.close();
  }
  if (kind === 'avi') duration = (await readAviInfo(path)).durationS;
  return duration !== undefined && Number.isFinite(duration) && duration > 0 ? duration : undefined;
}
