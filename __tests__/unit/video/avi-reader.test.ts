import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AviFormatError, readAviFrames, readAviInfo } from '../../../src/video/avi-reader.ts';
import { writeSyntheticVideo } from '../../../src/video/avi-writer.ts';

// A tiny RIFF builder, so the reader meets files laid out the way other tools write them.
const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
};
const chunk = (id: string, body: Buffer) =>
  Buffer.concat([Buffer.from(id, 'latin1'), u32(body.length), body, Buffer.alloc(body.length % 2)]);
const list = (type: string, ...children: Buffer[]) =>
  chunk('LIST', Buffer.concat([Buffer.from(type, 'latin1'), ...children]));
const riff = (form: string, ...children: Buffer[]) =>
  chunk('RIFF', Buffer.concat([Buffer.from(form, 'latin1'), ...children]));

function avih(microSecPerFrame: number, frames: number, streams: number, w: number, h: number) {
  const body = Buffer.alloc(56);
  body.writeUInt32LE(microSecPerFrame, 0);
  body.writeUInt32LE(0x10, 12);
  body.writeUInt32LE(frames, 16);
  body.writeUInt32LE(streams, 24);
  body.writeUInt32LE(w, 32);
  body.writeUInt32LE(h, 36);
  return chunk('avih', body);
}

function strh(type: string, handler: string, scale: number, rate: number, length: number) {
  const body = Buffer.alloc(56);
  body.write(type, 0, 'latin1');
  body.write(handler, 4, 'latin1');
  body.writeUInt32LE(scale, 20);
  body.writeUInt32LE(rate, 24);
  body.writeUInt32LE(length, 32);
  return chunk('strh', body);
}

function bitmapInfo(width: number, height: number, compression: string) {
  const body = Buffer.alloc(40);
  body.writeUInt32LE(40, 0);
  body.writeInt32LE(width, 4);
  body.writeInt32LE(height, 8);
  body.writeUInt16LE(1, 12);
  body.writeUInt16LE(24, 14);
  body.write(compression, 16, 'latin1');
  return chunk('strf', body);
}

const frame = (n: number, length = 10) => Buffer.alloc(length, n);

/** An AVI as a capture tool might write it: audio first, odml, JUNK, INFO, rec lists, ix chunks. */
function foreignAvi(compression = 'MJPG'): Buffer {
  return riff(
    'AVI ',
    list(
      'hdrl',
      avih(40_000, 3, 2, 320, 240),
      list('strl', strh('auds', '\0\0\0\0', 1, 8000, 8000), chunk('strf', Buffer.alloc(18))),
      list(
        'strl',
        strh('vids', 'mjpg', 1001, 30_000, 4),
        // A negative height: a top-down bitmap.
        bitmapInfo(320, -240, compression),
        chunk('indx', Buffer.alloc(24)),
        chunk('strn', Buffer.from('camera\0', 'latin1')),
      ),
      list('odml', chunk('dmlh', u32(4))),
    ),
    chunk('JUNK', Buffer.alloc(101)),
    list('INFO', chunk('ISFT', Buffer.from('some tool\0', 'latin1'))),
    list(
      'movi',
      chunk('01wb', Buffer.alloc(7)),
      list('rec ', chunk('01dc', frame(1, 11)), chunk('00wb', Buffer.alloc(4))),
      chunk('01db', frame(2)),
      chunk('01dc', Buffer.alloc(0)), // "repeat the previous frame": skipped
      chunk('ix01', Buffer.alloc(32)),
      chunk('00dc', frame(9)), // stream 0 is audio: not a video frame
      chunk('01dc', frame(3, 13)),
    ),
    chunk('idx1', Buffer.alloc(16)),
  );
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-avi-reader-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function collect(path: string): Promise<number[][]> {
  const frames: number[][] = [];
  for await (const { index, jpeg } of readAviFrames(path)) {
    expect(index).toBe(frames.length);
    frames.push(Array.from(jpeg));
  }
  return frames;
}

describe('reading AVI files written by other tools', () => {
  it('finds the video stream among others and ignores odml, JUNK and INFO', async () => {
    const path = await fileWith('foreign.avi', foreignAvi());
    expect(await readAviInfo(path)).toEqual({
      width: 320,
      height: 240,
      fps: 30_000 / 1001,
      frameCount: 4,
      durationS: (4 * 1001) / 30_000,
      codec: 'MJPG',
    });
  });

  it('yields the frames of that stream in order, from rec lists and ##db chunks too', async () => {
    const path = await fileWith('foreign-frames.avi', foreignAvi());
    expect(await collect(path)).toEqual([Array(11).fill(1), Array(10).fill(2), Array(13).fill(3)]);
  });

  it('stops reading when the consumer stops (file closed, no error)', async () => {
    const path = await fileWith('early-stop.avi', foreignAvi());
    for await (const { index } of readAviFrames(path)) if (index === 0) break;
    // Still readable from the start: nothing left locked or half-read.
    expect(await collect(path)).toHaveLength(3);
  });
});

describe('bad files', () => {
  it.each([
    ['empty', Buffer.alloc(0), /not an AVI file: '.*empty' does not start with a RIFF header/],
    ['text', Buffer.from('hello, this is not a video at all'), /does not start with a RIFF header/],
    ['wave', riff('WAVE', chunk('fmt ', Buffer.alloc(16))), /is a RIFF 'WAVE' file/],
    ['no-hdrl', riff('AVI ', list('movi')), /no 'hdrl' header list/],
    ['h264', foreignAvi('H264'), /not an MJPEG AVI: '.*h264' has a 'H264' video stream/],
    [
      'audio-only',
      riff(
        'AVI ',
        list('hdrl', avih(0, 0, 1, 0, 0), list('strl', strh('auds', '\0\0\0\0', 1, 8000, 8000))),
        list('movi'),
      ),
      /has no video stream/,
    ],
  ])('rejects %s with a clear one-line AviFormatError', async (name, bytes, message) => {
    const path = await fileWith(name, bytes);
    const error = await readAviInfo(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AviFormatError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    await expect(collect(path)).rejects.toThrow(message);
  });

  it('reports a truncated file, wherever it was cut', async () => {
    const whole = join(dir, 'whole.avi');
    await writeSyntheticVideo(whole, { width: 64, height: 48, fps: 10, durationS: 1, seed: 1 });
    const bytes = await readFile(whole);
    for (const length of [100, 230, Math.floor(bytes.length / 2), bytes.length - 200]) {
      const path = await fileWith(`cut-${length}.avi`, bytes.subarray(0, length));
      await expect(readAviInfo(path)).rejects.toThrow(
        length < 212 ? /truncated/ : /truncated AVI '.*': chunk 'LIST movi'/,
      );
      await expect(collect(path)).rejects.toThrow(AviFormatError);
    }
  });

  it('reports a frame chunk running past the end of the file', async () => {
    // A movi list whose size is unknown (0, as a writer that died leaves it) with a cut frame.
    const good = foreignAvi();
    const cut = good.subarray(0, good.indexOf(Buffer.from('01db', 'latin1')) + 12);
    const moviAt = cut.indexOf(Buffer.from('movi', 'latin1'));
    cut.writeUInt32LE(0, moviAt - 4);
    const path = await fileWith('cut-frame.avi', Buffer.from(cut));
    await expect(collect(path)).rejects.toThrow(
      /truncated AVI '.*': chunk '01db' of 10 bytes at byte \d+ runs past the end of the file/,
    );
  });
});
