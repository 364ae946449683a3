// The `video:` section of perf.yml: which videos to upload, how to upload them and poll their
// processing, and at which levels of concurrency. Input keys are kebab-case as written in YAML;
// buildVideoConfig gives the camelCase VideoConfig with units in the names and defaults applied.

import { z } from 'zod';
import { COMBINED_LIMITS, DURATION_BOUNDS, isWithin, NUMBER_BOUNDS } from '../../config/bounds.ts';
import {
  type BudgetMap,
  budgetsSchema,
  countSchema,
  durationSchema,
  type HttpMethod,
  headersSchema,
  methodSchema,
  RULE,
  strictObject,
  templatedPathSchema,
  textSchema,
  tokenPathSchema,
} from '../../config/schema-parts.ts';
import { defineConfigPart } from '../../config/suite-config-part.ts';
import { showDuration, showNumber } from '../../config/units.ts';
import type { MetricName } from '../../core/metrics-catalogue.ts';
import {
  findVideoTemplateProblem,
  hasPlaceholder,
  STATUS_PLACEHOLDERS,
  UPLOAD_PLACEHOLDERS,
  type VideoPlaceholder,
} from './template.ts';

/** A video the suite generates: an MJPEG AVI of moving shapes, the same for the same settings. */
export interface SyntheticVideoSpec {
  kind: 'synthetic';
  /** Length in seconds. */
  durationS: number;
  /** Frame size in pixels. */
  width: number;
  height: number;
  /** Frames per second. */
  fps: number;
  /** Seed of the shapes' paths: the same seed, the same video. */
  seed: number;
  /** Moving objects per frame; absent: the generator's default. */
  objects?: number;
}

/** A video file of the user's. */
export interface FileVideoSpec {
  kind: 'file';
  /** As written: relative paths are resolved by the runner against the config file's folder. */
  path: string;
  /** Length in seconds when written in perf.yml; absent: read from the file (AVI, MP4). */
  durationS?: number;
}

export type VideoSpec = SyntheticVideoSpec | FileVideoSpec;

/** A request of the video suite; `path` may hold `{{i}}`, `{{level}}`, `{{video}}` (and `{{id}}`). */
export interface VideoRequestConfig {
  method: HttpMethod;
  /** Path and query relative to `target.url`, placeholders URL-encoded when rendered. */
  path: string;
  /** Extra headers (the login's auth header is added by the runner). */
  headers: Record<string, string>;
}

/** A condition on the status answer: the value at `path` is one of `values`. */
export interface JsonCondition {
  /** Dotted JSON path (`status`, `data.state`). */
  path: string;
  /** Compared with `===` (so `1` and `"1"` differ). */
  values: (string | number | boolean)[];
}

/** How a video is sent. */
export interface VideoUploadConfig {
  request: VideoRequestConfig;
  /** `multipart`: a multipart/form-data body; `raw`: the file itself is the body. */
  mode: 'multipart' | 'raw';
  /** Multipart: the file's field name (default `file`). */
  field: string;
  /** Multipart: extra text fields, values templated with `{{i}}`, `{{level}}`, `{{video}}`. */
  fields: Record<string, string>;
  /** Dotted JSON path of the job id in the upload's answer (default `id`). */
  idPath: string;
}

/** How a video's processing is followed. */
export interface VideoStatusConfig {
  /** Its path holds `{{id}}`. */
  request: VideoRequestConfig;
  /** Between two polls of one video, in milliseconds (default 500). */
  intervalMs: number;
  /** Per video, from the upload's start to done, in milliseconds (default 5 min). */
  timeoutMs: number;
  /** Processing finished well (default: `status` is `done`). */
  done: JsonCondition;
  /** Processing failed (default: `status` is `failed` or `error`). */
  failed: JsonCondition;
  /** Dotted JSON path of the failure's reason (default `error`; the answer is quoted without it). */
  errorPath: string;
}

