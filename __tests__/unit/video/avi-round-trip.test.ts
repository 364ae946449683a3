import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { readAviFrames, readAviInfo } from '../../../src/video/avi-reader.ts';
import {
  AviWriter,
  frameRateFraction,
  writeSyntheticVideo,
} from '../../../src/video/avi-writer.ts';
import {
  type MovingObject,
  objectBoxes,
  planScene,
  renderFrame,
  type SceneSpec,
} from '../../../src/video/scene.ts';

const SPEC: SceneSpec = { width: 160, height: 120, fps: 30, durationS: 2, seed: 11 };

let dir: string;
let path: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-video-'));
  path = join(dir, 'round-trip.avi');
  await writeSyntheticVideo(path, SPEC);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fourcc = (bytes: Buffer, offset: number) => bytes.toString('latin1', offset, offset + 4);

describe('writeSyntheticVideo + reader', () => {
  it('reports the spec back from the headers', async () => {
    const info = await readAviInfo(path);
    expect(info).toEqual({
      width: 160,
      height: 120,
      fps: 30,
      frameCount: 60,
      durationS: 2,
      codec: 'MJPG',
    });
  });

  it('returns what it wrote', async () => {
    const other = join(dir, 'returned.avi');
    const written = await writeSyntheticVideo(other, { ...SPEC, durationS: 0.5 });
    expect(written).toEqual({
      path: other,
      bytes: (await stat(other)).size,
      frames: 15,
      durationS: 0.5,
    });
  });

  it('parses back frame by frame with every object on its known path', async () => {
    const scene = planScene(SPEC);
    const rendered = new Uint8Array(SPEC.width * SPEC.height * 4);
    const colorAt = (rgba: Uint8Array, x: number, y: number) => {
      // Mean of a 3x3 patch: JPEG is lossy, a patch is steadier than one pixel.
      const sum = [0, 0, 0];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++)
          for (let c = 0; c < 3; c++)
            sum[c] =
              (sum[c] as number) + (rgba[((y + dy) * SPEC.width + x + dx) * 4 + c] as number);
      return sum.map((value) => value / 9);
    };
    const expectClose = (got: number[], want: readonly number[], tolerance: number) => {
      for (let c = 0; c < 3; c++)
        expect(Math.abs((got[c] as number) - (want[c] as number))).toBeLessThanOrEqual(tolerance);
    };
    let count = 0;
    for await (const { index, jpeg: bytes } of readAviFrames(path)) {
      expect(index).toBe(count++);
      const decoded = jpeg.decode(bytes, { useTArray: true, tolerantDecoding: false });
      expect([decoded.width, decoded.height]).toEqual([SPEC.width, SPEC.height]);
      const boxes = objectBoxes(scene, index);
      for (const [i, box] of boxes.entries()) {
        const centre = colorAt(
          decoded.data,
          box.x + Math.floor(box.width / 2),
          box.y + Math.floor(box.height / 2),
        );
        expectClose(centre, (scene.objects[i] as MovingObject).color, 12);
      }
      // Background: points at least 10 px away from every box.
      let backgroundPoints = 0;
      for (let y = 2; y < SPEC.height - 2; y += 9)
        for (let x = 2; x < SPEC.width - 2; x += 9) {
          const isFar = boxes.every(
            (box) =>
              x < box.x - 10 ||
              x > box.x + box.width + 10 ||
              y < box.y - 10 ||
              y > box.y + box.height + 10,
          );
          if (!isFar) continue;
          backgroundPoints++;
          expectClose(colorAt(decoded.data, x, y), scene.background, 4);
        }
      expect(backgroundPoints).toBeGreaterThan(20);
      // And the whole picture: on average within a few levels of what was drawn.
      renderFrame(scene, index, rendered);
      let error = 0;
      for (let p = 0; p < rendered.length; p++)
        if (p % 4 !== 3) error += Math.abs((rendered[p] as number) - (decoded.data[p] as number));
      expect(error / (SPEC.width * SPEC.height * 3)).toBeLessThan(3);
    }
    expect(count).toBe(60);
  });

  it('writes byte-identical files for the same seed, different ones for another seed', async () => {
    const again = join(dir, 'again.avi');
    const otherSeed = join(dir, 'other-seed.avi');
    await writeSyntheticVideo(again, SPEC);
    await writeSyntheticVideo(otherSeed, { ...SPEC, seed: 12 });
    const original = await readFile(path);
    expect((await readFile(again)).equals(original)).toBe(true);
    expect((await readFile(otherSeed)).equals(original)).toBe(false);
  });

  it('lays out a valid AVI 1.0: sizes, headers, word-aligned chunks, idx1 pointing at them', async () => {
    const file = await readFile(path);
    expect(fourcc(file, 0)).toBe('RIFF');
    expect(file.readUInt32LE(4)).toBe(file.length - 8);
    expect(fourcc(file, 8)).toBe('AVI ');
    expect([fourcc(file, 12), fourcc(file, 20), fourcc(file, 24)]).toEqual([
      'LIST',
      'hdrl',
      'avih',
    ]);
    const hdrlEnd = 20 + file.readUInt32LE(16);
    // avih: 1/30 s, AVIF_HASINDEX, 60 frames, 1 stream, 160x120
    expect(file.readUInt32LE(32)).toBe(33_333);
    expect(file.readUInt32LE(44) & 0x10).toBe(0x10);
    expect([file.readUInt32LE(48), file.readUInt32LE(56)]).toEqual([60, 1]);
    expect([file.readUInt32LE(64), file.readUInt32LE(68)]).toEqual([160, 120]);
    // strh: vids / MJPG, rate / scale = 30, length 60; strf: BITMAPINFOHEADER with MJPG
    expect([fourcc(file, 96), fourcc(file, 100), fourcc(file, 108), fourcc(file, 112)]).toEqual([
      'strl',
      'strh',
      'vids',
      'MJPG',
    ]);
    expect(file.readUInt32LE(132) / file.readUInt32LE(128)).toBe(30);
    expect(file.readUInt32LE(140)).toBe(60);
    expect([fourcc(file, 164), file.readUInt32LE(168), file.readUInt32LE(172)]).toEqual([
      'strf',
      40,
      40,
    ]);
    expect([file.readInt32LE(176), file.readInt32LE(180), fourcc(file, 188)]).toEqual([
      160,
      120,
      'MJPG',
    ]);
    expect(hdrlEnd).toBe(212);
    // movi list, then idx1 right after it
    expect([fourcc(file, 212), fourcc(file, 220)]).toEqual(['LIST', 'movi']);
    const moviFourcc = 220;
    const moviEnd = 220 + file.readUInt32LE(216);
    expect(fourcc(file, moviEnd)).toBe('idx1');
    const indexBytes = file.readUInt32LE(moviEnd + 4);
    expect(indexBytes).toBe(60 * 16);
    expect(moviEnd + 8 + indexBytes).toBe(file.length);
    // Walk the movi chunks and the index side by side.
    let position = moviFourcc + 4;
    for (let entry = 0; entry < 60; entry++) {
      const at = moviEnd + 8 + entry * 16;
      const [id, flags, offset, size] = [
        fourcc(file, at),
        file.readUInt32LE(at + 4),
        file.readUInt32LE(at + 8),
        file.readUInt32LE(at + 12),
      ];
      expect(id).toBe('00dc');
      expect(flags).toBe(0x10); // AVIIF_KEYFRAME
      expect(offset).toBe(position - moviFourcc);
      expect(position % 2).toBe(0);
      expect(fourcc(file, moviFourcc + offset)).toBe('00dc');
      expect(file.readUInt32LE(moviFourcc + offset + 4)).toBe(size);
      // Each chunk holds one whole JPEG: SOI ... EOI.
      expect(file.readUInt16BE(moviFourcc + offset + 8)).toBe(0xffd8);
      expect(file.readUInt16BE(moviFourcc + offset + 8 + size - 2)).toBe(0xffd9);
      position += 8 + size + (size % 2);
    }
    expect(position).toBe(moviEnd);
  });

  it('writes non-integer frame rates as a reduced rate / scale', async () => {
    expect(frameRateFraction(30)).toEqual({ rate: 30, scale: 1 });
    expect(frameRateFraction(29.97)).toEqual({ rate: 2997, scale: 100 });
    expect(frameRateFraction(12.5)).toEqual({ rate: 25, scale: 2 });
    const odd = join(dir, 'odd-rate.avi');
    await writeSyntheticVideo(odd, { ...SPEC, fps: 12.5, durationS: 0.4 });
    expect(await readAviInfo(odd)).toMatchObject({ fps: 12.5, frameCount: 5, durationS: 0.4 });
  });

  it('encodes whole frames too (the slow reference path), readable the same way', async () => {
    const whole = join(dir, 'whole.avi');
    const written = await writeSyntheticVideo(
      whole,
      { ...SPEC, durationS: 0.2 },
      { encoder: 'whole', quality: 90 },
    );
    expect(written.frames).toBe(6);
    let count = 0;
    for await (const frame of readAviFrames(whole)) {
      expect(jpeg.decode(frame.jpeg, { useTArray: true }).width).toBe(160);
      count++;
    }
    expect(count).toBe(6);
  });

  it('refuses to pass its size limit with a ConfigError and can abort (removing the file)', async () => {
    const limited = join(dir, 'limited.avi');
    const writer = await AviWriter.open(
      limited,
      { width: 16, height: 16, fps: 10 },
      { limitBytes: 10_000 },
    );
    const frame = new Uint8Array(3000);
    await writer.addFrame(frame);
    await writer.addFrame(frame);
    await writer.addFrame(frame);
    await expect(writer.addFrame(frame)).rejects.toThrow(ConfigError);
    await expect(writer.addFrame(frame)).rejects.toThrow(/limit of an AVI 1.0 file at frame 4/);
    await writer.abort();
    await expect(stat(limited)).rejects.toThrow(/ENOENT/);
  });

  it('writes an odd-sized frame with a pad byte and reads it back unpadded', async () => {
    const oddPath = join(dir, 'odd-frame.avi');
    const writer = await AviWriter.open(oddPath, { width: 16, height: 16, fps: 10 });
    await writer.addFrame(Uint8Array.from([1, 2, 3]));
    await writer.addFrame(Uint8Array.from([4, 5]));
    expect(await writer.close()).toEqual({ bytes: (await stat(oddPath)).size, frames: 2 });
    const frames = [];
    for await (const frame of readAviFrames(oddPath)) frames.push(Array.from(frame.jpeg));
    expect(frames).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});
