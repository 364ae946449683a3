// What the video suite did, as plain data (results.json `video`): the videos it used and, per level
// of concurrency, every upload with its outcome. The metrics are derived from these rows. Its schema is
// part of the one results schema, composed in ../registry.ts.
import { z } from 'zod';
import { count, nonNegative, resourceSummarySchema } from '../../results/schema.ts';

/**
 * How one upload ended: `done` (the status answer met the `done` condition); `failed` (it met the
 * `failed` condition, or the status request was refused with a 4xx); `rejected` (the upload
 * answered a non-2xx status, or no job id); `timeout` (not done within the per-video timeout);
 * `error` (the upload could not be sent: connection refused, reset, …).
 */
export const videoOutcomeSchema = z.enum(['done', 'failed', 'rejected', 'timeout', 'error']);

/** One video the suite uploaded (the same file may be sent many times). */
export const videoUsedSchema = z.object({
  /** The file name sent (`synthetic-640x360-30fps-10s-seed1.avi`, `clip.mp4`). */
  name: z.string(),
  kind: z.enum(['synthetic', 'file']),
  /** Synthetic: `640x360, 30 fps, seed 1`; file: the path as written in perf.yml. */
  description: z.string(),
  /** Length in seconds. */
  durationS: nonNegative,
  /** Size in bytes. */
  bytes: count,
});

/** One upload and what became of it. */
export const videoUploadRowSchema = z.object({
  /** The upload number across the suite (`{{i}}`), from 1. */
  upload: count,
  /** The video's `name` (see the videos used). */
  video: z.string(),
  /** Length in seconds. */
  durationS: nonNegative,
  /** Size in bytes. */
  bytes: count,
  /** From the upload's start to its answer, in milliseconds; absent when no answer came. */
  uploadMs: nonNegative.optional(),
  /** The job id the service answered. */
  id: z.string().optional(),
  /** From the upload's start to the first status answer saying done, in seconds (done only). */
  processingS: nonNegative.optional(),
  outcome: videoOutcomeSchema,
  /** Why it did not end `done`, one line. */
  reason: z.string().optional(),
});

/** One level of concurrency of the video suite. */
export const videoLevelRunSchema = z.object({
  /** Videos kept in flight. */
  level: count,
  /** Videos sent at this level. */
  videos: count,
  succeeded: count,
  failed: count,
  /** From the level's first upload start to its last video's end, in milliseconds. */
  windowMs: nonNegative,
  rows: z.array(videoUploadRowSchema),
  /** The service's resources over the window; absent without a monitor or samples in it. */
  resources: resourceSummarySchema.optional(),
});

/** The video suite's run: the videos used and every level. */
export const videoSuiteRunSchema = z.object({
  videos: z.array(videoUsedSchema),
  levels: z.array(videoLevelRunSchema),
});

// --- the whole file ---

/** How one upload ended (see `videoOutcomeSchema`). */
export type VideoOutcome = z.infer<typeof videoOutcomeSchema>;
/** One video the suite uploaded (the same file may be sent many times). */
export type VideoUsed = z.infer<typeof videoUsedSchema>;
/** One upload and what became of it. */
export type VideoUploadRow = z.infer<typeof videoUploadRowSchema>;
/** One level of concurrency. */
export type VideoLevelRun = z.infer<typeof videoLevelRunSchema>;
/** The video suite's run: results.json `video`. */
export type VideoSuiteRun = z.infer<typeof videoSuiteRunSchema>;