/** The video suite, with every default applied. */
export interface VideoConfig {
  /** The videos uploaded, in turn: the j-th upload of a level sends `videos[j % length]`. */
  videos: VideoSpec[];
  upload: VideoUploadConfig;
  status: VideoStatusConfig;
  /** Videos in flight at each level, strictly increasing (default [1, 3, 5, 8]). */
  levels: number[];
  /**
   * Videos each level processes, keeping `level` in flight until all are done; absent: the level
   * itself, but at least `VIDEO_DEFAULTS.minVideosPerLevel` (see videosAtLevel). Never below the
   * highest level.
   */
  videosPerLevel?: number;
  /**
   * Videos processed one at a time before the first level, unmeasured: the service's workers,
   * caches and JIT warm up, so level 1 does not pay for a cold start (default 0).
   */
  warmupVideos: number;
  /** Suite-level budgets, as written (normalized). */
  budgets: BudgetMap;
}

/** The metric names the video suite writes (`video/c<level>/<name>`). */
export const VIDEO_METRIC_NAMES = {
  /** Seconds from upload start to done per minute of video (s, lower is better). */
  secondsPerMinute: 'seconds_per_minute',
  /** Seconds of video processed per second (x, higher is better). */
  realtimeFactor: 'realtime_factor',
  /** Videos done / videos sent (ratio, higher is better). */
  successRate: 'success.rate',
  /** Upload throughput of one upload (MB/s, higher is better). */
  uploadThroughput: 'upload.throughput',
} as const satisfies Record<string, MetricName>;

/**
 * The default video KPI as a budget (README, "Budgets"): processing under 60 s per minute of video;
 * and every video must succeed (a level where all videos fail has no time metric to break the
 * first one). The config part adds these to the global default budgets; perf.yml overrides them
 * metric by metric.
 */
export const DEFAULT_VIDEO_BUDGETS: Readonly<BudgetMap> = {
  seconds_per_minute: { fail: 60 },
  'success.rate': { fail: 1 },
};

/** The values the video suite uses when perf.yml does not set them. */
export const VIDEO_DEFAULTS = {
  levels: [1, 3, 5, 8],
  /**
   * Videos a level processes at least when `videos-per-level` is not set: three give a median
   * that one slow video cannot move and a spread to judge a change by, where one video would be a
   * single noisy sample. On a busy 2-core machine an extra 5 s 640x360 video took 1 to 2 s at
   * level 1, so the default levels (two more videos of 10 s at level 1 than one wave each) take
   * some 4 to 8 s longer.
   */
  minVideosPerLevel: 3,
  intervalMs: 500,
  timeoutMs: 300_000,
  field: 'file',
  idPath: 'id',
  errorPath: 'error',
  done: { path: 'status', values: ['done'] },
  failed: { path: 'status', values: ['failed', 'error'] },
  synthetic: { durationS: 10, width: 640, height: 360, fps: 30, seed: 1 },
} as const;

// --- schema -----------------------------------------------------------------------------------

const syntheticSchema = strictObject({
  duration: durationSchema(DURATION_BOUNDS.syntheticVideo)
    .describe('length (default 10s)')
    .optional(),
  width: countSchema(NUMBER_BOUNDS.videoWidth).describe('default 640').optional(),
  height: countSchema(NUMBER_BOUNDS.videoHeight).describe('default 360').optional(),
  fps: countSchema(NUMBER_BOUNDS.videoFps).describe('default 30').optional(),
  seed: z
    .int({ error: 'expected an integer' })
    .describe('seed of the shapes (default 1)')
    .optional(),
  objects: countSchema(NUMBER_BOUNDS.videoObjects).describe('default 3').optional(),
}).superRefine((synthetic, ctx) => {
  const defaults = VIDEO_DEFAULTS.synthetic;
  const width = synthetic.width ?? defaults.width;
  const fps = synthetic.fps ?? defaults.fps;
  const seconds = (synthetic.duration ?? defaults.durationS * 1000) / 1000;
  const megapixels = (width * (synthetic.height ?? defaults.height) * fps * seconds) / 1e6;
  // Only when each part is an integer in range (zod runs this rule after a failed range check).
  const arePartsValid =
    isWithin(width, NUMBER_BOUNDS.videoWidth) &&
    isWithin(synthetic.height ?? defaults.height, NUMBER_BOUNDS.videoHeight) &&
    isWithin(fps, NUMBER_BOUNDS.videoFps) &&
    isWithin(synthetic.duration ?? defaults.durationS * 1000, DURATION_BOUNDS.syntheticVideo);
  if (arePartsValid && megapixels > COMBINED_LIMITS.syntheticMegapixels.max) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      message:
        `${width}x${synthetic.height ?? defaults.height} at ${fps} fps for ${showDuration(seconds * 1000)} is ` +
        `${showNumber(Math.round(megapixels))} megapixels to generate; at most ` +
        `${showNumber(COMBINED_LIMITS.syntheticMegapixels.max)} (like 720p at 30 fps for 10m): ` +
        'make it shorter, smaller or slower',
    });
  }
  // Each object moves in its own horizontal lane of at least 4 pixels.
  const height = synthetic.height ?? defaults.height;
  const objects = synthetic.objects ?? 0;
  const areCountsValid =
    isWithin(objects, NUMBER_BOUNDS.videoObjects) && isWithin(height, NUMBER_BOUNDS.videoHeight);
  if (areCountsValid && objects > 0 && height / objects < 4) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['objects'],
      message: `${objects} objects need a height of ${objects * 4} pixels or more (4 per object)`,
    });
  }
});

