import { describe, expect, it } from 'vitest';
import {
  describeDockerFailure,
  dockerMessage,
  resolveDockerSocket,
} from '../../../src/monitor/docker-api.ts';
import {
  computeContainerCpuPercent,
  computeCpuPercent,
  computeMemoryBytes,
  type DockerStats,
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
