// The sample service's video processing, for real: synthetic MJPEG AVIs uploaded over HTTP
// (streamed from disk), decoded and searched for moving objects by worker threads, the results
// read back and compared with where the scene put its objects.

import { type ChildProcess, spawn } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../examples/validation-platform/service.ts';
import type { Detection, Video } from '../../examples/validation-platform/video-store.ts';
import { writeSyntheticVideo } from '../../src/video/avi-writer.ts';
import { objectBoxes, planScene, type SceneSpec } from '../../src/video/scene.ts';

const SERVER_SCRIPT = fileURLToPath(
  new URL('../../examples/validation-platform/server.ts', import.meta.url),
);
const DEMO = { email: 'test@example.com', password: 'password' };
const OTHER = { email: 'other@example.com', password: 'other-password' };
const SPEC: SceneSpec = { width: 320, height: 180, fps: 30, durationS: 2.5, seed: 5 };
const SHORT_SPEC: SceneSpec = { ...SPEC, durationS: 1, seed: 6 };
/** Pixels a detection's edges may be off the scene's box (JPEG blurs edges by a pixel or two). */
const BOX_TOLERANCE_PX = 6;
const POLL_LIMIT_MS = 30_000;

interface Answer {
  status: number;
  body: unknown;
}

async function login(base: string, user: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function getJson(base: string, path: string, token: string): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

/** Uploads `path` as multipart/form-data, the file streamed from disk by fetch. */
async function uploadForm(
  base: string,
  path: string,
  options: { token?: string; name?: string } = {},
): Promise<Answer> {
  const form = new FormData();
  if (options.name !== undefined) form.append('name', options.name);
  form.append('file', await openAsBlob(path, { type: 'video/x-msvideo' }), 'clip.avi');
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${base}/api/videos`, { method: 'POST', headers, body: form });
  return { status: response.status, body: await response.json() };
}

async function uploadRaw(
  base: string,
  path: string,
  token: string,
  contentType = 'video/x-msvideo',
  query = '',
): Promise<Answer> {
  const response = await fetch(`${base}/api/videos${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: await openAsBlob(path),
  });
  return { status: response.status, body: await response.json() };
}

function idOf(answer: Answer): number {
  expect(answer).toMatchObject({ status: 202, body: { status: 'queued' } });
  return (answer.body as { id: number }).id;
}

/** Polls the video until it is done or failed (or fails the test after POLL_LIMIT_MS). */
async function waitForVideo(base: string, id: number, token: string): Promise<Video> {
  const deadline = performance.now() + POLL_LIMIT_MS;
  while (performance.now() < deadline) {
    const answer = await getJson(base, `/api/videos/${id}`, token);
    expect(answer.status).toBe(200);
    const video = answer.body as Video;
    if (video.status === 'done' || video.status === 'failed') return video;
    await sleep(50);
  }
  throw new Error(`video ${id} not finished within ${POLL_LIMIT_MS} ms`);
}

/** Overwrites the start of the JPEG of frame `index` (its SOI marker) in an MJPEG AVI. */
function corruptFrame(avi: Buffer, index: number): Buffer {
  const copy = Buffer.from(avi);
  let found = -1;
  let position = copy.indexOf('movi');
  for (let i = 0; i <= index; i++) {
    position = copy.indexOf('00dc', position + 4);
    found = position;
  }
  expect(found).toBeGreaterThan(0);
  copy.fill(0, found + 8, found + 40);
  return copy;
}

