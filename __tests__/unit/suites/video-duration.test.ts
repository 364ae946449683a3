// Reading a video file's length from its headers: MP4 / MOV boxes written here byte by byte
// (version 0 and 1 movie headers, a 64-bit box size, moov after mdat) and a generated AVI, real
// files on disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVideoDurationS } from '../../../src/suites/video/duration.ts';
import { ensureSyntheticVideo } from '../../../src/video/video-cache.ts';

function box(type: string, content: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + content.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, content]);
}

/** A box with a 64-bit size (size field 1, then the real size). */
function largeBox(type: string, content: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write(type, 4, 'latin1');
  header.writeBigUInt64BE(BigInt(16 + content.length), 8);
  return Buffer.concat([header, content]);
}

function mvhd(version: 0 | 1, timescale: number, duration: number): Buffer {
  // version + flags, then times; the rest of the real box (rate, volume, matrix…) is not read.
  const content = Buffer.alloc(version === 0 ? 100 : 112);
  content.writeUInt8(version, 0);
  if (version === 0) {
    content.writeUInt32BE(timescale, 12);
    content.writeUInt32BE(duration, 16);
  } else {
    content.writeUInt32BE(timescale, 20);
    content.writeBigUInt64BE(BigInt(duration), 24);
  }
  return box('mvhd', content);
}

const FTYP = box('ftyp', Buffer.from('isom\0\0\0\0isomavc1', 'latin1'));

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'video-duration-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function durationOf(name: string, bytes: Buffer): Promise<number | undefined> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return readVideoDurationS(path);
}

describe('readVideoDurationS', () => {
  it('reads a version 0 movie header after the media data', async () => {
    const file = Buffer.concat([
      FTYP,
      box('mdat', Buffer.alloc(5000)),
      box('moov', Buffer.concat([box('udta', Buffer.alloc(10)), mvhd(0, 1000, 12_500)])),
    ]);
    expect(await durationOf('v0.mp4', file)).toBe(12.5);
  });

  it('reads a version 1 movie header and skips a box with a 64-bit size', async () => {
    const file = Buffer.concat([
      FTYP,
      largeBox('mdat', Buffer.alloc(300)),
      box('moov', mvhd(1, 90_000, 90_000 * 61)),
    ]);
    expect(await durationOf('v1.mov', file)).toBe(61);
  });

  it('reads an AVI main header', async () => {
    const video = await ensureSyntheticVideo(dir, {
      width: 32,
      height: 32,
      fps: 10,
      durationS: 1.5,
      seed: 1,
    });
    expect(await readVideoDurationS(video.path)).toBe(1.5);
  });

  it('gives undefined without a usable length', async () => {
    expect(
      await durationOf('no-moov.mp4', Buffer.concat([FTYP, box('mdat', Buffer.alloc(9))])),
    ).toBeUndefined();
    expect(
      await durationOf('zero.mp4', Buffer.concat([FTYP, box('moov', mvhd(0, 0, 10))])),
    ).toBeUndefined();
    expect(await durationOf('text.mkv', Buffer.from('not a video at all'))).toBeUndefined();
    expect(await durationOf('empty.mp4', Buffer.alloc(0))).toBeUndefined();
  });

  it('throws when the file cannot be read', async () => {
    await expect(readVideoDurationS(join(dir, 'missing.mp4'))).rejects.toThrow(/ENOENT/);
  });
});
