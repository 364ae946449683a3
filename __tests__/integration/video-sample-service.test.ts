// The video suite end to end against the real sample service (started by target.start in its own
// process): synthetic videos generated for the run, uploaded streamed, processed by the service's
// worker threads, polled until done; and the three ways a video fails (rejected upload, a job that
// never finishes, a `failed` status), each counted with its reason while the other levels run.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/suites/registry.ts';
import { runOnSampleService, SAMPLE_SERVICE_HEAD } from '../helpers/run-config.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-video-'));
  // Not a video: the service must reject it (422).
  await writeFile(join(dir, 'notes.avi'), 'these are notes, not a video\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(videos: string, levels: string, timeout: string, warmup = 0): string {
  return `${SAMPLE_SERVICE_HEAD}video:
  videos:
${videos}
  upload:
    request: { path: /api/videos }
    fields: { name: "v{{i}}" }
  status:
    request: { path: "/api/videos/{{id}}" }
    interval: 200ms
    timeout: ${timeout}
    done: { path: status, equals: done }
    failed: { path: status, equals: failed }
  levels: ${levels}
${warmup > 0 ? `  warmup: ${warmup}\n` : ''}`;
}

async function videoRun(
  name: string,
  yaml: string,
  env: Record<string, string>,
): Promise<{ result: RunResult; markdown: string; seconds: number }> {
  const started = performance.now();
  const output = await runOnSampleService({ dir, name, yaml, env });
  return {
    result: output.result,
    markdown: await readFile(output.paths.markdown, 'utf8'),
    seconds: (performance.now() - started) / 1000,
  };
}

function value(result: RunResult, key: string): number | undefined {
  return result.metrics.find((m) => m.key === key)?.value;
}

describe('video suite against the sample service', () => {
  it('processes 10 s videos at levels 1 and 3 in under 90 s and reports every metric', async () => {
    const { result, markdown, seconds } = await videoRun(
      'levels',
      // One warm-up video: the service starts its worker threads before level 1 is measured.
      config(
        '    - synthetic: { duration: 10s, width: 640, height: 360, fps: 30 }',
        '[1, 3]',
        '80s',
        1,
      ),
      { VIDEO_WORKERS: '2' },
    );
    expect(seconds).toBeLessThan(90);
    // Three videos per level by default, however low the level.
    expect(result.video?.levels.map((l) => [l.level, l.succeeded, l.failed])).toEqual([
      [1, 3, 0],
      [3, 3, 0],
    ]);
    for (const level of ['c1', 'c3']) {
      const perMinute = value(result, `video/${level}/seconds_per_minute`) ?? 0;
      const factor = value(result, `video/${level}/realtime_factor`) ?? 0;
      // Processing time per minute of video and the realtime factor say the same thing twice.
      expect(perMinute).toBeGreaterThan(0);
      expect(factor * perMinute).toBeCloseTo(60, 0);
      expect(value(result, `video/${level}/success.rate`)).toBe(1);
      expect(value(result, `video/${level}/upload.throughput`)).toBeGreaterThan(0);
      expect(value(result, `video/${level}/cpu.max`)).toBeGreaterThan(0);
      expect(value(result, `video/${level}/memory.max`)).toBeGreaterThan(20);
    }
    // Three videos on two workers: the third waits for a worker, so it takes longer than the
    // typical video of level 1 (the level's value is the median, which the one waiting video
    // does not move).
    const c3 = result.metrics.find((m) => m.key === 'video/c3/seconds_per_minute');
    expect(c3?.samples).toHaveLength(3);
    expect(Math.max(...(c3?.samples ?? []))).toBeGreaterThan(
      value(result, 'video/c1/seconds_per_minute') ?? 0,
    );
    expect(result.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metric: 'video/c1/seconds_per_minute', kind: 'budget' }),
      ]),
    );
    expect(markdown).toContain('### Video');
    expect(markdown).toMatch(/\| +1 \| +3 \| +3\/3 \|/);
  }, 120_000);

  it('counts a rejected upload, a job that never finishes and a failed job, with reasons', async () => {
    const videos = [
      '    - synthetic: { duration: 2s, width: 320, height: 180, fps: 15 }',
      '    - { file: notes.avi, duration: 2s }',
    ].join('\n');
    // Uploads are numbered across the suite, at least three per level: v1..v3 (level 1), then
    // v4..v6 (level 3), v7..v10 (level 4). Level 1: v1 fails, v2 is rejected, v3 fails; level 3: v4
    // never finishes, v5 is rejected, v6 is done.
    // A status timeout far above the 2 s videos' processing on a busy machine: v4 alone reaches it.
    const { result, markdown } = await videoRun('failures', config(videos, '[1, 3, 4]', '10s'), {
      VIDEO_FAIL_NAMES: 'v1,v3',
      VIDEO_STALL_NAMES: 'v4',
    });
    const rows = result.video?.levels.flatMap((l) => l.rows) ?? [];
    const byUpload = new Map(rows.map((r) => [r.upload, r]));
    expect(byUpload.get(1)).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/simulated failure/),
    });
    expect(byUpload.get(2)?.outcome).toBe('rejected');
    expect(byUpload.get(3)?.outcome).toBe('failed');
    expect(byUpload.get(4)).toMatchObject({
      outcome: 'timeout',
      reason: expect.stringMatching(/10 s|10000 ms|timeout|time/i),
    });
    expect(byUpload.get(5)).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/422.*not an MJPEG AVI/),
    });
    expect(byUpload.get(6)?.outcome).toBe('done');
    // The other levels still ran: level 4 sent its four videos, the two synthetic ones done.
    const level4 = result.video?.levels.find((l) => l.level === 4);
    expect(level4?.rows.map((r) => r.outcome)).toEqual(['done', 'rejected', 'done', 'rejected']);
    expect(value(result, 'video/c1/success.rate')).toBe(0);
    expect(value(result, 'video/c3/success.rate')).toBeCloseTo(1 / 3, 5);
    expect(value(result, 'video/c1/seconds_per_minute')).toBeUndefined();
    // Every video must be processed by default: the failures fail the run, with their reasons shown.
    expect(result.verdict).toBe('fail');
    expect(markdown).toMatch(/simulated failure/);
    expect(markdown).toMatch(/not an MJPEG AVI/);
  }, 90_000);
});