describe('sample service videos', () => {
  let dir: string;
  let uploadsParent: string;
  let videoPath: string;
  let shortPath: string;
  let frames: number;
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perf-action-video-'));
    uploadsParent = join(dir, 'uploads');
    await mkdir(uploadsParent);
    videoPath = join(dir, 'scene.avi');
    shortPath = join(dir, 'short.avi');
    frames = (await writeSyntheticVideo(videoPath, SPEC)).frames;
    await writeSyntheticVideo(shortPath, SHORT_SPEC);
    server = await startServer({
      users: [OTHER],
      videoWorkers: 2,
      videoTempDir: uploadsParent,
      videoHooks: { failNames: ['fail-me'], crashNames: ['crash-me'] },
    });
    token = await login(server.url, DEMO);
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the moving objects of an uploaded video where the scene put them', async () => {
    const id = idOf(await uploadForm(server.url, videoPath, { token, name: 'scene one' }));
    const video = await waitForVideo(server.url, id, token);
    expect(video).toMatchObject({
      id,
      name: 'scene one',
      status: 'done',
      progress: 1,
      width: 320,
      height: 180,
      fps: 30,
      frames,
      duration_s: 2.5,
    });
    expect(video.error).toBeUndefined();
    expect(video.processing_s).toBeGreaterThan(0);
    expect(Date.parse(video.finished_at ?? '')).toBeGreaterThanOrEqual(
      Date.parse(video.started_at ?? ''),
    );
    // Three objects that never stop: about three detections per frame after the first.
    expect(video.detections).toBeGreaterThan(frames);
    expect(video.detections).toBeLessThanOrEqual(frames * 6);

    const listed = await getJson(server.url, `/api/videos/${id}/detections?limit=1000`, token);
    expect(listed.status).toBe(200);
    const items = (listed.body as { items: Detection[] }).items;
    expect(items).toHaveLength(video.detections);
    const scene = planScene(SPEC);
    for (const frame of [3, 20, 41, 62]) {
      const found = items.filter((d) => d.frame === frame);
      expect(found[0]?.time_s).toBeCloseTo(frame / 30, 6);
      const before = objectBoxes(scene, frame - 1);
      for (const [k, now] of objectBoxes(scene, frame).entries()) {
        const was = before[k];
        if (was === undefined || (was.x === now.x && was.y === now.y)) continue;
        // Differencing sees where the object was and where it is: the union of both boxes.
        const left = Math.min(was.x, now.x);
        const top = Math.min(was.y, now.y);
        const right = Math.max(was.x + was.width, now.x + now.width);
        const bottom = Math.max(was.y + was.height, now.y + now.height);
        const match = found.find(
          (d) =>
            Math.abs(d.x - left) <= BOX_TOLERANCE_PX &&
            Math.abs(d.y - top) <= BOX_TOLERANCE_PX &&
            Math.abs(d.x + d.width - right) <= BOX_TOLERANCE_PX &&
            Math.abs(d.y + d.height - bottom) <= BOX_TOLERANCE_PX,
        );
        expect(match, `object ${k} in frame ${frame}: ${JSON.stringify(found)}`).toBeDefined();
      }
    }
    // Processed files are removed; only the service's (empty) upload folder is left.
    const [own] = await readdir(uploadsParent);
    expect(await readdir(join(uploadsParent, own ?? ''))).toEqual([]);
  });

  it('takes a raw body too, named by ?name=', async () => {
    const id = idOf(await uploadRaw(server.url, shortPath, token, 'video/x-msvideo', '?name=raw'));
    expect(await waitForVideo(server.url, id, token)).toMatchObject({
      name: 'raw',
      status: 'done',
      frames: 30,
    });
  });

  it('refuses what is not an MJPEG AVI, without a token, or of another content type', async () => {
    const textPath = join(dir, 'notes.txt');
    await writeFile(textPath, 'not a video at all\n'.repeat(100));
    const refused = await uploadForm(server.url, textPath, { token });
    expect(refused.status).toBe(422);
    expect((refused.body as { detail: string }).detail).toMatch(/^not an MJPEG AVI: .*RIFF/);
    expect((await uploadRaw(server.url, textPath, token, 'application/octet-stream')).status).toBe(
      422,
    );

    expect(await uploadForm(server.url, shortPath)).toMatchObject({
      status: 401,
      body: { detail: 'missing bearer token' },
    });
    const json = await uploadRaw(server.url, shortPath, token, 'application/json');
    expect(json.status).toBe(415);

    const noFile = new FormData();
    noFile.append('name', 'nothing');
    const response = await fetch(`${server.url}/api/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: noFile,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: "multipart body has no file field 'file'" });
  });

  it('hides other users’ videos and answers 404 for unknown ones', async () => {
    const id = idOf(await uploadForm(server.url, shortPath, { token }));
    const other = await login(server.url, OTHER);
    expect((await getJson(server.url, `/api/videos/${id}`, other)).status).toBe(404);
    expect((await getJson(server.url, `/api/videos/${id}/detections`, other)).status).toBe(404);
    expect(await getJson(server.url, '/api/videos/999999', token)).toEqual({
      status: 404,
      body: { detail: 'video 999999 not found' },
    });
    expect((await getJson(server.url, `/api/videos/${id}/detections?limit=0`, token)).status).toBe(
      400,
    );
    await waitForVideo(server.url, id, token);
  });

  it('fails a video on a corrupt frame, on the failure hook and when its worker dies', async () => {
    const corruptPath = join(dir, 'corrupt.avi');
    await writeFile(corruptPath, corruptFrame(await readFile(videoPath), 30));
    const corrupt = idOf(await uploadForm(server.url, corruptPath, { token }));
    const failing = idOf(await uploadForm(server.url, shortPath, { token, name: 'fail-me' }));
    const crashing = idOf(await uploadForm(server.url, shortPath, { token, name: 'crash-me' }));

    const corrupted = await waitForVideo(server.url, corrupt, token);
    expect(corrupted).toMatchObject({ status: 'failed' });
    expect(corrupted.error).toMatch(/^frame 30 does not decode: /);
    // Left with the progress of the 30 frames before the corrupt one, however soon it failed
    // (progress reports are throttled; the worker sends one more before failing).
    expect(corrupted.progress).toBeCloseTo(30 / frames, 9);
    expect(corrupted.progress).toBeLessThan(1);
    expect(await waitForVideo(server.url, failing, token)).toMatchObject({
      status: 'failed',
      error: 'simulated failure',
    });
    expect(await waitForVideo(server.url, crashing, token)).toMatchObject({
      status: 'failed',
      error: 'worker died: simulated crash',
    });
    // A fresh thread takes the next job.
    const after = idOf(await uploadForm(server.url, shortPath, { token }));
    expect(await waitForVideo(server.url, after, token)).toMatchObject({ status: 'done' });
  });

  it('answers 413 over the size cap, multipart or raw', async () => {
    const small = await startServer({ videoMaxBytes: 50_000, videoTempDir: uploadsParent });
    try {
      const smallToken = await login(small.url, DEMO);
      const form = await uploadForm(small.url, videoPath, { token: smallToken });
      expect(form).toEqual({ status: 413, body: { detail: 'upload exceeds 50000 bytes' } });
      const raw = await uploadRaw(small.url, videoPath, smallToken);
      expect(raw.status).toBe(413);
      // Declared far beyond the cap: answered at once, before the body, and the connection closed.
      const early = await new Promise<{ status?: number; connection?: string }>(
        (resolve, reject) => {
          const request = httpRequest(`${small.url}/api/videos`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${smallToken}`,
              'content-type': 'video/x-msvideo',
              'content-length': String(100 * 2 ** 20),
            },
          });
          request.on('response', (response) => {
            resolve({ status: response.statusCode, connection: response.headers.connection });
            response.resume();
            request.destroy();
          });
          request.on('error', reject);
          request.write(Buffer.alloc(1024));
        },
      );
      expect(early).toEqual({ status: 413, connection: 'close' });
      // Partial files are removed.
      for (const folder of await readdir(uploadsParent)) {
        expect(await readdir(join(uploadsParent, folder))).toEqual([]);
      }
    } finally {
      await small.close();
    }
  });

  it('queues videos beyond its workers and stops a stalled one on close', async () => {
    const single = await startServer({
      videoWorkers: 1,
      videoTempDir: uploadsParent,
      videoHooks: { stallNames: ['stuck'] },
    });
    const before = await readdir(uploadsParent);
    expect(before).toHaveLength(2);
    let isClosed = false;
    try {
      const singleToken = await login(single.url, DEMO);
      const first = idOf(await uploadForm(single.url, shortPath, { token: singleToken }));
      const second = idOf(await uploadForm(single.url, shortPath, { token: singleToken }));
      const queued = await getJson(single.url, `/api/videos/${second}`, singleToken);
      expect(queued.body).toMatchObject({ status: 'queued', progress: 0, started_at: null });
      const one = await waitForVideo(single.url, first, singleToken);
      const two = await waitForVideo(single.url, second, singleToken);
      expect(two.status).toBe('done');
      expect(Date.parse(two.started_at ?? '')).toBeGreaterThanOrEqual(
        Date.parse(one.finished_at ?? ''),
      );

      const stuck = idOf(
        await uploadForm(single.url, shortPath, { token: singleToken, name: 'stuck' }),
      );
      // The free worker takes it up (at once on a quiet machine) and never finishes it.
      const deadline = performance.now() + POLL_LIMIT_MS;
      let status: unknown = 'queued';
      while (status === 'queued' && performance.now() < deadline) {
        await sleep(50);
        status = ((await getJson(single.url, `/api/videos/${stuck}`, singleToken)).body as Video)
          .status;
      }
      expect(status).toBe('processing');
      await sleep(300);
      expect((await getJson(single.url, `/api/videos/${stuck}`, singleToken)).body).toMatchObject({
        status: 'processing',
      });
      const closing = performance.now();
      await single.close();
      isClosed = true;
      expect(performance.now() - closing).toBeLessThan(5_000);
      // Its private upload folder is gone; the main server's is left.
      expect(await readdir(uploadsParent)).toHaveLength(1);
    } finally {
      if (!isClosed) await single.close();
    }
  });
});

