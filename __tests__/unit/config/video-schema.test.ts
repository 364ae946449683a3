// The `video:` section of perf.yml: defaults, the explicit forms, and one clear line per mistake
// at the right key.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { budgetsSchema } from '../../../src/config/schema-parts.ts';
import {
  buildVideoConfig,
  DEFAULT_VIDEO_BUDGETS,
  type VideoConfig,
  videoSectionSchema,
  videosAtLevel,
} from '../../../src/suites/video/config.ts';

const MINIMAL = {
  upload: { request: { path: '/api/videos' } },
  status: { request: { path: '/api/videos/{{id}}' } },
};

function build(input: unknown): VideoConfig {
  return buildVideoConfig(videoSectionSchema.parse(input));
}

/** Every issue as `path: message`, the path dotted like the loader shows it. */
function issuesOf(input: unknown): string[] {
  const result = videoSectionSchema.safeParse(input);
  if (result.success) throw new Error('expected the section to be rejected');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('video: valid sections', () => {
  it('applies every default to the minimal section', () => {
    expect(build(MINIMAL)).toStrictEqual({
      videos: [{ kind: 'synthetic', durationS: 10, width: 640, height: 360, fps: 30, seed: 1 }],
      upload: {
        request: { method: 'POST', path: '/api/videos', headers: {} },
        mode: 'multipart',
        field: 'file',
        fields: {},
        idPath: 'id',
      },
      status: {
        request: { method: 'GET', path: '/api/videos/{{id}}', headers: {} },
        intervalMs: 500,
        timeoutMs: 300_000,
        done: { path: 'status', values: ['done'] },
        failed: { path: 'status', values: ['failed', 'error'] },
        errorPath: 'error',
      },
      levels: [1, 3, 5, 8],
      warmupVideos: 0,
      budgets: {},
    });
  });

  it('reads the full form: synthetic and file videos, fields, conditions, levels, budgets', () => {
    const config = build({
      videos: [
        { synthetic: { duration: '2s', width: 160, height: 120, fps: 10, seed: 7, objects: 2 } },
        { file: 'fixtures/a.mp4' },
        { file: '/abs/b.mkv', duration: '1m30s' },
      ],
      upload: {
        request: { method: 'put', path: '/v/{{level}}', headers: { 'X-Key': 'k' } },
        field: 'video',
        fields: { name: 'perf {{i}} at {{level}}', priority: 2 },
        id: '$.data.job_id',
      },
      status: {
        request: { path: '/jobs/{{id}}?video={{video}}' },
        interval: '250ms',
        timeout: '2m',
        done: { path: 'state', in: ['ok', 'finished'] },
        failed: { path: 'data.failed', equals: true },
        error: 'data.why',
      },
      levels: [2, 4],
      'videos-per-level': 8,
      budgets: { seconds_per_minute: { warn: 30, fail: 45 }, 'success.rate': '99%' },
    });
    expect(config.videos).toStrictEqual([
      { kind: 'synthetic', durationS: 2, width: 160, height: 120, fps: 10, seed: 7, objects: 2 },
      { kind: 'file', path: 'fixtures/a.mp4' },
      { kind: 'file', path: '/abs/b.mkv', durationS: 90 },
    ]);
    expect(config.upload).toStrictEqual({
      request: { method: 'PUT', path: '/v/{{level}}', headers: { 'X-Key': 'k' } },
      mode: 'multipart',
      field: 'video',
      fields: { name: 'perf {{i}} at {{level}}', priority: '2' },
      idPath: 'data.job_id',
    });
    expect(config.status).toMatchObject({
      intervalMs: 250,
      timeoutMs: 120_000,
      done: { path: 'state', values: ['ok', 'finished'] },
      failed: { path: 'data.failed', values: [true] },
      errorPath: 'data.why',
    });
    expect(config.levels).toStrictEqual([2, 4]);
    expect(config.videosPerLevel).toBe(8);
    expect(config.budgets).toStrictEqual({
      seconds_per_minute: { warn: 30, fail: 45 },
      'success.rate': { fail: 0.99 },
    });
  });

  it('takes a raw upload', () => {
    const config = build({ ...MINIMAL, upload: { request: { path: '/raw' }, raw: true } });
    expect(config.upload.mode).toBe('raw');
  });

  it('counts videos per level: the level but at least 3 by default, else videos-per-level', () => {
    expect([1, 2, 3, 5, 8].map((level) => videosAtLevel(build(MINIMAL), level))).toStrictEqual([
      3, 3, 3, 5, 8,
    ]);
    expect(videosAtLevel(build({ ...MINIMAL, 'videos-per-level': 10 }), 5)).toBe(10);
    // Set explicitly, fewer than three is the user's choice.
    expect(videosAtLevel(build({ ...MINIMAL, levels: [1], 'videos-per-level': 1 }), 1)).toBe(1);
  });

  it('has default budgets the budgets schema accepts as written', () => {
    expect(budgetsSchema.parse(DEFAULT_VIDEO_BUDGETS)).toStrictEqual(DEFAULT_VIDEO_BUDGETS);
  });

  it('gives a JSON Schema for editors', () => {
    const schema = z.toJSONSchema(videoSectionSchema, { io: 'input', unrepresentable: 'any' });
    expect(Object.keys(schema.properties ?? {})).toContain('videos-per-level');
  });
});

describe('video: mistakes, one line at the key', () => {
  it.each([
    [{ ...MINIMAL, level: [1] }, ": unknown key 'level' (did you mean 'levels'?)"],
    [
      { ...MINIMAL, upload: { request: { path: '/v' }, feild: 'f' } },
      "upload: unknown key 'feild' (did you mean 'field'?)",
    ],
    [
      { ...MINIMAL, videos: [{ synthetic: { widht: 10 } }] },
      "videos.0.synthetic: unknown key 'widht' (did you mean 'width'?)",
    ],
    [
      { ...MINIMAL, budgets: { seconds_per_minut: 60 } },
      "budgets: unknown metric 'seconds_per_minut' (did you mean 'seconds_per_minute'?)",
    ],
  ])('rejects unknown keys with a suggestion (%#)', (input, expected) => {
    expect(issuesOf(input)).toContain(expected);
  });

  it('rejects a done condition with neither or both of equals and in', () => {
    const neither = { ...MINIMAL, status: { ...MINIMAL.status, done: { path: 'status' } } };
    expect(issuesOf(neither)).toStrictEqual([
      'status.done: set either equals (one value) or in (a list of values), not both',
    ]);
    const both = {
      ...MINIMAL,
      status: { ...MINIMAL.status, failed: { path: 'status', equals: 'x', in: ['y'] } },
    };
    expect(issuesOf(both)).toStrictEqual([
      'status.failed: set either equals (one value) or in (a list of values), not both',
    ]);
    const badPath = {
      ...MINIMAL,
      status: { ...MINIMAL.status, done: { path: 'a..b', equals: 1 } },
    };
    expect(issuesOf(badPath)).toStrictEqual([
      'status.done.path: expected a JSON path like access_token or data.token',
    ]);
    const emptyIn = { ...MINIMAL, status: { ...MINIMAL.status, done: { path: 's', in: [] } } };
    expect(issuesOf(emptyIn)).toStrictEqual(['status.done.in: expected at least one value']);
  });

  it.each([
    [[3, 1], 'levels.1: levels must increase, got 1 after 3'],
    [[1, 1], 'levels.1: levels must increase, got 1 after 1'],
    [[0, 2], 'levels.0: expected an integer from 1 to 1,000'],
    [[1.5], 'levels.0: expected an integer from 1 to 1,000'],
    [[], 'levels: expected at least one level'],
    ['1,3', 'levels: expected a list of videos in flight like [1, 3, 5, 8]'],
  ])('rejects levels %j', (levels, expected) => {
    expect(issuesOf({ ...MINIMAL, levels })).toStrictEqual([expected]);
  });

  it('rejects videos-per-level below the highest level', () => {
    expect(issuesOf({ ...MINIMAL, levels: [1, 4], 'videos-per-level': 3 })).toStrictEqual([
      'videos-per-level: videos-per-level (3) is below the highest level (4): ' +
        'that level could never keep 4 videos in flight',
    ]);
    // against the default levels [1, 3, 5, 8]
    expect(issuesOf({ ...MINIMAL, 'videos-per-level': 5 })[0]).toContain('highest level (8)');
  });

  it('needs {{id}} in the status path and knows only its own placeholders', () => {
    expect(issuesOf({ ...MINIMAL, status: { request: { path: '/api/videos/1' } } })).toStrictEqual([
      'status.request.path: expected the job id in the path, like /api/videos/{{id}}',
    ]);
    expect(
      issuesOf({ ...MINIMAL, status: { request: { path: '/api/videos/{{id}}/{{idx}}' } } }),
    ).toStrictEqual([
      'status.request.path: unknown placeholder {{idx}} (expected {{i}}, {{level}}, {{video}} or {{id}})',
    ]);
    expect(issuesOf({ ...MINIMAL, upload: { request: { path: '/v/{{id}}' } } })).toStrictEqual([
      'upload.request.path: unknown placeholder {{id}} (expected {{i}}, {{level}} or {{video}})',
    ]);
    expect(
      issuesOf({ ...MINIMAL, upload: { ...MINIMAL.upload, fields: { name: 'v {{ i }' } } }),
    ).toStrictEqual([
      'upload.fields.name: malformed placeholder in "v {{ i }" (expected {{i}}, {{level}} or {{video}})',
    ]);
  });

  it('rejects multipart keys on a raw upload and a field that shadows the file', () => {
    expect(
      issuesOf({ ...MINIMAL, upload: { request: { path: '/v' }, raw: true, field: 'f' } }),
    ).toStrictEqual([
      'upload.field: field applies to multipart uploads; with raw: true the file is the whole body',
    ]);
    expect(
      issuesOf({ ...MINIMAL, upload: { request: { path: '/v' }, fields: { file: 'x' } } }),
    ).toStrictEqual(["upload.fields.file: 'file' is the file's field; pick another name"]);
  });

  it('rejects a video that is neither or both kinds, and duration on a synthetic one', () => {
    expect(issuesOf({ ...MINIMAL, videos: [{}] })).toStrictEqual([
      'videos.0: set either synthetic (a generated video) or file (a video of yours), not both',
    ]);
    expect(issuesOf({ ...MINIMAL, videos: [{ synthetic: {}, file: 'a.mp4' }] })[0]).toContain(
      'set either synthetic',
    );
    expect(issuesOf({ ...MINIMAL, videos: [{ synthetic: {}, duration: '3s' }] })).toStrictEqual([
      'videos.0.duration: duration applies to file; a synthetic video takes synthetic.duration',
    ]);
    expect(issuesOf({ ...MINIMAL, videos: [] })).toStrictEqual([
      'videos: expected at least one video',
    ]);
  });

  it('bounds synthetic videos', () => {
    expect(issuesOf({ ...MINIMAL, videos: [{ synthetic: { duration: '11m' } }] })).toStrictEqual([
      'videos.0.synthetic.duration: expected a duration from 100ms to 10m',
    ]);
    expect(issuesOf({ ...MINIMAL, videos: [{ synthetic: { fps: 0 } }] })).toStrictEqual([
      'videos.0.synthetic.fps: expected an integer from 1 to 120',
    ]);
    expect(
      issuesOf({ ...MINIMAL, videos: [{ synthetic: { height: 32, objects: 9 } }] }),
    ).toStrictEqual([
      'videos.0.synthetic.objects: 9 objects need a height of 36 pixels or more (4 per object)',
    ]);
  });

  it('needs the interval shorter than the timeout', () => {
    expect(
      issuesOf({ ...MINIMAL, status: { ...MINIMAL.status, interval: '2s', timeout: '1s' } }),
    ).toStrictEqual(['status.interval: interval (2000 ms) must be shorter than timeout (1000 ms)']);
  });

  it('needs upload and status', () => {
    expect(issuesOf({ upload: MINIMAL.upload })).toStrictEqual(['status: expected a mapping']);
  });
});
