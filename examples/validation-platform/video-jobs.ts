// The video processing queue: uploaded videos wait in FIFO order for one of a fixed number of
// worker threads. Threads start on demand and are kept; one that dies fails its job and a fresh
// one takes the next. The main thread records everything the workers report.

import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { DEFAULT_DETECTOR_OPTIONS, type DetectorOptions } from './detector.ts';
import type { VideoRepository } from './video-store.ts';
import type { JobHook, JobReport, JobRequest } from './video-worker.ts';

/** Default number of worker threads (`VIDEO_WORKERS`). */
export const DEFAULT_VIDEO_WORKERS = 2;
/** Default frame step (`VIDEO_FRAME_STEP`): decided per video by autoFrameStep (video-worker.ts). */
export const DEFAULT_FRAME_STEP = 'auto';

/** An uploaded video waiting for a worker. */
export interface VideoJob {
  id: number;
  /** The uploaded file; removed once processed. */
  path: string;
  /** The name given at upload (test hooks match on it). */
  name: string;
}

/** Names that trigger the test hooks of {@link JobHook}. */
export interface VideoHooks {
  /** Fail half-way with "simulated failure". */
  failNames: readonly string[];
  /** Stay `processing` until the service stops. */
  stallNames: readonly string[];
  /** Kill the worker thread half-way (an uncaught exception in it). */
  crashNames: readonly string[];
}

/** Options of {@link createVideoPool}. */
export interface VideoPoolOptions {
  repository: VideoRepository;
  /** Worker threads, at least 1 (default {@link DEFAULT_VIDEO_WORKERS}). */
  workers?: number;
  /** Analyse every n-th frame, or `auto` (the default, see autoFrameStep in video-worker.ts). */
  frameStep?: number | 'auto';
  detector?: DetectorOptions;
  hooks?: Partial<VideoHooks>;
  /** Receives one line per unexpected error (the pool goes on). */
  warn?: (line: string) => void;
}

/** A running pool. */
export interface VideoPool {
  /** Queues a video (already stored as `queued`); it starts when a worker is free. */
  enqueue(job: VideoJob): void;
  /** Fails queued and running jobs ("service stopped"), terminates the threads. */
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  job?: { job: VideoJob; startedMs: number };
  /** The uncaught error that killed the thread, to name in its job's failure. */
  crash?: string;
}

// From the sources the thread runs video-worker.ts; bundled (dist/sample-service.js, which the CLI's
// demo starts), it runs the worker's own bundle beside it.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('./video-worker.ts', import.meta.url)
  : new URL('./sample-service-worker.js', import.meta.url);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts an empty pool; threads start with the first jobs. */
export function createVideoPool(options: VideoPoolOptions): VideoPool {
  const { repository } = options;
  const size = options.workers ?? DEFAULT_VIDEO_WORKERS;
  const frameStep = options.frameStep ?? DEFAULT_FRAME_STEP;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`video workers must be an integer of at least 1, got ${size}`);
  }
  if (frameStep !== 'auto' && !(Number.isInteger(frameStep) && frameStep >= 1)) {
    throw new RangeError(`video frame step must be an integer of at least 1, got ${frameStep}`);
  }
  const detector = options.detector ?? DEFAULT_DETECTOR_OPTIONS;
  const hooks: VideoHooks = {
    failNames: options.hooks?.failNames ?? [],
    stallNames: options.hooks?.stallNames ?? [],
    crashNames: options.hooks?.crashNames ?? [],
  };
  const warn =
    options.warn ?? ((line: string) => process.stderr.write(`validation-platform: ${line}\n`));
  const queue: VideoJob[] = [];
  const slots = new Set<Slot>();
  let isClosing = false;

  const hookOf = (name: string): JobHook | undefined => {
    if (hooks.failNames.includes(name)) return 'fail';
    if (hooks.stallNames.includes(name)) return 'stall';
    if (hooks.crashNames.includes(name)) return 'crash';
    return undefined;
  };

  /** Runs a database write; a failure (say, the database closing under us) only warns. */
  const record = (what: string, write: () => void): void => {
    try {
      write();
    } catch (error) {
      warn(`cannot record ${what}: ${describe(error)}`);
    }
  };

  const removeFile = (job: VideoJob): void => {
    rm(job.path, { force: true }).catch((error: unknown) =>
      warn(`cannot remove ${job.path}: ${describe(error)}`),
    );
  };

  const finish = (slot: Slot, outcome: { error?: string }): void => {
    const running = slot.job;
    if (running === undefined) return;
    slot.job = undefined;
    const processingS = (performance.now() - running.startedMs) / 1000;
    const { id } = running.job;
    if (outcome.error === undefined)
      record(`video ${id} done`, () => repository.markDone(id, processingS));
    else {
      const error = outcome.error;
      record(`video ${id} failed`, () => repository.markFailed(id, error, processingS));
    }
    removeFile(running.job);
  };

  const onReport = (slot: Slot, message: JobReport): void => {
    if (slot.job === undefined || slot.job.job.id !== message.id) return;
    if (message.type === 'progress') {
      record(`progress of video ${message.id}`, () =>
        repository.recordProgress(message.id, message.progress, message.detections),
      );
    } else {
      finish(slot, message.type === 'failed' ? { error: message.error } : {});
      dispatch();
    }
  };

  const startWorker = (): Slot => {
    const worker = new Worker(WORKER_URL);
    const slot: Slot = { worker };
    worker.on('message', (message: JobReport) => onReport(slot, message));
    worker.on('messageerror', (error) => {
      finish(slot, { error: `cannot read the worker's report: ${describe(error)}` });
      dispatch();
    });
    worker.on('error', (error) => {
      slot.crash = describe(error);
    });
    worker.on('exit', (code) => {
      slots.delete(slot);
      if (isClosing) return;
      finish(slot, { error: `worker died: ${slot.crash ?? `exit code ${code}`}` });
      dispatch();
    });
    slots.add(slot);
    return slot;
  };

  function dispatch(): void {
    while (!isClosing && queue.length > 0) {
      let slot: Slot | undefined;
      for (const candidate of slots) {
        if (candidate.job === undefined && candidate.crash === undefined) {
          slot = candidate;
          break;
        }
      }
      if (slot === undefined && slots.size < size) slot = startWorker();
      if (slot === undefined) return;
      const job = queue.shift() as VideoJob;
      slot.job = { job, startedMs: performance.now() };
      record(`start of video ${job.id}`, () => repository.markStarted(job.id));
      const hook = hookOf(job.name);
      const request: JobRequest = {
        id: job.id,
        path: job.path,
        frameStep,
        detector,
        ...(hook === undefined ? {} : { hook }),
      };
      slot.worker.postMessage(request);
    }
  }

  return {
    enqueue: (job) => {
      if (isClosing) {
        record(`video ${job.id} failed`, () => repository.markFailed(job.id, 'service stopped', 0));
        removeFile(job);
        return;
      }
      queue.push(job);
      dispatch();
    },
    close: async () => {
      isClosing = true;
      for (const job of queue.splice(0)) {
        record(`video ${job.id} failed`, () => repository.markFailed(job.id, 'service stopped', 0));
      }
      for (const slot of slots) finish(slot, { error: 'service stopped' });
      await Promise.all([...slots].map((slot) => slot.worker.terminate()));
    },
  };
}