const videoItemSchema = strictObject({
  synthetic: syntheticSchema.describe('a generated MJPEG AVI').optional(),
  file: textSchema('a path to a video file')
    .describe("a video file, relative to the config file's folder")
    .optional(),
  duration: durationSchema(DURATION_BOUNDS.videoFile)
    .describe('the file: its length, when it is neither AVI nor MP4')
    .optional(),
}).superRefine((item, ctx) => {
  if ((item.synthetic === undefined) === (item.file === undefined)) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      message: 'set either synthetic (a generated video) or file (a video of yours), not both',
    });
  } else if (item.synthetic !== undefined && item.duration !== undefined) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['duration'],
      message: 'duration applies to file; a synthetic video takes synthetic.duration',
    });
  }
});

function videoRequestSchema(placeholders: readonly VideoPlaceholder[]) {
  return strictObject({
    method: methodSchema.optional(),
    path: templatedPathSchema.superRefine((path, ctx) => {
      const problem = findVideoTemplateProblem(path, placeholders);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    headers: headersSchema.optional(),
  });
}

const scalarSchema = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a string, number or boolean',
});

const conditionSchema = strictObject({
  path: tokenPathSchema.describe('JSON path of the value in the status answer'),
  equals: scalarSchema.describe('the value').optional(),
  in: z
    .array(scalarSchema, { error: 'expected a list of values' })
    .min(1, { error: 'expected at least one value' })
    .describe('any of these values')
    .optional(),
}).superRefine((condition, ctx) => {
  if ((condition.equals === undefined) === (condition.in === undefined)) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      message: 'set either equals (one value) or in (a list of values), not both',
    });
  }
});

const fieldValueSchema = z
  .union([z.string(), z.number()], { error: 'expected a string' })
  .transform(String)
  .superRefine((value, ctx) => {
    const problem = findVideoTemplateProblem(value, UPLOAD_PLACEHOLDERS);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const uploadSchema = strictObject({
  request: videoRequestSchema(UPLOAD_PLACEHOLDERS).describe('the upload (method default POST)'),
  field: textSchema('a field name')
    .describe('multipart field of the file (default file)')
    .optional(),
  fields: z
    .record(z.string(), fieldValueSchema, { error: 'expected a mapping of field names to values' })
    .describe('extra multipart fields: {{i}} upload number, {{level}}, {{video}} file name')
    .optional(),
  raw: z
    .boolean({ error: 'expected true or false' })
    .describe('send the file itself as the body, not multipart')
    .optional(),
  id: tokenPathSchema.describe('JSON path of the job id in the answer (default id)').optional(),
}).superRefine((upload, ctx) => {
  if (upload.raw === true) {
    for (const key of ['field', 'fields'] as const) {
      if (upload[key] === undefined) continue;
      ctx.addIssue({
        ...RULE,
        code: 'custom',
        path: [key],
        message: `${key} applies to multipart uploads; with raw: true the file is the whole body`,
      });
    }
    return;
  }
  const field = upload.field ?? VIDEO_DEFAULTS.field;
  if (upload.fields && Object.hasOwn(upload.fields, field)) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['fields', field],
      message: `'${field}' is the file's field; pick another name`,
    });
  }
});

