// Pure arithmetic on Docker Engine API stats (GET /containers/{id}/stats), the way `docker stats`
// computes CPU % and memory. Only the fields used are typed; all may be missing.

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
