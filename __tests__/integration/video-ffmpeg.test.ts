// The synthetic videos perf-action writes, read back by FFmpeg (ffprobe counts and describes the
// stream, ffmpeg decodes every frame) rather than by our own reader: the videos of the example
// configs, through the video suite's own preparation, and every spec the tests and benchmarks
// write, with the encoder variants and edge sizes and rates.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPerfConfig } from '../../src/suites/registry.ts';
import { prepareVideos } from '../../src/suites/video/sources.ts';
import { readAviFrames } from '../../src/video/avi-reader.ts';
import { frameRateFraction, writeSyntheticVideo } from '../../src/video/avi-writer.ts';
import { frameCountOf, planScene, renderFrame, type SceneSpec } from '../../src/video/scene.ts';
import { decodeErrors, decodeToRgb, probeVideo, RUN_FFMPEG_TESTS } from '../helpers/ffmpeg.ts';
import { ROOT } from '../helpers/run-cli.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-ffmpeg-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** ffprobe's view of a file written for `spec`: MJPEG, its size, its rate, all its frames. */
function expectProbed(path: string, spec: SceneSpec): void {
  const probed = probeVideo(path);
  const { rate, scale } = frameRateFraction(spec.fps);
  expect(probed).toEqual({
    codec: 'mjpeg',
    width: spec.width,
    height: spec.height,
    frameRate: `${rate}/${scale}`,
    frames: frameCountOf(spec),
    errors: '',
  });
  expect(rate / scale).toBeCloseTo(spec.fps, 9);
}

/**
 * Decodes every frame with ffmpeg and compares it, pixel by pixel, with the same frame as our
 * reader splits it out and jpeg-js decodes it (two decoders agree within IDCT rounding), and with
 * the frame as drawn (JPEG is lossy, most of all in tiny, busy frames: on average a few levels).
 */
async function expectDecodedAsDrawn(path: string, spec: SceneSpec): Promise<void> {
  const { rgb, errors } = decodeToRgb(path);
  expect(errors).toBe('');
  const pixels = spec.width * spec.height;
  const frames = frameCountOf(spec);
  expect(rgb.length).toBe(frames * pixels * 3);
  const scene = planScene(spec);
  const drawn = new Uint8Array(pixels * 4);
  let index = 0;
  for await (const frame of readAviFrames(path)) {
    expect(frame.index).toBe(index);
    const ours = jpeg.decode(frame.jpeg, { useTArray: true, tolerantDecoding: false }).data;
    renderFrame(scene, index, drawn);
    let fromDrawn = 0;
    let worstFromOurs = 0;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) {
        const value = rgb[(index * pixels + p) * 3 + c] as number;
        fromDrawn += Math.abs(value - (drawn[p * 4 + c] as number));
        worstFromOurs = Math.max(worstFromOurs, Math.abs(value - (ours[p * 4 + c] as number)));
      }
    }
    expect(worstFromOurs, `frame ${index}: largest difference from jpeg-js`).toBeLessThanOrEqual(4);
    expect(
      fromDrawn / (pixels * 3),
      `frame ${index}: mean difference from the drawing`,
    ).toBeLessThan(8);
    index++;
  }
  expect(index).toBe(frames);
}

describe.runIf(RUN_FFMPEG_TESTS)('synthetic videos, read by FFmpeg', () => {
  it.each(['examples/perf.yml', 'examples/perf-ci.yml'])(
    'the videos of %s, as the video suite prepares them',
    async (file) => {
      const { config } = await loadPerfConfig(join(ROOT, file), {});
      const videos = config.video?.videos ?? [];
      expect(videos.length).toBeGreaterThan(0);
      const prepared = await prepareVideos(videos, {
        workDir: join(dir, 'suite'),
        configDir: join(ROOT, 'examples'),
        log: () => {},
      });
      for (const [i, video] of prepared.entries()) {
        const spec = videos[i];
        if (spec?.kind !== 'synthetic') continue;
        expectProbed(video.path, {
          width: spec.width,
          height: spec.height,
          fps: spec.fps,
          durationS: spec.durationS,
          seed: spec.seed,
        });
      }
    },
  );

  // Every spec the test suite and the benchmarks write, plus the edges the writer allows.
  const SPECS: [string, SceneSpec][] = [
    ['round-trip 160x120 at 30 fps', { width: 160, height: 120, fps: 30, durationS: 2, seed: 11 }],
    [
      '12.5 fps (rate 25 / scale 2)',
      { width: 160, height: 120, fps: 12.5, durationS: 0.4, seed: 11 },
    ],
    [
      '29.97 fps, 5 objects',
      { width: 64, height: 48, fps: 29.97, durationS: 2.5, seed: 4, objects: 5 },
    ],
    ['video cache 64x48 at 10 fps', { width: 64, height: 48, fps: 10, durationS: 1, seed: 4 }],
    ['video suite 160x120 at 10 fps', { width: 160, height: 120, fps: 10, durationS: 2, seed: 1 }],
    [
      'sample service 320x180 at 30 fps',
      { width: 320, height: 180, fps: 30, durationS: 2.5, seed: 5 },
    ],
    [
      'odd size 161x97, sides not a multiple of 8',
      { width: 161, height: 97, fps: 25, durationS: 0.4, seed: 3 },
    ],
    ['the smallest, 16x16 at 1 fps', { width: 16, height: 16, fps: 1, durationS: 3, seed: 2 }],
    ['no objects', { width: 48, height: 32, fps: 5, durationS: 1, seed: 9, objects: 0 }],
    ['16 objects', { width: 96, height: 64, fps: 240, durationS: 0.05, seed: 8, objects: 16 }],
  ];

  it.each(SPECS)('%s: probed and decoded frame by frame as drawn', async (name, spec) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.avi`);
    await writeSyntheticVideo(path, spec);
    expectProbed(path, spec);
    await expectDecodedAsDrawn(path, spec);
  });

  it.each([
    ['the whole-frame reference encoder', { encoder: 'whole', quality: 90 }],
    ['low quality (20)', { quality: 20 }],
    ['highest quality (100)', { quality: 100 }],
  ] as const)('%s: decoded as drawn', async (name, options) => {
    const spec: SceneSpec = { width: 160, height: 120, fps: 30, durationS: 0.2, seed: 7 };
    const path = join(dir, `${name.replace(/\W+/g, '-')}.avi`);
    await writeSyntheticVideo(path, spec, options);
    expectProbed(path, spec);
    await expectDecodedAsDrawn(path, spec);
  });

  it('the benchmark sizes (10 s at 640x360 and 1280x720, 30 fps): every frame decodes', async () => {
    for (const [width, height] of [
      [640, 360],
      [1280, 720],
    ] as const) {
      const spec: SceneSpec = { width, height, fps: 30, durationS: 10, seed: 1 };
      const path = join(dir, `bench-${width}x${height}.avi`);
      await writeSyntheticVideo(path, spec);
      expectProbed(path, spec);
      expect(decodeErrors(path)).toBe('');
    }
  }, 120_000);
});
