import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { readAviInfo } from '../../../src/video/avi-reader.ts';
import { writeSyntheticVideo } from '../../../src/video/avi-writer.ts';
import type { SceneSpec } from '../../../src/video/scene.ts';
import { ensureSyntheticVideo, syntheticVideoName } from '../../../src/video/video-cache.ts';

const SPEC: SceneSpec = { width: 64, height: 48, fps: 10, durationS: 1, seed: 4 };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'perf-action-video-cache-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('syntheticVideoName', () => {
  it('names a file after its spec', () => {
    expect(syntheticVideoName({ width: 640, height: 360, fps: 30, durationS: 10, seed: 1 })).toBe(
      'synthetic-640x360-30fps-10s-seed1.avi',
    );
    expect(syntheticVideoName({ ...SPEC, objects: 3 })).toBe(syntheticVideoName(SPEC));
    expect(syntheticVideoName({ ...SPEC, objects: 5, fps: 29.97, durationS: 2.5 })).toBe(
      'synthetic-64x48-29.97fps-2.5s-seed4-5obj.avi',
    );
  });
});

describe('ensureSyntheticVideo', () => {
  it('generates into a new directory once, shared by concurrent callers', async () => {
    const dir = join(root, 'fresh', 'videos');
    const [a, b] = await Promise.all([
      ensureSyntheticVideo(dir, SPEC),
      ensureSyntheticVideo(dir, SPEC),
    ]);
    expect(a).toEqual(b);
    expect(a).toEqual({
      path: join(dir, syntheticVideoName(SPEC)),
      durationS: 1,
      bytes: (await stat(a.path)).size,
    });
    expect(await readdir(dir)).toEqual([syntheticVideoName(SPEC)]); // no temporary left
    expect(await readAviInfo(a.path)).toMatchObject({ width: 64, height: 48, frameCount: 10 });
  });

  it('reuses a complete file already there under that name (from an earlier run)', async () => {
    const dir = join(root, 'existing');
    const path = join(dir, syntheticVideoName(SPEC));
    await mkdir(dir);
    await writeSyntheticVideo(path, SPEC);
    const past = new Date('2001-01-01T00:00:00Z');
    await utimes(path, past, past);
    const video = await ensureSyntheticVideo(dir, SPEC);
    expect(video).toEqual({ path, durationS: 1, bytes: (await stat(path)).size });
    expect((await stat(path)).mtime.getTime()).toBe(past.getTime());
  });

  it('replaces a file of that name that is not the right video', async () => {
    const dir = join(root, 'stale');
    const path = join(dir, syntheticVideoName(SPEC));
    await mkdir(dir);
    await writeFile(path, 'not a video');
    const video = await ensureSyntheticVideo(dir, SPEC);
    expect(video.bytes).toBeGreaterThan(1000);
    expect(await readAviInfo(path)).toMatchObject({ frameCount: 10, codec: 'MJPG' });
  });

  it('rejects a bad spec before touching the disk', async () => {
    const dir = join(root, 'never');
    expect(() => ensureSyntheticVideo(dir, { ...SPEC, fps: -1 })).toThrow(ConfigError);
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
  });
});
