// What the video suite did, as plain data (results.json `video`): the videos it used and, per level
// of concurrency, every upload with its outcome. The metrics are derived from these rows. The
// shapes are defined by the results schema (./schema.ts).
import type { z } from 'zod';
import type {
  videoLevelRunSchema,
  videoOutcomeSchema,
  videoSuiteRunSchema,
  videoUploadRowSchema,
  videoUsedSchema,
} from '../../results/schema.ts';

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