const statusSchema = strictObject({
  request: videoRequestSchema(STATUS_PLACEHOLDERS).describe(
    'the status request (method default GET); its path holds {{id}}',
  ),
  interval: durationSchema(DURATION_BOUNDS.pollInterval)
    .describe('between polls of one video (default 500ms)')
    .optional(),
  timeout: durationSchema(DURATION_BOUNDS.videoTimeout)
    .describe('per video, from upload start to done (default 5m)')
    .optional(),
  done: conditionSchema.describe('when processing is done (default status equals done)').optional(),
  failed: conditionSchema
    .describe('when processing failed (default status in [failed, error])')
    .optional(),
  error: tokenPathSchema.describe('JSON path of the failure reason (default error)').optional(),
}).superRefine((status, ctx) => {
  if (!hasPlaceholder(status.request.path, 'id')) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['request', 'path'],
      message: 'expected the job id in the path, like /api/videos/{{id}}',
    });
  }
  const interval = status.interval ?? VIDEO_DEFAULTS.intervalMs;
  const timeout = status.timeout ?? VIDEO_DEFAULTS.timeoutMs;
  if (interval >= timeout) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: [status.interval !== undefined ? 'interval' : 'timeout'],
      message: `interval (${interval} ms) must be shorter than timeout (${timeout} ms)`,
    });
  }
});

const levelsSchema = z
  .array(countSchema(NUMBER_BOUNDS.videoLevel), {
    error: 'expected a list of videos in flight like [1, 3, 5, 8]',
  })
  .min(1, { error: 'expected at least one level' })
  .max(NUMBER_BOUNDS.videoLevels.max, {
    error: `expected at most ${NUMBER_BOUNDS.videoLevels.max} levels`,
  })
  .superRefine((levels, ctx) => {
    for (let i = 1; i < levels.length; i++) {
      if ((levels[i] ?? 0) <= (levels[i - 1] ?? 0)) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `levels must increase, got ${levels[i]} after ${levels[i - 1]}`,
        });
        return;
      }
    }
  })
  .describe('videos in flight at each level, increasing (default [1, 3, 5, 8])');

/**
 * The `video:` section as written in perf.yml (kebab-case keys, strict, unknown keys suggest the
 * closest one). The root schema holds it as `video: videoSectionSchema.optional()`; its output
 * goes through buildVideoConfig.
 */
export const videoSectionSchema = strictObject({
  videos: z
    .array(videoItemSchema, { error: 'expected a list of videos (synthetic: or file:)' })
    .min(1, { error: 'expected at least one video' })
    .describe('uploaded in turn (default: one synthetic 10 s 640x360 30 fps video)')
    .optional(),
  upload: uploadSchema,
  status: statusSchema,
  levels: levelsSchema.optional(),
  'videos-per-level': countSchema(NUMBER_BOUNDS.videosPerLevel)
    .describe(
      'videos each level processes, level in flight at a time (default: the level, at least 3)',
    )
    .optional(),
  warmup: countSchema(NUMBER_BOUNDS.videoWarmup)
    .describe('videos processed one by one before the levels, not measured (default 0)')
    .optional(),
  budgets: budgetsSchema.optional(),
}).superRefine((video, ctx) => {
  const perLevel = video['videos-per-level'];
  const levels = video.levels ?? VIDEO_DEFAULTS.levels;
  const highest = levels.at(-1) ?? 1;
  const total =
    (video.warmup ?? 0) +
    levels.reduce((sum, level) => sum + videosAtLevel({ videosPerLevel: perLevel }, level), 0);
  const arePartsValid =
    levels.every((level) => isWithin(level, NUMBER_BOUNDS.videoLevel)) &&
    (perLevel === undefined || isWithin(perLevel, NUMBER_BOUNDS.videosPerLevel)) &&
    (video.warmup === undefined || isWithin(video.warmup, NUMBER_BOUNDS.videoWarmup));
  if (arePartsValid && total > COMBINED_LIMITS.videos.max) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: [perLevel !== undefined ? 'videos-per-level' : 'levels'],
      message:
        `the levels process ${showNumber(total)} videos in all; at most ` +
        `${showNumber(COMBINED_LIMITS.videos.max)}: fewer levels or fewer videos per level`,
    });
  }
  if (
    perLevel !== undefined &&
    isWithin(perLevel, NUMBER_BOUNDS.videosPerLevel) &&
    perLevel < highest
  ) {
    ctx.addIssue({
      ...RULE,
      code: 'custom',
      path: ['videos-per-level'],
      message:
        `videos-per-level (${perLevel}) is below the highest level (${highest}): ` +
        `that level could never keep ${highest} videos in flight`,
    });
  }
});

