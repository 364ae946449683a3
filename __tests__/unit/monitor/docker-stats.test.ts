import { describe, expect, it } from 'vitest';
import {
  answeringEngine,
  describeDockerFailure,
  dockerMessage,
  resolveDockerSocket,
} from '../../../src/monitor/docker-api.ts';
import {
  computeContainerCpuPercent,
  computeCpuPercent,
  computeMemoryBytes,
  computeWallCpuPercent,
  createCpuTracker,
  type DockerStats,
  parseReadTimeMs,
  readCpuCounters,
} from '../../../src/monitor/docker-stats.ts';

const MiB = 1024 * 1024;

describe('container CPU %', () => {
  it('is container delta / host delta × online CPUs × 100 (100 = one core)', () => {
    // 200 ms of container CPU while the 4-CPU host ran 1 s in total: 0.2 × 4 × 100 = 80 %.
    const before = { containerNs: 100e6, systemNs: 1e9, onlineCpus: 4 };
    const now = { containerNs: 300e6, systemNs: 2e9, onlineCpus: 4 };
    expect(computeCpuPercent(before, now)).toBeCloseTo(80, 9);
  });

  it('uses precpu_stats when the daemon filled them', () => {
    const stats: DockerStats = {
      cpu_stats: { cpu_usage: { total_usage: 300e6 }, system_cpu_usage: 2e9, online_cpus: 4 },
      precpu_stats: { cpu_usage: { total_usage: 100e6 }, system_cpu_usage: 1e9, online_cpus: 4 },
    };
    // The own previous reading is ignored when precpu is there.
    const previous = { containerNs: 1, systemNs: 1, onlineCpus: 4 };
    expect(computeContainerCpuPercent(stats, previous, 2)).toBeCloseTo(80, 9);
  });

  it.each([
    { why: 'precpu missing', precpu: undefined },
    {
      why: 'precpu zero (one-shot)',
      precpu: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 },
    },
    { why: 'precpu empty', precpu: {} },
  ])('falls back to the previous own reading with $why', ({ precpu }) => {
    const stats: DockerStats = {
      cpu_stats: { cpu_usage: { total_usage: 300e6 }, system_cpu_usage: 2e9, online_cpus: 4 },
      precpu_stats: precpu,
    };
    expect(computeContainerCpuPercent(stats, undefined, 2)).toBeUndefined();
    const previous = { containerNs: 100e6, systemNs: 1e9, onlineCpus: 4 };
    expect(computeContainerCpuPercent(stats, previous, 2)).toBeCloseTo(80, 9);
  });

  it('counts online CPUs from percpu_usage when online_cpus is missing (cgroup v1, old daemons)', () => {
    const counters = readCpuCounters(
      { cpu_usage: { total_usage: 5, percpu_usage: [1, 1, 1, 2] }, system_cpu_usage: 10 },
      16,
    );
    expect(counters).toEqual({ containerNs: 5, systemNs: 10, onlineCpus: 4 });
  });

  it('falls back to the given CPU count when nothing says', () => {
    const counters = readCpuCounters({ cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 }, 2);
    expect(counters?.onlineCpus).toBe(2);
  });

  it('gives no number when the host counter did not move or the container restarted', () => {
    const before = { containerNs: 300e6, systemNs: 2e9, onlineCpus: 4 };
    expect(computeCpuPercent(before, { ...before, containerNs: 400e6 })).toBeUndefined();
    expect(
      computeCpuPercent(before, { ...before, containerNs: 1e6, systemNs: 3e9 }),
    ).toBeUndefined();
  });

  it('gives 0 for an idle container', () => {
    const before = { containerNs: 300e6, systemNs: 2e9, onlineCpus: 4 };
    expect(computeCpuPercent(before, { ...before, systemNs: 3e9 })).toBe(0);
  });
});

// Two one-shot answers of podman 4.3.1's Docker-compatible API (cgroup v1 host, 2 CPUs, runc),
// 200 ms apart, for a container running `while :; do :; done`: one core busy, nothing else of
// note on the host. The unused fields are left out.
const PODMAN_EMPTY_PRECPU = {
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  cpu: 0,
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
};
const PODMAN_ANSWERS: DockerStats[] = [
  {
    read: '2026-12-05T18:21:30.228247982Z',
    preread: '0001-01-01T00:00:00Z',
    cpu_stats: {
      cpu_usage: { total_usage: 1601242603, percpu_usage: [43965413, 1557277190] },
      system_cpu_usage: 603448212876,
      online_cpus: 2,
    },
    precpu_stats: PODMAN_EMPTY_PRECPU,
  } as DockerStats,
  {
    read: '2026-12-05T18:21:30.442659203Z',
    preread: '0001-01-01T00:00:00Z',
    cpu_stats: {
      cpu_usage: { total_usage: 1817241932, percpu_usage: [43965413, 1773276519] },
      system_cpu_usage: 603678547566,
      online_cpus: 2,
    },
    precpu_stats: PODMAN_EMPTY_PRECPU,
  } as DockerStats,
];

