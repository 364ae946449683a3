// The video suite's per-level arithmetic: seconds per minute of video, realtime factor, success
// rate and upload throughput from upload rows; no metric without data.
import { describe, expect, it } from 'vitest';
import { levelMetrics } from '../../../src/suites/video/metrics.ts';
import type { VideoUploadRow } from '../../../src/suites/video/results.ts';

const MB = 1024 * 1024;

function row(over: Partial<VideoUploadRow>): VideoUploadRow {
  return {
    upload: 1,
    video: 'a.avi',
    durationS: 2,
    bytes: 2 * MB,
    uploadMs: 500,
    id: '1',
    outcome: 'done',
    processingS: 1,
    ...over,
  };
}

function byName(rows: VideoUploadRow[]) {
  return Object.fromEntries(levelMetrics(3, rows).map((m) => [m.name, m]));
}

describe('levelMetrics', () => {
  it('turns processed videos into per-minute time, factor, success and throughput', () => {
    const metrics = byName([
      // 1 s for 2 s of video: 30 s per minute, 2x realtime; 2 MB in 0.5 s: 4 MB/s
      row({ upload: 1 }),
      // 6 s for 4 s of video: 90 s per minute; 1 MB in 1 s: 1 MB/s
      row({ upload: 2, durationS: 4, processingS: 6, bytes: MB, uploadMs: 1000 }),
    ]);
    expect(metrics.seconds_per_minute).toStrictEqual({
      key: 'video/c3/seconds_per_minute',
      suite: 'video',
      scenario: 'c3',
      name: 'seconds_per_minute',
      unit: 's',
      better: 'lower',
      value: 60,
      samples: [30, 90],
    });
    // 60 / median(s per minute), so the two agree; samples per video
    expect(metrics.realtime_factor).toMatchObject({
      unit: 'x',
      better: 'higher',
      value: 1,
      samples: [2, 0.6667],
    });
    expect(metrics['success.rate']).toMatchObject({ unit: 'ratio', better: 'higher', value: 1 });
    // a 0 or 1 per video is no sample of a rate
    expect(metrics['success.rate']?.samples).toBeUndefined();
    expect(metrics['upload.throughput']).toMatchObject({
      key: 'video/c3/upload.throughput',
      unit: 'MB/s',
      better: 'higher',
      value: 2.5,
      samples: [4, 1],
    });
  });

  it('takes the median of the videos, so that one slow video does not move the level', () => {
    const metrics = byName([
      // 30, 36 and 120 s per minute: the mean would be 62, over a 60 s budget
      row({ upload: 1, processingS: 1 }),
      row({ upload: 2, processingS: 4 }),
      row({ upload: 3, processingS: 1.2 }),
    ]);
    expect(metrics.seconds_per_minute).toMatchObject({ value: 36, samples: [30, 120, 36] });
    expect(metrics.realtime_factor).toMatchObject({ value: 1.6667, samples: [2, 0.5, 1.6667] });
    // an even count: the mean of the middle two
    expect(
      byName([
        row({ upload: 1, processingS: 1 }),
        row({ upload: 2, processingS: 4 }),
        row({ upload: 3, processingS: 1.2 }),
        row({ upload: 4, processingS: 2 }),
      ]).seconds_per_minute?.value,
    ).toBe(48);
  });

  it('counts every outcome but done as a failure; times only the done ones', () => {
    const metrics = byName([
      row({ upload: 1, processingS: 2 }),
      row({ upload: 2, outcome: 'failed', processingS: undefined, reason: 'decoder' }),
      row({ upload: 3, outcome: 'timeout', processingS: undefined }),
      row({ upload: 4, outcome: 'rejected', id: undefined, processingS: undefined }),
      row({ upload: 5, outcome: 'error', id: undefined, uploadMs: undefined }),
    ]);
    expect(metrics['success.rate']?.value).toBe(0.2);
    expect(metrics.seconds_per_minute?.samples).toStrictEqual([60]);
    // uploads the service took (an id came back), whatever their processing did
    expect(metrics['upload.throughput']?.samples).toStrictEqual([4, 4, 4]);
  });

  it('gives only a zero success rate when every video failed', () => {
    const metrics = levelMetrics(5, [
      row({ outcome: 'rejected', id: undefined, processingS: undefined }),
      row({ outcome: 'error', id: undefined, uploadMs: undefined, processingS: undefined }),
    ]);
    expect(metrics).toStrictEqual([
      {
        key: 'video/c5/success.rate',
        suite: 'video',
        scenario: 'c5',
        name: 'success.rate',
        unit: 'ratio',
        better: 'higher',
        value: 0,
      },
    ]);
  });

  it('gives nothing for a level without uploads', () => {
    expect(levelMetrics(1, [])).toStrictEqual([]);
  });
});
