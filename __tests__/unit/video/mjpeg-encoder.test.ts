import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import {
  BitReader,
  BitWriter,
  categoryOf,
  extend,
  parseHuffmanTables,
  parseJpeg,
  writeDcDifference,
} from '../../../src/video/jpeg-bits.ts';
import {
  createTiledFrameEncoder,
  createWholeFrameEncoder,
  type FrameEncoder,
} from '../../../src/video/mjpeg-encoder.ts';
import { planScene, renderFrame } from '../../../src/video/scene.ts';

const decode = (bytes: Uint8Array) =>
  jpeg.decode(bytes, { useTArray: true, tolerantDecoding: false, formatAsRGBA: true });

function encodeAll(encoder: FrameEncoder, frames: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const frame of frames) out.push(...encoder.push(frame));
  out.push(...encoder.finish());
  return out;
}

/** Pseudo-random pixels: every block has many AC coefficients (long codes, ZRL, 0xFF bytes). */
function noiseFrame(width: number, height: number, seed: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  let state = seed;
  for (let i = 0; i < rgba.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    rgba[i] = i % 4 === 3 ? 255 : state >>> 24;
  }
  return rgba;
}

function sceneFrames(width: number, height: number, indexes: number[]): Uint8Array[] {
  const scene = planScene({ width, height, fps: 30, durationS: 10, seed: 3 });
  return indexes.map((index) => {
    const rgba = new Uint8Array(width * height * 4);
    renderFrame(scene, index, rgba);
    return rgba;
  });
}

describe('jpeg-bits', () => {
  it('writes bits MSB first, stuffs 0xFF with 0x00 and pads with 1-bits', () => {
    const writer = new BitWriter();
    writer.write(0b101, 3);
    writer.write(0b11111, 5); // completes 0xBF
    writer.write(0xff, 8); // 0xFF -> FF 00
    writer.write(0, 2); // 00 + six 1-bits of padding -> 0x3F
    expect(Array.from(writer.finish())).toEqual([0xbf, 0xff, 0x00, 0x3f]);
  });

  it('round-trips DC differences through the standard luminance DC table', () => {
    const template = jpeg.encode({ data: new Uint8Array(256), width: 8, height: 8 }, 75).data;
    const dht = parseJpeg(template).segments.find((segment) => segment.marker === 0xc4);
    const tables = parseHuffmanTables(dht?.bytes as Uint8Array);
    expect([...tables.keys()].sort()).toEqual([0, 1, 16, 17]);
    const dc = tables.get(0);
    if (!dc) throw new Error('no DC table');
    // T.81 table K.3: category 0 is '00' (2 bits), category 11 is '111111110' (9 bits).
    expect([dc.codeOf[0], dc.lengthOf[0]]).toEqual([0b00, 2]);
    expect([dc.codeOf[11], dc.lengthOf[11]]).toEqual([0b111111110, 9]);
    const values = [0, 1, -1, 2, -3, 127, -128, 1023, -2047];
    const writer = new BitWriter();
    for (const value of values) writeDcDifference(writer, dc, value);
    const bytes = writer.finish();
    const unstuffed: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      unstuffed.push(bytes[i] as number);
      if (bytes[i] === 0xff) i++;
    }
    const reader = new BitReader(Uint8Array.from(unstuffed));
    for (const value of values) {
      const category = reader.decode(dc);
      expect(category).toBe(categoryOf(value));
      expect(extend(reader.read(category), category)).toBe(value);
    }
  });
});

