// The report's Video section: one row per level with its figures and verdict, the videos used and
// the failure reasons in the note.
import { describe, expect, it } from 'vitest';
import type { Check, Metric } from '../../../src/results/types.ts';
import { levelMetrics } from '../../../src/suites/video/metrics.ts';
import { videoSection } from '../../../src/suites/video/report.ts';
import type { VideoSuiteRun, VideoUploadRow } from '../../../src/suites/video/results.ts';

function row(upload: number, over: Partial<VideoUploadRow> = {}): VideoUploadRow {
  return {
    upload,
    video: 'synthetic-160x120.avi',
    durationS: 2,
    bytes: 1024 * 1024,
    uploadMs: 100,
    id: String(upload),
    outcome: 'done',
    processingS: 1,
    ...over,
  };
}

const RUN: VideoSuiteRun = {
  videos: [
    {
      name: 'synthetic-160x120.avi',
      kind: 'synthetic',
      description: '160x120, 10 fps, 2 s, seed 1',
      durationS: 2,
      bytes: 1024 * 1024,
    },
  ],
  levels: [
    {
      level: 1,
      videos: 1,
      succeeded: 1,
      failed: 0,
      windowMs: 1100,
      rows: [row(1)],
      resources: {
        cpuMax: 87.5,
        cpuMean: 40,
        memoryMaxMB: 312.4,
        sampleCount: 3,
        generatorCpuMax: 10,
        isGeneratorSaturated: false,
      },
    },
    {
      level: 3,
      videos: 3,
      succeeded: 1,
      failed: 2,
      windowMs: 3000,
      rows: [
        row(2, { processingS: 2.5 }),
        row(3, { outcome: 'rejected', reason: 'upload answered 422: too big', id: undefined }),
        row(4, { outcome: 'rejected', reason: 'upload answered 422: too big', id: undefined }),
      ],
    },
    {
      level: 5,
      videos: 5,
      succeeded: 0,
      failed: 5,
      windowMs: 5000,
      rows: [1, 2, 3, 4, 5].map((i) =>
        row(4 + i, { outcome: 'timeout', reason: 'not done within 2 s (last status: "queued")' }),
      ),
    },
  ],
};

function metricsOf(run: VideoSuiteRun): Metric[] {
  return run.levels.flatMap((level) => levelMetrics(level.level, level.rows));
}

function check(metric: string, status: Check['status']): Check {
  return { kind: 'budget', metric, status, value: 0, unit: 's', message: `${metric} ${status}` };
}

describe('videoSection', () => {
  const checks = [
    check('video/c1/seconds_per_minute', 'pass'),
    check('video/c1/success.rate', 'pass'),
    check('video/c3/seconds_per_minute', 'warn'),
    check('video/c3/success.rate', 'fail'),
    check('load/list/latency.p95', 'fail'),
  ];
  const section = videoSection(RUN, metricsOf(RUN), checks);

  it('has one row per level: videos, done, s per video-minute, realtime, peaks, status', () => {
    expect(section.heading).toBe('Video');
    expect(section.table?.header).toStrictEqual([
      'In flight',
      'Videos',
      'Done',
      's per video-minute',
      'Realtime',
      'Peak CPU',
      'Peak memory',
      'Status',
    ]);
    expect(section.table?.rows).toStrictEqual([
      ['1', '1', '1/1', '30.00 s', '2.00x', '87.5 %', '312.4 MB', { status: 'pass' }],
      ['3', '3', '1/3', '75.00 s', '0.80x', '–', '–', { status: 'fail' }],
      // every video failed: no time metrics, no checks here
      ['5', '5', '0/5', '–', '–', '–', '–', '–'],
    ]);
  });

  it('names the videos and lists the failure reasons per level, counted', () => {
    expect(section.note).toContain(
      'Videos, sent in turn: synthetic-160x120.avi (160x120, 10 fps, 2 s, seed 1; 1.0 MB).',
    );
    expect(section.note).toContain('c3: 2 of 3 videos failed: upload answered 422: too big (2x).');
    expect(section.note).toContain(
      'c5: 5 of 5 videos failed: not done within 2 s (last status: "queued") (5x).',
    );
    expect(section.note).not.toContain('c1:');
  });

  it('caps the reasons listed for one level', () => {
    const many: VideoSuiteRun = {
      videos: RUN.videos,
      levels: [
        {
          level: 8,
          videos: 8,
          succeeded: 0,
          failed: 8,
          windowMs: 10,
          rows: [1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
            row(i, { outcome: 'failed', reason: `processing "failed": frame ${i}` }),
          ),
        },
      ],
    };
    const note = videoSection(many, [], []).note ?? '';
    expect(note).toContain('frame 5; 3 more reasons.');
    expect(note).not.toContain('frame 6');
  });
});
