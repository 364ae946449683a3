// The resource monitor's container path against a real container engine: podman serving the
// Docker Engine API (helpers/podman.ts), one real container that keeps one core busy and holds a
// known amount of memory. What the monitor reports is checked against the container's own
// counters, read through the same API at the start and the end of the watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, type DockerClient } from '../../src/monitor/docker-api.ts';
import type { DockerStats } from '../../src/monitor/docker-stats.ts';
import { startMonitor } from '../../src/monitor/start-monitor.ts';
import { type Podman, RUN_PODMAN_TESTS, startPodman } from '../helpers/podman.ts';

const MiB = 1024 * 1024;
/** What the busy container writes into its /dev/shm (a tmpfs: charged to its memory). */
const HELD_MIB = 48;
const INTERVAL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let engine: Podman;
let client: DockerClient;
let busyId: string;
const BUSY = `perf-action-busy-${process.pid}`;

async function stats(ref: string): Promise<{ atMs: number; stats: DockerStats }> {
  const answer = await client.get(`/containers/${ref}/stats?stream=false&one-shot=true`);
  expect(answer.status).toBe(200);
  return { atMs: performance.now(), stats: answer.body as DockerStats };
}

describe.runIf(RUN_PODMAN_TESTS)('resource monitor, containers (podman, Docker API)', () => {
  beforeAll(async () => {
    engine = await startPodman();
    client = createDockerClient(engine.socketPath);
    busyId = await engine.runContainer(
      BUSY,
      `dd if=/dev/zero of=/dev/shm/held bs=1048576 count=${HELD_MIB} 2>/dev/null && while :; do :; done`,
    );
    // Until the memory is held (dd done) and the loop runs.
    const started = performance.now();
    for (;;) {
      const { stats: now } = await stats(busyId);
      if ((now.memory_stats?.usage ?? 0) >= HELD_MIB * MiB) break;
      if (performance.now() - started > 20_000) throw new Error('the busy container never filled');
      await sleep(100);
    }
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await engine?.close();
  }, 60_000);

  it('reads CPU and memory of a container by name as its own counters say', async () => {
    const warnings: string[] = [];
    const before = await stats(busyId);
    const monitor = await startMonitor({
      container: BUSY,
      dockerSocket: engine.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(2_500);
    await monitor.stop();
    const after = await stats(busyId);

    expect(warnings).toEqual([]);
    const label = `container ${BUSY} (${busyId.slice(0, 12)})`;
    expect(monitor.description).toBe(`${label}, every ${INTERVAL_MS} ms`);
    const [series, ...others] = monitor.series();
    expect(others).toEqual([]);
    expect(series?.label).toBe(label);
    const samples = series?.samples ?? [];
    expect(samples.length).toBeGreaterThanOrEqual(4);

    // The truth: the container's CPU time over the wall time between the two reads, in % of a core.
    const cpuNs =
      (after.stats.cpu_stats?.cpu_usage?.total_usage ?? 0) -
      (before.stats.cpu_stats?.cpu_usage?.total_usage ?? 0);
    const truth = (cpuNs / ((after.atMs - before.atMs) * 1e6)) * 100;
    expect(truth).toBeGreaterThan(5);
    // One busy thread: at most one core, whatever else the machine does.
    expect(truth).toBeLessThan(105);
    // Each sample is the container's CPU time between two ticks over the time between the
    // engine's read stamps (podman's system_cpu_usage is busy time only, not Docker's: see
    // src/monitor/docker-stats.ts; with Docker's formula one busy core read ~190 % here). On a busy
    // machine one short gap between ticks can read far off, so the samples are held to the truth
    // as a whole: their median, and their mean more loosely.
    const cpu = samples.map((s) => s.cpuPercent).sort((a, b) => a - b);
    const median = cpu[Math.floor(cpu.length / 2)] as number;
    const mean = cpu.reduce((sum, value) => sum + value, 0) / cpu.length;
    expect(Math.abs(median - truth)).toBeLessThan(15);
    expect(Math.abs(mean - truth)).toBeLessThan(25);
    for (const sample of samples) {
      expect(Number.isFinite(sample.cpuPercent) && sample.cpuPercent >= 0).toBe(true);
      // What dd wrote is held, plus a shell and busybox: a few MB more at most (MB of 1024²).
      expect(sample.memoryMB).toBeGreaterThanOrEqual(HELD_MIB);
      expect(sample.memoryMB).toBeLessThan(HELD_MIB + 30);
    }
  });

  it('watches the container of a services JSON by id, under its service label', async () => {
    const warnings: string[] = [];
    const monitor = await startMonitor({
      services: JSON.stringify({ app: { id: busyId, network: 'none', ports: {} } }),
      dockerSocket: engine.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(1_000);
    await monitor.stop();
    expect(warnings).toEqual([]);
    const [series] = monitor.series();
    expect(series?.label).toBe(`container app (${busyId.slice(0, 12)})`);
    expect(series?.samples.length).toBeGreaterThanOrEqual(2);
  });

  it("names an unknown container with the engine's own message and watches nothing", async () => {
    const warnings: string[] = [];
    const monitor = await startMonitor({
      container: 'perf-action-no-such-container',
      dockerSocket: engine.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await monitor.stop();
    expect(warnings).toEqual([
      'resource monitor: no container \'perf-action-no-such-container\' (Docker: no container with name or ID "perf-action-no-such-container" found: no such container); its metrics skipped',
    ]);
    expect(monitor.series()).toEqual([]);
  });

  it('takes no samples of a stopped container and warns nothing', async () => {
    // Podman answers the stats of a container that is not running with 200 and an empty body.
    const name = `perf-action-exited-${process.pid}`;
    const id = await engine.runContainer(name, 'exit 0');
    const started = performance.now();
    while ((await engine.podman(['inspect', '--format', '{{.State.Status}}', name])) !== 'exited') {
      if (performance.now() - started > 20_000) throw new Error(`${name} never exited`);
      await sleep(100);
    }
    const warnings: string[] = [];
    const monitor = await startMonitor({
      container: name,
      dockerSocket: engine.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(600);
    await monitor.stop();
    expect(warnings).toEqual([]);
    const [series, ...others] = monitor.series();
    expect(others).toEqual([]);
    expect(series?.label).toBe(`container ${name} (${id.slice(0, 12)})`);
    expect(series?.samples).toEqual([]);
  });

  it('stops watching a container removed during the run, with one warning', async () => {
    const name = `perf-action-short-${process.pid}`;
    const id = await engine.runContainer(name, 'while :; do sleep 1; done');
    const warnings: string[] = [];
    const monitor = await startMonitor({
      container: name,
      dockerSocket: engine.socketPath,
      intervalMs: INTERVAL_MS,
      warn: (line) => warnings.push(line),
    });
    await sleep(800);
    await engine.podman(['rm', '--force', '--time', '0', name]);
    await sleep(1_000);
    await monitor.stop();
    const [series] = monitor.series();
    const label = `container ${name} (${id.slice(0, 12)})`;
    expect(series?.label).toBe(label);
    expect(series?.samples.length).toBeGreaterThanOrEqual(1);
    const gone = warnings.filter((w) => w.includes('is gone'));
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatch(
      new RegExp(`^resource monitor: ${label.replace(/[()]/g, '\\$&')} is gone \\(Docker: `),
    );
    // Between `stop` and the removal a read may fail (podman answers 500 while it removes the
    // container; a stopped one's empty answer is not warned of): at most one line for that.
    expect(warnings.length).toBeLessThanOrEqual(2);
  });
});
