// The sample service's video settings: the VIDEO_* environment and the automatic frame step.

import { describe, expect, it } from 'vitest';
import { autoFrameStep } from '../../../examples/validation-platform/video-worker.ts';
import { parseVideoEnv } from '../../../examples/validation-platform/videos.ts';

describe('video settings', () => {
  it('defaults to 2 workers, 512 MiB, the auto frame step and no hooks', () => {
    expect(parseVideoEnv({})).toEqual({
      workers: 2,
      maxBytes: 512 * 2 ** 20,
      frameStep: 'auto',
      hooks: { failNames: [], stallNames: [], crashNames: [] },
    });
  });

  it('reads VIDEO_* variables, trimming the name lists', () => {
    expect(
      parseVideoEnv({
        VIDEO_WORKERS: '4',
        VIDEO_MAX_MB: '8',
        VIDEO_FRAME_STEP: ' 3 ',
        VIDEO_FAIL_NAMES: 'a, b ,,',
        VIDEO_STALL_NAMES: 'slow',
        VIDEO_CRASH_NAMES: '',
      }),
    ).toEqual({
      workers: 4,
      maxBytes: 8 * 2 ** 20,
      frameStep: 3,
      hooks: { failNames: ['a', 'b'], stallNames: ['slow'], crashNames: [] },
    });
    expect(parseVideoEnv({ VIDEO_FRAME_STEP: 'auto' }).frameStep).toBe('auto');
  });

  it.each([
    [{ VIDEO_WORKERS: '0' }, /VIDEO_WORKERS must be a positive integer, got '0'/],
    [{ VIDEO_WORKERS: 'two' }, /VIDEO_WORKERS/],
    [{ VIDEO_MAX_MB: '1.5' }, /VIDEO_MAX_MB/],
    [{ VIDEO_FRAME_STEP: '-1' }, /VIDEO_FRAME_STEP must be a positive integer or auto/],
  ])('rejects %j', (env, message) => {
    expect(() => parseVideoEnv(env)).toThrow(message);
  });

  it('analyses about 15 frames of 640x360 per second of video', () => {
    expect(autoFrameStep(320, 180, 30)).toBe(1);
    expect(autoFrameStep(640, 360, 15)).toBe(1);
    expect(autoFrameStep(640, 360, 30)).toBe(2);
    expect(autoFrameStep(640, 360, 25)).toBe(2);
    expect(autoFrameStep(1280, 720, 30)).toBe(8);
    expect(autoFrameStep(16, 16, 1)).toBe(1);
  });
});
