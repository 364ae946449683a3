// Pure arithmetic on Docker Engine API stats (GET /containers/{id}/stats), the way `docker stats`
// computes CPU % and memory. Only the fields used are typed; all may be missing.
//
// Podman serves the same API but its `system_cpu_usage` is not Docker's: up to podman 5 it is the
// CPU time the host's cgroups used (cgroup v1: the root's cpuacct.usage; v2: the sum of the
// top-level cgroups' usage_usec), i.e. busy time only, not the time of all CPUs including idle
// that Docker takes from /proc/stat. Docker's formula then divides by far too little: one busy
// core on an otherwise idle 2-CPU host reads ~190 % instead of ~100 %. Its precpu_stats are empty
// (podman 4) or read a moment before cpu_stats in the same request (later podman), so they give no
// interval worth measuring either. For podman, CPU is therefore taken against wall time: the
// container's CPU time between two of our own readings over the time between the engine's `read`
// stamps of those readings.

/** cpu_stats / precpu_stats of a stats answer. */
export interface DockerCpuStats {
  cpu_usage?: {
    /** CPU time of the container, in ns. */
    total_usage?: number;
    /** Per-CPU times (cgroup v1 only). */
    percpu_usage?: number[] | null;
  };
  /** CPU time of the whole host (all CPUs), in ns. */
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** The parts of a stats answer the monitor reads. */
export interface DockerStats {
  /** When the engine read cpu_stats, RFC 3339 with up to ns, e.g. `2024-05-01T10:00:00.123456789Z`. */
  read?: string;
  cpu_stats?: DockerCpuStats;
  precpu_stats?: DockerCpuStats;
  memory_stats?: {
    /** In bytes. */
    usage?: number;
    /** cgroup v1: `cache`, `total_inactive_file`, …; cgroup v2: `inactive_file`, `file`, … (bytes). */
    stats?: Record<string, number>;
  };
}

/** The cumulative CPU counters of one reading, in ns. */
export interface CpuCounters {
  containerNs: number;
  systemNs: number;
  onlineCpus: number;
}

/**
 * The counters of cpu_stats (or precpu_stats); undefined when they are empty or zero, as precpu
 * is on the first sample and with `one-shot=true`.
 * @param fallbackCpus used when neither `online_cpus` nor `percpu_usage` says how many CPUs.
 */
export function readCpuCounters(
  stats: DockerCpuStats | undefined,
  fallbackCpus: number,
): CpuCounters | undefined {
  const containerNs = stats?.cpu_usage?.total_usage;
  const systemNs = stats?.system_cpu_usage;
  if (!containerNs || !systemNs) return undefined;
  const online = stats?.online_cpus || stats?.cpu_usage?.percpu_usage?.length || fallbackCpus;
  return { containerNs, systemNs, onlineCpus: online };
}

/**
 * CPU of a container between two readings, in percent of one core (100 = one full core), as
 * `docker stats` does: container delta / host delta × online CPUs × 100.
 * @returns undefined when the host counter did not move or the container counter went back
 *   (a restart), i.e. when there is no meaningful number.
 */
export function computeCpuPercent(before: CpuCounters, now: CpuCounters): number | undefined {
  const containerDelta = now.containerNs - before.containerNs;
  const systemDelta = now.systemNs - before.systemNs;
  if (!(systemDelta > 0) || containerDelta < 0) return undefined;
  return (containerDelta / systemDelta) * now.onlineCpus * 100;
}

/**
 * CPU % of one stats answer: against its own precpu_stats when the daemon filled them, else
 * against `previous` (the counters of this container's previous answer).
 */
export function computeContainerCpuPercent(
  stats: DockerStats,
  previous: CpuCounters | undefined,
  fallbackCpus: number,
): number | undefined {
  const now = readCpuCounters(stats.cpu_stats, fallbackCpus);
  if (!now) return undefined;
  const before = readCpuCounters(stats.precpu_stats, fallbackCpus) ?? previous;
  return before ? computeCpuPercent(before, now) : undefined;
}

/** Which engine answers: their `system_cpu_usage` differ (see the top of this file). */
export type ContainerEngine = 'docker' | 'podman';

/**
 * An RFC 3339 time with up to 9 fraction digits (Go's time.Time in JSON) in ms since the epoch,
 * with the fraction kept (a double holds it to well under 1 µs).
 * @returns undefined when it is missing, not such a time, or Go's zero time (`0001-01-01T…`, an
 *   unset `preread`).
 */
export function parseReadTimeMs(read: string | undefined): number | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(
    read ?? '',
  );
  if (!match) return undefined;
  const wholeMs = Date.parse(`${match[1]}${match[3]}`);
  if (!(Number.isFinite(wholeMs) && wholeMs > 0)) return undefined;
  return wholeMs + Number((match[2] ?? '').padEnd(9, '0')) / 1e6;
}

