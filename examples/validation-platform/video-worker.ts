// Worker-thread entry of the video pool: reads an uploaded MJPEG AVI from disk (the path, never
// the bytes, crosses the thread boundary), decodes its frames and runs the motion detector on
// them, reporting progress and detections to the main thread, which alone writes the database.

import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort } from 'node:worker_threads';
import { decode } from 'jpeg-js';
import { readAviFrames, readAviInfo } from '../../src/video/avi-reader.ts';
import { createScratch, type DetectorOptions, detectMotion } from './detector.ts';
import type { Detection } from './video-store.ts';

/** Test hooks: make a job fail half-way, never finish, or kill its worker thread. */
export type JobHook = 'fail' | 'stall' | 'crash';

/** One job, main thread to worker. */
export interface JobRequest {
  id: number;
  /** The uploaded file. */
  path: string;
  /** Analyse every `frameStep`-th frame (1: all; the others are not even decoded), or `auto`. */
  frameStep: number | 'auto';
  detector: DetectorOptions;
  hook?: JobHook;
}

/** What a worker reports about its job; `done` or `failed` ends it. */
export type JobReport =
  | { type: 'progress'; id: number; progress: number; detections: Detection[] }
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; error: string };

/** Reports at most this often (ms): each report is one database transaction on the main thread. */
const REPORT_INTERVAL_MS = 200;
/**
 * The `auto` frame step decodes at most this many pixels per second of video: 15 frames of
 * 640x360. jpeg-js (pure JavaScript) spends 25 to 80 ms on one such frame, on an idle to a busy
 * shared core, so a worker keeps up with real time unless the machine is overloaded.
 */
const AUTO_PIXELS_PER_S = 15 * 640 * 360;

/**
 * The `auto` frame step: every frame at 320x180 and 30 fps, every 2nd at 640x360 and 30 fps,
 * every 8th at 1280x720 and 30 fps.
 */
export function autoFrameStep(width: number, height: number, fps: number): number {
  return Math.max(1, Math.ceil((width * height * fps) / AUTO_PIXELS_PER_S));
}

/**
 * Yields what `source` yields, already reading the next item while the consumer works on this
 * one: the file reads of the next frame overlap the decoding of the current one.
 */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done === true) return;
      next = iterator.next();
      // Awaited on the next turn; if the consumer stops first, its failure must not go unhandled.
      next.catch(() => {});
      yield result.value;
    }
  } finally {
    await iterator.return?.(undefined);
  }
}

/** Caps on what one frame may make jpeg-js allocate (a hostile header could ask for far more). */
const MAX_FRAME_MEGAPIXELS = 40;
const MAX_DECODE_MEMORY_MB = 512;

/**
 * Processes one video: every `frameStep`-th frame decoded to RGBA and compared with the previous
 * analysed frame. Throws on a file that is not an MJPEG AVI or a frame that
 * does not decode (jpeg-js's strict mode, so a corrupt frame fails the job instead of yielding
 * garbage). Progress goes out at most every {@link REPORT_INTERVAL_MS}, and once more before a
 * failure: however soon a job fails, it keeps the progress of the frames it got through and
 * their detections.
 */
export async function processVideo(
  request: JobRequest,
  report: (message: JobReport) => void,
): Promise<void> {
  const { id, detector } = request;
  const info = await readAviInfo(request.path);
  const { width, height, fps, frameCount } = info;
  const frameStep =
    request.frameStep === 'auto' ? autoFrameStep(width, height, fps) : request.frameStep;
  // Never settles; the open message port keeps the thread alive until the pool terminates it.
  if (request.hook === 'stall') await new Promise<never>(() => {});
  const scratch = createScratch(width * height);
  // jpeg-js decodes into a fresh buffer each time: the previous frame is just kept.
  let previous: Uint8Array | undefined;
  let pending: Detection[] = [];
  let lastReport = performance.now();
  let progress = 0;
  /** The progress of the frames handled to the end (decoded and searched, or skipped). */
  let handled = 0;
  try {
    for await (const frame of readAhead(readAviFrames(request.path))) {
      progress = frameCount > 0 ? Math.min(1, (frame.index + 1) / frameCount) : 0;
      if (request.hook === 'fail' && progress >= 0.5) throw new Error('simulated failure');
      if (request.hook === 'crash' && progress >= 0.5) {
        // An uncaught exception outside the job's promise chain: the thread dies, as on a bug.
        setImmediate(() => {
          throw new Error('simulated crash');
        });
        await sleep(1_000);
      }
      if (frame.index % frameStep !== 0) {
        handled = progress;
        continue;
      }
      let image: { width: number; height: number; data: Uint8Array };
      try {
        image = decode(frame.jpeg, {
          useTArray: true,
          formatAsRGBA: true,
          tolerantDecoding: false,
          maxResolutionInMP: MAX_FRAME_MEGAPIXELS,
          maxMemoryUsageInMB: MAX_DECODE_MEMORY_MB,
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`frame ${frame.index} does not decode: ${reason}`);
      }
      if (image.width !== width || image.height !== height) {
        throw new Error(
          `frame ${frame.index} is ${image.width}x${image.height}, the file says ${width}x${height}`,
        );
      }
      if (previous !== undefined) {
        const timeS = frame.index / fps;
        for (const box of detectMotion(previous, image.data, width, height, detector, scratch)) {
          pending.push({ frame: frame.index, time_s: timeS, ...box });
        }
      }
      previous = image.data;
      if (performance.now() - lastReport >= REPORT_INTERVAL_MS) {
        report({ type: 'progress', id, progress, detections: pending });
        pending = [];
        lastReport = performance.now();
      }
      handled = progress;
    }
  } catch (error) {
    if (handled > 0) report({ type: 'progress', id, progress: handled, detections: pending });
    throw error;
  }
  report({ type: 'progress', id, progress: 1, detections: pending });
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const post = (message: JobReport) => port.postMessage(message);
  port.on('message', (request: JobRequest) => {
    processVideo(request, post).then(
      () => post({ type: 'done', id: request.id }),
      (error: unknown) =>
        post({
          type: 'failed',
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
}