describe('container CPU % from podman', () => {
  it("would read ~190 % for one busy core with Docker's formula: podman's system_cpu_usage is busy time only", () => {
    // The host counter moved 230 ms in 214 ms of wall time on 2 CPUs (Docker's would move ~428
    // ms): it is the host cgroups' CPU time (cpuacct.usage), mostly this very container's.
    const [first, second] = PODMAN_ANSWERS as [DockerStats, DockerStats];
    const before = readCpuCounters(first.cpu_stats, 2);
    const docker = computeContainerCpuPercent(second, before, 2);
    expect(docker).toBeGreaterThan(180);
  });

  it('is the container delta over the time between the engine read stamps, 100 = one core', () => {
    const tracker = createCpuTracker('podman', 2);
    const [first, second] = PODMAN_ANSWERS as [DockerStats, DockerStats];
    // The first answer only sets the baseline (precpu is empty).
    expect(tracker.next(first, 1_000)).toBeUndefined();
    const cpu = tracker.next(second, 1_100);
    // 215.999329 ms of CPU in 214.411221 ms.
    expect(cpu).toBeCloseTo((215.999329 / 214.411221) * 100, 3);
  });

  it('ignores precpu_stats, even when filled (later podman reads them a moment before cpu_stats)', () => {
    const tracker = createCpuTracker('podman', 2);
    const seeded = (answer: DockerStats): DockerStats => ({
      ...answer,
      precpu_stats: {
        cpu_usage: { total_usage: (answer.cpu_stats?.cpu_usage?.total_usage ?? 0) - 10_000 },
        system_cpu_usage: (answer.cpu_stats?.system_cpu_usage ?? 0) - 20_000,
      },
    });
    const [first, second] = PODMAN_ANSWERS as [DockerStats, DockerStats];
    expect(tracker.next(seeded(first), 0)).toBeUndefined();
    expect(tracker.next(seeded(second), 0)).toBeCloseTo((215.999329 / 214.411221) * 100, 3);
  });

  it('uses the time the answer came when it has no usable read stamp', () => {
    const tracker = createCpuTracker('podman', 2);
    expect(tracker.next({ cpu_stats: { cpu_usage: { total_usage: 1e9 } } }, 5_000)).toBeUndefined();
    // 100 ms of CPU in 400 ms: 25 %.
    expect(
      tracker.next({ read: 'garbage', cpu_stats: { cpu_usage: { total_usage: 1.1e9 } } }, 5_400),
    ).toBeCloseTo(25, 9);
  });

  it('gives no number when no time passed or the container restarted', () => {
    expect(
      computeWallCpuPercent({ containerNs: 5, atMs: 10 }, { containerNs: 9, atMs: 10 }),
    ).toBeUndefined();
    expect(
      computeWallCpuPercent({ containerNs: 5e9, atMs: 10 }, { containerNs: 1e6, atMs: 20 }),
    ).toBeUndefined();
    expect(computeWallCpuPercent({ containerNs: 5, atMs: 10 }, { containerNs: 5, atMs: 20 })).toBe(
      0,
    );
  });

  it("a Docker tracker keeps docker stats' formula", () => {
    const tracker = createCpuTracker('docker', 2);
    const answer = (containerNs: number, systemNs: number): DockerStats => ({
      read: '2026-12-05T18:21:30Z',
      cpu_stats: {
        cpu_usage: { total_usage: containerNs },
        system_cpu_usage: systemNs,
        online_cpus: 4,
      },
    });
    expect(tracker.next(answer(100e6, 1e9), 0)).toBeUndefined();
    expect(tracker.next(answer(300e6, 2e9), 0)).toBeCloseTo(80, 9);
  });
});

describe('parseReadTimeMs', () => {
  it.each([
    { read: '2026-12-05T18:21:30.228247982Z', ms: Date.UTC(2026, 11, 5, 18, 21, 30) + 228.247982 },
    {
      read: '2025-07-01T00:33:35.410552169+08:00',
      ms: Date.UTC(2025, 5, 30, 16, 33, 35) + 410.552169,
    },
    { read: '2026-12-05T18:21:30.5Z', ms: Date.UTC(2026, 11, 5, 18, 21, 30) + 500 },
    { read: '2026-12-05T18:21:30Z', ms: Date.UTC(2026, 11, 5, 18, 21, 30) },
  ])('$read', ({ read, ms }) => {
    expect(parseReadTimeMs(read)).toBeCloseTo(ms, 3);
  });

  it.each([undefined, '', '0001-01-01T00:00:00Z', 'yesterday', '2026-12-05 18:21:30Z'])(
    'no time for %j',
    (read) => {
      expect(parseReadTimeMs(read)).toBeUndefined();
    },
  );
});

