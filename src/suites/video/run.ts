// The video suite: concurrent video processing. At each level it keeps `level` videos in flight
// (upload, then poll the status until done, failed or timed out) until the level's videos are all
// through, then turns the rows into metrics `video/c<level>/…`. A video that fails is a row with
// its reason, never the end of the level or of the suite.
import { performance } from 'node:perf_hooks';
import { formatValue } from '../../core/format.ts';
import { describeError } from '../../errors.ts';
import { resourceMetrics, summarizeResources } from '../../monitor/summarize.ts';
import type { ResourceMonitor } from '../../monitor/types.ts';
import type { Metric } from '../../results/types.ts';
import { levelScenario, VIDEO_METRIC_NAMES, type VideoConfig, videosAtLevel } from './config.ts';
import { processVideo, type VideoJobOptions } from './job.ts';
import { levelMetrics, VIDEO_SUITE } from './metrics.ts';
import type { VideoLevelRun, VideoSuiteRun, VideoUploadRow, VideoUsed } from './results.ts';
import { type PreparedVideo, prepareVideos } from './sources.ts';

export { VIDEO_SUITE } from './metrics.ts';

export interface VideoSuiteOptions {
  /** The target's base URL (`target.url`). */
  baseUrl: string;
  video: VideoConfig;
  /** Headers added to every request (the login's auth header). */
  authHeaders: Record<string, string>;
  /** Where synthetic videos are generated and cached (kept between runs). */
  workDir: string;
  /** The config file's folder: relative `file:` paths are resolved against it. */
  configDir: string;
  /** The service's resources per level come from it when given. */
  monitor?: Pick<ResourceMonitor, 'series' | 'generator'>;
  /** Progress lines for people (never headers or bodies). */
  log: (line: string) => void;
  /** Aborts the suite: in-flight uploads and polls stop and the suite rejects. */
  signal?: AbortSignal;
}

export interface VideoSuiteOutput {
  metrics: Metric[];
  /** results.json `video`. */
  run: VideoSuiteRun;
}

/**
 * Runs every level in order. Throws only for what makes the suite meaningless before it starts
 * (a missing video file: ConfigError) or on abort; the service's failures are measured.
 */
