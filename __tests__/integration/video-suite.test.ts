// The video suite end to end against a small real HTTP service on 127.0.0.1: multipart uploads
// parsed as they stream in (busboy), job ids answered, a status that turns done a set time after
// the upload arrived; and every way a video can fail (refused upload, failed processing, a job that
// never finishes, a reset connection, a refused status request) counted with its reason while the
// other videos and levels go on.
import { copyFile, mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import busboy from 'busboy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../examples/validation-platform/service.ts';
import { startMonitor } from '../../src/monitor/start-monitor.ts';
import type { Metric } from '../../src/results/types.ts';
import { buildVideoConfig, videoSectionSchema } from '../../src/suites/video/config.ts';
import { runVideoSuite, type VideoSuiteOutput } from '../../src/suites/video/run.ts';
import { ensureSyntheticVideo } from '../../src/video/video-cache.ts';
import { sendJson } from '../helpers/json-server.ts';

/** What the service does with upload number `i` (from the `name` field, `perf <i>`). */
type Behaviour = 'ok' | 'reject' | 'fail' | 'stall' | 'reset' | 'forget';

interface Job {
  name: string;
  readyAt: number;
  behaviour: Behaviour;
  reportedDone: boolean;
}

/** One upload as the service received it. */
interface Received {
  fields: Record<string, string>;
  fileField?: string;
  fileName?: string;
  contentType?: string;
  bytes: number;
  authorization?: string;
}

interface VideoService {
  url: string;
  received: Received[];
  /** Most jobs uploaded but not yet reported done at once. */
  maxActive: number;
  requests: number;
  close(): Promise<void>;
}

/** Bounds the test: a runaway poll loop ends with 503s, not a hung test. */
const MAX_REQUESTS = 2000;

async function startVideoService(options: {
  processMs: number;
  behaviour: (i: number) => Behaviour;
}): Promise<VideoService> {
  const jobs = new Map<string, Job>();
  let nextId = 1;
  let active = 0;
  const service: VideoService = {
    url: '',
    received: [],
    maxActive: 0,
    requests: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const accept = (req: IncomingMessage, res: ServerResponse, received: Received): void => {
    service.received.push(received);
    const name = received.fields.name ?? `raw ${service.received.length}`;
    const behaviour = options.behaviour(Number(name.split(' ')[1]));
    if (behaviour === 'reset') {
      req.socket.destroy();
      return;
    }
    if (behaviour === 'reject') {
      sendJson(res, 422, { detail: 'unsupported codec: XVID' });
      return;
    }
    const id = String(nextId++);
    jobs.set(id, { name, readyAt: Date.now() + options.processMs, behaviour, reportedDone: false });
    active += 1;
    service.maxActive = Math.max(service.maxActive, active);
    sendJson(res, 202, { id, status: 'queued' });
  };
  const server: Server = createServer((req, res) => {
    service.requests += 1;
    if (service.requests > MAX_REQUESTS) {
      sendJson(res, 503, { detail: 'test request budget spent' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/api/videos') {
      const received: Received = { fields: {}, bytes: 0 };
      if (req.headers.authorization) received.authorization = req.headers.authorization;
      const parser = busboy({ headers: req.headers });
      parser.on('field', (name, value) => {
        received.fields[name] = value;
      });
      parser.on('file', (field, stream, info) => {
        received.fileField = field;
        received.fileName = info.filename;
        received.contentType = info.mimeType;
        stream.on('data', (chunk: Buffer) => {
          received.bytes += chunk.length;
        });
      });
      parser.on('close', () => accept(req, res, received));
      parser.on('error', () => sendJson(res, 400, { detail: 'bad multipart' }));
      req.pipe(parser);
      return;
    }
    if (req.method === 'PUT' && url.pathname === '/raw') {
      const received: Received = {
        fields: { name: `perf ${url.searchParams.get('i')}` },
        bytes: 0,
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      };
      req.on('data', (chunk: Buffer) => {
        received.bytes += chunk.length;
      });
      req.on('end', () => accept(req, res, received));
      return;
    }
    const match = /^\/api\/videos\/(\d+)$/.exec(url.pathname);
    const job = match ? jobs.get(match[1] ?? '') : undefined;
    if (req.method !== 'GET' || !job || job.behaviour === 'forget') {
      sendJson(res, 404, { detail: 'no such video' });
      return;
    }
    const ready = Date.now() >= job.readyAt && job.behaviour !== 'stall';
    if (ready && !job.reportedDone) {
      job.reportedDone = true;
      active -= 1;
    }
    if (ready && job.behaviour === 'fail') {
      sendJson(res, 200, {
        id: match?.[1],
        status: 'failed',
        error: 'decoder crashed at frame 12',
      });
      return;
    }
    sendJson(res, 200, {
      id: match?.[1],
      name: job.name,
      status: ready ? 'done' : 'processing',
      progress: ready ? 1 : 0.5,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}

let dir: string;
const services: VideoService[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-video-'));
  // A few KB stand in for a 2 s video: the service here never decodes it.
  await writeFile(join(dir, 'clip.avi'), Buffer.alloc(64 * 1024, 7));
});

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function serve(processMs: number, behaviour: (i: number) => Behaviour = () => 'ok') {
  const service = await startVideoService({ processMs, behaviour });
  services.push(service);
  return service;
}

function section(over: Record<string, unknown>) {
  return buildVideoConfig(
    videoSectionSchema.parse({
      videos: [{ file: 'clip.avi', duration: '2s' }],
      upload: {
        request: { path: '/api/videos', headers: { 'X-Client': 'perf' } },
        fields: { name: 'perf {{i}}' },
      },
      status: { request: { path: '/api/videos/{{id}}' }, interval: '50ms', timeout: '5s' },
      ...over,
    }),
  );
}

function metric(out: VideoSuiteOutput, key: string): Metric | undefined {
  return out.metrics.find((m) => m.key === key);
}

async function run(url: string, video: ReturnType<typeof section>, extra = {}) {
  const lines: string[] = [];
  const out = await runVideoSuite({
    baseUrl: url,
    video,
    authHeaders: { Authorization: 'Bearer t0ken' },
    workDir: join(dir, 'work'),
    configDir: dir,
    log: (line) => lines.push(line),
    ...extra,
  });
  return { out, lines };
}

describe('video suite against a local video service', () => {
  it('measures every level, three videos each by default: 1 s of processing for 2 s of video is about 30 s per minute', async () => {
    const service = await serve(1000);
    const monitor = await startMonitor({ pid: process.pid, intervalMs: 100, warn: () => {} });
    let result: Awaited<ReturnType<typeof run>>;
    try {
      const synthetic = { duration: '2s', width: 160, height: 120, fps: 10 };
      result = await run(service.url, section({ videos: [{ synthetic }], levels: [1, 2] }), {
        monitor,
      });
    } finally {
      await monitor.stop();
    }
    const { out, lines } = result;
    const name = 'synthetic-160x120-10fps-2s-seed1.avi';
    const bytes = (await stat(join(dir, 'work', name))).size;

    // The uploads arrived as multipart, streamed whole, with the auth header and the fields.
    expect(service.received).toHaveLength(6);
    for (const received of service.received) {
      expect(received).toMatchObject({
        fileField: 'file',
        fileName: name,
        contentType: 'video/x-msvideo',
        bytes,
        authorization: 'Bearer t0ken',
      });
    }
    expect(service.received.map((r) => r.fields.name).sort()).toStrictEqual([
      'perf 1',
      'perf 2',
      'perf 3',
      'perf 4',
      'perf 5',
      'perf 6',
    ]);
    expect(service.maxActive).toBe(2);

    for (const level of [1, 2]) {
      const perMinute = metric(out, `video/c${level}/seconds_per_minute`);
      // Each sample is one video's seconds from upload to done, per minute of its 2 s; the value
      // is their median. 1 s of processing makes 30 at least; upload and polling add a little, a
      // busy machine more, but less than a whole second (60 would be a video timed twice).
      const rows = out.run.levels.find((l) => l.level === level)?.rows ?? [];
      const samples = rows.map((row) => ((row.processingS ?? 0) * 60) / 2);
      expect(perMinute?.samples).toHaveLength(3);
      perMinute?.samples?.forEach((sample, i) => {
        expect(sample).toBeCloseTo(samples[i] ?? 0, 2);
      });
      expect(perMinute?.value).toBeCloseTo(samples.sort((a, b) => a - b)[1] ?? 0, 2);
      expect(perMinute?.value).toBeGreaterThanOrEqual(30);
      expect(perMinute?.value).toBeLessThan(60);
      expect(metric(out, `video/c${level}/realtime_factor`)?.value).toBeCloseTo(
        60 / (perMinute?.value ?? 1),
        3,
      );
      expect(metric(out, `video/c${level}/success.rate`)?.value).toBe(1);
      expect(metric(out, `video/c${level}/upload.throughput`)?.value).toBeGreaterThan(0);
      // the monitor watched this process (which serves too) over the level's window
      expect(metric(out, `video/c${level}/memory.max`)?.value).toBeGreaterThan(10);
      expect(metric(out, `video/c${level}/cpu.max`)?.unit).toBe('percent');
    }
    expect(out.run.videos).toStrictEqual([
      {
        name,
        kind: 'synthetic',
        description: '160x120, 10 fps, 2 s, seed 1',
        durationS: 2,
        bytes,
      },
    ]);
    expect(out.run.levels.map((l) => [l.level, l.videos, l.succeeded, l.failed])).toStrictEqual([
      [1, 3, 3, 0],
      [2, 3, 3, 0],
    ]);
    const level2 = out.run.levels[1];
    expect(level2?.windowMs).toBeGreaterThanOrEqual(1000);
    expect(level2?.resources?.sampleCount).toBeGreaterThan(0);
    for (const row of level2?.rows ?? []) {
      expect(row).toMatchObject({ outcome: 'done', video: name, durationS: 2, bytes });
      expect(row.processingS).toBeGreaterThanOrEqual(1);
      expect(row.uploadMs).toBeGreaterThan(0);
      expect(row.id).toMatch(/^\d+$/);
    }
    expect(lines.some((l) => l.startsWith('video: c2: 3/3 done'))).toBe(true);
  });

  it('counts each failure with its reason and runs the other videos and levels', async () => {
    // three videos at least per level: level 2: uploads 1 .. 3; level 3: 4 .. 6; level 4: 7 .. 10
    const behaviours: Record<number, Behaviour> = {
      1: 'reject',
      2: 'stall',
      3: 'reject',
      4: 'fail',
      5: 'reset',
      7: 'forget',
    };
    const service = await serve(200, (i) => behaviours[i] ?? 'ok');
    const { out, lines } = await run(
      service.url,
      section({
        levels: [2, 3, 4],
        status: { request: { path: '/api/videos/{{id}}' }, interval: '50ms', timeout: '1500ms' },
      }),
    );
    const [c2, c3, c4] = out.run.levels;
    expect(c2?.rows.map((r) => r.outcome)).toStrictEqual(['rejected', 'timeout', 'rejected']);
    expect(c2?.rows[0]?.reason).toBe('upload answered 422: {"detail":"unsupported codec: XVID"}');
    expect(c2?.rows[0]?.uploadMs).toBeGreaterThan(0);
    expect(c2?.rows[1]?.reason).toBe('not done within 1.5 s (last status: "processing")');
    expect(c3?.rows.map((r) => r.outcome)).toStrictEqual(['failed', 'error', 'done']);
    expect(c3?.rows[0]?.reason).toBe('processing "failed": decoder crashed at frame 12');
    expect(c3?.rows[1]?.reason).toMatch(/^upload failed: /);
    expect(c4?.rows.map((r) => r.outcome)).toStrictEqual(['failed', 'done', 'done', 'done']);
    expect(c4?.rows[0]?.reason).toBe('status answered 404: {"detail":"no such video"}');
    expect([c2?.failed, c3?.failed, c4?.failed]).toStrictEqual([3, 2, 1]);

    // a level where everything failed has a success rate of 0 and no time metrics
    expect(metric(out, 'video/c2/success.rate')?.value).toBe(0);
    expect(metric(out, 'video/c2/seconds_per_minute')).toBeUndefined();
    expect(metric(out, 'video/c2/realtime_factor')).toBeUndefined();
    // the refused upload has no throughput; the stalled one was accepted
    expect(metric(out, 'video/c2/upload.throughput')?.samples).toHaveLength(1);
    expect(metric(out, 'video/c3/success.rate')?.value).toBeCloseTo(1 / 3, 6);
    expect(metric(out, 'video/c3/seconds_per_minute')?.samples).toHaveLength(1);
    expect(metric(out, 'video/c4/success.rate')?.value).toBe(0.75);
    expect(metric(out, 'video/c4/seconds_per_minute')?.samples).toHaveLength(3);
    expect(lines).toContain(
      'video: upload 1 (clip.avi) rejected: upload answered 422: {"detail":"unsupported codec: XVID"}',
    );
  });

  it('keeps the level in flight until videos-per-level are through, sending videos in turn', async () => {
    // A real AVI of the user's, its length read from its header.
    const generated = await ensureSyntheticVideo(join(dir, 'gen'), {
      width: 32,
      height: 32,
      fps: 10,
      durationS: 1.5,
      seed: 3,
    });
    await copyFile(generated.path, join(dir, 'mine.avi'));
    const service = await serve(300);
    const { out } = await run(
      service.url,
      section({
        videos: [{ file: 'clip.avi', duration: '2s' }, { file: 'mine.avi' }],
        levels: [1, 2],
        'videos-per-level': 4,
      }),
    );
    expect(service.received).toHaveLength(8);
    expect(service.maxActive).toBe(2);
    expect(out.run.videos.map((v) => [v.name, v.durationS])).toStrictEqual([
      ['clip.avi', 2],
      ['mine.avi', 1.5],
    ]);
    expect(out.run.levels.map((l) => l.succeeded)).toStrictEqual([4, 4]);
    expect(out.run.levels[1]?.rows.map((r) => r.video)).toStrictEqual([
      'clip.avi',
      'mine.avi',
      'clip.avi',
      'mine.avi',
    ]);
    expect(metric(out, 'video/c1/seconds_per_minute')?.samples).toHaveLength(4);
  });

  it('processes warm-up videos first, one at a time, unmeasured; {{i}} counts them', async () => {
    // The warm-up's only video fails: it is logged, and the levels are not affected.
    const service = await serve(100, (i) => (i === 1 ? 'fail' : 'ok'));
    const { out, lines } = await run(service.url, section({ levels: [2], warmup: 2 }));
    // The warm-up's two go one after the other; the level's three go two at a time, so the
    // service may receive them in another order.
    const names = service.received.map((r) => r.fields.name);
    expect(names.slice(0, 2)).toEqual(['perf 1', 'perf 2']);
    expect(names.slice(2).sort()).toEqual(['perf 3', 'perf 4', 'perf 5']);
    expect(out.run.levels.map((l) => [l.level, l.videos, l.succeeded])).toEqual([[2, 3, 3]]);
    expect(out.run.levels[0]?.rows.map((r) => r.upload)).toEqual([3, 4, 5]);
    expect(metric(out, 'video/c2/success.rate')?.value).toBe(1);
    expect(lines).toContain('video: warm-up: 2 videos, one at a time, not measured');
    expect(lines.some((l) => l.startsWith('video: warm-up upload 1 (clip.avi) failed'))).toBe(true);
  });

  it('sends the file itself as the body of a raw upload', async () => {
    const service = await serve(100);
    const { out } = await run(
      service.url,
      section({
        levels: [1],
        'videos-per-level': 1,
        upload: { request: { method: 'PUT', path: '/raw?i={{i}}' }, raw: true },
      }),
    );
    expect(service.received).toStrictEqual([
      { fields: { name: 'perf 1' }, bytes: 64 * 1024, contentType: 'video/x-msvideo' },
    ]);
    expect(metric(out, 'video/c1/success.rate')?.value).toBe(1);
  });

  it('streams a large upload from disk: memory does not grow with the file', async () => {
    const size = 384 * 1024 * 1024;
    const path = join(dir, 'large.avi');
    await writeFile(path, '');
    await truncate(path, size); // sparse: no disk used, zeros read back
    const service = await serve(50);
    let peak = process.memoryUsage().rss;
    const before = peak;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const { out } = await run(
        service.url,
        section({
          videos: [{ file: 'large.avi', duration: '1m' }],
          levels: [1],
          'videos-per-level': 1,
          status: { request: { path: '/api/videos/{{id}}' }, interval: '50ms', timeout: '60s' },
        }),
      );
      expect(out.run.levels[0]?.rows[0]?.outcome).toBe('done');
    } finally {
      clearInterval(sampler);
      await rm(path, { force: true });
    }
    expect(service.received[0]?.bytes).toBe(size);
    // Buffered, the whole file (384 MB) would sit in memory; streamed, a few chunks do.
    expect((peak - before) / 2 ** 20).toBeLessThan(size / 2 ** 20 / 2);
  });

  it('stops at once with a clear error when a video file is missing', async () => {
    const service = await serve(100);
    await expect(run(service.url, section({ videos: [{ file: 'missing.mp4' }] }))).rejects.toThrow(
      `'video.videos[0].file': no such file: ${join(dir, 'missing.mp4')}`,
    );
    expect(service.requests).toBe(0);
  });
});

describe('video suite against the sample service, in process', () => {
  it('sends raw uploads that the service decodes, and counts its failed job', async () => {
    const server = await startServer({
      port: 0,
      videoWorkers: 1,
      videoHooks: { failNames: ['raw5'] },
      videoTempDir: dir,
    });
    try {
      const login = await fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'test@example.com', password: 'password' }),
      });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const video = section({
        videos: [{ synthetic: { duration: '1s', width: 160, height: 120, fps: 10 } }],
        upload: { request: { path: '/api/videos?name=raw{{i}}' }, raw: true },
        status: { request: { path: '/api/videos/{{id}}' }, interval: '50ms', timeout: '20s' },
        levels: [1, 2],
      });
      const out = await runVideoSuite({
        baseUrl: server.url,
        video,
        authHeaders: { Authorization: `Bearer ${token}` },
        workDir: join(dir, 'work'),
        configDir: dir,
        log: () => {},
      });
      const rows = out.run.levels.flatMap((level) => level.rows);
      // three videos per level by default; the fifth is level 2's second
      expect(rows.map((r) => [r.upload, r.outcome])).toStrictEqual([
        [1, 'done'],
        [2, 'done'],
        [3, 'done'],
        [4, 'done'],
        [5, 'failed'],
        [6, 'done'],
      ]);
      expect(rows[4]?.reason).toMatch(/^processing "failed": .*simulated failure/);
      expect(metric(out, 'video/c1/success.rate')?.value).toBe(1);
      expect(metric(out, 'video/c2/success.rate')?.value).toBeCloseTo(2 / 3, 6);
      expect(metric(out, 'video/c2/seconds_per_minute')?.samples).toHaveLength(2);
      // The service read the same length from the upload's headers.
      const answer = await fetch(`${server.url}/api/videos/${rows[0]?.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await answer.json()).toMatchObject({ name: 'raw1', status: 'done', duration_s: 1 });
    } finally {
      await server.close();
    }
  });
});