describe('container memory', () => {
  it.each<{ shape: string; stats: Record<string, number> | undefined; expectedMiB: number }>([
    {
      shape: 'cgroup v1 with total_inactive_file',
      stats: { cache: 80 * MiB, total_inactive_file: 50 * MiB, inactive_file: 40 * MiB },
      expectedMiB: 250,
    },
    {
      shape: 'cgroup v1 with only cache (old daemons)',
      stats: { cache: 80 * MiB },
      expectedMiB: 220,
    },
    {
      shape: 'cgroup v2 (inactive_file, no cache)',
      stats: { anon: 200 * MiB, file: 90 * MiB, inactive_file: 30 * MiB, active_file: 60 * MiB },
      expectedMiB: 270,
    },
    { shape: 'no stats detail', stats: undefined, expectedMiB: 300 },
    {
      shape: 'a cache not below usage (ignored)',
      stats: { total_inactive_file: 400 * MiB },
      expectedMiB: 300,
    },
  ])('is usage minus page cache for $shape', ({ stats, expectedMiB }) => {
    const body: DockerStats = { memory_stats: { usage: 300 * MiB, ...(stats ? { stats } : {}) } };
    expect(computeMemoryBytes(body)).toBe(expectedMiB * MiB);
  });

  it('gives undefined for a stopped container (empty memory_stats)', () => {
    expect(computeMemoryBytes({ memory_stats: {} })).toBeUndefined();
    expect(computeMemoryBytes({})).toBeUndefined();
  });
});

describe('resolveDockerSocket', () => {
  it.each([
    { option: undefined, host: undefined, path: '/var/run/docker.sock', hasNote: false },
    { option: '/tmp/d.sock', host: 'unix:///x.sock', path: '/tmp/d.sock', hasNote: false },
    { option: 'unix:///tmp/d.sock', host: undefined, path: '/tmp/d.sock', hasNote: false },
    {
      option: undefined,
      host: 'unix:///run/user/1000/docker.sock',
      path: '/run/user/1000/docker.sock',
      hasNote: false,
    },
    { option: '  ', host: '', path: '/var/run/docker.sock', hasNote: false },
    {
      option: undefined,
      host: 'tcp://127.0.0.1:2375',
      path: '/var/run/docker.sock',
      hasNote: true,
    },
  ])('option $option, DOCKER_HOST $host -> $path', ({ option, host, path, hasNote }) => {
    const choice = resolveDockerSocket(option, host);
    expect(choice.socketPath).toBe(path);
    expect(choice.note !== undefined).toBe(hasNote);
    if (hasNote) expect(choice.note).toContain(host);
  });
});

describe('answeringEngine', () => {
  it.each([
    {
      why: 'podman 4 (Libpod-Api-Version, Server: Libpod/…)',
      headers: {
        'api-version': '1.41',
        'libpod-api-version': '4.3.1',
        server: 'Libpod/4.3.1 (linux)',
      },
      engine: 'podman',
    },
    {
      why: 'a Libpod server header alone',
      headers: { server: 'Libpod/5.2.0 (linux)' },
      engine: 'podman',
    },
    {
      why: 'Docker',
      headers: { 'api-version': '1.45', server: 'Docker/26.1.0 (linux)' },
      engine: 'docker',
    },
    { why: 'no headers', headers: undefined, engine: 'docker' },
  ])('$why -> $engine', ({ headers, engine }) => {
    expect(answeringEngine({ status: 200, body: {}, ...(headers ? { headers } : {}) })).toBe(
      engine,
    );
  });
});

describe('describeDockerFailure / dockerMessage', () => {
  const fail = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it.each([
    { code: 'ENOENT', line: 'no Docker socket at /s.sock' },
    { code: 'ECONNREFUSED', line: 'Docker at /s.sock refused the connection' },
    { code: 'EACCES', line: 'no permission to use the Docker socket at /s.sock' },
    { code: 'ETIMEDOUT', line: 'Docker at /s.sock failed: connect ETIMEDOUT' },
  ])('$code -> $line', ({ code, line }) => {
    expect(describeDockerFailure(fail(code), '/s.sock')).toBe(line);
  });

  it('reads the message of a Docker error body', () => {
    expect(dockerMessage({ status: 404, body: { message: 'No such container: x' } })).toBe(
      'No such container: x',
    );
    expect(dockerMessage({ status: 502, body: 'Bad Gateway\n' })).toBe('Bad Gateway');
    expect(dockerMessage({ status: 500, body: '' })).toBe('HTTP 500');
  });
});
