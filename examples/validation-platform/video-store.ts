// Storage of uploaded videos and their detections: the `videos` and `video_detections` tables
// (migration 3 in db.ts). Only the main thread writes: workers report, the pool calls these.

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { inTransaction } from './db.ts';

/** Where a video is in its processing. */
export const VIDEO_STATUSES = ['queued', 'processing', 'done', 'failed'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/** A video as `GET /api/videos/:id` returns it. Times are ISO 8601 UTC, durations seconds. */
export interface Video {
  id: number;
  name: string;
  status: VideoStatus;
  /** Share of the frames processed, 0..1. */
  progress: number;
  width: number;
  height: number;
  /** Frames per second of the file. */
  fps: number;
  /** Frames in the file. */
  frames: number;
  duration_s: number;
  /** Moving objects found so far (rows of `video_detections`). */
  detections: number;
  /** Why processing failed (status `failed` only). */
  error?: string;
  /** Seconds from the start of processing to its end (status `done` or `failed` only). */
  processing_s?: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** What the upload learnt from the file's header. */
export interface NewVideo {
  name: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  duration_s: number;
}

/** One moving object in one frame; the box in pixels. */
export interface Detection {
  frame: number;
  /** Seconds from the start of the video. */
  time_s: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Changed pixels of the object. */
  area: number;
}

/** The queries behind the video routes and the processing pool. */
export interface VideoRepository {
  /** Inserts a queued video owned by `ownerId` and returns its id. */
  createVideo(ownerId: number, video: NewVideo): number;
  /** The video if it exists and belongs to `ownerId`. */
  getVideo(ownerId: number, id: number): Video | undefined;
  /** The first `limit` detections of one of the caller's videos by frame, or undefined. */
  listDetections(ownerId: number, id: number, limit: number): Detection[] | undefined;
  /** Marks a video `processing`, now. */
  markStarted(id: number): void;
  /** Stores detections and the progress (0..1) reached, in one transaction. */
  recordProgress(id: number, progress: number, detections: readonly Detection[]): void;
  /** Marks a video `done` (progress 1) after `processingS` seconds of work. */
  markDone(id: number, processingS: number): void;
  /** Marks a video `failed` with the reason, after `processingS` seconds (0 if never started). */
  markFailed(id: number, error: string, processingS: number): void;
  /**
   * Fails every video still queued or processing: at start-up, their files went with the previous
   * process's upload folder. Returns how many.
   */
  failUnfinished(reason: string): number;
}

const VIDEO_COLUMNS = `id, name, status, progress, width, height, fps, frames, duration_s, detections,
  error, processing_s, created_at, started_at, finished_at`;

type VideoRow = Omit<Video, 'error' | 'processing_s'> & {
  error: string | null;
  processing_s: number | null;
};

function toVideo(row: VideoRow): Video {
  const { error, processing_s, ...rest } = row;
  return {
    ...rest,
    ...(error === null ? {} : { error }),
    ...(processing_s === null ? {} : { processing_s }),
  };
}

/** Prepares the video queries on `db` (migrated by openDatabase). */
export function createVideoRepository(db: DatabaseSync): VideoRepository {
  const statements = {
    insertVideo: db.prepare(
      `INSERT INTO videos (owner_id, name, width, height, fps, frames, duration_s, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getVideo: db.prepare(`SELECT ${VIDEO_COLUMNS} FROM videos WHERE id = ? AND owner_id = ?`),
    ownsVideo: db.prepare('SELECT 1 AS ok FROM videos WHERE id = ? AND owner_id = ?'),
    listDetections: db.prepare(
      `SELECT frame, time_s, x, y, width, height, area FROM video_detections
       WHERE video_id = ? ORDER BY frame, id LIMIT ?`,
    ),
    markStarted: db.prepare(
      "UPDATE videos SET status = 'processing', started_at = ? WHERE id = ? AND status = 'queued'",
    ),
    insertDetection: db.prepare(
      `INSERT INTO video_detections (video_id, frame, time_s, x, y, width, height, area)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateProgress: db.prepare(
      'UPDATE videos SET progress = ?, detections = detections + ? WHERE id = ?',
    ),
    markDone: db.prepare(
      `UPDATE videos SET status = 'done', progress = 1, processing_s = ?, finished_at = ?
       WHERE id = ?`,
    ),
    markFailed: db.prepare(
      `UPDATE videos SET status = 'failed', error = ?, processing_s = ?, finished_at = ?
       WHERE id = ?`,
    ),
    failUnfinished: db.prepare(
      `UPDATE videos SET status = 'failed', error = ?, finished_at = ?
       WHERE status IN ('queued', 'processing')`,
    ),
  } satisfies Record<string, StatementSync>;
  const now = () => new Date().toISOString();

  return {
    createVideo: (ownerId, video) =>
      Number(
        statements.insertVideo.run(
          ownerId,
          video.name,
          video.width,
          video.height,
          video.fps,
          video.frames,
          video.duration_s,
          now(),
        ).lastInsertRowid,
      ),
    getVideo: (ownerId, id) => {
      const row = statements.getVideo.get(id, ownerId) as VideoRow | undefined;
      return row === undefined ? undefined : toVideo(row);
    },
    listDetections: (ownerId, id, limit) => {
      if (statements.ownsVideo.get(id, ownerId) === undefined) return undefined;
      return statements.listDetections.all(id, limit) as unknown as Detection[];
    },
    markStarted: (id) => {
      statements.markStarted.run(now(), id);
    },
    recordProgress: (id, progress, detections) =>
      inTransaction(db, () => {
        for (const d of detections) {
          statements.insertDetection.run(
            id,
            d.frame,
            d.time_s,
            d.x,
            d.y,
            d.width,
            d.height,
            d.area,
          );
        }
        statements.updateProgress.run(progress, detections.length, id);
      }),
    markDone: (id, processingS) => {
      statements.markDone.run(processingS, now(), id);
    },
    markFailed: (id, error, processingS) => {
      statements.markFailed.run(error, processingS, now(), id);
    },
    failUnfinished: (reason) => Number(statements.failUnfinished.run(reason, now()).changes),
  };
}