/** The `video:` section after validation, before defaults (keys as written). */
export type VideoSectionInput = z.output<typeof videoSectionSchema>;

// --- builder ----------------------------------------------------------------------------------

type RequestInput = VideoSectionInput['upload']['request'];
type ConditionInput = NonNullable<VideoSectionInput['status']['done']>;
type ItemInput = NonNullable<VideoSectionInput['videos']>[number];

function buildRequest(request: RequestInput, method: HttpMethod): VideoRequestConfig {
  return { method: request.method ?? method, path: request.path, headers: request.headers ?? {} };
}

function buildCondition(
  condition: ConditionInput | undefined,
  fallback: { path: string; values: readonly (string | number | boolean)[] },
): JsonCondition {
  if (!condition) return { path: fallback.path, values: [...fallback.values] };
  const values = condition.in ?? (condition.equals !== undefined ? [condition.equals] : []);
  return { path: condition.path, values };
}

function buildVideo(item: ItemInput): VideoSpec {
  if (item.file !== undefined) {
    const spec: FileVideoSpec = { kind: 'file', path: item.file };
    if (item.duration !== undefined) spec.durationS = item.duration / 1000;
    return spec;
  }
  const synthetic = item.synthetic ?? {};
  const defaults = VIDEO_DEFAULTS.synthetic;
  const spec: SyntheticVideoSpec = {
    kind: 'synthetic',
    durationS: synthetic.duration !== undefined ? synthetic.duration / 1000 : defaults.durationS,
    width: synthetic.width ?? defaults.width,
    height: synthetic.height ?? defaults.height,
    fps: synthetic.fps ?? defaults.fps,
    seed: synthetic.seed ?? defaults.seed,
  };
  if (synthetic.objects !== undefined) spec.objects = synthetic.objects;
  return spec;
}

/** The VideoConfig of a validated `video:` section, every default applied. */
export function buildVideoConfig(input: VideoSectionInput): VideoConfig {
  const { upload, status } = input;
  const config: VideoConfig = {
    videos: input.videos
      ? input.videos.map(buildVideo)
      : [{ kind: 'synthetic', ...VIDEO_DEFAULTS.synthetic }],
    upload: {
      request: buildRequest(upload.request, 'POST'),
      mode: upload.raw === true ? 'raw' : 'multipart',
      field: upload.field ?? VIDEO_DEFAULTS.field,
      fields: upload.fields ?? {},
      idPath: upload.id ?? VIDEO_DEFAULTS.idPath,
    },
    status: {
      request: buildRequest(status.request, 'GET'),
      intervalMs: status.interval ?? VIDEO_DEFAULTS.intervalMs,
      timeoutMs: status.timeout ?? VIDEO_DEFAULTS.timeoutMs,
      done: buildCondition(status.done, VIDEO_DEFAULTS.done),
      failed: buildCondition(status.failed, VIDEO_DEFAULTS.failed),
      errorPath: status.error ?? VIDEO_DEFAULTS.errorPath,
    },
    levels: input.levels ?? [...VIDEO_DEFAULTS.levels],
    warmupVideos: input.warmup ?? 0,
    budgets: input.budgets ?? {},
  };
  if (input['videos-per-level'] !== undefined) config.videosPerLevel = input['videos-per-level'];
  return config;
}

/**
 * How many videos a level processes: `videos-per-level`, or the level itself (one wave) but at
 * least `VIDEO_DEFAULTS.minVideosPerLevel`, so that no level rests on a single video.
 */
export function videosAtLevel(config: Pick<VideoConfig, 'videosPerLevel'>, level: number): number {
  return config.videosPerLevel ?? Math.max(level, VIDEO_DEFAULTS.minVideosPerLevel);
}

/** The scenario name of a level in metric keys: `c<level>` (`video/c3/seconds_per_minute`). */
export function levelScenario(level: number): string {
  return `c${level}`;
}

export const videoConfigPart = defineConfigPart({
  key: 'video',
  schema: videoSectionSchema.describe(
    'upload videos, poll their processing, at rising numbers in flight',
  ),
  build: (video) => buildVideoConfig(video),
  defaultBudgets: DEFAULT_VIDEO_BUDGETS,
});