/** The first stdout line matching `pattern`, or a rejection after `timeoutMs`. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} line in ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', () => reject(new Error(`exited before printing ${pattern}`)));
  });
}

describe('sample service videos from the command line', () => {
  it('runs its workers under plain Node and reads VIDEO_* settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perf-action-video-cli-'));
    const child = spawn(process.execPath, [SERVER_SCRIPT, '--port', '0'], {
      env: { ...process.env, VIDEO_WORKERS: '1', VIDEO_FAIL_NAMES: 'x, bad ,y', TMPDIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
    });
    try {
      const path = join(dir, 'short.avi');
      await writeSyntheticVideo(path, SHORT_SPEC);
      const line = await waitForLine(child, /^listening on /, 20_000);
      const url = line.slice('listening on '.length);
      const cliToken = await login(url, DEMO);
      const good = idOf(await uploadForm(url, path, { token: cliToken }));
      const bad = idOf(await uploadForm(url, path, { token: cliToken, name: 'bad' }));
      expect(await waitForVideo(url, good, cliToken)).toMatchObject({ status: 'done', frames: 30 });
      expect(await waitForVideo(url, bad, cliToken)).toMatchObject({
        status: 'failed',
        error: 'simulated failure',
      });
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
      expect(child.exitCode).toBe(0);
      expect(stderr).toBe('');
      expect((await readdir(dir)).filter((f) => f.startsWith('validation-platform'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