export async function runVideoSuite(options: VideoSuiteOptions): Promise<VideoSuiteOutput> {
  const { video, log } = options;
  const videos = await prepareVideos(video.videos, {
    workDir: options.workDir,
    configDir: options.configDir,
    log,
  });
  const jobOptions: VideoJobOptions = {
    baseUrl: options.baseUrl,
    upload: video.upload,
    status: video.status,
    authHeaders: options.authHeaders,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const run: VideoSuiteRun = { videos: videos.map(toUsed), levels: [] };
  const metrics: Metric[] = [];
  let uploaded = await warmUp(video.warmupVideos, videos, jobOptions, log);
  for (const level of video.levels) {
    options.signal?.throwIfAborted();
    const count = videosAtLevel(video, level);
    log(`video: level ${level}: ${count} video${count === 1 ? '' : 's'}, ${level} in flight`);
    const measured = await runLevel(level, count, uploaded, videos, jobOptions, log);
    uploaded += count;
    const summary = options.monitor
      ? summarizeResources(
          options.monitor.series(),
          options.monitor.generator(),
          measured.fromMs,
          measured.toMs,
        )
      : undefined;
    const levelRun: VideoLevelRun = {
      level,
      videos: count,
      succeeded: measured.rows.filter((row) => row.outcome === 'done').length,
      failed: measured.rows.filter((row) => row.outcome !== 'done').length,
      windowMs: Math.round(measured.toMs - measured.fromMs),
      rows: measured.rows,
      ...(summary ? { resources: summary } : {}),
    };
    run.levels.push(levelRun);
    const levelOut = levelMetrics(level, measured.rows);
    metrics.push(...levelOut);
    if (summary) metrics.push(...resourceMetrics(VIDEO_SUITE, levelScenario(level), summary));
    log(describeLevel(levelRun, levelOut));
  }
  return { metrics, run };
}

/**
 * Processes `count` videos one at a time, unmeasured (level 0 in templates); returns how many
 * uploads that took, so that `{{i}}` keeps counting. A failure is logged, never counted.
 */
async function warmUp(
  count: number,
  videos: readonly PreparedVideo[],
  jobOptions: VideoJobOptions,
  log: (line: string) => void,
): Promise<number> {
  if (count === 0) return 0;
  log(`video: warm-up: ${count} video${count === 1 ? '' : 's'}, one at a time, not measured`);
  for (let i = 0; i < count; i++) {
    jobOptions.signal?.throwIfAborted();
    const video = videos[i % videos.length] as PreparedVideo;
    try {
      const row = await processVideo(video, { upload: i + 1, level: 0 }, jobOptions);
      if (row.outcome !== 'done') {
        log(`video: warm-up upload ${i + 1} (${row.video}) ${row.outcome}: ${row.reason ?? ''}`);
      }
    } catch (error) {
      jobOptions.signal?.throwIfAborted();
      log(`video: warm-up upload ${i + 1} (${video.name}) error: ${describeError(error)}`);
    }
  }
  return count;
}

function toUsed(video: PreparedVideo): VideoUsed {
  const { name, kind, description, durationS, bytes } = video;
  return { name, kind, description, durationS, bytes };
}

/** One level: `level` workers take the next video until `count` were sent. */
async function runLevel(
  level: number,
  count: number,
  uploadedBefore: number,
  videos: readonly PreparedVideo[],
  jobOptions: VideoJobOptions,
  log: (line: string) => void,
): Promise<{ rows: VideoUploadRow[]; fromMs: number; toMs: number }> {
  const rows: VideoUploadRow[] = [];
  let next = 0;
  const fromMs = performance.now();
  const work = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      // Each level sends the same mix in the same order, so levels compare.
      const video = videos[index % videos.length] as PreparedVideo;
      const place = { upload: uploadedBefore + index + 1, level };
      let row: VideoUploadRow;
      try {
        row = await processVideo(video, place, jobOptions);
      } catch (error) {
        jobOptions.signal?.throwIfAborted();
        // Not the service's doing (the file vanished, a bug): still one video, not the suite.
        row = {
          upload: place.upload,
          video: video.name,
          durationS: video.durationS,
          bytes: video.bytes,
          outcome: 'error',
          reason: describeError(error),
        };
      }
      rows[index] = row;
      if (row.outcome !== 'done') {
        log(`video: upload ${row.upload} (${row.video}) ${row.outcome}: ${row.reason ?? ''}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(level, count) }, work));
  return { rows, fromMs, toMs: performance.now() };
}

/** `video: c3: 3/3 done, 31.2 s per video-minute (1.92x realtime), upload 12.3 MB/s`. */
function describeLevel(level: VideoLevelRun, metrics: readonly Metric[]): string {
  const find = (name: string) => metrics.find((m) => m.name === name);
  const parts = [`${level.succeeded}/${level.videos} done`];
  const perMinute = find(VIDEO_METRIC_NAMES.secondsPerMinute);
  const factor = find(VIDEO_METRIC_NAMES.realtimeFactor);
  if (perMinute) {
    parts.push(
      `${formatValue(perMinute.value, 's')} per video-minute` +
        (factor ? ` (${formatValue(factor.value, 'x')} realtime)` : ''),
    );
  }
  const throughput = find(VIDEO_METRIC_NAMES.uploadThroughput);
  if (throughput) parts.push(`upload ${formatValue(throughput.value, 'MB/s')}`);
  if (level.resources) {
    parts.push(
      `service CPU max ${formatValue(level.resources.cpuMax, 'percent')}, ` +
        `memory max ${formatValue(level.resources.memoryMaxMB, 'MB')}`,
    );
  }
  return `video: ${levelScenario(level.level)}: ${parts.join(', ')}`;
}
