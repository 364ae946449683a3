// The video endpoints of the sample service: a streamed upload, checked to be an MJPEG AVI and
// queued for the worker pool, and the status and detections of a video. Also the settings they
// read from the environment.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { readAviInfo } from '../../src/video/avi-reader.ts';
import { HttpError, type Route } from './app.ts';
import { receiveUpload, UploadError } from './multipart-upload.ts';
import {
  createVideoPool,
  DEFAULT_FRAME_STEP,
  DEFAULT_VIDEO_WORKERS,
  type VideoHooks,
} from './video-jobs.ts';
import { createVideoRepository, type VideoRepository } from './video-store.ts';

/** Default cap on an uploaded video, in bytes (512 MiB). */
export const DEFAULT_VIDEO_MAX_BYTES = 512 * 1024 * 1024;
/** Default and largest page of `GET /api/videos/:id/detections` (rows). */
const DEFAULT_DETECTION_LIMIT = 100;
const MAX_DETECTION_LIMIT = 1000;
const MAX_NAME_CHARS = 500;
/** Raw bodies taken as the video file itself. */
const RAW_VIDEO_TYPES = ['video/x-msvideo', 'video/avi', 'application/octet-stream'] as const;

/** How videos are processed; each has an environment variable on the command line. */
export interface VideoSettings {
  /** Worker threads decoding videos (`VIDEO_WORKERS`, default 2). */
  workers: number;
  /** Largest upload, in bytes (`VIDEO_MAX_MB` in MiB, default 512). */
  maxBytes: number;
  /**
   * Analyse every n-th frame (`VIDEO_FRAME_STEP`); `auto` (the default): every frame at 320x180
   * and 30 fps, every 2nd at 640x360 (autoFrameStep in video-worker.ts).
   */
  frameStep: number | 'auto';
  /** Test hooks (`VIDEO_FAIL_NAMES`, `VIDEO_STALL_NAMES`, `VIDEO_CRASH_NAMES`: comma lists). */
  hooks: VideoHooks;
}

/** The video part of a running service. */
export interface VideoService {
  routes: Route[];
  /** Fails unfinished jobs, stops the worker threads and removes the uploads. */
  close(): Promise<void>;
}

/** Options of {@link startVideoService}. */
export interface VideoServiceOptions extends Partial<VideoSettings> {
  /** Folder in which the service's private upload folder is made (default the OS temp folder). */
  tempDir?: string;
  /** Receives one line per unexpected error of the pool. */
  warn?: (line: string) => void;
}

function parsePositiveInteger(raw: string | undefined, name: string, fallback: number): number {
  const text = raw?.trim() ?? '';
  if (text === '') return fallback;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw new Error(`${name} must be a positive integer, got '${raw}'`);
  }
  return Number(text);
}

function parseFrameStep(raw: string | undefined): number | 'auto' {
  const text = raw?.trim() ?? '';
  if (text === '' || text === 'auto') return DEFAULT_FRAME_STEP;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw new Error(`VIDEO_FRAME_STEP must be a positive integer or auto, got '${raw}'`);
  }
  return Number(text);
}

function parseNames(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Reads `VIDEO_WORKERS`, `VIDEO_MAX_MB`, `VIDEO_FRAME_STEP` and the test-hook name lists. Throws
 * an Error with a one-line message on a bad value.
 */
export function parseVideoEnv(env: NodeJS.ProcessEnv): VideoSettings {
  return {
    workers: parsePositiveInteger(env.VIDEO_WORKERS, 'VIDEO_WORKERS', DEFAULT_VIDEO_WORKERS),
    maxBytes:
      parsePositiveInteger(env.VIDEO_MAX_MB, 'VIDEO_MAX_MB', DEFAULT_VIDEO_MAX_BYTES / 2 ** 20) *
      2 ** 20,
    frameStep: parseFrameStep(env.VIDEO_FRAME_STEP),
    hooks: {
      failNames: parseNames(env.VIDEO_FAIL_NAMES),
      stallNames: parseNames(env.VIDEO_STALL_NAMES),
      crashNames: parseNames(env.VIDEO_CRASH_NAMES),
    },
  };
}

function parseId(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

function parseLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return DEFAULT_DETECTION_LIMIT;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= MAX_DETECTION_LIMIT)) {
    throw new HttpError(
      400,
      `query parameter limit must be an integer between 1 and ${MAX_DETECTION_LIMIT}, got '${raw}'`,
    );
  }
  return value;
}

