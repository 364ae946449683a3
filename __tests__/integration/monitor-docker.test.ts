// The resource monitor's container path against a stand-in Docker Engine API on a unix socket.
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { answeringEngine, createDockerClient } from '../../src/monitor/docker-api.ts';
import { startMonitor } from '../../src/monitor/start-monitor.ts';
import { summarizeResources } from '../../src/monitor/summarize.ts';
import type { ResourceMonitor } from '../../src/monitor/types.ts';
import {
  containerId,
  type DockerStandin,
  type StandinContainer,
  startDockerStandin,
  steadyReadings,
} from '../helpers/docker-standin.ts';

const MiB = 1024 * 1024;
const INTERVAL_MS = 50;

/** cgroup v1: 200 ms of container CPU per 1 s of host CPU on 4 CPUs = 80 %; 300 MiB - 50 MiB inactive = 250 MB. */
const db: StandinContainer = {
  id: containerId('d'),
  name: 'db',
  reading: steadyReadings({
    cpuDeltaNs: 200e6,
    systemDeltaNs: 1e9,
    onlineCpus: 4,
    memoryUsage: 300 * MiB,
    memoryStats: { cache: 80 * MiB, total_inactive_file: 50 * MiB, rss: 220 * MiB },
  }),
};
/** cgroup v2: 50 ms per 1 s on 4 CPUs = 20 %; 120 MiB - 20 MiB inactive_file = 100 MB. */
const cache: StandinContainer = {
  id: containerId('c'),
  name: 'cache',
  reading: steadyReadings({
    cpuDeltaNs: 50e6,
    systemDeltaNs: 1e9,
    onlineCpus: 4,
    memoryUsage: 120 * MiB,
    memoryStats: { anon: 90 * MiB, file: 30 * MiB, inactive_file: 20 * MiB, active_file: 10 * MiB },
  }),
};

const services = (entries: Record<string, string>): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(entries).map(([label, id]) => [
        label,
        { id, network: 'github_network_1', ports: { '5432': '49153' } },
      ]),
    ),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let standin: DockerStandin | undefined;
let monitor: ResourceMonitor | undefined;

afterEach(async () => {
  await monitor?.stop();
  monitor = undefined;
  await standin?.close();
  standin = undefined;
});