describe('tiled MJPEG encoder', () => {
  it.each([
    [160, 120, 8],
    [100, 75, 8], // partial MCUs on the right and bottom edges
    [200, 36, 3],
    [16, 16, 1],
    [640, 360, 4],
  ])(
    'decodes to exactly the pixels of a whole-frame jpeg-js encode (%ix%i, tiles of up to %i MCUs)',
    (width, height, maxTileMcus) => {
      const frames = [...sceneFrames(width, height, [0, 1, 2, 40]), noiseFrame(width, height, 5)];
      const options = { width, height, quality: 75, maxTileMcus };
      const tiled = encodeAll(createTiledFrameEncoder(options), frames);
      const whole = encodeAll(createWholeFrameEncoder(options), frames);
      expect(tiled).toHaveLength(frames.length);
      for (const [i, bytes] of tiled.entries()) {
        const got = decode(bytes);
        expect([got.width, got.height]).toEqual([width, height]);
        // Same DCT coefficients, same decoder: identical pixels, not just close ones.
        expect(Buffer.from(got.data).equals(Buffer.from(decode(whole[i] as Uint8Array).data))).toBe(
          true,
        );
      }
    },
  );

  it('is deterministic, keeps frame order and reuses tiles it has seen', () => {
    const frames = sceneFrames(160, 120, [0, 1, 0, 1, 2]);
    const first = createTiledFrameEncoder({ width: 160, height: 120, quality: 60 });
    const a = encodeAll(first, frames);
    const b = encodeAll(createTiledFrameEncoder({ width: 160, height: 120, quality: 60 }), frames);
    expect(a.map((bytes) => Buffer.from(bytes).toString('hex'))).toEqual(
      b.map((bytes) => Buffer.from(bytes).toString('hex')),
    );
    expect(Buffer.from(a[0] as Uint8Array).equals(Buffer.from(a[2] as Uint8Array))).toBe(true);
    expect(Buffer.from(a[0] as Uint8Array).equals(Buffer.from(a[1] as Uint8Array))).toBe(false);
    // 5 frames of 15 x 20 tiles, but only the tiles around the moving objects differ.
    const stats = first.stats();
    expect(stats.tilesEncoded).toBeGreaterThan(1);
    expect(stats.tilesEncoded).toBeLessThan(150);
    expect(stats.jpegCalls).toBe(1); // one batch for all five frames
  });

  it('writes one restart marker between tiles, in sequence, and a DRI of the tile size', () => {
    const [frame] = encodeAll(
      createTiledFrameEncoder({ width: 160, height: 120, quality: 75 }),
      sceneFrames(160, 120, [0]),
    );
    const { segments, scan } = parseJpeg(frame as Uint8Array);
    const dri = segments.find((segment) => segment.marker === 0xdd);
    // 160 px = 20 MCUs a row: tiles of 5 MCUs (largest divisor <= 8), 4 a row, 15 rows.
    expect(Array.from(dri?.bytes ?? [])).toEqual([0xff, 0xdd, 0, 4, 0, 5]);
    const markers: number[] = [];
    for (let i = 0; i + 1 < scan.length; i++)
      if (scan[i] === 0xff && scan[i + 1] !== 0) markers.push((scan[i + 1] as number) - 0xd0);
    expect(markers).toEqual(Array.from({ length: 59 }, (_, i) => i % 8));
  });

  it('rejects bad options and frames of the wrong size', () => {
    expect(() => createTiledFrameEncoder({ width: 16, height: 16, quality: 0 })).toThrow(/quality/);
    expect(() => createTiledFrameEncoder({ width: 16, height: 16, quality: 101 })).toThrow(
      /quality/,
    );
    expect(() =>
      createTiledFrameEncoder({ width: 16, height: 16, quality: 75, maxTileMcus: 9 }),
    ).toThrow(/maxTileMcus/);
    expect(() =>
      createTiledFrameEncoder({ width: 16, height: 16, quality: 75 }).push(new Uint8Array(4)),
    ).toThrow(/expected 1024/);
  });

  it('accepts a frame that is not 4-byte aligned in its buffer', () => {
    const [frame] = sceneFrames(32, 16, [0]);
    const shifted = new Uint8Array(new ArrayBuffer((frame as Uint8Array).length + 1), 1);
    shifted.set(frame as Uint8Array);
    const options = { width: 32, height: 16, quality: 75 };
    const [aligned] = encodeAll(createTiledFrameEncoder(options), [frame as Uint8Array]);
    const [unaligned] = encodeAll(createTiledFrameEncoder(options), [shifted]);
    expect(Buffer.from(unaligned as Uint8Array).equals(Buffer.from(aligned as Uint8Array))).toBe(
      true,
    );
  });
});

describe('tiled MJPEG encoder batches', () => {
  const width = 96;
  const height = 40;
  const frames = sceneFrames(width, height, [0, 5, 10, 15, 20, 25, 30, 35, 0]).flatMap(
    (frame, i) => (i % 3 === 1 ? [noiseFrame(width, height, i), frame] : [frame]),
  );
  const options = { width, height, quality: 50 };
  const whole = encodeAll(createWholeFrameEncoder(options), frames);
  const expectExact = (tiled: Uint8Array[]) => {
    expect(tiled).toHaveLength(frames.length);
    for (const [i, bytes] of tiled.entries()) {
      const want = decode(whole[i] as Uint8Array).data;
      expect(Buffer.from(decode(bytes).data).equals(Buffer.from(want))).toBe(true);
    }
  };

  it('stays exact across many small batches and cache restarts', () => {
    const encoder = createTiledFrameEncoder({ ...options, maxBatchTiles: 7, maxCachedTiles: 20 });
    expectExact(encodeAll(encoder, frames));
    expect(encoder.stats().jpegCalls).toBeGreaterThan(5);
    expect(encoder.stats().cacheRestarts).toBeGreaterThan(0);
  });

  it('never restarts the cache under a result that is not consumed yet', () => {
    const encoder = createTiledFrameEncoder({ ...options, maxBatchTiles: 7, maxCachedTiles: 20 });
    const results: Iterable<Uint8Array>[] = [];
    for (const frame of frames) results.push(encoder.push(frame));
    results.push(encoder.finish());
    expectExact(results.flatMap((result) => [...result]));
    expect(encoder.stats().cacheRestarts).toBe(0);
  });
});