function pickName(candidates: (string | null | undefined)[]): string {
  const name = candidates.find((c) => typeof c === 'string' && c.trim() !== '') ?? 'video.avi';
  if (name.length > MAX_NAME_CHARS) {
    throw new HttpError(400, `field name must be at most ${MAX_NAME_CHARS} characters`);
  }
  return name;
}

/**
 * Prepares the video tables' queries, fails the videos an earlier process left unfinished, makes
 * a private upload folder and an (idle) worker pool, and returns the routes serving them.
 */
export async function startVideoService(
  db: DatabaseSync,
  options: VideoServiceOptions = {},
): Promise<VideoService> {
  const maxBytes = options.maxBytes ?? DEFAULT_VIDEO_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(`video max bytes must be a positive integer, got ${maxBytes}`);
  }
  const repository = createVideoRepository(db);
  repository.failUnfinished('the service restarted before processing finished');
  const pool = createVideoPool({
    repository,
    workers: options.workers,
    frameStep: options.frameStep,
    hooks: options.hooks,
    warn: options.warn,
  });
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'validation-platform-videos-'));
  let closing: Promise<void> | undefined;
  return {
    routes: buildVideoRoutes(repository, (job) => pool.enqueue(job), { dir, maxBytes }),
    close: () => {
      closing ??= pool.close().finally(() => rm(dir, { recursive: true, force: true }));
      return closing;
    },
  };
}

function buildVideoRoutes(
  repository: VideoRepository,
  enqueue: (job: { id: number; path: string; name: string }) => void,
  upload: { dir: string; maxBytes: number },
): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/videos',
      auth: true,
      body: false,
      handle: async ({ request, query, userId }) => {
        let received: Awaited<ReturnType<typeof receiveUpload>>;
        try {
          received = await receiveUpload(request, {
            dir: upload.dir,
            maxBytes: upload.maxBytes,
            fileField: 'file',
            rawTypes: RAW_VIDEO_TYPES,
            extension: '.avi',
          });
        } catch (error) {
          if (error instanceof UploadError) {
            throw new HttpError(error.status, error.message, error.headers);
          }
          throw error;
        }
        try {
          const name = pickName([received.fields.name, query.get('name'), received.filename]);
          let info: Awaited<ReturnType<typeof readAviInfo>>;
          try {
            info = await readAviInfo(received.path);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new HttpError(422, `not an MJPEG AVI: ${reason}`);
          }
          if (info.frameCount < 1) throw new HttpError(422, 'not an MJPEG AVI: it has no frames');
          const id = repository.createVideo(userId, {
            name,
            width: info.width,
            height: info.height,
            fps: info.fps,
            frames: info.frameCount,
            duration_s: info.durationS,
          });
          enqueue({ id, path: received.path, name });
          return { status: 202, body: { id, status: 'queued' } };
        } catch (error) {
          await rm(received.path, { force: true });
          throw error;
        }
      },
    },
    {
      method: 'GET',
      path: '/api/videos/:id',
      auth: true,
      body: false,
      handle: ({ params, userId }) => {
        const id = parseId(params.id);
        const video = id === undefined ? undefined : repository.getVideo(userId, id);
        if (video === undefined) throw new HttpError(404, `video ${params.id} not found`);
        return { status: 200, body: video };
      },
    },
    {
      method: 'GET',
      path: '/api/videos/:id/detections',
      auth: true,
      body: false,
      handle: ({ params, query, userId }) => {
        const id = parseId(params.id);
        const limit = parseLimit(query);
        const items = id === undefined ? undefined : repository.listDetections(userId, id, limit);
        if (items === undefined) throw new HttpError(404, `video ${params.id} not found`);
        return { status: 200, body: { video_id: id, items, limit } };
      },
    },
  ];
}
