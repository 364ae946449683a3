// One synthetic video per distinct spec: generated once into a directory, reused afterwards
// (also by concurrent callers of the same process, who share the one generation).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readAviInfo } from './avi-reader.ts';
import { writeSyntheticVideo } from './avi-writer.ts';
import { frameCountOf, type SceneSpec, validateSceneSpec } from './scene.ts';

/** A synthetic video ready on disk. */
export interface CachedVideo {
  path: string;
  /** video length, seconds */
  durationS: number;
  /** file size, bytes */
  bytes: number;
}

/** File name of a spec, e.g. `synthetic-640x360-30fps-10s-seed1.avi` (`-5obj` when not 3). */
export function syntheticVideoName(spec: SceneSpec): string {
  const objects = spec.objects === undefined || spec.objects === 3 ? '' : `-${spec.objects}obj`;
  return `synthetic-${spec.width}x${spec.height}-${spec.fps}fps-${spec.durationS}s-seed${spec.seed}${objects}.avi`;
}

const generations = new Map<string, Promise<CachedVideo>>();

/**
 * Generates the video of `spec` into `dir` (created if missing) unless a file of that name is
 * already there with the right size, rate and frame count; then returns it. The file appears
 * under its name only once complete (written to a temporary name, then renamed).
 */
export function ensureSyntheticVideo(dir: string, spec: SceneSpec): Promise<CachedVideo> {
  validateSceneSpec(spec);
  const path = resolve(join(dir, syntheticVideoName(spec)));
  let generation = generations.get(path);
  if (!generation) {
    generation = reuseOrGenerate(dir, path, spec);
    generations.set(path, generation);
    // A failure must not stick: the next call tries again.
    generation.catch(() => generations.delete(path));
  }
  return generation;
}

async function reuseOrGenerate(dir: string, path: string, spec: SceneSpec): Promise<CachedVideo> {
  const existing = await tryReuse(path, spec);
  if (existing) return existing;
  await mkdir(dir, { recursive: true });
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const written = await writeSyntheticVideo(temporary, spec);
    await rename(temporary, path);
    return { path, durationS: written.durationS, bytes: written.bytes };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The existing file when its headers match the spec; undefined when missing or different. */
async function tryReuse(path: string, spec: SceneSpec): Promise<CachedVideo | undefined> {
  try {
    const info = await readAviInfo(path);
    const matches =
      info.width === spec.width &&
      info.height === spec.height &&
      Math.abs(info.fps - spec.fps) < 1e-6 &&
      info.frameCount === frameCountOf(spec);
    if (!matches) return undefined;
    return { path, durationS: info.durationS, bytes: (await stat(path)).size };
  } catch {
    return undefined;
  }
}
