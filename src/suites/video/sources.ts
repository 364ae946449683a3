// The videos the video suite uploads, ready on disk: synthetic ones generated (and cached) in the
// work folder, the user's files found next to the config file, each with its length and size.
import { stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, resolve } from 'node:path';
import { ConfigError, describeError } from '../../errors.ts';
import { ensureSyntheticVideo } from '../../video/video-cache.ts';
import type { FileVideoSpec, SyntheticVideoSpec, VideoSpec } from './config.ts';
import { readVideoDurationS } from './duration.ts';
import type { VideoUsed } from './results.ts';

/** A video ready to upload. */
export interface PreparedVideo extends VideoUsed {
  /** Absolute path of the file. */
  path: string;
  /** The content type it is sent with. */
  contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.avi': 'video/x-msvideo',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.ts': 'video/mp2t',
};

/** The content type of a video file by its extension (application/octet-stream when unknown). */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface PrepareVideosOptions {
  /** Where synthetic videos are generated and cached. */
  workDir: string;
  /** The config file's folder: relative `file:` paths are resolved against it. */
  configDir: string;
  log: (line: string) => void;
}

/**
 * Every configured video on disk, in the configured order.
 * @throws ConfigError naming `video.videos[i]` when a file is missing or its length unknown.
 */
export async function prepareVideos(
  videos: readonly VideoSpec[],
  options: PrepareVideosOptions,
): Promise<PreparedVideo[]> {
  const prepared: PreparedVideo[] = [];
  for (const [index, spec] of videos.entries()) {
    prepared.push(
      spec.kind === 'synthetic'
        ? await prepareSynthetic(spec, options)
        : await prepareFile(spec, index, options),
    );
  }
  return prepared;
}

async function prepareSynthetic(
  spec: SyntheticVideoSpec,
  options: PrepareVideosOptions,
): Promise<PreparedVideo> {
  const description =
    `${spec.width}x${spec.height}, ${spec.fps} fps, ${spec.durationS} s, seed ${spec.seed}` +
    (spec.objects !== undefined ? `, ${spec.objects} objects` : '');
  const started = performance.now();
  const video = await ensureSyntheticVideo(options.workDir, {
    width: spec.width,
    height: spec.height,
    fps: spec.fps,
    durationS: spec.durationS,
    seed: spec.seed,
    ...(spec.objects !== undefined ? { objects: spec.objects } : {}),
  });
  const elapsedS = (performance.now() - started) / 1000;
  if (elapsedS >= 1) options.log(`video: generated ${description} in ${elapsedS.toFixed(1)} s`);
  return {
    name: basename(video.path),
    kind: 'synthetic',
    description,
    durationS: video.durationS,
    bytes: video.bytes,
    path: video.path,
    contentType: contentTypeOf(video.path),
  };
}

async function prepareFile(
  spec: FileVideoSpec,
  index: number,
  options: PrepareVideosOptions,
): Promise<PreparedVideo> {
  const key = `video.videos[${index}].file`;
  const path = isAbsolute(spec.path) ? spec.path : resolve(options.configDir, spec.path);
  let bytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new ConfigError(`expected a video file, got a folder: ${path}`, { key });
    bytes = info.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : `cannot read it (${describeError(error)})`;
    throw new ConfigError(`${why}: ${path}`, { key }, { cause: error });
  }
  let durationS = spec.durationS;
  if (durationS === undefined) {
    try {
      durationS = await readVideoDurationS(path);
    } catch (error) {
      throw new ConfigError(
        `cannot read the length of ${path} (${describeError(error)}); set duration: next to file:`,
        { key },
        { cause: error },
      );
    }
    if (durationS === undefined) {
      throw new ConfigError(
        `cannot tell the length of ${path} (AVI and MP4 headers are read); ` +
          'set duration: next to file:, like duration: 12s',
        { key },
      );
    }
  }
  return {
    name: basename(path),
    kind: 'file',
    description: spec.path,
    durationS,
    bytes,
    path,
    contentType: contentTypeOf(path),
  };
}