describe('resource monitor, containers (Docker Engine API stand-in)', () => {
  it('resolves a name to its id once and reads CPU % and memory as docker stats does', async () => {
    standin = await startDockerStandin({ containers: [db, cache] });
    const warnings: string[] = [];
    monitor = await startMonitor({
      container: 'db',
      dockerSocket: standin.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(400);
    await monitor.stop();

    const label = `container db (${db.id.slice(0, 12)})`;
    expect(monitor.description).toBe(`${label}, every ${INTERVAL_MS} ms`);
    const [series, ...others] = monitor.series();
    expect(others).toEqual([]);
    expect(series?.source).toBe('container');
    expect(series?.label).toBe(label);
    expect(series?.samples.length).toBeGreaterThanOrEqual(3);
    for (const sample of series?.samples ?? []) {
      expect(sample.cpuPercent).toBeCloseTo(80, 6);
      expect(sample.memoryMB).toBeCloseTo(250, 6);
    }
    expect(warnings).toEqual([]);

    const inspects = standin.requests.filter((r) => r.endsWith('/json'));
    expect(inspects).toEqual(['GET /containers/db/json']);
    const stats = standin.requests.filter((r) => r.includes('/stats'));
    expect(new Set(stats)).toEqual(
      new Set([`GET /containers/${db.id}/stats?stream=false&one-shot=true`]),
    );
    // The first answer only sets the baseline (one-shot has no precpu): one more request than samples.
    expect(stats.length).toBe((series?.samples.length ?? 0) + 1);
    expect(monitor.generator().length).toBeGreaterThan(0);
  });

  it('watches every container of the services JSON and adds them up', async () => {
    standin = await startDockerStandin({ containers: [db, cache] });
    const warnings: string[] = [];
    const fromMs = performance.now();
    monitor = await startMonitor({
      services: services({ postgres: db.id, redis: cache.id }),
      dockerSocket: standin.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(400);
    await monitor.stop();

    expect(warnings).toEqual([]);
    expect(monitor.series().map((s) => s.label)).toEqual([
      `container postgres (${db.id.slice(0, 12)})`,
      `container redis (${cache.id.slice(0, 12)})`,
    ]);
    expect(monitor.description).toContain(' and container redis');
    const summary = summarizeResources(
      monitor.series(),
      monitor.generator(),
      fromMs,
      performance.now(),
    );
    expect(summary?.sampleCount).toBeGreaterThanOrEqual(3);
    expect(summary?.cpuMax).toBeCloseTo(100, 6);
    expect(summary?.cpuMean).toBeCloseTo(100, 6);
    expect(summary?.memoryMaxMB).toBeCloseTo(350, 6);
    expect(summary?.isGeneratorSaturated).toBe(false);
  });

  it('uses precpu_stats of a daemon that ignores one-shot, so the first sample is there at start', async () => {
    standin = await startDockerStandin({ containers: [db], isOneShotIgnored: true });
    monitor = await startMonitor({
      container: db.id.slice(0, 12),
      dockerSocket: standin.socketPath,
      intervalMs: 10_000,
      warn: (line) => expect.fail(line),
    });
    const samples = monitor.series()[0]?.samples ?? [];
    expect(samples).toHaveLength(1);
    expect(samples[0]?.cpuPercent).toBeCloseTo(80, 6);
    expect(samples[0]?.memoryMB).toBeCloseTo(250, 6);
  });

  it('finds the socket through DOCKER_HOST=unix://…', async () => {
    standin = await startDockerStandin({ containers: [cache] });
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${standin.socketPath}`;
    try {
      monitor = await startMonitor({
        container: 'cache',
        intervalMs: INTERVAL_MS,
        warn: expect.fail,
      });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    await sleep(200);
    await monitor.stop();
    expect(monitor.series()[0]?.samples[0]?.cpuPercent).toBeCloseTo(20, 6);
    expect(monitor.series()[0]?.samples[0]?.memoryMB).toBeCloseTo(100, 6);
  });

  it('warns once for a missing socket and goes on with generator samples only', async () => {
    const socketPath = join(tmpdir(), `no-docker-${process.pid}-${Date.now()}.sock`);
    const warnings: string[] = [];
    monitor = await startMonitor({
      services: services({ postgres: db.id, redis: cache.id }),
      dockerSocket: socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(250);
    await monitor.stop();
    expect(warnings).toEqual([
      `resource monitor: no Docker socket at ${socketPath}; container metrics skipped`,
    ]);
    expect(monitor.series()).toEqual([]);
    expect(monitor.description).toBe(
      `no service resources (load generator CPU only), every ${INTERVAL_MS} ms`,
    );
    expect(monitor.generator().length).toBeGreaterThanOrEqual(2);
    for (const sample of monitor.generator()) {
      expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(sample.cpuPercent)).toBe(true);
    }
  });

  it('warns once for a refused connection', async () => {
    // Not a socket: connecting to it is refused, as with a socket nobody listens on.
    const socketPath = join(tmpdir(), `refused-docker-${process.pid}-${Date.now()}.sock`);
    await writeFile(socketPath, '');
    const warnings: string[] = [];
    monitor = await startMonitor({
      container: 'db',
      dockerSocket: `unix://${socketPath}`,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await monitor.stop();
    await rm(socketPath, { force: true });
    expect(warnings).toEqual([
      `resource monitor: Docker at ${socketPath} refused the connection; container metrics skipped`,
    ]);
    expect(monitor.series()).toEqual([]);
  });

  it('warns once for an unknown container and still watches the others', async () => {
    standin = await startDockerStandin({ containers: [db] });
    const warnings: string[] = [];
    monitor = await startMonitor({
      container: 'nope',
      services: services({ postgres: db.id }),
      dockerSocket: standin.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(250);
    await monitor.stop();
    expect(warnings).toEqual([
      "resource monitor: no container 'nope' (Docker: No such container: nope); its metrics skipped",
    ]);
    expect(monitor.series().map((s) => s.label)).toEqual([
      `container postgres (${db.id.slice(0, 12)})`,
    ]);
    expect(monitor.series()[0]?.samples.length).toBeGreaterThan(0);
  });

  it('warns once when a container goes away during the run, keeps what it had and stops cleanly', async () => {
    standin = await startDockerStandin({ containers: [db] });
    const warnings: string[] = [];
    monitor = await startMonitor({
      container: 'db',
      dockerSocket: standin.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(200);
    standin.removeContainer('db');
    await sleep(250);
    const kept = monitor.series()[0]?.samples.length ?? 0;
    await monitor.stop();
    await monitor.stop(); // idempotent
    expect(kept).toBeGreaterThan(0);
    expect(monitor.series()[0]?.samples.length).toBe(kept);
    expect(warnings).toEqual([
      `resource monitor: container db (${db.id.slice(0, 12)}) is gone (Docker: No such container: ${db.id}); its metrics stop`,
    ]);
  });

  it('skips ticks while a slow daemon answers, without holding up the process tree', async () => {
    standin = await startDockerStandin({ containers: [db], statsDelayMs: 200 });
    monitor = await startMonitor({
      pid: process.pid,
      container: 'db',
      dockerSocket: standin.socketPath,
      intervalMs: INTERVAL_MS,
      warn: expect.fail,
    });
    await sleep(700);
    await monitor.stop();
    expect(standin.maxConcurrentStats()).toBe(1);
    const stats = standin.requests.filter((r) => r.includes('/stats')).length;
    // ~1 + 700/200 readings, not 700/50 (fewer when a busy machine runs the timers late).
    expect(stats).toBeGreaterThanOrEqual(2);
    expect(stats).toBeLessThanOrEqual(6);
    // The process tree is read every tick meanwhile (~14 on a quiet machine): more often than
    // the daemon answers, which a tick waiting for the daemon could not be.
    const [processSeries, containerSeries] = monitor.series();
    expect(processSeries?.samples.length).toBeGreaterThan(stats);
    expect(containerSeries?.samples.every((s) => Math.abs(s.cpuPercent - 80) < 1e-6)).toBe(true);
  });

  it('takes no samples after stop', async () => {
    standin = await startDockerStandin({ containers: [db] });
    monitor = await startMonitor({
      container: 'db',
      dockerSocket: standin.socketPath,
      intervalMs: INTERVAL_MS,
      warn: expect.fail,
    });
    await sleep(150);
    await monitor.stop();
    const requests = standin.requests.length;
    const generatorSamples = monitor.generator().length;
    await sleep(200);
    expect(standin.requests.length).toBe(requests);
    expect(monitor.generator().length).toBe(generatorSamples);
  });

  it('rejects services text that is not the services JSON before watching anything', async () => {
    await expect(
      startMonitor({ services: '[object Object]', intervalMs: INTERVAL_MS, warn: expect.fail }),
    ).rejects.toThrow(ConfigError);
  });

  it('answers with a version prefix like the Engine API (stand-in check)', async () => {
    standin = await startDockerStandin({ containers: [db] });
    const client = createDockerClient(standin.socketPath);
    try {
      const inspect = await client.get('/v1.45/containers/db/json');
      expect(inspect.status).toBe(200);
      expect(inspect.body).toMatchObject({ Id: db.id, Name: '/db' });
      const missing = await client.get('/v1.45/containers/x/stats?stream=false');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: 'No such container: x' });
      // Taken for Docker, not podman (whose answers carry Libpod-Api-Version).
      expect(answeringEngine(missing)).toBe('docker');
    } finally {
      client.close();
    }
  });
});