/** A container's cumulative CPU time and when it was read. */
export interface TimedCpuReading {
  containerNs: number;
  /** ms since the epoch. */
  atMs: number;
}

/**
 * CPU of a container between two readings against wall time, in percent of one core:
 * container delta / elapsed time × 100.
 * @returns undefined when no time passed or the container counter went back (a restart).
 */
export function computeWallCpuPercent(
  before: TimedCpuReading,
  now: TimedCpuReading,
): number | undefined {
  const containerDelta = now.containerNs - before.containerNs;
  const elapsedNs = (now.atMs - before.atMs) * 1e6;
  if (!(elapsedNs > 0) || containerDelta < 0) return undefined;
  return (containerDelta / elapsedNs) * 100;
}

/** Turns a container's stats answers, in the order they came, into CPU %. */
export interface CpuTracker {
  /**
   * The CPU % of this answer (undefined when there is no meaningful number yet, e.g. for the
   * first answer of a one-shot read); remembers its counters for the next one.
   * @param receivedAtMs when the answer came, in ms since the epoch: the reading's time when the
   *   answer has no usable `read`.
   */
  next(stats: DockerStats, receivedAtMs: number): number | undefined;
}

/**
 * A tracker for one container. Docker: as `docker stats`, against precpu_stats when filled, else
 * against the previous answer. Podman: against the previous answer, over wall time.
 * @param fallbackCpus used when an answer does not say how many CPUs (Docker's formula).
 */
export function createCpuTracker(engine: ContainerEngine, fallbackCpus: number): CpuTracker {
  if (engine === 'podman') {
    let previous: TimedCpuReading | undefined;
    return {
      next(stats, receivedAtMs) {
        const containerNs = stats.cpu_stats?.cpu_usage?.total_usage;
        if (typeof containerNs !== 'number' || !Number.isFinite(containerNs)) return undefined;
        const now = { containerNs, atMs: parseReadTimeMs(stats.read) ?? receivedAtMs };
        const cpuPercent = previous ? computeWallCpuPercent(previous, now) : undefined;
        previous = now;
        return cpuPercent;
      },
    };
  }
  let previous: CpuCounters | undefined;
  return {
    next(stats) {
      const cpuPercent = computeContainerCpuPercent(stats, previous, fallbackCpus);
      previous = readCpuCounters(stats.cpu_stats, fallbackCpus) ?? previous;
      return cpuPercent;
    },
  };
}

/**
 * Memory in use by a container, in bytes, as `docker stats` shows it: usage minus the page cache
 * that the kernel can drop. cgroup v1: `total_inactive_file` when present, else `cache`; cgroup v2:
 * `inactive_file`. A subtrahend not below usage is ignored.
 * @returns undefined when there is no usage (a stopped container).
 */
export function computeMemoryBytes(stats: DockerStats): number | undefined {
  const usage = stats.memory_stats?.usage;
  if (usage === undefined || !Number.isFinite(usage)) return undefined;
  const detail = stats.memory_stats?.stats ?? {};
  const cache = detail.total_inactive_file ?? detail.cache ?? detail.inactive_file;
  return cache !== undefined && cache < usage ? usage - cache : usage;
}
