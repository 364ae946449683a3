// What the video suite did, as plain data (results.json `video`): the videos it used and, per level
// of concurrency, every upload with its outcome. The metrics are derived from these rows.
import type { ResourceSummary } from '../monitor/summarize.ts';

/** How one upload ended. */
export type VideoOutcome =
  /** Processed: the status answer met the `done` condition. */
  | 'done'
  /** The status answer met the `failed` condition, or the status request was refused (4xx). */
  | 'failed'
  /** The upload answered a non-2xx status, or no job id. */
  | 'rejected'
  /** Not done within the per-video timeout. */
  | 'timeout'
  /** The upload could not be sent (connection refused, reset, …). */
  | 'error';

/** One video the suite uploaded (the same file may be sent many times). */
export interface VideoUsed {
  /** The file name sent (`synthetic-640x360-30fps-10s-seed1.avi`, `clip.mp4`). */
  name: string;
  kind: 'synthetic' | 'file';
  /** Synthetic: `640x360, 30 fps, seed 1`; file: the path as written in perf.yml. */
  description: string;
  /** Length in seconds. */
  durationS: number;
  /** Size in bytes. */
  bytes: number;
}

/** One upload and what became of it. */
export interface VideoUploadRow {
  /** The upload number across the suite (`{{i}}`), from 1. */
  upload: number;
  /** The video's `name` (see VideoUsed). */
  video: string;
  /** Length in seconds. */
  durationS: number;
  /** Size in bytes. */
  bytes: number;
  /** From the upload's start to its answer, in milliseconds; absent when no answer came. */
  uploadMs?: number;
  /** The job id the service answered. */
  id?: string;
  /** From the upload's start to the first status answer saying done, in seconds (done only). */
  processingS?: number;
  outcome: VideoOutcome;
  /** Why it did not end `done`, one line. */
  reason?: string;
}

/** One level of concurrency. */
export interface VideoLevelRun {
  /** Videos kept in flight. */
  level: number;
  /** Videos sent at this level. */
  videos: number;
  succeeded: number;
  failed: number;
  /** From the level's first upload start to its last video's end, in milliseconds. */
  windowMs: number;
  rows: VideoUploadRow[];
  /** The service's resources over the window; absent without a monitor or samples in it. */
  resources?: ResourceSummary;
}

/** The video suite's run: results.json `video`. */
export interface VideoSuiteRun {
  videos: VideoUsed[];
  levels: VideoLevelRun[];
}
